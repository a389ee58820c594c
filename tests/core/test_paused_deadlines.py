"""`add_days_paused`: statutory periods that stop while a case is suspended. Pure, no database.

A pause ``(suspended_on, resumed_on)`` excludes the days in (suspended_on, resumed_on]: the
suspension day itself still counts, the day of resumption does not (the clock restarts the day
after). Natural-day periods ending on a rest day end on the next working day (民事诉讼法 期间);
working-day periods count working days only (行政复议法 第88条). The schedules used in the counts:

2024 春节  2/10(六)–2/17(六) 休; 2/4(日), 2/18(日) 上班.
2024 劳动节 5/1(三)–5/5(日) 休; 4/28(日), 5/11(六) 上班.
2024 国庆  10/1(二)–10/7(一) 休; 9/29(日), 10/12(六) 上班.
2025 春节  1/28(二)–2/4(二) 休; 1/26(日), 2/8(六) 上班.
"=k": k-th counted working day; "+k": k-th counted natural day; "[..]": paused days.
"""

from __future__ import annotations

import datetime as dt

import pytest

from fazhi.core.deadlines import (
    CalendarData,
    Counting,
    add_days,
    add_days_paused,
)

W = Counting.WORKING
N = Counting.NATURAL


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def due(start: str, n: int, counting: Counting, *pauses: tuple[str, str | None]) -> dt.date:
    result = add_days_paused(
        d(start), n, counting, pauses=[(d(s), d(e) if e else None) for s, e in pauses]
    )
    assert result is not None
    return result.due


# --- natural days ------------------------------------------------------------------------------
def test_natural_one_pause() -> None:
    # 3/8…3/20 +1…+13, [3/21…4/1], 4/2…4/30 +14…+42, 5/1…5/18 +43…+60. 5/18 is a Saturday.
    result = add_days_paused(d("2024-03-07"), 60, N, pauses=[(d("2024-03-20"), d("2024-04-01"))])
    assert result is not None
    assert result.due == d("2024-05-20")
    assert result.rolled_from == d("2024-05-18")
    assert result.excluded_days == 12
    assert result.counting is N
    assert (result.start, result.days) == (d("2024-03-07"), 60)
    assert result.uncovered_years == ()


def test_natural_two_pauses() -> None:
    # 12 + 5 days not run: the 60th day is 5/6 + 17 = 5/23 (Thu).
    assert due("2024-03-07", 60, N, ("2024-03-20", "2024-04-01"), ("2024-04-10", "2024-04-15")) == (
        d("2024-05-23")
    )


def test_pause_order_does_not_matter() -> None:
    pauses = [(d("2024-04-10"), d("2024-04-15")), (d("2024-03-20"), d("2024-04-01"))]
    result = add_days_paused(d("2024-03-07"), 60, N, pauses=pauses)
    assert result is not None and result.due == d("2024-05-23")


@pytest.mark.parametrize(
    ("resumed", "expected", "rolled_from"),
    [
        # Accepted 8/2: without a pause 10/1 (+60, 国庆) → 10/8.
        ("2024-09-11", "2024-10-11", None),  # 10 days: 10/11 (Fri) is a working day
        ("2024-09-12", "2024-10-12", None),  # 11 days: 10/12 is a 调休 working Saturday
        ("2024-09-13", "2024-10-14", "2024-10-13"),  # 12 days: 10/13 Sunday → 10/14
        ("2024-09-04", "2024-10-08", "2024-10-04"),  # 3 days: 10/4 国庆 → 10/8
    ],
)
def test_natural_pause_and_the_national_day_holiday(
    resumed: str, expected: str, rolled_from: str | None
) -> None:
    result = add_days_paused(d("2024-08-02"), 60, N, pauses=[(d("2024-09-01"), d(resumed))])
    assert result is not None
    assert result.due == d(expected)
    assert result.rolled_from == (d(rolled_from) if rolled_from else None)


@pytest.mark.parametrize(
    ("pauses", "expected", "rolled_from"),
    [
        # 1/15 + 30 = 2/14 (春节); 2/15–2/17 休; 2/18 (Sunday) 调休上班.
        ([], "2024-02-18", "2024-02-14"),
        # 3 days paused (1/21–1/23): the 30th day is 2/17, still 春节 → 2/18.
        ([("2024-01-20", "2024-01-23")], "2024-02-18", "2024-02-17"),
        # 4 days paused: the 30th day is 2/18 itself, a working Sunday: not moved.
        ([("2024-01-20", "2024-01-24")], "2024-02-18", None),
        # 5 days: 2/19 (Mon).
        ([("2024-01-20", "2024-01-25")], "2024-02-19", None),
    ],
)
def test_natural_pause_and_the_spring_festival(
    pauses: list[tuple[str, str]], expected: str, rolled_from: str | None
) -> None:
    result = add_days_paused(d("2024-01-15"), 30, N, pauses=[(d(s), d(e)) for s, e in pauses])
    assert result is not None
    assert result.due == d(expected)
    assert result.rolled_from == (d(rolled_from) if rolled_from else None)


