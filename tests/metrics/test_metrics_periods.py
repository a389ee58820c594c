"""Periods: parsing, canonical keys, Chinese labels, boundaries (pure, no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from fazhi.metrics.engine import plain_number, rounded
from fazhi.metrics.periods import Period

D = dt.date


@pytest.mark.parametrize(
    ("text", "start", "end", "key", "label"),
    [
        ("2024", D(2024, 1, 1), D(2024, 12, 31), "2024", "2024年"),
        ("2024年", D(2024, 1, 1), D(2024, 12, 31), "2024", "2024年"),
        ("2024Q1", D(2024, 1, 1), D(2024, 3, 31), "2024Q1", "2024年第一季度"),
        ("2024q4", D(2024, 10, 1), D(2024, 12, 31), "2024Q4", "2024年第四季度"),
        ("2024-Q2", D(2024, 4, 1), D(2024, 6, 30), "2024Q2", "2024年第二季度"),
        ("2024年第三季度", D(2024, 7, 1), D(2024, 9, 30), "2024Q3", "2024年第三季度"),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "2024-02", "2024年2月"),
        ("2023-2", D(2023, 2, 1), D(2023, 2, 28), "2023-02", "2023年2月"),
        ("2024年12月", D(2024, 12, 1), D(2024, 12, 31), "2024-12", "2024年12月"),
        (
            "2024-01-01..2024-06-30",
            D(2024, 1, 1),
            D(2024, 6, 30),
            "2024-01-01..2024-06-30",
            "2024年1月1日至2024年6月30日",
        ),
        (
            " 2024/3/5 至 2025年1月2日 ",
            D(2024, 3, 5),
            D(2025, 1, 2),
            "2024-03-05..2025-01-02",
            "2024年3月5日至2025年1月2日",
        ),
        (
            "2024-05-05..2024-05-05",
            D(2024, 5, 5),
            D(2024, 5, 5),
            "2024-05-05..2024-05-05",
            "2024年5月5日至2024年5月5日",
        ),
    ],
)
def test_parse(text: str, start: dt.date, end: dt.date, key: str, label: str) -> None:
    period = Period.parse(text)
    assert (period.start, period.end, period.key, period.label, str(period)) == (
        start,
        end,
        key,
        label,
        label,
    )
    assert Period.parse(period.key) == period  # the key round-trips
    assert period.year == start.year


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "无法识别的统计期间"),
        ("24", "无法识别的统计期间"),
        ("2024Q5", "无法识别的统计期间“2024Q5”"),
        ("2024-13", "月份“13”无效"),
        ("2024-06-30..2024-01-01", "结束日期 2024-01-01 早于开始日期 2024-06-30"),
        ("2024-02-30..2024-03-01", "日期“2024-02-30”不存在"),
        ("1800", "年份“1800”超出范围"),
    ],
)
def test_parse_errors_are_chinese(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Period.parse(text)


def test_constructors_and_year_of_a_range() -> None:
    assert Period.for_quarter(2025, 2) == Period.parse("2025Q2")
    assert Period.for_month(2025, 1) == Period.parse("2025-01")
    assert Period.parse("2024-07-01..2025-06-30").year == 2024  # definitions of the starting year
    with pytest.raises(ValueError, match="季度“0”无效"):
        Period.for_quarter(2024, 0)


def test_rounding_is_half_up() -> None:
    from decimal import Decimal

    assert rounded(Decimal("18.25"), 1) == Decimal("18.3")
    assert rounded(Decimal("2600") / Decimal(142), 1) == Decimal("18.3")
    assert rounded(Decimal("8000") / Decimal(142), 1) == Decimal("56.3")
    assert rounded(Decimal("0.5"), 0) == Decimal(1)
    assert str(rounded(Decimal(0), 1)) == "0.0"
    assert plain_number(Decimal("18.3")) == 18.3 and plain_number(Decimal("142")) == 142
    assert plain_number(None) is None and plain_number(7) == 7
