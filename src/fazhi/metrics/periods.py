"""Statistical periods: a year, a quarter, a month or a custom date range (pure, no ORM)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from fazhi.core.dates import MAX_YEAR, MIN_YEAR, parse_cn_date

QUARTER_NAMES = "一二三四"

_YEAR = re.compile(r"^(\d{4})年?$")
_QUARTER = re.compile(r"^(\d{4})\s*(?:-?[Qq]|年第?)([1-4一二三四])(?:季度)?$")
_MONTH = re.compile(r"^(\d{4})(?:-|年)(\d{1,2})月?$")
_RANGE = re.compile(r"^(.+?)\s*(?:\.\.|至|~)\s*(.+)$")


@dataclass(frozen=True)
class Period:
    """A closed date interval ``start..end`` with its kind and canonical text ``key``.

    ``key`` parses back to the same period: ``2024``, ``2024Q1``, ``2024-03`` or
    ``2024-01-01..2024-06-30``. A record is in the period when its date is within the
    interval, both ends included.
    """

    start: dt.date
    end: dt.date
    kind: str  # "year" | "quarter" | "month" | "range"
    key: str

    @classmethod
    def for_year(cls, year: int) -> Period:
        _check_year(year)
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), "year", f"{year}")

    @classmethod
    def for_quarter(cls, year: int, quarter: int) -> Period:
        _check_year(year)
        if not 1 <= quarter <= 4:
            raise ValueError(f"季度“{quarter}”无效，应为 1–4")
        first = 3 * quarter - 2
        end = dt.date(year, first + 2, calendar.monthrange(year, first + 2)[1])
        return cls(dt.date(year, first, 1), end, "quarter", f"{year}Q{quarter}")

    @classmethod
    def for_month(cls, year: int, month: int) -> Period:
        _check_year(year)
        if not 1 <= month <= 12:
            raise ValueError(f"月份“{month}”无效，应为 1–12")
        end = dt.date(year, month, calendar.monthrange(year, month)[1])
        return cls(dt.date(year, month, 1), end, "month", f"{year}-{month:02d}")

    @classmethod
    def for_range(cls, start: dt.date, end: dt.date) -> Period:
        if end < start:
            raise ValueError(f"期间的结束日期 {end.isoformat()} 早于开始日期 {start.isoformat()}")
        return cls(start, end, "range", f"{start.isoformat()}..{end.isoformat()}")

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse ``2024``, ``2024Q1`` (or 2024年第一季度), ``2024-03`` (or 2024年3月), or
        ``2024-01-01..2024-06-30`` (either end in any format ``parse_cn_date`` accepts).

        Raises ValueError with a Chinese message naming the bad value.
        """
        value = text.strip()
        if match := _YEAR.match(value):
            return cls.for_year(int(match.group(1)))
        if match := _QUARTER.match(value):
            q = match.group(2)
            quarter = int(q) if q.isdigit() else QUARTER_NAMES.index(q) + 1
            return cls.for_quarter(int(match.group(1)), quarter)
        if match := _MONTH.match(value):
            return cls.for_month(int(match.group(1)), int(match.group(2)))
        if match := _RANGE.match(value):
            return cls.for_range(parse_cn_date(match.group(1)), parse_cn_date(match.group(2)))
        raise ValueError(
            f"无法识别的统计期间“{text}”，请使用 2024、2024Q1、2024-03 或 "
            "2024-01-01..2024-06-30 格式"
        )

    @property
    def year(self) -> int:
        """The year whose metric definitions apply: the year the period starts in."""
        return self.start.year

    @property
    def label(self) -> str:
        """Chinese label: 2024年, 2024年第一季度, 2024年3月, 2024年1月1日至2024年6月30日."""
        if self.kind == "year":
            return f"{self.start.year}年"
        if self.kind == "quarter":
            return f"{self.start.year}年第{QUARTER_NAMES[(self.start.month - 1) // 3]}季度"
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        return f"{_cn(self.start)}至{_cn(self.end)}"

    def __str__(self) -> str:
        return self.label


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"年份“{year}”超出范围（{MIN_YEAR}–{MAX_YEAR}年）")