def test_natural_pause_spanning_the_holiday_counts_holidays_as_paused() -> None:
    # 2024-09-20 + 30 = 10/20 (Sun) → 10/21. Pause (9/30, 10/8] = 8 natural days, 7 of them
    # 国庆 holidays: natural counting excludes all 8 → 10/28 (Mon).
    assert due("2024-09-20", 30, N) == d("2024-10-21")
    assert due("2024-09-20", 30, N, ("2024-09-30", "2024-10-08")) == d("2024-10-28")


def test_natural_without_rolling() -> None:
    result = add_days_paused(
        d("2024-03-07"),
        60,
        N,
        pauses=[(d("2024-03-20"), d("2024-04-01"))],
        roll_to_workday=False,
    )
    assert result is not None
    assert result.due == d("2024-05-18")
    assert result.rolled_from is None


# --- working days ------------------------------------------------------------------------------
def test_working_one_pause() -> None:
    # Mon 3/4: 3/5=1, [3/6, 3/7], 3/8=2, 3/11=3, 3/12=4, 3/13=5 (without the pause: 3/11).
    assert due("2024-03-04", 5, W) == d("2024-03-11")
    assert due("2024-03-04", 5, W, ("2024-03-05", "2024-03-07")) == d("2024-03-13")


def test_working_pause_over_the_national_day() -> None:
    # Fri 9/27: 9/28(六)休, 9/29(日)班=1, [9/30 … 10/9], 10/10=2, 10/11=3, 10/12(六)班=4,
    # 10/13(日)休, 10/14=5. Without the pause: 9/29=1, 9/30=2, 10/8=3, 10/9=4, 10/10=5.
    assert due("2024-09-27", 5, W) == d("2024-10-10")
    assert due("2024-09-27", 5, W, ("2024-09-29", "2024-10-09")) == d("2024-10-14")


def test_working_pause_made_only_of_holidays_changes_nothing() -> None:
    # (10/1, 10/5] are 国庆 holidays, not working days anyway.
    assert due("2024-09-27", 5, W, ("2024-10-01", "2024-10-05")) == d("2024-10-10")


def test_working_pause_over_the_2025_spring_festival() -> None:
    # Fri 1/24, 10 working days. Without a pause: 1/25(六)休, 1/26(日)班=1, 1/27=2,
    # 1/28–2/4 休, 2/5=3, 2/6=4, 2/7=5, 2/8(六)班=6, 2/9(日)休, 2/10=7, 2/11=8, 2/12=9, 2/13=10.
    # Paused (1/27, 2/6]: 1/26=1, 1/27=2, [1/28 … 2/6], 2/7=3, 2/8(六)班=4, 2/9 休,
    # 2/10=5 … 2/14=9, 2/15–16 weekend, 2/17=10.
    assert due("2025-01-24", 10, W) == d("2025-02-13")
    assert due("2025-01-24", 10, W, ("2025-01-27", "2025-02-06")) == d("2025-02-17")


def test_working_days_are_never_rolled() -> None:
    result = add_days_paused(d("2024-04-22"), 5, W, pauses=[(d("2024-04-23"), d("2024-04-24"))])
    # 4/23=1, [4/24], 4/25=2, 4/26=3, 4/27(六)休, 4/28(日)班=4, 4/29=5.
    assert result is not None
    assert result.due == d("2024-04-29")
    assert result.rolled_from is None


# --- where the pause lies -------------------------------------------------------------------
def test_pause_at_the_start() -> None:
    # Suspended on the start day itself: (3/4, 3/6] not run: 3/7=1, 3/8=2, 3/11=3, 3/12=4, 3/13=5.
    assert due("2024-03-04", 5, W, ("2024-03-04", "2024-03-06")) == d("2024-03-13")
    # Natural: (3/7, 3/10] not run: 5/6 + 3 = 5/9.
    assert due("2024-03-07", 60, N, ("2024-03-07", "2024-03-10")) == d("2024-05-09")


def test_pause_beginning_before_the_start() -> None:
    # Only the part after the start matters: (3/4, 3/6] as above.
    assert due("2024-03-04", 5, W, ("2024-03-01", "2024-03-06")) == d("2024-03-13")


def test_pause_from_the_last_day_changes_nothing() -> None:
    # Due 3/11; suspended on 3/11 itself: the last day was run in full.
    assert due("2024-03-04", 5, W, ("2024-03-11", "2024-03-15")) == d("2024-03-11")
    # A pause after the period also changes nothing.
    assert due("2024-03-04", 5, W, ("2024-03-12", "2024-03-15")) == d("2024-03-11")


