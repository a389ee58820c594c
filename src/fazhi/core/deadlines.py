"""Working-day calendar and statutory deadline arithmetic. Pure functions: no ORM here.

Counting follows the statutes:

* 行政复议法(2023) 第88条: its 「三日」「五日」「七日」「十日」 are working days
  (工作日, 不含法定休假日);
  other periods are natural days, computed as the 民事诉讼法 provides.
* 民事诉讼法 (期间): the day on which a period starts is not counted; when the last day of a
  natural-day period falls on a rest day, the period ends on the next working day.

Holidays and 调休 make-up working days come from the ``chinese-calendar`` package. For years the
package does not cover, an administrator may enter the State Council schedule into the override
table (``CalendarDay``/``CalendarYear``); it is passed in here as :class:`CalendarData`. A
computation that touches a year covered by neither says so in :attr:`Due.uncovered_years` and
falls back to Monday–Friday only for those days, so the caller can warn the user.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import chinese_calendar
from chinese_calendar import constants as _cc


class Counting(StrEnum):
    WORKING = "working"
    NATURAL = "natural"

    @property
    def label(self) -> str:
        return "工作日" if self is Counting.WORKING else "自然日"


PACKAGE_FIRST_YEAR: int = min(_cc.holidays).year
PACKAGE_LAST_YEAR: int = max(max(_cc.holidays), max(_cc.workdays)).year


@dataclass(frozen=True)
class CalendarData:
    """Administrator overrides on top of the package.

    ``days`` maps a date to whether it is a working day (an override wins over the package).
    ``complete_years`` are years whose whole schedule the administrator has entered, so that
    weekdays not listed in ``days`` are ordinary working days and weekends ordinary rest days.
    """

    days: Mapping[dt.date, bool] = field(default_factory=dict)
    complete_years: frozenset[int] = frozenset()


PACKAGE_ONLY = CalendarData()


def year_covered(year: int, calendar: CalendarData = PACKAGE_ONLY) -> bool:
    """True when the year's holiday schedule is known (package or complete override year)."""
    return PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR or year in calendar.complete_years


def is_workday(day: dt.date, calendar: CalendarData = PACKAGE_ONLY) -> bool:
    """Whether ``day`` is a working day, including 调休 make-up working weekends.

    For an uncovered year this answers Monday–Friday; check :func:`year_covered` to know.
    """
    if day in calendar.days:
        return calendar.days[day]
    if PACKAGE_FIRST_YEAR <= day.year <= PACKAGE_LAST_YEAR:
        return _package_workday(day)
    return day.weekday() < 5


@functools.lru_cache(maxsize=16_384)
def _package_workday(day: dt.date) -> bool:
    """The package's answer for a day (fixed for an installed version: cached)."""
    return bool(chinese_calendar.is_workday(day))


@dataclass(frozen=True)
class Due:
    """The result of a deadline computation."""

    start: dt.date
    days: int
    counting: Counting
    due: dt.date
    rolled_from: dt.date | None = None
    uncovered_years: tuple[int, ...] = ()
    excluded_days: int = 0

    @property
    def warning(self) -> str | None:
        if not self.uncovered_years:
            return None
        years = "、".join(f"{y}年" for y in self.uncovered_years)
        return (
            f"警告：{years}的节假日安排尚未录入（内置节假日数据仅覆盖 "
            f"{PACKAGE_FIRST_YEAR}–{PACKAGE_LAST_YEAR} 年），该年份按周一至周五为工作日临时推算，"
            "结果可能不准确；请系统管理员在“节假日维护”中录入国务院办公厅公布的安排。"
        )


