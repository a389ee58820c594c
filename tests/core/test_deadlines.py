"""The deadline engine (`fazhi.core.deadlines`): pure functions, no database.

Legal basis
-----------
行政复议法(2023) 第八十八条: 本法关于行政复议期间有关“三日”、“五日”、“七日”、“十日”的规定是指
工作日，不含法定休假日 (and 政府信息公开条例 counts 工作日 explicitly). Everything else follows the
民事诉讼法 on 期间: the start day is not counted, and a period whose last day is a rest day ends on
the next working day. Working days include the 调休 make-up Saturdays/Sundays.

Official schedules used for the hand-checked table (国务院办公厅关于部分节假日安排的通知)
-------------------------------------------------------------------------------------
2023 (国办发明电〔2022〕16号):
  元旦       2022-12-31(六) 至 2023-01-02(一) 放假，共3天，不调休。
  春节       1月21日(六, 除夕) 至 27日(五) 放假调休，共7天；1月28日(六)、1月29日(日) 上班。
  劳动节     4月29日(六) 至 5月3日(三) 放假调休，共5天；4月23日(日)、5月6日(六) 上班。
  中秋国庆   9月29日(五) 至 10月6日(五) 放假调休，共8天；10月7日(六)、10月8日(日) 上班。
2024 (国办发明电〔2023〕7号):
  元旦       1月1日(一) 放假，与周末连休。
  春节       2月10日(六) 至 17日(六) 放假调休，共8天；2月4日(日)、2月18日(日) 上班。
             (通知“鼓励”除夕2月9日(五)休息，但2月9日不是法定休假日，仍是工作日。)
  中秋       9月15日(日) 至 17日(二) 放假调休，共3天；9月14日(六) 上班。
  国庆       10月1日(二) 至 7日(一) 放假调休，共7天；9月29日(日)、10月12日(六) 上班。
2025 (国办发明电〔2024〕12号):
  春节       1月28日(二, 除夕) 至 2月4日(二) 放假调休，共8天；1月26日(日)、2月8日(六) 上班。
  劳动节     5月1日(四) 至 5日(一) 放假调休，共5天；4月27日(日) 上班。
  国庆中秋   10月1日(三) 至 8日(三) 放假调休，共8天；9月28日(日)、10月11日(六) 上班。
Every expected date below was counted by hand on a paper calendar against these schedules; the
comment of each case shows the count. 2026 is deliberately not used in the hand-checked table.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from fazhi.core.deadlines import (
    PACKAGE_FIRST_YEAR,
    PACKAGE_LAST_YEAR,
    PACKAGE_ONLY,
    CalendarData,
    Counting,
    Due,
    add_days,
    is_workday,
    working_days_between,
    year_covered,
)

W = Counting.WORKING
N = Counting.NATURAL
CJK = re.compile(r"[\u4e00-\u9fff]")


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def span(first: str, last: str) -> list[dt.date]:
    day, end, out = d(first), d(last), []
    while day <= end:
        out.append(day)
        day += dt.timedelta(days=1)
    return out


# The schedules above, as data: (holiday days, 调休 make-up working days).
OFFICIAL_HOLIDAYS: dict[str, list[dt.date]] = {
    "2023 元旦": span("2022-12-31", "2023-01-02"),
    "2023 春节": span("2023-01-21", "2023-01-27"),
    "2023 劳动节": span("2023-04-29", "2023-05-03"),
    "2023 中秋国庆": span("2023-09-29", "2023-10-06"),
    "2024 元旦": [d("2024-01-01")],
    "2024 春节": span("2024-02-10", "2024-02-17"),
    "2024 中秋": span("2024-09-15", "2024-09-17"),
    "2024 国庆": span("2024-10-01", "2024-10-07"),
    "2025 春节": span("2025-01-28", "2025-02-04"),
    "2025 劳动节": span("2025-05-01", "2025-05-05"),
    "2025 国庆中秋": span("2025-10-01", "2025-10-08"),
}
OFFICIAL_MAKEUP_WORKDAYS: dict[str, list[dt.date]] = {
    "2023 春节": [d("2023-01-28"), d("2023-01-29")],
    "2023 劳动节": [d("2023-04-23"), d("2023-05-06")],
    "2023 中秋国庆": [d("2023-10-07"), d("2023-10-08")],
    "2024 春节": [d("2024-02-04"), d("2024-02-18")],
    "2024 中秋": [d("2024-09-14")],
    "2024 国庆": [d("2024-09-29"), d("2024-10-12")],
    "2025 春节": [d("2025-01-26"), d("2025-02-08")],
    "2025 劳动节": [d("2025-04-27")],
    "2025 国庆中秋": [d("2025-09-28"), d("2025-10-11")],
}


@pytest.mark.parametrize("days", [pytest.param(v, id=k) for k, v in OFFICIAL_HOLIDAYS.items()])
def test_official_holidays_are_rest_days(days: list[dt.date]) -> None:
    assert [day for day in days if is_workday(day)] == []


@pytest.mark.parametrize(
    "days", [pytest.param(v, id=k) for k, v in OFFICIAL_MAKEUP_WORKDAYS.items()]
)
def test_official_makeup_days_are_working_days(days: list[dt.date]) -> None:
    assert all(day.weekday() >= 5 for day in days)  # the schedule really moves weekends
    assert [day for day in days if not is_workday(day)] == []


def test_chinese_new_years_eve_2024_is_a_working_day() -> None:
    # 2024 通知 only "鼓励" rest on 除夕 (2月9日, 周五); it is not a 法定休假日.
    assert is_workday(d("2024-02-09"))


# ---------------------------------------------------------------------------------------------
# The hand-checked table: (start, n, counting, expected due, expected rolled_from), with the
# count written out. "=k" marks the k-th counted working day; 休 = rest day; 班 = make-up day.
# ---------------------------------------------------------------------------------------------
# fmt: off
HAND_CHECKED = [
    # 国庆中秋 2025: 10/1-10/8 休, 9/28(日) and 10/11(六) 班
    pytest.param("2025-09-26", 5, W, "2025-10-10", None,
                 "Fri. 9/27六休, 9/28日班=1, 9/29=2, 9/30=3, 10/1-8休, 10/9=4, 10/10=5",
                 id="2025国庆-Fri-before-5w"),
    pytest.param("2025-09-30", 3, W, "2025-10-11", None,
                 "10/1-8休, 10/9=1, 10/10=2, 10/11六班=3: ends on the make-up Saturday",
                 id="2025国庆-3w-ends-on-makeup-Sat"),
    pytest.param("2025-09-30", 5, W, "2025-10-14", None,
                 "10/9=1, 10/10=2, 10/11六班=3, 10/12日休, 10/13=4, 10/14=5",
                 id="2025国庆-5w-spans-makeup-Sat"),
    pytest.param("2025-10-03", 5, W, "2025-10-14", None,
                 "starts on a holiday: 10/4-8休, 10/9=1, 10/10=2, 10/11班=3, 10/13=4, 10/14=5",
                 id="2025国庆-start-on-holiday-5w"),
    pytest.param("2025-09-28", 5, W, "2025-10-11", None,
                 "starts on make-up Sun: 9/29=1, 9/30=2, 10/9=3, 10/10=4, 10/11六班=5",
                 id="2025国庆-start-on-makeup-Sun-5w"),
    pytest.param("2025-09-28", 10, W, "2025-10-17", None,
                 "…10/11=5, 10/12休, 10/13=6, 10/14=7, 10/15=8, 10/16=9, 10/17=10",
                 id="2025国庆-start-on-makeup-Sun-10w"),
    pytest.param("2025-09-25", 7, W, "2025-10-11", None,
                 "Thu. 9/26=1, 9/27休, 9/28班=2, 9/29=3, 9/30=4, 10/9=5, 10/10=6, 10/11班=7",
                 id="2025国庆-Thu-7w"),
    pytest.param("2025-09-15", 20, W, "2025-10-17", None,
                 "9/16-19=1-4, 9/22-26=5-9, 9/27休, 9/28班=10, 9/29=11, 9/30=12, 10/9=13, "
                 "10/10=14, 10/11班=15, 10/13-17=16-20",
                 id="2025国庆-20w"),
    # 劳动节 2025: 5/1-5/5 休, 4/27(日) 班
    pytest.param("2025-04-25", 5, W, "2025-05-06", None,
                 "Fri. 4/26六休, 4/27日班=1, 4/28=2, 4/29=3, 4/30=4, 5/1-5休, 5/6=5",
                 id="2025劳动节-Fri-5w"),
    # 国庆 2024: 10/1-10/7 休, 9/29(日) and 10/12(六) 班; 中秋 9/15-17 休, 9/14(六) 班
    pytest.param("2024-09-27", 5, W, "2024-10-10", None,
                 "Fri. 9/28六休, 9/29日班=1, 9/30=2, 10/1-7休, 10/8=3, 10/9=4, 10/10=5",
                 id="2024国庆-Fri-before-5w"),
    pytest.param("2024-09-30", 5, W, "2024-10-12", None,
                 "10/1-7休, 10/8=1, 10/9=2, 10/10=3, 10/11=4, 10/12六班=5",
                 id="2024国庆-5w-ends-on-makeup-Sat"),
    pytest.param("2024-10-01", 10, W, "2024-10-18", None,
                 "starts on 国庆: 10/8-11=1-4, 10/12班=5, 10/13休, 10/14-18=6-10",
                 id="2024国庆-start-on-holiday-10w"),
    pytest.param("2024-09-14", 3, W, "2024-09-20", None,
                 "starts on 中秋 make-up Sat: 9/15-17休, 9/18=1, 9/19=2, 9/20=3",
                 id="2024中秋-start-on-makeup-Sat-3w"),
    pytest.param("2024-09-13", 3, W, "2024-09-19", None,
                 "Fri. 9/14六班=1, 9/15-17休, 9/18=2, 9/19=3",
                 id="2024中秋-3w-counts-makeup-Sat"),
    # 春节 2024: 2/10-2/17 休, 2/4(日) and 2/18(日) 班; 除夕 2/9 is a working day
    pytest.param("2024-02-02", 5, W, "2024-02-08", None,
                 "Fri. 2/3六休, 2/4日班=1, 2/5=2, 2/6=3, 2/7=4, 2/8=5",
                 id="2024春节-Fri-5w-counts-makeup-Sun"),
    pytest.param("2024-02-08", 10, W, "2024-02-28", None,
                 "2/9除夕=1, 2/10-17休, 2/18日班=2, 2/19-23=3-7, 2/24-25休, 2/26=8, 2/27=9, "
                 "2/28=10",
                 id="2024春节-10w"),
    pytest.param("2024-02-09", 20, W, "2024-03-14", None,
                 "2/18班=1, 2/19-23=2-6, 2/26-3/1=7-11, 3/4-8=12-16, 3/11=17, 3/12=18, 3/13=19, "
                 "3/14=20",
                 id="2024春节-20w"),
    pytest.param("2024-02-12", 5, W, "2024-02-22", None,
                 "starts on 春节: 2/13-17休, 2/18日班=1, 2/19=2, 2/20=3, 2/21=4, 2/22=5",
                 id="2024春节-start-on-holiday-5w"),
    # 春节 2025: 1/28-2/4 休, 1/26(日) and 2/8(六) 班
    pytest.param("2025-01-24", 5, W, "2025-02-07", None,
                 "Fri. 1/25六休, 1/26日班=1, 1/27=2, 1/28-2/4休, 2/5=3, 2/6=4, 2/7=5",
                 id="2025春节-Fri-5w"),
    pytest.param("2025-01-24", 10, W, "2025-02-13", None,
                 "…2/7=5, 2/8六班=6, 2/9休, 2/10=7, 2/11=8, 2/12=9, 2/13=10",
                 id="2025春节-Fri-10w"),
    pytest.param("2025-01-27", 20, W, "2025-03-03", None,
                 "2/5-7=1-3, 2/8班=4, 2/10-14=5-9, 2/17-21=10-14, 2/24-28=15-19, 3/3=20",
                 id="2025春节-20w"),
    pytest.param("2025-01-28", 3, W, "2025-02-07", None,
                 "starts on 除夕 (holiday): 1/29-2/4休, 2/5=1, 2/6=2, 2/7=3",
                 id="2025春节-start-on-eve-3w"),
    pytest.param("2025-02-08", 5, W, "2025-02-14", None,
                 "starts on make-up Sat: 2/9日休, 2/10=1 … 2/14=5",
                 id="2025春节-start-on-makeup-Sat-5w"),
    pytest.param("2025-01-26", 5, W, "2025-02-08", None,
                 "starts on make-up Sun: 1/27=1, 1/28-2/4休, 2/5=2, 2/6=3, 2/7=4, 2/8六班=5",
                 id="2025春节-start-on-makeup-Sun-5w"),
    # 2023: 中秋国庆 9/29-10/6 休, 10/7(六) 10/8(日) 班; 春节 1/21-27 休, 1/28 1/29 班
    pytest.param("2023-09-28", 5, W, "2023-10-11", None,
                 "Thu. 9/29-10/6休, 10/7六班=1, 10/8日班=2, 10/9=3, 10/10=4, 10/11=5",
                 id="2023国庆-Thu-5w"),
    pytest.param("2023-09-27", 3, W, "2023-10-08", None,
                 "Wed. 9/28=1, 9/29-10/6休, 10/7六班=2, 10/8日班=3",
                 id="2023国庆-3w-ends-on-makeup-Sun"),
    pytest.param("2023-10-07", 5, W, "2023-10-12", None,
                 "starts on make-up Sat: 10/8日班=1, 10/9=2, 10/10=3, 10/11=4, 10/12=5",
                 id="2023国庆-start-on-makeup-Sat-5w"),
    pytest.param("2023-01-19", 5, W, "2023-01-31", None,
                 "Thu. 1/20=1, 1/21-27休, 1/28六班=2, 1/29日班=3, 1/30=4, 1/31=5",
                 id="2023春节-Thu-5w"),
    pytest.param("2023-04-28", 5, W, "2023-05-09", None,
                 "Fri. 4/29-5/3休, 5/4=1, 5/5=2, 5/6六班=3, 5/7日休, 5/8=4, 5/9=5",
                 id="2023劳动节-Fri-5w"),
    pytest.param("2023-12-29", 3, W, "2024-01-04", None,
                 "Fri. 12/30-31周末, 2024-1/1元旦休, 1/2=1, 1/3=2, 1/4=3",
                 id="2024元旦-across-year-3w"),
    # natural days: start + n; a rest-day last day moves to the next working day
    pytest.param("2025-09-01", 30, N, "2025-10-09", "2025-10-01",
                 "9/1+30 = 10/1 国庆休 → 10/2-8休 → 10/9",
                 id="2025国庆-30n-rolled"),
    pytest.param("2025-08-05", 60, N, "2025-10-09", "2025-10-04",
                 "8/5+26=8/31, +30=9/30, +4=10/4 (60) 休 → 10/9",
                 id="2025国庆-60n-rolled"),
    pytest.param("2025-09-26", 15, N, "2025-10-11", None,
                 "9/26+4=9/30, +11=10/11 (15): 调休 working Saturday, not rolled",
                 id="2025国庆-15n-on-makeup-Sat"),
    pytest.param("2025-08-29", 30, N, "2025-09-28", None,
                 "8/29+2=8/31, +28=9/28 (30): 调休 working Sunday, not rolled",
                 id="2025国庆-30n-on-makeup-Sun"),
    pytest.param("2025-09-12", 30, N, "2025-10-13", "2025-10-12",
                 "9/12+18=9/30, +12=10/12 (30): ordinary Sunday → 10/13 Mon",
                 id="2025国庆-30n-on-Sun-after-holiday"),
    pytest.param("2025-04-01", 30, N, "2025-05-06", "2025-05-01",
                 "4/1+29=4/30, +1=5/1 (30) 劳动节 → 5/2-5休 → 5/6",
                 id="2025劳动节-30n-rolled"),
    pytest.param("2024-08-02", 60, N, "2024-10-08", "2024-10-01",
                 "8/2+29=8/31, +30=9/30, +1=10/1 (60) 国庆 → 10/8",
                 id="2024国庆-60n-rolled"),
    pytest.param("2024-08-30", 30, N, "2024-09-29", None,
                 "8/30+1=8/31, +29=9/29 (30): make-up Sunday, not rolled",
                 id="2024国庆-30n-on-makeup-Sun"),
    pytest.param("2024-09-27", 15, N, "2024-10-12", None,
                 "9/27+3=9/30, +12=10/12 (15): make-up Saturday, not rolled",
                 id="2024国庆-15n-on-makeup-Sat"),
    pytest.param("2024-09-10", 30, N, "2024-10-10", None,
                 "9/10+20=9/30, +10=10/10 (30): Thursday after the holiday, not rolled",
                 id="2024国庆-30n-not-rolled"),
    pytest.param("2024-02-01", 15, N, "2024-02-18", "2024-02-16",
                 "2/1+15=2/16 春节休, 2/17休 → 2/18 make-up Sunday",
                 id="2024春节-15n-rolled-onto-makeup-Sun"),
    pytest.param("2024-01-04", 30, N, "2024-02-04", "2024-02-03",
                 "1/4+27=1/31, +3=2/3 (30) Saturday → 2/4 make-up Sunday",
                 id="2024春节-30n-Sat-rolled-onto-makeup-Sun"),
    pytest.param("2023-12-12", 60, N, "2024-02-18", "2024-02-10",
                 "12/12+19=12/31, +31=1/31, +10=2/10 (60) 春节 → 2/18",
                 id="2024春节-60n-rolled"),
    pytest.param("2024-12-01", 60, N, "2025-02-05", "2025-01-30",
                 "12/1+30=12/31, +30=1/30 (60) 春节 → 2/5",
                 id="2025春节-60n-rolled"),
    pytest.param("2025-01-24", 15, N, "2025-02-08", None,
                 "1/24+7=1/31, +8=2/8 (15): make-up Saturday, not rolled",
                 id="2025春节-15n-on-makeup-Sat"),
    pytest.param("2024-12-27", 30, N, "2025-01-26", None,
                 "12/27+4=12/31, +26=1/26 (30): make-up Sunday, not rolled",
                 id="2025春节-30n-on-makeup-Sun"),
    pytest.param("2025-01-30", 10, N, "2025-02-10", "2025-02-09",
                 "starts in 春节: 1/30+10=2/9 ordinary Sunday → 2/10",
                 id="2025春节-10n-start-on-holiday"),
    pytest.param("2023-08-01", 60, N, "2023-10-07", "2023-09-30",
                 "8/1+30=8/31, +30=9/30 (60) 休 → 10/1-6休 → 10/7 make-up Saturday",
                 id="2023国庆-60n-rolled-onto-makeup-Sat"),
    pytest.param("2023-01-06", 15, N, "2023-01-28", "2023-01-21",
                 "1/6+15=1/21 除夕休 → 1/22-27休 → 1/28 make-up Saturday",
                 id="2023春节-15n-rolled-onto-makeup-Sat"),
    pytest.param("2025-03-01", 15, N, "2025-03-17", "2025-03-16",
                 "3/1+15=3/16 ordinary Sunday → 3/17 Monday",
                 id="plain-weekend-15n-rolled"),
    pytest.param("2025-06-03", 30, N, "2025-07-03", None,
                 "6/3+27=6/30, +3=7/3 (30): Thursday, not rolled",
                 id="plain-30n-not-rolled"),
]
# fmt: on


@pytest.mark.parametrize(("start", "n", "counting", "expected", "rolled_from", "why"), HAND_CHECKED)
def test_hand_checked_dates(
    start: str, n: int, counting: Counting, expected: str, rolled_from: str | None, why: str
) -> None:
    due = add_days(d(start), n, counting)
    assert due.due == d(expected), why
    assert due.rolled_from == (d(rolled_from) if rolled_from else None), why
    assert due.start == d(start)
    assert due.days == n
    assert due.counting is counting
    assert due.uncovered_years == ()
    assert due.warning is None


def test_hand_checked_table_is_big_enough() -> None:
    assert len(HAND_CHECKED) >= 30
    assert len({p.id for p in HAND_CHECKED}) == len(HAND_CHECKED)


@pytest.mark.parametrize(
    ("start", "n", "counting", "expected", "rolled_from", "why"),
    [p for p in HAND_CHECKED if p.values[2] is W],
)
def test_working_due_is_a_working_day_and_round_trips(
    start: str, n: int, counting: Counting, expected: str, rolled_from: str | None, why: str
) -> None:
    assert is_workday(d(expected))
    assert working_days_between(d(start), d(expected)) == n


def test_counting_may_be_given_as_string() -> None:
    assert add_days(d("2025-09-26"), 5, "working").due == d("2025-10-10")
    assert add_days(d("2025-09-01"), 30, "natural").due == d("2025-10-09")


def test_unknown_counting_raises() -> None:
    with pytest.raises(ValueError):
        add_days(d("2025-09-26"), 5, "calendar")


def test_counting_labels() -> None:
    assert Counting.WORKING.label == "工作日"
    assert Counting.NATURAL.label == "自然日"


# ---- n = 0, negative n, roll_to_workday=False ------------------------------------------------


@pytest.mark.parametrize("counting", [W, N])
@pytest.mark.parametrize(
    "start",
    [
        pytest.param("2025-09-26", id="workday"),
        pytest.param("2025-10-01", id="holiday"),
        pytest.param("2025-09-27", id="weekend"),
    ],
)
def test_zero_days_is_the_start_day(start: str, counting: Counting) -> None:
    due = add_days(d(start), 0, counting)
    assert due.due == d(start)
    assert due.rolled_from is None


@pytest.mark.parametrize("counting", [W, N])
@pytest.mark.parametrize("n", [-1, -30])
def test_negative_days_raise(n: int, counting: Counting) -> None:
    with pytest.raises(ValueError, match="负数"):
        add_days(d("2025-09-26"), n, counting)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        pytest.param("2025-09-01", 30, "2025-10-01", id="国庆-holiday-kept"),
        pytest.param("2024-01-04", 30, "2024-02-03", id="saturday-kept"),
        pytest.param("2025-06-03", 30, "2025-07-03", id="workday-unchanged"),
    ],
)
def test_natural_without_rolling(start: str, n: int, expected: str) -> None:
    due = add_days(d(start), n, N, roll_to_workday=False)
    assert due.due == d(expected)
    assert due.rolled_from is None


def test_roll_to_workday_false_does_not_change_working_counting() -> None:
    assert add_days(d("2025-09-26"), 5, W, roll_to_workday=False).due == d("2025-10-10")


# ---- years the package does not cover ----------------------------------------------------------


def test_package_coverage_bounds() -> None:
    assert (PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR) == (2004, 2026)
    assert year_covered(2004)
    assert year_covered(2025)
    assert year_covered(2026)
    assert not year_covered(2003)
    assert not year_covered(2027)
    assert year_covered(2027, CalendarData(complete_years=frozenset({2027})))


def test_working_period_into_2027_warns() -> None:
    # 12/28-31 = 1-4 (2026, covered), then 2027 by Monday-Friday: 1/1=5, 1/4-8 = 6-10.
    due = add_days(d("2026-12-25"), 10, W)
    assert due.due == d("2027-01-08")
    assert due.uncovered_years == (2027,)
    assert due.warning is not None
    assert "2027年" in due.warning
    assert due.warning.startswith("警告")
    assert CJK.search(due.warning)


def test_natural_period_ending_in_2027_warns() -> None:
    # 12/1+30=12/31, +30=2027-01-30 (Saturday by the Monday-Friday fallback) → 2027-02-01.
    due = add_days(d("2026-12-01"), 60, N)
    assert due.due == d("2027-02-01")
    assert due.rolled_from == d("2027-01-30")
    assert due.uncovered_years == (2027,)
    assert due.warning is not None and "2027年" in due.warning


def test_period_inside_covered_years_has_no_warning() -> None:
    due = add_days(d("2026-12-01"), 10, W)
    assert due.due.year == 2026
    assert due.uncovered_years == ()
    assert due.warning is None


def test_year_before_coverage_warns() -> None:
    due = add_days(d("2003-09-01"), 5, W)
    assert due.uncovered_years == (2003,)
    assert due.warning is not None and "2003年" in due.warning
    assert not year_covered(2003)


def test_period_from_2003_into_2004_warns_only_for_2003() -> None:
    due = add_days(d("2003-12-29"), 10, W)
    assert due.uncovered_years == (2003,)


# Pretend the State Council schedule of 2027 has been entered by an administrator:
# 2027-01-01 (Fri) a holiday and 2027-01-09 (Sat) a make-up working day.
PRETEND_2027 = CalendarData(
    days={d("2027-01-01"): False, d("2027-01-09"): True},
    complete_years=frozenset({2027}),
)


def test_complete_override_year_removes_warning_and_is_honoured() -> None:
    # 12/28-31 = 1-4, 1/1 override 休, 1/2-3 周末, 1/4-8 = 5-9, 1/9 override 班 = 10.
    due = add_days(d("2026-12-25"), 10, W, calendar=PRETEND_2027)
    assert due.due == d("2027-01-09")
    assert due.uncovered_years == ()
    assert due.warning is None


def test_complete_override_year_natural_rolls_over_override_holiday() -> None:
    # 12/1+31 = 2027-01-01 (override holiday) → 1/2-3 weekend → 1/4.
    due = add_days(d("2026-12-01"), 31, N, calendar=PRETEND_2027)
    assert due.due == d("2027-01-04")
    assert due.rolled_from == d("2027-01-01")
    assert due.warning is None


def test_override_days_without_complete_year_still_warn() -> None:
    partial = CalendarData(days={d("2027-01-01"): False})
    due = add_days(d("2026-12-31"), 1, W, calendar=partial)
    assert due.due == d("2027-01-04")  # 1/1 override 休, 1/2-3 weekend (fallback)
    assert due.uncovered_years == (2027,)


def test_only_override_days_consulted_gives_no_warning() -> None:
    partial = CalendarData(days={d("2027-01-01"): True})
    due = add_days(d("2026-12-31"), 1, W, calendar=partial)
    assert due.due == d("2027-01-01")
    assert due.uncovered_years == ()


def test_is_workday_in_override_year() -> None:
    assert not is_workday(d("2027-01-01"), PRETEND_2027)
    assert is_workday(d("2027-01-09"), PRETEND_2027)
    assert not is_workday(d("2027-01-10"), PRETEND_2027)  # ordinary Sunday
    assert is_workday(d("2027-01-04"), PRETEND_2027)  # ordinary Monday
    # Without the overrides: Monday-Friday only.
    assert is_workday(d("2027-01-01"))
    assert not is_workday(d("2027-01-09"))


def test_override_inside_covered_year_wins_over_package() -> None:
    extra_holiday = CalendarData(days={d("2025-10-09"): False})
    assert add_days(d("2025-09-30"), 1, W).due == d("2025-10-09")
    assert add_days(d("2025-09-30"), 1, W, calendar=extra_holiday).due == d("2025-10-10")
    extra_workday = CalendarData(days={d("2025-10-04"): True})
    assert add_days(d("2025-09-30"), 1, W, calendar=extra_workday).due == d("2025-10-04")
    assert is_workday(d("2025-10-04"), extra_workday)
    assert not is_workday(d("2025-09-28"), CalendarData(days={d("2025-09-28"): False}))


def test_override_inside_covered_year_affects_rolling() -> None:
    due = add_days(d("2025-09-01"), 30, N, calendar=CalendarData(days={d("2025-10-01"): True}))
    assert due.due == d("2025-10-01")
    assert due.rolled_from is None


def test_package_only_is_empty() -> None:
    assert PACKAGE_ONLY.days == {}
    assert PACKAGE_ONLY.complete_years == frozenset()


def test_due_warning_none_when_covered() -> None:
    due = Due(start=d("2025-01-01"), days=1, counting=W, due=d("2025-01-02"))
    assert due.warning is None


def test_due_warning_lists_several_years() -> None:
    due = Due(
        start=d("2003-01-01"), days=1, counting=W, due=d("2027-01-02"), uncovered_years=(2003, 2027)
    )
    assert due.warning is not None
    assert "2003年、2027年" in due.warning


# ---- working_days_between ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        pytest.param("2025-09-26", "2025-10-10", 5, id="国庆2025-includes-makeup-Sun"),
        pytest.param("2025-09-30", "2025-10-08", 0, id="国庆2025-holiday-only"),
        pytest.param("2025-10-08", "2025-10-11", 3, id="国庆2025-10/9,10/10,10/11班"),
        pytest.param("2024-02-08", "2024-02-28", 10, id="春节2024"),
        pytest.param("2025-01-27", "2025-03-03", 20, id="春节2025"),
        pytest.param("2025-09-26", "2025-09-26", 0, id="same-day"),
        pytest.param("2025-10-10", "2025-09-26", 0, id="reversed"),
        pytest.param("2025-09-26", "2025-09-27", 0, id="half-open-first-excluded"),
        pytest.param("2025-09-27", "2025-09-28", 1, id="half-open-last-included"),
    ],
)
def test_working_days_between(first: str, last: str, expected: int) -> None:
    assert working_days_between(d(first), d(last)) == expected


def test_working_days_between_honours_overrides() -> None:
    assert working_days_between(d("2026-12-31"), d("2027-01-08")) == 6  # 1/1, 1/4-8
    assert working_days_between(d("2026-12-31"), d("2027-01-08"), PRETEND_2027) == 5  # 1/4-8
    assert working_days_between(d("2027-01-08"), d("2027-01-09")) == 0  # Saturday
    assert working_days_between(d("2027-01-08"), d("2027-01-09"), PRETEND_2027) == 1  # 班
    extra_holiday = CalendarData(days={d("2025-10-09"): False})
    assert working_days_between(d("2025-09-26"), d("2025-10-10"), extra_holiday) == 4