def test_pause_from_the_day_before_the_last_day() -> None:
    # 3/5=1, 3/6=2, 3/7=3, 3/8=4, [3/9 … 3/12], 3/13=5.
    assert due("2024-03-04", 5, W, ("2024-03-08", "2024-03-12")) == d("2024-03-13")


def test_zero_length_pause_changes_nothing() -> None:
    assert due("2024-03-07", 60, N, ("2024-03-20", "2024-03-20")) == d("2024-05-06")


def test_back_to_back_pauses() -> None:
    # (3/20, 4/1] and (4/1, 4/5]: 16 days not run: 5/6 + 16 = 5/22 (Wed).
    assert due("2024-03-07", 60, N, ("2024-03-20", "2024-04-01"), ("2024-04-01", "2024-04-05")) == (
        d("2024-05-22")
    )


# --- open pauses -------------------------------------------------------------------------------
def test_open_pause_reached_gives_no_due_date() -> None:
    assert add_days_paused(d("2024-03-07"), 60, N, pauses=[(d("2024-03-20"), None)]) is None
    assert add_days_paused(d("2024-03-04"), 5, W, pauses=[(d("2024-03-04"), None)]) is None


def test_open_pause_after_a_closed_one() -> None:
    pauses = [(d("2024-03-20"), d("2024-04-01")), (d("2024-04-10"), None)]
    assert add_days_paused(d("2024-03-07"), 60, N, pauses=pauses) is None


def test_open_pause_after_the_period_does_not_matter() -> None:
    # The period ended (3/11) before the suspension (3/12): its due date stands.
    result = add_days_paused(d("2024-03-04"), 5, W, pauses=[(d("2024-03-12"), None)])
    assert result is not None and result.due == d("2024-03-11")
    # Suspended on the last day: that day was run, so the period is complete.
    result = add_days_paused(d("2024-03-04"), 5, W, pauses=[(d("2024-03-11"), None)])
    assert result is not None and result.due == d("2024-03-11")


# --- agreement with add_days and the calendar data ---------------------------------------------
@pytest.mark.parametrize(
    ("start", "n", "counting"),
    [
        ("2024-02-07", 5, W),
        ("2024-04-26", 5, W),
        ("2025-01-24", 10, W),
        ("2024-08-02", 60, N),
        ("2024-11-29", 60, N),
        ("2024-09-12", 30, N),
    ],
)
def test_without_pauses_same_as_add_days(start: str, n: int, counting: Counting) -> None:
    plain = add_days(d(start), n, counting)
    paused = add_days_paused(d(start), n, counting, pauses=[])
    assert paused == plain
    # A pause entirely after the period does not change the result either.
    later = add_days_paused(
        d(start), n, counting, pauses=[(plain.due, plain.due + dt.timedelta(9))]
    )
    assert later is not None
    assert (later.due, later.rolled_from) == (plain.due, plain.rolled_from)


def test_natural_pause_equals_a_longer_period_when_inside_it() -> None:
    # For natural days, a closed pause of k days inside the period is the same as n + k days.
    start = d("2024-01-02")
    for offset in range(0, 300, 7):
        begin = start + dt.timedelta(days=offset)
        for k in (1, 6, 13):
            pause = (begin + dt.timedelta(days=3), begin + dt.timedelta(days=3 + k))
            paused = add_days_paused(begin, 60, N, pauses=[pause])
            assert paused is not None
            assert paused.due == add_days(begin, 60 + k, N).due, (begin, k)
            assert paused.excluded_days == k


def test_calendar_override_is_honoured() -> None:
    # Declare 3/8/2024 a rest day: 3/5=1, [3/6, 3/7], 3/8 休, 3/11=2, 3/12=3, 3/13=4, 3/14=5.
    cal = CalendarData(days={d("2024-03-08"): False})
    result = add_days_paused(
        d("2024-03-04"), 5, W, pauses=[(d("2024-03-05"), d("2024-03-07"))], calendar=cal
    )
    assert result is not None and result.due == d("2024-03-14")


def test_uncovered_year_is_reported() -> None:
    # 2026-12-01 + 30 natural, 5 days paused: 12/31 is +25, 2027-01-05 (Tue) +30.
    result = add_days_paused(d("2026-12-01"), 30, N, pauses=[(d("2026-12-10"), d("2026-12-15"))])
    assert result is not None
    assert result.due == d("2027-01-05")
    assert 2027 in result.uncovered_years
    assert result.warning is not None and "2027年" in result.warning


def test_zero_and_negative_days() -> None:
    result = add_days_paused(d("2024-03-04"), 0, W, pauses=[(d("2024-03-04"), None)])
    assert result is not None and result.due == d("2024-03-04")
    with pytest.raises(ValueError, match="负数"):
        add_days_paused(d("2024-03-04"), -1, W, pauses=[(d("2024-03-05"), d("2024-03-06"))])