def add_days(
    start: dt.date,
    n: int,
    counting: Counting | str,
    *,
    calendar: CalendarData = PACKAGE_ONLY,
    roll_to_workday: bool = True,
) -> Due:
    """Add ``n`` statutory days to ``start`` (the start day itself is not counted).

    ``working``: the n-th working day after ``start``. ``natural``: ``start + n`` calendar
    days, moved to the next working day when it falls on a rest day (unless
    ``roll_to_workday`` is false). ``n`` must be >= 0.
    """
    if n < 0:
        raise ValueError("期限天数不能为负数")
    counting = Counting(counting)
    seen: set[int] = set()

    def workday(day: dt.date) -> bool:
        if not year_covered(day.year, calendar) and day not in calendar.days:
            seen.add(day.year)
        return is_workday(day, calendar)

    rolled_from: dt.date | None = None
    if counting is Counting.WORKING:
        day, remaining = start, n
        while remaining > 0:
            day += dt.timedelta(days=1)
            if workday(day):
                remaining -= 1
    else:
        day = start + dt.timedelta(days=n)
        if roll_to_workday and n > 0 and not workday(day):
            rolled_from = day
            while not workday(day):
                day += dt.timedelta(days=1)
    return Due(
        start=start,
        days=n,
        counting=counting,
        due=day,
        rolled_from=rolled_from,
        uncovered_years=tuple(sorted(seen)),
    )


def count_back(
    end: dt.date, n: int, counting: Counting | str, *, calendar: CalendarData = PACKAGE_ONLY
) -> Due:
    """The last day that is ``n`` statutory days before ``end`` (``end`` itself not counted),
    for a period counted back from an event, e.g. 举行听证的五日前 (行政复议法第51条).

    ``working``: the n-th working day before ``end``. ``natural``: ``end - n`` calendar days,
    not moved (an act due *before* a day may be done on a rest day). ``Due.start`` is ``end``.
    """
    if n < 0:
        raise ValueError("期限天数不能为负数")
    counting = Counting(counting)
    seen: set[int] = set()
    if counting is Counting.WORKING:
        day, remaining = end, n
        while remaining > 0:
            day -= dt.timedelta(days=1)
            if not year_covered(day.year, calendar) and day not in calendar.days:
                seen.add(day.year)
            if is_workday(day, calendar):
                remaining -= 1
    else:
        day = end - dt.timedelta(days=n)
    return Due(start=end, days=n, counting=counting, due=day, uncovered_years=tuple(sorted(seen)))


Pause = tuple[dt.date, dt.date | None]


def _paused(day: dt.date, pauses: Sequence[Pause]) -> bool:
    return any(s < day and (e is None or day <= e) for s, e in pauses)


def add_days_paused(
    start: dt.date,
    n: int,
    counting: Counting | str,
    *,
    pauses: Sequence[Pause] = (),
    calendar: CalendarData = PACKAGE_ONLY,
    roll_to_workday: bool = True,
) -> Due | None:
    """Like :func:`add_days`, but days inside a pause are not counted (e.g. 行政复议中止).

    A pause ``(suspended_on, resumed_on)`` stops the clock after ``suspended_on`` and restarts it
    after ``resumed_on``: the days in ``(suspended_on, resumed_on]`` are excluded. An open pause
    (``resumed_on`` None) that the period reaches means there is no due date yet: None.
    """
    if not pauses:
        return add_days(start, n, counting, calendar=calendar, roll_to_workday=roll_to_workday)
    if n < 0:
        raise ValueError("期限天数不能为负数")
    counting = Counting(counting)
    seen: set[int] = set()
    open_from = min((s for s, e in pauses if e is None), default=None)

    def workday(day: dt.date) -> bool:
        if not year_covered(day.year, calendar) and day not in calendar.days:
            seen.add(day.year)
        return is_workday(day, calendar)

    day, remaining, excluded = start, n, 0
    while remaining > 0:
        day += dt.timedelta(days=1)
        if open_from is not None and day > open_from:
            return None  # the clock is stopped and has not restarted yet
        if _paused(day, pauses):
            excluded += 1
            continue
        if counting is Counting.NATURAL or workday(day):
            remaining -= 1
    rolled_from: dt.date | None = None
    if counting is Counting.NATURAL and roll_to_workday and n > 0 and not workday(day):
        rolled_from = day
        while not workday(day):
            day += dt.timedelta(days=1)
    return Due(
        start=start,
        days=n,
        counting=counting,
        due=day,
        rolled_from=rolled_from,
        uncovered_years=tuple(sorted(seen)),
        excluded_days=excluded,
    )


def working_days_between(
    first: dt.date, last: dt.date, calendar: CalendarData = PACKAGE_ONLY
) -> int:
    """Working days in the half-open interval (first, last]; 0 when last <= first."""
    count, day = 0, first
    while day < last:
        day += dt.timedelta(days=1)
        if is_workday(day, calendar):
            count += 1
    return count
