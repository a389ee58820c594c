"""Parsing of dates as Chinese users write them."""

from __future__ import annotations

import datetime as dt
import re

MIN_YEAR, MAX_YEAR = 1949, 2100

_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_cn_date(text: str) -> dt.date:
    """Parse 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日 or 20240305.

    Raises ValueError with a Chinese message naming the bad value.
    """
    value = text.strip()
    for pattern in _PATTERNS:
        match = pattern.match(value)
        if match:
            year, month, day = (int(g) for g in match.groups())
            if not MIN_YEAR <= year <= MAX_YEAR:
                raise ValueError(f"日期“{text}”的年份超出范围（{MIN_YEAR}–{MAX_YEAR}年）")
            try:
                return dt.date(year, month, day)
            except ValueError:
                raise ValueError(f"日期“{text}”不存在（{year}年{month}月{day}日）") from None
    raise ValueError(f"无法识别的日期“{text}”，请使用 2024-03-05、2024/3/5 或 2024年3月5日 格式")


WEEKDAYS = "一二三四五六日"


def cn_weekday(day: dt.date) -> str:
    return "星期" + WEEKDAYS[day.weekday()]
