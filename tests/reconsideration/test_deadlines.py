"""行政复议 deadlines as the services store them: every rule, hand-checked around holidays.

Legal basis (行政复议法 2023)
---------------------------
* 第30条: 受理审查 「五日」; 期满未作出不予受理决定的, 审查期限届满之日起视为受理.
* 第31条: 补正 「十日」 from receipt of the notice; after the corrected materials arrive the
  case is handled again under 第30条 (the five days run again from their receipt).
* 第88条: 「三日」「五日」「七日」「十日」 are working days (不含法定休假日); other periods
  follow the 民事诉讼法: the start day is not counted and a period ending on a rest day
  ends on the next working day. So 第62条 (60 / 30 days) and 第76条 (60 days) are natural
  days, rolled.
* 第39条: 中止 — the 审理期限 does not run while the case is suspended. The register counts the
  days in (suspended_on, resumed_on] as not run.
* 第62条: extension approved by the head of the 复议机构, at most 30 days, ordinary procedure.
  The register adds it to the end of the original (rolled) period, as ``compute_due`` does.

Holiday schedules (国务院办公厅通知) used for the hand counts
--------------------------------------------------------------
2024 春节  2/10(六)–2/17(六) 休; 2/4(日), 2/18(日) 上班; 除夕 2/9(五) is a working day.
2024 清明  4/4(四)–4/6(六) 休; 4/7(日) 上班.
2024 劳动节 5/1(三)–5/5(日) 休; 4/28(日), 5/11(六) 上班.
2024 端午  6/8(六)–6/10(一) 休.
2024 中秋  9/15(日)–9/17(二) 休; 9/14(六) 上班.
2024 国庆  10/1(二)–10/7(一) 休; 9/29(日), 10/12(六) 上班.
2025 春节  1/28(二)–2/4(二) 休; 1/26(日), 2/8(六) 上班.
Every expected date below was counted by hand against these lists (each comment shows the
count: "=k" is the k-th counted working day, "+k" the k-th natural day); the tests never ask
the code under test what a date should be.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from tests.personas import County

from fazhi.core.models import AuditEntry
from fazhi.orgs.scoping import Actor
from fazhi.reconsideration import services as svc
from fazhi.reconsideration.models import (
    AcceptanceKind,
    ActCategory,
    CaseEvent,
    LetterKind,
    Outcome,
    Procedure,
    ReconsiderationCase,
    Status,
)

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
ORDINARY, SIMPLE = Procedure.ORDINARY, Procedure.SIMPLE


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def travel(day: dt.date) -> Any:
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 12, 0, tzinfo=SHANGHAI), tick=False
    )


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with travel(d("2025-06-30")):  # later than every date used here
        yield


def fresh(case: ReconsiderationCase) -> ReconsiderationCase:
    return ReconsiderationCase.objects.get(pk=case.pk)


def clerk(county: County) -> Actor:
    return county.actor("clerk_a")


def receive(county: County, on: str) -> ReconsiderationCase:
    return svc.case_receive(
        actor=clerk(county),
        unit=county.town_a,
        received_on=d(on),
        act_category=ActCategory.INFO_DISCLOSURE,
        respondent=county.village_a,
        applicant_name="李四",
    )


def accepted(county: County, on: str, procedure: str = ORDINARY) -> ReconsiderationCase:
    """A case received and accepted on ``on`` (the review may end the same day)."""
    case = receive(county, on)
    return svc.case_accept(actor=clerk(county), case=case, accepted_on=d(on), procedure=procedure)


def suspend(county: County, case: ReconsiderationCase, on: str, until: str | None) -> None:
    svc.case_suspend(actor=clerk(county), case=case, suspended_on=d(on), ground="8")
    if until is not None:
        svc.case_resume(actor=clerk(county), case=case, resumed_on=d(until))


# --- 受理审查 5 working days (第30条, 第88条) ------------------------------------------------
REVIEW = [
    pytest.param(
        "2024-02-07",
        "2024-02-20",
        id="2024春节",
        # Wed. 2/8=1, 2/9 除夕(五, working)=2, 2/10–2/17 休, 2/18(日)班=3, 2/19=4, 2/20=5
    ),
    pytest.param(
        "2024-04-26",
        "2024-05-07",
        id="2024劳动节",
        # Fri. 4/27(六)休, 4/28(日)班=1, 4/29=2, 4/30=3, 5/1–5/5 休, 5/6=4, 5/7=5
    ),
    pytest.param(
        "2024-09-27",
        "2024-10-10",
        id="2024国庆",
        # Fri. 9/28(六)休, 9/29(日)班=1, 9/30=2, 10/1–10/7 休, 10/8=3, 10/9=4, 10/10=5
    ),
    pytest.param(
        "2024-10-03",
        "2024-10-12",
        id="2024国庆-received-on-a-holiday",
        # 10/4–10/7 休, 10/8=1, 10/9=2, 10/10=3, 10/11=4, 10/12(六)班=5
    ),
    pytest.param(
        "2025-01-24",
        "2025-02-07",
        id="2025春节",
        # Fri. 1/25(六)休, 1/26(日)班=1, 1/27=2, 1/28–2/4 休, 2/5=3, 2/6=4, 2/7=5
    ),
    pytest.param(
        "2025-02-05",
        "2025-02-11",
        id="2025春节-after",
        # 2/6=1, 2/7=2, 2/8(六)班=3, 2/9(日)休, 2/10=4, 2/11=5
    ),
]


@pytest.mark.parametrize(("received", "due"), REVIEW)
def test_review_due_is_five_working_days_from_receipt(
    county: County, received: str, due: str
) -> None:
    case = fresh(receive(county, received))
    assert case.review_due == d(due)
    assert case.current_due == d(due)


def test_review_restarts_from_the_corrected_materials(county: County) -> None:
    case = receive(county, "2024-04-22")
    # Mon. 4/23=1, 4/24=2, 4/25=3, 4/26=4, 4/27(六)休, 4/28(日)班=5.
    assert fresh(case).review_due == d("2024-04-28")
    svc.case_request_correction(actor=clerk(county), case=case, notified_on=d("2024-04-24"))
    # 补正 10 working days from 4/24: 4/25=1, 4/26=2, 4/28(日)班=3, 4/29=4, 4/30=5,
    # 5/1–5/5 休, 5/6=6, 5/7=7, 5/8=8, 5/9=9, 5/10=10.
    case = fresh(case)
    assert case.correction_due == d("2024-05-10")
    assert case.current_due == d("2024-05-10")
    svc.case_receive_correction(actor=clerk(county), case=case, received_on=d("2024-05-09"))
    # Again 5 working days, from 5/9: 5/10=1, 5/11(六)班=2, 5/12(日)休, 5/13=3, 5/14=4, 5/15=5.
    case = fresh(case)
    assert case.review_due == d("2024-05-15")
    assert case.current_due == d("2024-05-15")
    with travel(d("2024-05-15")):
        assert svc.sweep(actor=Actor.command_line()) == 0
    with travel(d("2024-05-16")):
        assert svc.sweep(actor=Actor.command_line()) == 1
    case = fresh(case)
    assert case.accepted_on == d("2024-05-15")  # not the first review's 4/28


# --- 补正 10 working days (第31条) --------------------------------------------------------
CORRECTION = [
    pytest.param(
        "2024-02-05",
        "2024-02-05",
        "2024-02-23",
        id="2024春节",
        # Mon. 2/6=1, 2/7=2, 2/8=3, 2/9=4, 2/10–2/17 休, 2/18(日)班=5, 2/19=6 … 2/23=10
    ),
    pytest.param(
        "2025-01-22",
        "2025-01-23",
        "2025-02-12",
        id="2025春节",
        # Thu. 1/24=1, 1/25(六)休, 1/26(日)班=2, 1/27=3, 1/28–2/4 休, 2/5=4, 2/6=5, 2/7=6,
        # 2/8(六)班=7, 2/9(日)休, 2/10=8, 2/11=9, 2/12=10
    ),
    pytest.param(
        "2024-09-26",
        "2024-09-27",
        "2024-10-16",
        id="2024国庆",
        # Fri. 9/28(六)休, 9/29(日)班=1, 9/30=2, 10/1–10/7 休, 10/8=3, 10/9=4, 10/10=5,
        # 10/11=6, 10/12(六)班=7, 10/13(日)休, 10/14=8, 10/15=9, 10/16=10
    ),
]


@pytest.mark.parametrize(("received", "notified", "due"), CORRECTION)
def test_correction_due_is_ten_working_days_from_the_notice(
    county: County, received: str, notified: str, due: str
) -> None:
    case = receive(county, received)
    svc.case_request_correction(actor=clerk(county), case=case, notified_on=d(notified))
    case = fresh(case)
    assert case.status == Status.CORRECTING
    assert case.correction_due == d(due)
    assert case.current_due == d(due)


def test_abandon_only_the_day_after_the_correction_period(county: County) -> None:
    case = receive(county, "2025-01-22")
    svc.case_request_correction(actor=clerk(county), case=case, notified_on=d("2025-01-23"))
    with pytest.raises(ValidationError, match="尚未届满"):
        svc.case_abandon(actor=clerk(county), case=case, on=d("2025-02-12"))
    svc.case_abandon(actor=clerk(county), case=case, on=d("2025-02-13"))
    assert fresh(case).status == Status.ABANDONED


# --- 审理期限 60 / 30 natural days (第62条), rolled past rest days ---------------------------
DECISION = [
    pytest.param(
        "2024-08-02",
        ORDINARY,
        "2024-10-08",
        id="ordinary-2024国庆",
        # 8/31 +29, 9/30 +59, 10/1 +60 = 国庆 → 10/2–10/7 休 → 10/8 (Tue)
    ),
    pytest.param(
        "2024-11-29",
        ORDINARY,
        "2025-02-05",
        id="ordinary-2025春节",
        # 11/30 +1, 12/31 +32, 1/28 +60 = 除夕, 春节 1/28–2/4 休 → 2/5 (Wed)
    ),
    pytest.param(
        "2024-12-10",
        ORDINARY,
        "2025-02-08",
        id="ordinary-ends-on-makeup-Saturday",
        # 12/31 +21, 1/31 +52, 2/8 +60 = Saturday 调休上班: a working day, not moved
    ),
    pytest.param(
        "2024-03-15",
        ORDINARY,
        "2024-05-14",
        id="ordinary-plain",
        # 3/31 +16, 4/30 +46, 5/14 +60 (Tue)
    ),
    pytest.param(
        "2024-09-03",
        SIMPLE,
        "2024-10-08",
        id="simple-2024国庆",
        # 9/30 +27, 10/3 +30 = 国庆 → 10/8
    ),
    pytest.param(
        "2024-09-12",
        SIMPLE,
        "2024-10-12",
        id="simple-ends-on-makeup-Saturday",
        # 9/30 +18, 10/12 +30 = Saturday 调休上班: not moved
    ),
    pytest.param(
        "2024-01-15",
        SIMPLE,
        "2024-02-18",
        id="simple-2024春节-rolls-to-makeup-Sunday",
        # 1/31 +16, 2/14 +30 = 春节; 2/15–2/17 休; 2/18 (Sunday) 调休上班
    ),
]


@pytest.mark.parametrize(("on", "procedure", "due"), DECISION)
def test_decision_due(county: County, on: str, procedure: str, due: str) -> None:
    case = fresh(accepted(county, on, procedure))
    assert case.decision_due == d(due)
    assert case.current_due == d(due)


# --- 中止 excluded (第39条) -------------------------------------------------------------------
def test_one_suspension_is_not_counted(county: County) -> None:
    case = accepted(county, "2024-03-07")
    # Without suspension: 3/31 +24, 4/30 +54, 5/6 +60 (Mon).
    assert fresh(case).decision_due == d("2024-05-06")
    suspend(county, case, "2024-03-20", "2024-04-01")
    case = fresh(case)
    # 3/8…3/20 count (13 days), 3/21…4/1 do not (12), then 47 more: 4/30 +29 → 5/18 +47,
    # a Saturday → 5/20 (Mon).
    assert case.suspended_days == 12
    assert case.decision_due == d("2024-05-20")
    assert case.current_due == d("2024-05-20")


def test_two_suspensions_are_not_counted(county: County) -> None:
    case = accepted(county, "2024-03-07")
    suspend(county, case, "2024-03-20", "2024-04-01")
    suspend(county, case, "2024-04-10", "2024-04-15")
    case = fresh(case)
    # 12 + 5 days not run: 5/6 + 17 = 5/23 (Thu).
    assert case.suspended_days == 17
    assert case.decision_due == d("2024-05-23")


def test_suspension_moves_the_end_into_a_holiday(county: County) -> None:
    case = accepted(county, "2024-07-25")
    # 7/31 +6, 8/31 +37, 9/23 +60 (Mon).
    assert fresh(case).decision_due == d("2024-09-23")
    suspend(county, case, "2024-08-01", "2024-08-09")
    # 8 days not run: the 60th day is 10/1 (国庆) → 10/8.
    assert fresh(case).decision_due == d("2024-10-08")


def test_suspension_on_the_day_of_acceptance(county: County) -> None:
    case = accepted(county, "2024-03-07")
    suspend(county, case, "2024-03-07", "2024-03-10")
    # (3/7, 3/10] not run: 5/6 + 3 = 5/9 (Thu).
    assert fresh(case).decision_due == d("2024-05-09")


def test_open_suspension_has_no_due_date(county: County) -> None:
    case = accepted(county, "2024-03-07")
    suspend(county, case, "2024-03-20", None)
    case = fresh(case)
    assert case.status == Status.SUSPENDED
    assert case.decision_due is None
    assert case.current_due is None
    # Suspended for more than a year: never overdue while suspended.
    assert not case.is_overdue(d("2025-06-30"))
    assert not ReconsiderationCase.objects.overdue(d("2025-06-30")).exists()
    svc.case_resume(actor=clerk(county), case=case, resumed_on=d("2024-04-01"))
    assert fresh(case).decision_due == d("2024-05-20")


# --- 延长 (第62条) ------------------------------------------------------------------------------
def test_extension_runs_from_the_end_of_the_rolled_period(county: County) -> None:
    case = accepted(county, "2024-08-02")  # due 10/8, rolled from 10/1 (国庆)
    svc.case_extend(actor=clerk(county), case=case, approved_on=d("2024-09-20"), days=30)
    case = fresh(case)
    assert case.extension_approved_on == d("2024-09-20")
    assert case.extension_days == 30
    # 10/8 + 30: 10/31 +23, 11/7 +30 (Thu). (Not 10/31, which is 10/1 + 30 or 8/2 + 90.)
    assert case.decision_due == d("2024-11-07")
    assert case.current_due == d("2024-11-07")
    event = CaseEvent.objects.get(case=case, kind="延长审理期限")
    assert event.on == d("2024-09-20")


def test_extension_ending_on_a_holiday_is_rolled(county: County) -> None:
    case = accepted(county, "2024-07-04")
    # 7/31 +27, 8/31 +58, 9/2 +60 (Mon).
    assert fresh(case).decision_due == d("2024-09-02")
    svc.case_extend(actor=clerk(county), case=case, approved_on=d("2024-08-30"), days=29)
    # 9/2 + 29: 9/30 +28, 10/1 +29 = 国庆 → 10/8.
    assert fresh(case).decision_due == d("2024-10-08")


def test_extension_after_a_suspension(county: County) -> None:
    case = accepted(county, "2024-03-07")
    suspend(county, case, "2024-03-20", "2024-04-01")  # due 5/20 (see above)
    svc.case_extend(actor=clerk(county), case=case, approved_on=d("2024-05-10"), days=10)
    # 5/20 + 10 = 5/30 (Thu).
    assert fresh(case).decision_due == d("2024-05-30")


def extended_then_suspended(county: County) -> ReconsiderationCase:
    case = accepted(county, "2024-03-07")  # due 5/6
    svc.case_extend(actor=clerk(county), case=case, approved_on=d("2024-04-22"), days=30)
    assert fresh(case).decision_due == d("2024-06-05")  # 5/31 +25, 6/5 +30
    suspend(county, case, "2024-05-20", "2024-05-30")  # inside the extension
    return case


def test_suspension_during_the_extension_is_not_counted(county: County) -> None:
    case = extended_then_suspended(county)
    # 第39条: the 审理期限 (60 + 30 days, now extended) does not run while suspended:
    # (5/20, 5/30] is 10 days, so 6/5 + 10 = 6/15 (Saturday) → 6/17 (Monday).
    assert fresh(case).decision_due == d("2024-06-17")


def test_case_closed_after_a_suspension_during_the_extension_is_on_time(county: County) -> None:
    case = extended_then_suspended(county)
    svc.case_close(actor=clerk(county), case=case, closed_on=d("2024-06-10"), outcome=Outcome.ANNUL)
    assert fresh(case).closed_on_time is True  # within 6/17 (see above)


def test_suspension_during_the_extension_still_stops_the_clock_for_overdue(
    county: County,
) -> None:
    # What works today: while suspended, nothing runs (current_due None), so not overdue.
    case = accepted(county, "2024-03-07")
    svc.case_extend(actor=clerk(county), case=case, approved_on=d("2024-04-22"), days=30)
    suspend(county, case, "2024-05-20", None)
    assert fresh(case).current_due is None
    assert not ReconsiderationCase.objects.overdue(d("2024-07-01")).exists()


# --- 视为受理 (第30条第三款) via the sweep -----------------------------------------------------
def test_sweep_deems_accepted_after_five_working_days(county: County) -> None:
    case = receive(county, "2024-02-07")  # review_due 2/20 (see REVIEW)
    with travel(d("2024-02-20")):
        # On the last day of the period nothing happens yet.
        assert svc.sweep(actor=Actor.command_line()) == 0
        assert fresh(case).status == Status.REVIEWING
    with travel(d("2024-02-21")):
        assert svc.sweep(actor=Actor.command_line()) == 1
        case = fresh(case)
        assert case.status == Status.ACCEPTED
        assert case.accepted_on == d("2024-02-20") == case.review_due
        assert case.acceptance_kind == AcceptanceKind.DEEMED
        assert case.procedure == Procedure.ORDINARY
        # 2/20 + 60: 2/29 +9 (leap year), 3/31 +40, 4/20 +60 = Saturday; 4/21 Sunday → 4/22.
        assert case.decision_due == d("2024-04-22")
        assert case.current_due == d("2024-04-22")
        # Idempotent: a second run finds nothing and records nothing.
        assert svc.sweep(actor=Actor.command_line()) == 0
    events = CaseEvent.objects.filter(case=case, kind="视为受理")
    assert [(e.on, e.actor_name) for e in events] == [(d("2024-02-20"), "命令行")]
    assert AuditEntry.objects.filter(action="reconsideration.deem_accepted").count() == 1


def test_sweep_touches_only_cases_still_under_review(county: County) -> None:
    actor = clerk(county)
    due = receive(county, "2025-01-24")  # review_due 2/7
    also_due = receive(county, "2025-01-22")  # 1/23=1, 1/24=2, 1/26班=3, 1/27=4, 2/5=5
    not_yet = receive(county, "2025-02-05")  # review_due 2/11
    correcting = receive(county, "2025-01-22")
    svc.case_request_correction(actor=actor, case=correcting, notified_on=d("2025-01-23"))
    refused = receive(county, "2025-01-22")
    svc.case_refuse(actor=actor, case=refused, refused_on=d("2025-01-24"), reason="重复申请")
    decided = receive(county, "2025-01-22")
    svc.case_accept(actor=actor, case=decided, accepted_on=d("2025-01-23"))
    assert fresh(also_due).review_due == d("2025-02-05")
    with travel(d("2025-02-08")):  # a 调休 Saturday
        assert svc.sweep(actor=Actor.command_line()) == 2
    assert fresh(due).accepted_on == d("2025-02-07")
    assert fresh(also_due).accepted_on == d("2025-02-05")
    assert fresh(not_yet).status == Status.REVIEWING
    assert fresh(correcting).status == Status.CORRECTING
    assert fresh(refused).status == Status.NOT_ACCEPTED
    assert fresh(decided).acceptance_kind == AcceptanceKind.DECIDED
    assert fresh(decided).accepted_on == d("2025-01-23")


def test_sweep_with_an_earlier_today(county: County) -> None:
    case = receive(county, "2024-02-07")  # review_due 2/20
    with travel(d("2024-02-23")):
        assert svc.sweep(actor=Actor.command_line(), today=d("2024-02-20")) == 0
        assert svc.sweep(actor=Actor.command_line(), today=d("2024-02-21")) == 1
    assert fresh(case).accepted_on == d("2024-02-20")


# --- current_due and overdue -----------------------------------------------------------------
def test_current_due_and_overdue(county: County) -> None:
    actor = clerk(county)
    reviewing = receive(county, "2024-02-07")  # review 2/20
    correcting = receive(county, "2024-02-05")
    svc.case_request_correction(actor=actor, case=correcting, notified_on=d("2024-02-05"))
    deciding = accepted(county, "2024-08-02")  # decision 10/8
    suspended = accepted(county, "2024-03-07")
    suspend(county, suspended, "2024-03-20", None)
    closed_late = accepted(county, "2024-03-07")  # due 5/6, closed 5/7
    svc.case_close(actor=actor, case=closed_late, closed_on=d("2024-05-07"), outcome="uphold")

    assert fresh(reviewing).current_due == d("2024-02-20")
    assert fresh(correcting).current_due == d("2024-02-23")
    assert fresh(deciding).current_due == d("2024-10-08")
    assert fresh(suspended).current_due is None
    assert fresh(closed_late).current_due is None

    def overdue(on: str) -> set[int]:
        return set(ReconsiderationCase.objects.overdue(d(on)).values_list("pk", flat=True))

    assert overdue("2024-02-20") == set()  # the last day itself is not overdue
    assert overdue("2024-02-21") == {reviewing.pk}
    assert overdue("2024-02-24") == {reviewing.pk, correcting.pk}
    assert overdue("2024-10-08") == {reviewing.pk, correcting.pk}
    assert overdue("2024-10-09") == {reviewing.pk, correcting.pk, deciding.pk}
    assert fresh(deciding).is_overdue(d("2024-10-09"))
    assert not fresh(deciding).is_overdue(d("2024-10-08"))
    assert not fresh(closed_late).is_overdue(d("2025-01-01"))


# --- closed_on_time and handling_days -----------------------------------------------------
@pytest.mark.parametrize(
    ("closed_on", "on_time", "days"),
    [
        ("2024-10-08", True, 67),  # the rolled last day (8/2 → 10/8: 29 + 30 + 8)
        ("2024-10-09", False, 68),
        ("2024-10-01", True, 60),  # the unrolled 60th day, a holiday
    ],
)
def test_closed_on_time_and_handling_days(
    county: County, closed_on: str, on_time: bool, days: int
) -> None:
    case = accepted(county, "2024-08-02")  # due 10/8
    svc.case_close(
        actor=clerk(county), case=case, closed_on=d(closed_on), outcome=Outcome.REJECT_CLAIM
    )
    case = fresh(case)
    assert case.closed_on_time is on_time
    assert case.handling_days == days


def test_closed_on_time_counts_the_suspension(county: County) -> None:
    case = accepted(county, "2024-03-07")
    suspend(county, case, "2024-03-20", "2024-04-01")  # due 5/20 instead of 5/6
    svc.case_close(actor=clerk(county), case=case, closed_on=d("2024-05-20"), outcome="vary")
    case = fresh(case)
    assert case.closed_on_time is True
    assert case.handling_days == 74  # 3/7 → 5/20 in natural days: 24 + 30 + 20
    assert case.suspended_days == 12


def test_closed_late_with_extension(county: County) -> None:
    case = accepted(county, "2024-08-02")
    svc.case_extend(actor=clerk(county), case=case, approved_on=d("2024-10-08"), days=30)
    svc.case_close(actor=clerk(county), case=case, closed_on=d("2024-11-08"), outcome="annul")
    case = fresh(case)
    assert case.decision_due == d("2024-11-07")
    assert case.closed_on_time is False
    assert case.handling_days == 98  # 8/2 → 11/8: 29 + 30 + 31 + 8


# --- 意见书 (第76条): 60 natural days from service, rolled ----------------------------------
@pytest.mark.parametrize(
    ("served", "due"),
    [
        ("2024-03-02", "2024-05-06"),  # 3/31 +29, 4/30 +59, 5/1 +60 劳动节 → 5/6
        ("2024-08-02", "2024-10-08"),  # 8/31 +29, 9/30 +59, 10/1 +60 国庆 → 10/8
        ("2024-12-10", "2025-02-08"),  # 12/31 +21, 1/31 +52, 2/8 +60 = 调休 Saturday
        ("2024-04-02", "2024-06-03"),  # 4/30 +28, 5/31 +59, 6/1 +60 Saturday → 6/3
    ],
)
def test_letter_reply_due(county: County, served: str, due: str) -> None:
    case = accepted(county, "2024-02-28")
    letter = svc.letter_issue(
        actor=clerk(county),
        case=case,
        kind=LetterKind.OPINION,
        issued_on=d("2024-03-01"),
        served_on=d(served),
        recipient=county.village_a,
    )
    letter.refresh_from_db()
    assert letter.reply_due == d(due)
    event = CaseEvent.objects.get(case=case, kind="制发行政复议意见书")
    assert due in event.note
