"""`fazhi.core.dates`: dates as Chinese users write them."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from fazhi.core.dates import cn_weekday, parse_cn_date

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2024-03-05", dt.date(2024, 3, 5), id="iso"),
        pytest.param("2024-3-5", dt.date(2024, 3, 5), id="iso-no-padding"),
        pytest.param("2024/3/5", dt.date(2024, 3, 5), id="slashes"),
        pytest.param("2024/03/05", dt.date(2024, 3, 5), id="slashes-padded"),
        pytest.param("2024年3月5日", dt.date(2024, 3, 5), id="chinese"),
        pytest.param("2024年03月05日", dt.date(2024, 3, 5), id="chinese-padded"),
        pytest.param("2024年3月5", dt.date(2024, 3, 5), id="chinese-without-ri"),
        pytest.param("2024.3.5", dt.date(2024, 3, 5), id="dots"),
        pytest.param("20240305", dt.date(2024, 3, 5), id="compact"),
        pytest.param("  2024-03-05\n", dt.date(2024, 3, 5), id="surrounding-whitespace"),
        pytest.param("2024-02-29", dt.date(2024, 2, 29), id="leap-day"),
        pytest.param("2025-12-31", dt.date(2025, 12, 31), id="last-day-of-year"),
    ],
)
def test_parse_cn_date_accepts(text: str, expected: dt.date) -> None:
    assert parse_cn_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("2025-13-01", id="month-13"),
        pytest.param("2025-02-30", id="feb-30"),
        pytest.param("2023-02-29", id="feb-29-not-leap"),
        pytest.param("2024-04-31", id="apr-31"),
        pytest.param("2024年0月5日", id="month-0"),
        pytest.param("2024/3/0", id="day-0"),
        pytest.param("20241305", id="compact-month-13"),
    ],
)
def test_parse_cn_date_rejects_nonexistent_dates(text: str) -> None:
    with pytest.raises(ValueError, match="不存在") as info:
        parse_cn_date(text)
    assert text in str(info.value)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("abc", id="letters"),
        pytest.param("", id="empty"),
        pytest.param("   ", id="blank"),
        pytest.param("24-03-05", id="two-digit-year"),
        pytest.param("2024-03", id="no-day"),
        pytest.param("2024-03-05-01", id="too-many-parts"),
        pytest.param("2024-03-05T00:00", id="datetime"),
        pytest.param("2024/03-05", id="mixed-separators"),
        pytest.param("2024035", id="compact-seven-digits"),
        pytest.param("三月五日", id="chinese-numerals"),
        pytest.param("2024-003-05", id="three-digit-month"),
    ],
)
def test_parse_cn_date_rejects_unrecognised_text(text: str) -> None:
    with pytest.raises(ValueError, match="无法识别的日期") as info:
        parse_cn_date(text)
    message = str(info.value)
    assert text in message
    assert CJK.search(message)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(dt.date(2025, 9, 28), "星期日", id="sunday"),
        pytest.param(dt.date(2025, 9, 29), "星期一", id="monday"),
        pytest.param(dt.date(2025, 10, 10), "星期五", id="friday"),
        pytest.param(dt.date(2025, 10, 11), "星期六", id="saturday"),
    ],
)
def test_cn_weekday(day: dt.date, expected: str) -> None:
    assert cn_weekday(day) == expected


@pytest.mark.parametrize("text", ["0000-01-01", "1900-05-01", "9999-12-31", "2101-01-01"])
def test_parse_cn_date_rejects_years_out_of_range(text: str) -> None:
    with pytest.raises(ValueError, match="超出范围"):
        parse_cn_date(text)
