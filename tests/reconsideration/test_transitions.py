"""行政复议 register: every transition of ``TRANSITIONS``, its guards and who may make it.

Cases are built through the services only. Time is frozen at 2024-06-28 (Friday) unless a test
says otherwise, because the services refuse dates after today. The dates used (March 2024)
have no public holiday near them (清明 2024 is 4/4–4/6 with 4/7 a make-up Sunday), so:

* received 2024-03-04 (Mon): 受理审查 5 working days (第30条, 第88条) = 3/5, 3/6, 3/7, 3/8,
  3/11 → review_due 2024-03-11.
* correction notified 2024-03-06 (Wed): 补正 10 working days (第31条) = 3/7, 3/8, 3/11–3/15,
  3/18, 3/19, 3/20 → correction_due 2024-03-20.
* correction received 2024-03-15 (Fri): review restarts (第31条第三款) = 3/18–3/22 → 03-22.
* accepted 2024-03-07 (Thu): ordinary 60 natural days (第62条) = 3/31 is +24, 4/30 is +54,
  5/6 is +60, a Monday and the first working day after 劳动节 → decision_due 2024-05-06.
  Simple 30 days = 4/6 (Sat, 清明 holiday) → next working day 4/7 (Sunday, 调休 上班).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from tests.personas import County

from fazhi.core.models import AuditEntry, RecordEvent
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
    Suspension,
)
from fazhi.reconsideration.workflow import TRANSITION_LABELS, TRANSITIONS

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2024, 6, 28)
TOMORROW = dt.date(2024, 6, 29)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


RECEIVED = d("2024-03-04")
REVIEW_DUE = d("2024-03-11")
NOTIFIED = d("2024-03-06")
CORRECTION_DUE = d("2024-03-20")
ACCEPTED = d("2024-03-07")
DECISION_DUE = d("2024-05-06")
SUSPENDED = d("2024-03-20")
REFUSED = d("2024-03-08")
ABANDONED = d("2024-03-21")
CLOSED = d("2024-04-15")


def travel(day: dt.date) -> Any:
    """Freeze time at noon, Shanghai time, on ``day``."""
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 12, 0, tzinfo=SHANGHAI), tick=False
    )


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with travel(TODAY):
        yield


# --- building cases through the services ------------------------------------------------------
def receive(
    county: County,
    *,
    persona: str = "clerk_a",
    on: dt.date = RECEIVED,
    unit: Any = None,
    respondent: Any = None,
) -> ReconsiderationCase:
    return svc.case_receive(
        actor=county.actor(persona),
        unit=unit if unit is not None else county.town_a,
        received_on=on,
        act_category=ActCategory.PENALTY,
        respondent=respondent if respondent is not None else county.village_a,
        applicant_name="张三",
        matter="撤销罚款决定",
    )


def in_state(
    county: County,
    state: str,
    *,
    procedure: str = Procedure.ORDINARY,
    persona: str = "clerk_a",
    unit: Any = None,
    respondent: Any = None,
) -> ReconsiderationCase:
    """A case brought to ``state`` by the services, with the dates of the module docstring."""
    actor = county.actor(persona)
    case = receive(county, persona=persona, unit=unit, respondent=respondent)
    if state == Status.REVIEWING:
        return case
    if state in (Status.CORRECTING, Status.ABANDONED):
        case = svc.case_request_correction(actor=actor, case=case, notified_on=NOTIFIED)
        if state == Status.ABANDONED:
            case = svc.case_abandon(actor=actor, case=case, on=ABANDONED)
        return case
    if state == Status.NOT_ACCEPTED:
        return svc.case_refuse(actor=actor, case=case, refused_on=REFUSED, reason="超过申请期限")
    if state == Status.WITHDRAWN:
        return svc.case_withdraw(actor=actor, case=case, withdrawn_on=REFUSED)
    case = svc.case_accept(actor=actor, case=case, accepted_on=ACCEPTED, procedure=procedure)
    if state == Status.SUSPENDED:
        case = svc.case_suspend(actor=actor, case=case, suspended_on=SUSPENDED, ground="6")
    elif state == Status.CLOSED:
        case = svc.case_close(actor=actor, case=case, closed_on=CLOSED, outcome=Outcome.UPHOLD)
    assert case.status == state
    return case


def fresh(case: ReconsiderationCase) -> ReconsiderationCase:
    return ReconsiderationCase.objects.get(pk=case.pk)


def assert_recorded(case: ReconsiderationCase, action: str, on: dt.date, actor_name: str) -> None:
    """One timeline event, one audit entry and one history line for ``action``."""
    events = CaseEvent.objects.filter(case=case, kind=TRANSITION_LABELS[action])
    assert [(e.on, e.actor_name) for e in events] == [(on, actor_name)]
    audit = AuditEntry.objects.filter(
        action=f"reconsideration.{action}", object_id=str(case.pk)
    ).get()
    assert audit.object_type == "reconsideration.reconsiderationcase"
    assert audit.actor_name == actor_name
    assert audit.after["status"] == fresh(case).status
    assert RecordEvent.objects.filter(
        object_type="reconsideration.reconsiderationcase",
        object_id=str(case.pk),
        action=f"reconsideration.{action}",
    ).exists()


class Unchanged:
    """Snapshot of what a refused transition must leave alone."""

    def __init__(self, case: ReconsiderationCase) -> None:
        self.case = case
        self.row = {
            k: v for k, v in fresh(case).__dict__.items() if k not in {"_state", "updated_at"}
        }
        self.events = CaseEvent.objects.filter(case=case).count()
        self.audit = AuditEntry.objects.count()
        self.suspensions = list(Suspension.objects.filter(case=case).values())

    def check(self) -> None:
        row = {
            k: v for k, v in fresh(self.case).__dict__.items() if k not in {"_state", "updated_at"}
        }
        assert row == self.row
        assert CaseEvent.objects.filter(case=self.case).count() == self.events
        assert AuditEntry.objects.count() == self.audit
        assert list(Suspension.objects.filter(case=self.case).values()) == self.suspensions


# One call per transition, with dates that would pass every other guard, for the state matrix.
LATER = d("2024-05-20")
ATTEMPTS: dict[str, Callable[[Actor, ReconsiderationCase], object]] = {
    "request_correction": lambda a, c: svc.case_request_correction(
        actor=a, case=c, notified_on=LATER
    ),
    "receive_correction": lambda a, c: svc.case_receive_correction(
        actor=a, case=c, received_on=LATER
    ),
    "abandon": lambda a, c: svc.case_abandon(actor=a, case=c, on=LATER),
    "accept": lambda a, c: svc.case_accept(actor=a, case=c, accepted_on=LATER),
    "deem_accepted": lambda a, c: svc.case_deem_accepted(actor=a, case=c),
    "refuse": lambda a, c: svc.case_refuse(actor=a, case=c, refused_on=LATER, reason="理由"),
    "suspend": lambda a, c: svc.case_suspend(actor=a, case=c, suspended_on=LATER, ground="6"),
    "resume": lambda a, c: svc.case_resume(actor=a, case=c, resumed_on=LATER),
    "extend": lambda a, c: svc.case_extend(actor=a, case=c, approved_on=LATER, days=10),
    "convert_to_ordinary": lambda a, c: svc.case_convert_to_ordinary(actor=a, case=c, on=LATER),
    "close": lambda a, c: svc.case_close(
        actor=a, case=c, closed_on=LATER, outcome=Outcome.COORDINATED_WITHDRAWN
    ),
    # issue 13: 撤回 before acceptance, 听证, 附带审查, 决定书送达
    "withdraw": lambda a, c: svc.case_withdraw(actor=a, case=c, withdrawn_on=LATER),
    "schedule_hearing": lambda a, c: svc.case_schedule_hearing(
        actor=a, case=c, hearing_on=d("2024-06-20"), notified_on=LATER
    ),
    "notify_hearing": lambda a, c: svc.case_notify_hearing(actor=a, case=c, notified_on=LATER),
    "incidental_review": lambda a, c: svc.case_incidental_review(
        actor=a, case=c, on=LATER, mode="handle"
    ),
    "incidental_done": lambda a, c: svc.case_incidental_done(actor=a, case=c, on=LATER),
    "serve_decision": lambda a, c: svc.case_serve_decision(actor=a, case=c, served_on=LATER),
}


def test_attempts_cover_every_transition() -> None:
    listed = {t for moves in TRANSITIONS.values() for t in moves}
    assert set(ATTEMPTS) == listed
    assert set(TRANSITIONS) == set(Status.values)
    assert listed <= set(TRANSITION_LABELS)


REFUSED_MOVES = [
    pytest.param(state, move, id=f"{state}-{move}")
    for state in Status.values
    for move in ATTEMPTS
    if move not in TRANSITIONS[state]
]


@pytest.mark.parametrize(("state", "move"), REFUSED_MOVES)
def test_transition_refused_from_state(county: County, state: str, move: str) -> None:
    case = in_state(county, state)
    before = Unchanged(case)
    with pytest.raises(ValidationError) as info:
        ATTEMPTS[move](county.actor("clerk_a"), case)
    message = " ".join(info.value.messages)
    assert f"案件当前状态为“{Status(state).label}”" in message
    assert f"不能{TRANSITION_LABELS[move]}" in message
    before.check()


def test_matrix_sizes() -> None:
    # 8 states × 17 transitions, 21 allowed pairs: the refusal matrix has 115 cells (issue 13
    # added the state 受理前撤回 and 撤回, 听证 ×2, 附带审查 ×2 and 决定书送达).
    assert len(REFUSED_MOVES) == 8 * 17 - 21


# --- every allowed transition ------------------------------------------------------------------
def test_receive(county: County) -> None:
    case = receive(county)
    case = fresh(case)
    assert case.status == Status.REVIEWING
    assert case.received_on == RECEIVED
    assert case.review_due == REVIEW_DUE
    assert case.current_due == REVIEW_DUE
    # 乡镇人民政府 are not 复议机关 (第24条: 县级以上地方各级人民政府): the county is named.
    assert case.authority == "湘江县人民政府"
    assert case.respondent_name == "白沙镇综合行政执法办"
    assert case.number == "〔2024〕第1号"
    assert (case.correction_due, case.decision_due, case.accepted_on) == (None, None, None)
    assert_recorded(case, "receive", RECEIVED, "白沙甲")
    assert receive(county).number == "〔2024〕第2号"


def test_receive_needs_a_respondent_and_a_past_date(county: County) -> None:
    actor = county.actor("clerk_a")
    with pytest.raises(ValidationError, match="被申请人"):
        svc.case_receive(
            actor=actor, unit=county.town_a, received_on=RECEIVED, act_category="penalty"
        )
    with pytest.raises(ValidationError, match="不能晚于今天"):
        receive(county, on=TOMORROW)
    assert not ReconsiderationCase.objects.exists()


def test_receive_refuses_a_taken_number(county: County) -> None:
    kw: dict[str, Any] = {
        "actor": county.actor("clerk_a"),
        "unit": county.town_a,
        "received_on": RECEIVED,
        "act_category": "penalty",
        "respondent_name": "某局",
        "number": "湘白复〔2024〕7号",
    }
    svc.case_receive(**kw)
    with pytest.raises(ValidationError, match="已存在"):
        svc.case_receive(**kw)


def test_request_correction(county: County) -> None:
    case = in_state(county, Status.CORRECTING)
    case = fresh(case)
    assert case.status == Status.CORRECTING
    assert case.correction_notified_on == NOTIFIED
    assert case.correction_due == CORRECTION_DUE
    assert case.current_due == CORRECTION_DUE
    assert_recorded(case, "request_correction", NOTIFIED, "白沙甲")


def test_request_correction_after_the_notice_period_is_refused(county: County) -> None:
    # 第31条: notice within 5 working days (by 3/11); a later notice is refused, the case is
    # then deemed accepted (第30条第三款).
    case = receive(county)
    before = Unchanged(case)
    with pytest.raises(ValidationError, match="受理审查期限已于2024年3月11日届满"):
        svc.case_request_correction(
            actor=county.actor("clerk_a"), case=case, notified_on=d("2024-03-12")
        )
    before.check()


def test_request_correction_only_once(county: County) -> None:
    # 第31条: the notice names everything to correct at once; after the corrected materials
    # come back, a second notice is refused with the article.
    actor = county.actor("clerk_a")
    case = in_state(county, Status.CORRECTING)
    case = svc.case_receive_correction(actor=actor, case=case, received_on=d("2024-03-08"))
    assert case.status == Status.REVIEWING
    before = Unchanged(case)
    with pytest.raises(ValidationError, match="一次性载明需要补正的事项（行政复议法第三十一条）"):
        svc.case_request_correction(actor=actor, case=case, notified_on=d("2024-03-11"))
    before.check()


def test_receive_correction(county: County) -> None:
    case = in_state(county, Status.CORRECTING)
    svc.case_receive_correction(
        actor=county.actor("clerk_a"), case=case, received_on=d("2024-03-15")
    )
    case = fresh(case)
    assert case.status == Status.REVIEWING
    assert case.correction_received_on == d("2024-03-15")
    assert case.review_due == d("2024-03-22")  # 3/18, 3/19, 3/20, 3/21, 3/22
    assert case.current_due == d("2024-03-22")
    assert_recorded(case, "receive_correction", d("2024-03-15"), "白沙甲")


def test_abandon(county: County) -> None:
    case = in_state(county, Status.ABANDONED)
    case = fresh(case)
    assert case.status == Status.ABANDONED
    assert case.current_due is None
    assert ReconsiderationCase.objects.open().count() == 0
    assert_recorded(case, "abandon", ABANDONED, "白沙甲")


@pytest.mark.parametrize(
    ("procedure", "due"),
    [
        (Procedure.ORDINARY, DECISION_DUE),  # 3/7 + 60 = 5/6 (Mon, working day)
        (Procedure.SIMPLE, d("2024-04-07")),  # 3/7 + 30 = 4/6 清明 → 4/7 (Sun, 调休上班)
    ],
)
def test_accept(county: County, procedure: str, due: dt.date) -> None:
    case = in_state(county, Status.ACCEPTED, procedure=procedure)
    case = fresh(case)
    assert case.status == Status.ACCEPTED
    assert case.accepted_on == ACCEPTED
    assert case.acceptance_kind == AcceptanceKind.DECIDED
    assert case.procedure == procedure
    assert case.decision_due == due
    assert case.current_due == due
    assert_recorded(case, "accept", ACCEPTED, "白沙甲")


def test_accept_needs_a_known_procedure(county: County) -> None:
    case = receive(county)
    before = Unchanged(case)
    with pytest.raises(ValidationError, match="审理程序"):
        svc.case_accept(
            actor=county.actor("clerk_a"), case=case, accepted_on=ACCEPTED, procedure="fast"
        )
    before.check()


def test_accept_after_the_review_period_is_noted(county: County) -> None:
    case = receive(county)
    svc.case_accept(actor=county.actor("clerk_a"), case=case, accepted_on=d("2024-03-12"))
    assert "视为受理" in CaseEvent.objects.get(case=case, kind="受理").note


def test_deem_accepted_by_a_clerk(county: County) -> None:
    case = receive(county)
    svc.case_deem_accepted(actor=county.actor("clerk_a"), case=case)
    case = fresh(case)
    assert case.status == Status.ACCEPTED
    assert case.accepted_on == REVIEW_DUE  # 第30条第三款: 审查期限届满之日起视为受理
    assert case.acceptance_kind == AcceptanceKind.DEEMED
    assert case.procedure == Procedure.ORDINARY
    # 3/11 + 60: 3/31 is +20, 4/30 is +50, 5/10 is +60 (Friday, working day).
    assert case.decision_due == d("2024-05-10")
    assert_recorded(case, "deem_accepted", REVIEW_DUE, "白沙甲")


@pytest.mark.parametrize("today", [d("2024-03-08"), REVIEW_DUE])
def test_deem_accepted_refused_until_the_review_period_ended(
    county: County, today: dt.date
) -> None:
    with travel(today):
        case = receive(county)
        before = Unchanged(case)
        with pytest.raises(ValidationError, match="届满前不能视为受理"):
            svc.case_deem_accepted(actor=county.actor("clerk_a"), case=case)
        before.check()


def test_refuse(county: County) -> None:
    case = in_state(county, Status.NOT_ACCEPTED)
    case = fresh(case)
    assert case.status == Status.NOT_ACCEPTED
    assert case.refused_on == REFUSED
    assert case.refusal_reason == "超过申请期限"
    assert case.current_due is None
    assert_recorded(case, "refuse", REFUSED, "白沙甲")


def test_refuse_needs_a_reason(county: County) -> None:
    case = receive(county)
    before = Unchanged(case)
    with pytest.raises(ValidationError, match="说明理由"):
        svc.case_refuse(actor=county.actor("clerk_a"), case=case, refused_on=REFUSED, reason=" ")
    before.check()


def test_refuse_on_the_last_day_of_the_review_period(county: County) -> None:
    case = receive(county)
    svc.case_refuse(actor=county.actor("clerk_a"), case=case, refused_on=REVIEW_DUE, reason="x")
    assert fresh(case).status == Status.NOT_ACCEPTED


def test_refuse_after_the_review_period_is_refused(county: County) -> None:
    # 第30条第三款: once the period ended (3/11) the case counts as accepted; no 不予受理.
    case = receive(county)
    before = Unchanged(case)
    with pytest.raises(ValidationError) as info:
        svc.case_refuse(
            actor=county.actor("clerk_a"), case=case, refused_on=d("2024-03-12"), reason="x"
        )
    message = " ".join(info.value.messages)
    assert "视为受理" in message
    assert "2024年3月11日" in message
    before.check()


def test_suspend(county: County) -> None:
    case = in_state(county, Status.SUSPENDED)
    case = fresh(case)
    assert case.status == Status.SUSPENDED
    pause = case.suspensions.get()
    assert (pause.suspended_on, pause.resumed_on, pause.ground) == (SUSPENDED, None, "6")
    # The clock is stopped with days still to run: no due date, nothing running.
    assert case.decision_due is None
    assert case.current_due is None
    assert_recorded(case, "suspend", SUSPENDED, "白沙甲")


def test_suspend_needs_a_ground(county: County) -> None:
    case = in_state(county, Status.ACCEPTED)
    before = Unchanged(case)
    with pytest.raises(ValidationError, match="中止情形"):
        svc.case_suspend(
            actor=county.actor("clerk_a"), case=case, suspended_on=SUSPENDED, ground=""
        )
    before.check()


def test_resume(county: County) -> None:
    case = in_state(county, Status.SUSPENDED)
    svc.case_resume(actor=county.actor("clerk_a"), case=case, resumed_on=d("2024-04-01"))
    case = fresh(case)
    assert case.status == Status.ACCEPTED
    assert case.suspensions.get().resumed_on == d("2024-04-01")
    assert case.suspended_days == 12  # (3/20, 4/1]
    # 5/6 + 12 = 5/18 (Saturday, rest) → 5/20 Monday.
    assert case.decision_due == d("2024-05-20")
    assert case.current_due == d("2024-05-20")
    assert_recorded(case, "resume", d("2024-04-01"), "白沙甲")


def test_extend(county: County) -> None:
    case = in_state(county, Status.ACCEPTED)
    svc.case_extend(actor=county.actor("clerk_a"), case=case, approved_on=d("2024-04-22"), days=30)
    case = fresh(case)
    assert case.status == Status.ACCEPTED
    assert case.extension_approved_on == d("2024-04-22")
    assert case.extension_days == 30
    # 5/6 + 30: 5/31 is +25, 6/5 is +30 (Wednesday).
    assert case.decision_due == d("2024-06-05")
    assert case.current_due == d("2024-06-05")
    assert_recorded(case, "extend", d("2024-04-22"), "白沙甲")
    assert CaseEvent.objects.get(case=case, kind="延长审理期限").note == "延长30日"


def test_extend_on_the_last_day_of_the_period(county: County) -> None:
    case = in_state(county, Status.ACCEPTED)
    svc.case_extend(actor=county.actor("clerk_a"), case=case, approved_on=DECISION_DUE, days=1)
    assert fresh(case).decision_due == d("2024-05-07")


def test_convert_to_ordinary(county: County) -> None:
    case = in_state(county, Status.ACCEPTED, procedure=Procedure.SIMPLE)
    assert fresh(case).decision_due == d("2024-04-07")
    svc.case_convert_to_ordinary(actor=county.actor("clerk_a"), case=case, on=d("2024-03-20"))
    case = fresh(case)
    assert case.status == Status.ACCEPTED
    assert case.procedure == Procedure.ORDINARY
    assert case.decision_due == DECISION_DUE  # 60 days from acceptance (3/7), not conversion
    assert case.current_due == DECISION_DUE
    assert_recorded(case, "convert_to_ordinary", d("2024-03-20"), "白沙甲")


def test_close(county: County) -> None:
    case = in_state(county, Status.CLOSED)
    case = fresh(case)
    assert case.status == Status.CLOSED
    assert case.closed_on == CLOSED
    assert case.outcome == Outcome.UPHOLD
    assert case.closed_on_time is True
    assert case.handling_days == 39  # 3/7 → 4/15: 24 + 15
    assert case.current_due is None
    assert case.decision_due == DECISION_DUE
    assert_recorded(case, "close", CLOSED, "白沙甲")


def test_close_needs_a_known_outcome(county: County) -> None:
    case = in_state(county, Status.ACCEPTED)
    before = Unchanged(case)
    with pytest.raises(ValidationError, match="结案方式"):
        svc.case_close(actor=county.actor("clerk_a"), case=case, closed_on=CLOSED, outcome="won")
    before.check()


# --- suspended cases: what may close them ------------------------------------------------------
MERITS = [o for o in Outcome.values if o not in svc.CLOSABLE_WHILE_SUSPENDED]


def test_closable_while_suspended_is_mediation_settlement_withdrawal_termination() -> None:
    assert set(svc.CLOSABLE_WHILE_SUSPENDED) == {
        "mediation",
        "settled_withdrawn",
        "coordinated_withdrawn",
        "other_withdrawn",
        "terminated",
    }


@pytest.mark.parametrize("outcome", MERITS)
def test_close_suspended_case_with_a_decision_is_refused(county: County, outcome: str) -> None:
    case = in_state(county, Status.SUSPENDED)
    before = Unchanged(case)
    with pytest.raises(ValidationError, match="先恢复审理"):
        svc.case_close(actor=county.actor("clerk_a"), case=case, closed_on=CLOSED, outcome=outcome)
    before.check()


def test_close_suspended_case_after_coordinated_withdrawal(county: County) -> None:
    case = in_state(county, Status.SUSPENDED)  # suspended 3/20, ground 6 (调解、和解)
    closed_on = d("2024-04-10")
    svc.case_close(
        actor=county.actor("clerk_a"),
        case=case,
        closed_on=closed_on,
        outcome=Outcome.COORDINATED_WITHDRAWN,
        note="被申请人自行撤销处罚",
    )
    case = fresh(case)
    assert case.status == Status.CLOSED
    assert case.outcome == Outcome.COORDINATED_WITHDRAWN
    assert case.suspensions.get().resumed_on == closed_on
    assert case.suspended_days == 21  # (3/20, 4/10]
    # 5/6 + 21 = 5/27 (Monday): the 审理期限 the case was closed within.
    assert case.decision_due == d("2024-05-27")
    assert case.closed_on_time is True
    assert case.handling_days == 34  # 3/7 → 4/10, natural days
    assert_recorded(case, "close", closed_on, "白沙甲")


# --- date guards ----------------------------------------------------------------------------
# transition → (state to build, procedure, call with a date)
DATED: dict[str, tuple[str, str, Callable[[Actor, ReconsiderationCase, dt.date], object]]] = {
    "request_correction": (
        Status.REVIEWING,
        Procedure.ORDINARY,
        lambda a, c, on: svc.case_request_correction(actor=a, case=c, notified_on=on),
    ),
    "receive_correction": (
        Status.CORRECTING,
        Procedure.ORDINARY,
        lambda a, c, on: svc.case_receive_correction(actor=a, case=c, received_on=on),
    ),
    "abandon": (
        Status.CORRECTING,
        Procedure.ORDINARY,
        lambda a, c, on: svc.case_abandon(actor=a, case=c, on=on),
    ),
    "accept": (
        Status.REVIEWING,
        Procedure.ORDINARY,
        lambda a, c, on: svc.case_accept(actor=a, case=c, accepted_on=on),
    ),
    "refuse": (
        Status.REVIEWING,
        Procedure.ORDINARY,
        lambda a, c, on: svc.case_refuse(actor=a, case=c, refused_on=on, reason="理由"),
    ),
    "suspend": (
        Status.ACCEPTED,
        Procedure.ORDINARY,
        lambda a, c, on: svc.case_suspend(actor=a, case=c, suspended_on=on, ground="7"),
    ),
    "resume": (
        Status.SUSPENDED,
        Procedure.ORDINARY,
        lambda a, c, on: svc.case_resume(actor=a, case=c, resumed_on=on),
    ),
    "extend": (
        Status.ACCEPTED,
        Procedure.ORDINARY,
        lambda a, c, on: svc.case_extend(actor=a, case=c, approved_on=on, days=10),
    ),
    "convert_to_ordinary": (
        Status.ACCEPTED,
        Procedure.SIMPLE,
        lambda a, c, on: svc.case_convert_to_ordinary(actor=a, case=c, on=on),
    ),
    "close": (
        Status.ACCEPTED,
        Procedure.ORDINARY,
        lambda a, c, on: svc.case_close(actor=a, case=c, closed_on=on, outcome=Outcome.UPHOLD),
    ),
    "withdraw": (
        Status.REVIEWING,
        Procedure.ORDINARY,
        lambda a, c, on: svc.case_withdraw(actor=a, case=c, withdrawn_on=on),
    ),
    "schedule_hearing": (
        Status.ACCEPTED,
        Procedure.ORDINARY,
        lambda a, c, on: svc.case_schedule_hearing(
            actor=a, case=c, hearing_on=d("2024-07-31"), notified_on=on
        ),
    ),
    "incidental_review": (
        Status.ACCEPTED,
        Procedure.ORDINARY,
        lambda a, c, on: svc.case_incidental_review(actor=a, case=c, on=on, mode="handle"),
    ),
    "serve_decision": (
        Status.CLOSED,
        Procedure.ORDINARY,
        lambda a, c, on: svc.case_serve_decision(actor=a, case=c, served_on=on),
    ),
}


def test_dated_covers_every_transition_but_deem_accepted() -> None:
    # 送达听证通知, 附带审查处理完毕 need a prior step (test_issue13_rules.py covers them)
    assert set(DATED) == set(ATTEMPTS) - {"deem_accepted", "notify_hearing", "incidental_done"}


@pytest.mark.parametrize("move", list(DATED))
def test_date_in_the_future_is_refused(county: County, move: str) -> None:
    state, procedure, call = DATED[move]
    if move == "extend":
        # The period must still run tomorrow for the future date to be the only problem.
        with travel(d("2024-04-01")):
            case = in_state(county, state, procedure=procedure)
            before = Unchanged(case)
            with pytest.raises(ValidationError, match="不能晚于今天（2024年4月1日）"):
                call(county.actor("clerk_a"), case, d("2024-04-02"))
            before.check()
        return
    case = in_state(county, state, procedure=procedure)
    before = Unchanged(case)
    with pytest.raises(ValidationError, match="不能晚于今天（2024年6月28日）"):
        call(county.actor("clerk_a"), case, TOMORROW)
    before.check()


# transition → (date one day before the prior step, words of the message)
TOO_EARLY: dict[str, tuple[dt.date, str]] = {
    "request_correction": (d("2024-03-03"), "不能早于收到申请日期（2024年3月4日）"),
    "receive_correction": (d("2024-03-05"), "不能早于补正通知日期（2024年3月6日）"),
    "accept": (d("2024-03-03"), "不能早于收到申请（补正材料）日期（2024年3月4日）"),
    "refuse": (d("2024-03-03"), "不能早于收到申请日期（2024年3月4日）"),
    "suspend": (d("2024-03-06"), "不能早于受理（上次恢复）日期（2024年3月7日）"),
    "resume": (d("2024-03-19"), "不能早于中止日期（2024年3月20日）"),
    "extend": (d("2024-03-06"), "不能早于受理（恢复审理）日期（2024年3月7日）"),
    "convert_to_ordinary": (d("2024-03-06"), "不能早于受理日期（2024年3月7日）"),
    "close": (d("2024-03-06"), "不能早于受理（中止、恢复）日期（2024年3月7日）"),
    "withdraw": (d("2024-03-03"), "不能早于收到申请日期（2024年3月4日）"),
    "schedule_hearing": (d("2024-03-06"), "不能早于受理日期（2024年3月7日）"),
    "incidental_review": (d("2024-03-03"), "不能早于收到申请日期（2024年3月4日）"),
    "serve_decision": (d("2024-04-14"), "不能早于结案日期（2024年4月15日）"),
}


@pytest.mark.parametrize("move", list(TOO_EARLY))
def test_date_before_the_prior_step_is_refused(county: County, move: str) -> None:
    state, procedure, call = DATED[move]
    early, words = TOO_EARLY[move]
    case = in_state(county, state, procedure=procedure)
    before = Unchanged(case)
    with pytest.raises(ValidationError) as info:
        call(county.actor("clerk_a"), case, early)
    assert words in " ".join(info.value.messages)
    before.check()


def test_accept_before_the_corrected_materials_arrived_is_refused(county: County) -> None:
    case = in_state(county, Status.CORRECTING)
    actor = county.actor("clerk_a")
    svc.case_receive_correction(actor=actor, case=case, received_on=d("2024-03-15"))
    before = Unchanged(case)
    with pytest.raises(ValidationError, match="2024年3月15日"):
        svc.case_accept(actor=actor, case=case, accepted_on=d("2024-03-14"))
    before.check()


def test_second_suspension_before_the_first_resumption_is_refused(county: County) -> None:
    case = in_state(county, Status.SUSPENDED)
    actor = county.actor("clerk_a")
    svc.case_resume(actor=actor, case=case, resumed_on=d("2024-04-01"))
    before = Unchanged(case)
    with pytest.raises(ValidationError, match="不能早于受理（上次恢复）日期（2024年4月1日）"):
        svc.case_suspend(actor=actor, case=case, suspended_on=d("2024-03-31"), ground="6")
    before.check()
    svc.case_suspend(actor=actor, case=case, suspended_on=d("2024-04-01"), ground="6")
    assert fresh(case).suspensions.count() == 2


def test_close_suspended_case_before_its_suspension_is_refused(county: County) -> None:
    case = in_state(county, Status.SUSPENDED)
    before = Unchanged(case)
    with pytest.raises(ValidationError, match="不能早于受理（中止、恢复）日期（2024年3月20日）"):
        svc.case_close(
            actor=county.actor("clerk_a"),
            case=case,
            closed_on=d("2024-03-19"),
            outcome=Outcome.TERMINATED,
        )
    before.check()


# --- abandon: only after the correction period ---------------------------------------------
@pytest.mark.parametrize("on", [d("2024-03-12"), CORRECTION_DUE])
def test_abandon_before_the_correction_period_ends_is_refused(county: County, on: dt.date) -> None:
    case = in_state(county, Status.CORRECTING)
    before = Unchanged(case)
    with pytest.raises(ValidationError) as info:
        svc.case_abandon(actor=county.actor("clerk_a"), case=case, on=on)
    assert "补正期限（2024年3月20日）尚未届满" in " ".join(info.value.messages)
    before.check()


# --- extension guards (第62条) ---------------------------------------------------------------
def test_extend_simple_procedure_is_refused(county: County) -> None:
    case = in_state(county, Status.ACCEPTED, procedure=Procedure.SIMPLE)
    before = Unchanged(case)
    with pytest.raises(ValidationError, match="简易程序案件不能延长审理期限"):
        svc.case_extend(
            actor=county.actor("clerk_a"), case=case, approved_on=d("2024-03-20"), days=10
        )
    before.check()


def test_extensions_in_parts_within_the_cap(county: County) -> None:
    """第62条 caps the extension at 30 days in total; it may be approved in parts (10 + 20)."""
    case = in_state(county, Status.ACCEPTED)
    actor = county.actor("clerk_a")
    svc.case_extend(actor=actor, case=case, approved_on=d("2024-04-22"), days=10)
    before = Unchanged(case)
    with pytest.raises(ValidationError, match=r"1 至 20 日之间（本案已延长10日，合计最多30日）"):
        svc.case_extend(actor=actor, case=case, approved_on=d("2024-04-23"), days=21)
    before.check()
    extended = svc.case_extend(actor=actor, case=case, approved_on=d("2024-04-23"), days=20)
    assert extended.extension_days == 30
    assert extended.extension_approved_on == d("2024-04-23")
    # 60 days from 3/7 is 5/6; 30 more is 6/5 (a Wednesday).
    assert extended.decision_due == d("2024-06-05")
    note = CaseEvent.objects.filter(case=case, kind="延长审理期限").order_by("id").last()
    assert note is not None and note.note == "延长20日，合计延长30日"
    before = Unchanged(extended)
    with pytest.raises(ValidationError, match="已延长30日，延长期限合计最多不得超过30日"):
        svc.case_extend(actor=actor, case=case, approved_on=d("2024-04-24"), days=1)
    before.check()


@pytest.mark.parametrize("days", [0, 31, 60])
def test_extend_outside_1_to_30_days_is_refused(county: County, days: int) -> None:
    case = in_state(county, Status.ACCEPTED)
    before = Unchanged(case)
    with pytest.raises(ValidationError, match="1 至 30 日"):
        svc.case_extend(
            actor=county.actor("clerk_a"), case=case, approved_on=d("2024-04-22"), days=days
        )
    before.check()


def test_extend_after_the_period_ended_is_refused(county: County) -> None:
    case = in_state(county, Status.ACCEPTED)
    before = Unchanged(case)
    with pytest.raises(ValidationError, match="审理期限已于2024年5月6日届满"):
        svc.case_extend(
            actor=county.actor("clerk_a"), case=case, approved_on=d("2024-05-07"), days=10
        )
    before.check()


def test_convert_to_ordinary_only_from_simple(county: County) -> None:
    case = in_state(county, Status.ACCEPTED)
    before = Unchanged(case)
    with pytest.raises(ValidationError, match="只有适用简易程序的案件"):
        svc.case_convert_to_ordinary(actor=county.actor("clerk_a"), case=case, on=d("2024-03-20"))
    before.check()


def test_extend_after_converting_to_ordinary(county: County) -> None:
    case = in_state(county, Status.ACCEPTED, procedure=Procedure.SIMPLE)
    actor = county.actor("clerk_a")
    svc.case_convert_to_ordinary(actor=actor, case=case, on=d("2024-03-20"))
    svc.case_extend(actor=actor, case=case, approved_on=d("2024-04-22"), days=30)
    assert fresh(case).decision_due == d("2024-06-05")


# --- who may move a case ----------------------------------------------------------------------
MOVES_BY_STATE = [
    pytest.param(state, move, id=f"{state}-{move}")
    for state, moves in TRANSITIONS.items()
    for move in moves
]


@pytest.mark.parametrize(("state", "move"), MOVES_BY_STATE)
@pytest.mark.parametrize("persona", ["clerk_b", "leader", "leader_a", "reviewer_a", "auditor"])
def test_outsiders_and_readers_cannot_move_a_case(
    county: County, state: str, move: str, persona: str
) -> None:
    # clerk_b: town B's clerk, town A's case is outside its subtree. leader / leader_a / reviewer
    # see the case but have no EDIT_RECORDS; the 审计管理员 has neither.
    case = in_state(county, state)
    before = Unchanged(case)
    with pytest.raises(PermissionDenied):
        ATTEMPTS[move](county.actor(persona), case)
    before.check()


def test_permission_messages(county: County) -> None:
    case = in_state(county, Status.REVIEWING)
    with pytest.raises(PermissionDenied, match="不在您的管辖范围内"):
        svc.case_accept(actor=county.actor("clerk_b"), case=case, accepted_on=ACCEPTED)
    with pytest.raises(PermissionDenied, match="当前角色“领导”无此权限"):
        svc.case_accept(actor=county.actor("leader"), case=case, accepted_on=ACCEPTED)


def test_clerk_b_cannot_register_for_town_a(county: County) -> None:
    with pytest.raises(PermissionDenied):
        receive(county, persona="clerk_b")
    with pytest.raises(PermissionDenied):
        receive(county, persona="leader")
    assert not ReconsiderationCase.objects.exists()


def test_county_coordinator_may_move_a_town_case(county: County) -> None:
    # The 依法治办 at the root has EDIT_RECORDS and town A is in its subtree.
    case = receive(county)
    svc.case_accept(actor=county.actor("coordinator"), case=case, accepted_on=ACCEPTED)
    assert fresh(case).status == Status.ACCEPTED
    assert_recorded(case, "accept", ACCEPTED, "依法明")


def test_sub_unit_clerk_cannot_move_the_town_case(county: County) -> None:
    # The case kept by town A is above village A: a clerk of the village would not see it.
    case = receive(county)
    from fazhi.orgs.models import Membership
    from fazhi.orgs.roles import Role

    village_clerk = Actor(unit=county.village_a, role=Role.CLERK)
    assert not Membership.objects.filter(unit=county.village_a).exists()
    with pytest.raises(PermissionDenied):
        svc.case_accept(actor=village_clerk, case=case, accepted_on=ACCEPTED)


@pytest.fixture
def county_case(county: County) -> ReconsiderationCase:
    """A case kept by the 司法局 (复议机构) with 白沙镇 as the 被申请人, accepted 3/7."""
    case = in_state(
        county, Status.ACCEPTED, persona="dept_clerk", unit=county.dept, respondent=county.town_a
    )
    assert case.authority == "湘江县人民政府"  # the nearest government above the 司法局
    return case


@pytest.mark.parametrize("move", ["suspend", "extend", "close"])
def test_respondent_side_clerk_cannot_move_the_case(
    county: County, county_case: ReconsiderationCase, move: str
) -> None:
    # clerk_a sees the case (scope_q: unit or respondent), but only the 复议机构 moves it.
    visible = ReconsiderationCase.objects.filter(pk=county_case.pk)
    from fazhi.orgs.scoping import visible_to

    assert visible_to(visible, county.actor("clerk_a")).exists()
    before = Unchanged(county_case)
    with pytest.raises(PermissionDenied):
        ATTEMPTS[move](county.actor("clerk_a"), county_case)
    before.check()


def test_respondent_side_clerk_cannot_issue_a_letter(
    county: County, county_case: ReconsiderationCase
) -> None:
    with pytest.raises(PermissionDenied):
        svc.letter_issue(
            actor=county.actor("clerk_a"),
            case=county_case,
            kind=LetterKind.OPINION,
            issued_on=d("2024-04-01"),
            served_on=d("2024-04-02"),
            recipient=county.town_a,
        )


def test_letter_reply_by_the_recipient_side(
    county: County, county_case: ReconsiderationCase
) -> None:
    letter = svc.letter_issue(
        actor=county.actor("dept_clerk"),
        case=county_case,
        kind=LetterKind.OPINION,
        issued_on=d("2024-04-01"),
        served_on=d("2024-04-02"),
        recipient=county.town_a,
        content="规范执法程序",
    )
    assert letter.recipient_name == "白沙镇人民政府"
    # 4/2 + 60: 4/30 is +28, 5/31 is +59, 6/1 is +60 (Saturday) → 6/3 Monday.
    assert letter.reply_due == d("2024-06-03")
    issued = CaseEvent.objects.get(case=county_case, kind="制发行政复议意见书")
    assert issued.on == d("2024-04-01")
    # Another township's clerk and the recipient's leader may not record the reply.
    for persona in ("clerk_b", "leader_a"):
        with pytest.raises(PermissionDenied):
            svc.letter_reply(actor=county.actor(persona), letter=letter, replied_on=d("2024-05-20"))
    with pytest.raises(ValidationError, match="不能早于送达日期"):
        svc.letter_reply(actor=county.actor("clerk_a"), letter=letter, replied_on=d("2024-04-01"))
    with pytest.raises(ValidationError, match="不能晚于今天"):
        svc.letter_reply(actor=county.actor("clerk_a"), letter=letter, replied_on=TOMORROW)
    svc.letter_reply(
        actor=county.actor("clerk_a"), letter=letter, replied_on=d("2024-05-20"), note="已整改"
    )
    letter.refresh_from_db()
    assert (letter.replied_on, letter.reply_note) == (d("2024-05-20"), "已整改")
    event = CaseEvent.objects.get(case=county_case, kind="行政复议意见书整改情况报送")
    assert (event.on, event.actor_name) == (d("2024-05-20"), "白沙甲")
    assert AuditEntry.objects.filter(action="reconsideration.letter_reply").count() == 1
    with pytest.raises(ValidationError, match="已经记录过"):
        svc.letter_reply(actor=county.actor("dept_clerk"), letter=letter, replied_on=TODAY)


def test_letter_reply_by_the_issuing_side_late(
    county: County, county_case: ReconsiderationCase
) -> None:
    letter = svc.letter_issue(
        actor=county.actor("dept_clerk"),
        case=county_case,
        kind=LetterKind.SUGGESTION,
        issued_on=d("2024-04-01"),
        served_on=d("2024-04-02"),
        recipient_name="县外某单位",
    )
    svc.letter_reply(actor=county.actor("dept_clerk"), letter=letter, replied_on=d("2024-06-04"))
    # Due 6/3 (see above): recorded as late.
    assert CaseEvent.objects.filter(
        case=county_case, kind="行政复议建议书整改情况报送（逾期）"
    ).exists()


def test_letter_needs_an_accepted_case_and_a_recipient(county: County) -> None:
    actor = county.actor("clerk_a")
    case = receive(county)
    with pytest.raises(ValidationError, match="受理后"):
        svc.letter_issue(
            actor=actor,
            case=case,
            kind=LetterKind.OPINION,
            issued_on=d("2024-04-01"),
            served_on=d("2024-04-02"),
            recipient_name="某局",
        )
    case = in_state(county, Status.ACCEPTED)
    with pytest.raises(ValidationError, match="收文单位"):
        svc.letter_issue(
            actor=actor,
            case=case,
            kind=LetterKind.OPINION,
            issued_on=d("2024-04-01"),
            served_on=d("2024-04-02"),
        )
    with pytest.raises(ValidationError, match="不能早于制发日期"):
        svc.letter_issue(
            actor=actor,
            case=case,
            kind=LetterKind.OPINION,
            issued_on=d("2024-04-02"),
            served_on=d("2024-04-01"),
            recipient_name="某局",
        )
    with pytest.raises(ValidationError, match="不能早于受理日期"):
        svc.letter_issue(
            actor=actor,
            case=case,
            kind=LetterKind.OPINION,
            issued_on=d("2024-03-06"),
            served_on=d("2024-03-08"),
            recipient_name="某局",
        )
    assert not case.letters.exists()


def test_command_line_actor_deems_accepted_anywhere(county: County) -> None:
    case = receive(county)
    svc.case_deem_accepted(actor=Actor.command_line(), case=case)
    case = fresh(case)
    assert case.status == Status.ACCEPTED
    assert_recorded(case, "deem_accepted", REVIEW_DUE, "命令行")
    entry = AuditEntry.objects.get(action="reconsideration.deem_accepted")
    assert entry.actor_role == "command_line"


def _suspended_and_resumed(county: County) -> ReconsiderationCase:
    actor = county.actor("clerk_a")
    case = in_state(county, Status.ACCEPTED)
    case = svc.case_suspend(actor=actor, case=case, suspended_on=d("2024-03-10"), ground="6")
    return svc.case_resume(actor=actor, case=case, resumed_on=d("2024-04-10"))


def test_close_cannot_precede_the_resumption(county: County) -> None:
    case = _suspended_and_resumed(county)
    with pytest.raises(ValidationError, match="不能早于受理（中止、恢复）日期"):
        svc.case_close(
            actor=county.actor("clerk_a"), case=case, closed_on=d("2024-03-15"), outcome="uphold"
        )
    assert ReconsiderationCase.objects.get(pk=case.pk).status == Status.ACCEPTED


def test_extension_cannot_be_approved_before_the_resumption(county: County) -> None:
    case = _suspended_and_resumed(county)
    with pytest.raises(ValidationError, match="不能早于受理（恢复审理）日期"):
        svc.case_extend(
            actor=county.actor("clerk_a"), case=case, approved_on=d("2024-03-20"), days=10
        )
    assert ReconsiderationCase.objects.get(pk=case.pk).extension_days is None


def test_only_a_reconsideration_body_registers_cases(county: County) -> None:
    with pytest.raises(ValidationError, match="不是行政复议机构"):
        svc.case_receive(
            actor=county.actor("coordinator"),
            unit=county.root,
            received_on=RECEIVED,
            act_category=ActCategory.PENALTY,
            respondent=county.village_a,
        )
    assert not ReconsiderationCase.objects.exists()
