"""Issue 13 items 1, 2 and 7 (intake): 撤回 before acceptance, a late 受理 that does not restart
the clock, the 申请期限 (第20条) and the 转送 period (第32条).

行政复议法 (2023):
* 第30条第三款: 审查期限届满，行政复议机关未作出不予受理决定的，审查期限届满之日起视为受理.
* 第31条第二款: 无正当理由逾期不补正的，视为申请人放弃行政复议申请.
* 第20条: 六十日 from knowing of the act; 第二款: 正当理由耽误的，自障碍消除之日起继续计算.
* 第32条第二款: the penalising agency transfers within 五日 (working days, 第88条).

Hand counts (2024): 3/4 (Mon) received → review 3/5=1 … 3/11=5. 1/1 + 60 natural = 3/1 (Fri).
2/23 (Fri) + 5 working: 2/26=1, 2/27=2, 2/28=3, 2/29=4, 3/1=5.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from tests.personas import County

from fazhi.orgs.scoping import Actor
from fazhi.reconsideration import services as svc
from fazhi.reconsideration.models import (
    AcceptanceKind,
    ActCategory,
    CaseEvent,
    ReconsiderationCase,
    Status,
)
from fazhi.reconsideration.workflow import CASES

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
D = dt.date.fromisoformat


def travel(day: str) -> Any:
    at = D(day)
    return time_machine.travel(
        dt.datetime(at.year, at.month, at.day, 12, 0, tzinfo=SHANGHAI), tick=False
    )


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with travel("2024-06-28"):
        yield


def clerk(county: County) -> Actor:
    return county.actor("clerk_a")


def receive(county: County, **extra: Any) -> ReconsiderationCase:
    return svc.case_receive(
        actor=clerk(county),
        unit=county.town_a,
        received_on=D("2024-03-04"),
        act_category=ActCategory.PENALTY,
        respondent=county.village_a,
        applicant_name="王五",
        **extra,
    )


def fresh(case: ReconsiderationCase) -> ReconsiderationCase:
    return ReconsiderationCase.objects.get(pk=case.pk)


# --- item 1: 撤回 before acceptance -----------------------------------------------------
def test_withdrawn_while_reviewing_is_never_deemed_accepted(county: County) -> None:
    withdrawn, untouched = receive(county), receive(county)
    svc.case_withdraw(
        actor=clerk(county), case=withdrawn, withdrawn_on=D("2024-03-06"), note="申请人书面撤回"
    )
    case = fresh(withdrawn)
    assert (case.status, case.withdrawn_on, case.current_due) == (
        Status.WITHDRAWN,
        D("2024-03-06"),
        None,
    )
    assert case.get_status_display() == "受理前撤回申请"
    event = CaseEvent.objects.get(case=case, kind="受理前撤回申请")
    assert (event.on, event.note) == (D("2024-03-06"), "申请人书面撤回")
    assert not ReconsiderationCase.objects.overdue(D("2024-03-20")).filter(pk=case.pk).exists()
    # The daily sweep deems the other one accepted, never the withdrawn one.
    assert svc.sweep(actor=Actor.command_line(), today=D("2024-03-20")) == 1
    assert fresh(withdrawn).status == Status.WITHDRAWN and fresh(withdrawn).accepted_on is None
    assert fresh(untouched).status == Status.ACCEPTED
    # Closed: no further step is offered.
    assert CASES.table()[Status.WITHDRAWN] == {}


def test_withdrawn_while_correcting(county: County) -> None:
    case = receive(county)
    svc.case_request_correction(actor=clerk(county), case=case, notified_on=D("2024-03-06"))
    svc.case_withdraw(actor=clerk(county), case=case, withdrawn_on=D("2024-03-15"))
    assert fresh(case).status == Status.WITHDRAWN
    assert svc.sweep(actor=Actor.command_line(), today=D("2024-04-20")) == 0
    assert fresh(case).status == Status.WITHDRAWN


def test_abandon_when_correction_not_made_in_time_still_works(county: County) -> None:
    # 第31条第二款 视为放弃 (the existing 'abandon' step) beside the new 撤回.
    case = receive(county)
    svc.case_request_correction(actor=clerk(county), case=case, notified_on=D("2024-03-06"))
    svc.case_abandon(actor=clerk(county), case=case, on=D("2024-03-21"))
    assert fresh(case).status == Status.ABANDONED


def test_withdrawal_after_the_review_period_is_refused_with_the_article(county: County) -> None:
    case = receive(county)
    with pytest.raises(ValidationError, match="第三十条第三款") as info:
        svc.case_withdraw(actor=clerk(county), case=case, withdrawn_on=D("2024-03-12"))
    assert "2024年3月11日" in " ".join(info.value.messages)
    assert fresh(case).status == Status.REVIEWING


# --- item 2: a late 受理 does not restart the clock -------------------------------------
def test_late_acceptance_counts_from_the_end_of_the_review_period(county: County) -> None:
    case = receive(county)
    svc.case_accept(actor=clerk(county), case=case, accepted_on=D("2024-03-20"))
    case = fresh(case)
    # 第30条第三款: accepted on 3/11; 3/11 + 60 = 5/10 (Fri, a working day).
    assert case.accepted_on == D("2024-03-11")
    assert case.acceptance_kind == AcceptanceKind.DEEMED
    assert case.decision_due == D("2024-05-10")
    event = CaseEvent.objects.get(case=case, kind="受理")
    assert event.on == D("2024-03-20")  # the day the decision was actually recorded
    assert "视为受理（第三十条第三款）" in event.note
    assert "受理日期记为2024-03-11，审理期限自该日起计算" in event.note


def test_timely_acceptance_is_unchanged(county: County) -> None:
    case = receive(county)
    svc.case_accept(actor=clerk(county), case=case, accepted_on=D("2024-03-08"))
    case = fresh(case)
    assert (case.accepted_on, case.acceptance_kind) == (D("2024-03-08"), AcceptanceKind.DECIDED)
    assert case.decision_due == D("2024-05-07")  # 3/8 + 60 = 5/7 (Tue)


# --- item 7: 申请期限 (第20条) and 转送 (第32条) at intake ----------------------------------
def test_late_application_is_flagged_at_intake_with_the_reason(county: County) -> None:
    case = receive(county, known_on=D("2024-01-01"), late_reason="住院治疗，3月1日出院")
    assert case.application_due == D("2024-03-01")
    assert case.filed_late
    assert case.status == Status.REVIEWING  # flagged, not refused
    note = CaseEvent.objects.get(case=case, kind="收到申请").note
    assert "逾期申请：申请期限已于2024-03-01届满（第二十条第一款）" in note
    assert "第二十条第二款" in note and "已登记申请人所述逾期理由" in note
    assert "住院" not in note  # the reason stays on the case, not on the timeline
    assert case.late_reason == "住院治疗，3月1日出院"


def test_application_in_time_is_not_flagged(county: County) -> None:
    # 1/3 + 60 = 3/3 (Sun) → 3/4 (Mon): received on the last day.
    case = receive(county, known_on=D("2024-01-03"))
    assert (case.application_due, case.filed_late) == (D("2024-03-04"), False)
    assert CaseEvent.objects.get(case=case, kind="收到申请").note == ""


def test_known_after_receipt_is_refused(county: County) -> None:
    with pytest.raises(ValidationError, match="知道或者应当知道行政行为日期不能晚于收到申请日期"):
        receive(county, known_on=D("2024-03-05"))


def test_late_transfer_is_flagged(county: County) -> None:
    case = receive(county, forwarded_on=D("2024-02-23"))
    assert case.transfer_due == D("2024-03-01")
    assert case.transferred_late
    note = CaseEvent.objects.get(case=case, kind="收到申请").note
    assert "转送逾期" in note and "第三十二条第二款" in note
    on_time = receive(county, forwarded_on=D("2024-02-27"))  # due 3/5
    assert (on_time.transfer_due, on_time.transferred_late) == (D("2024-03-05"), False)


def test_editing_the_known_date_recomputes_the_application_period(county: County) -> None:
    case = receive(county)
    assert case.application_due is None
    svc.case_update(actor=clerk(county), case=case, data={"known_on": D("2024-01-01")})
    assert fresh(case).application_due == D("2024-03-01")


def test_withdrawn_rows_import_and_export(county: County) -> None:
    from tests.excel.helpers import xlsx

    from fazhi.reconsideration.excel import export_row, import_xlsx

    base = {
        "被申请人": "白沙镇人民政府",
        "申请人类别": "自然人",
        "收到申请日期": "2024-03-04",
        "行政行为类别": "行政处罚",
        "受理情况": "受理前撤回申请",
    }
    rows = [
        {**base, "复议案号": "撤1", "撤回申请日期": "2024-03-06"},
        {**base, "复议案号": "撤2"},
    ]
    bad = import_xlsx(xlsx(rows), actor=Actor.command_line(county.dept), unit=county.dept)
    assert [str(e) for e in bad.errors] == [
        "第3行【撤回申请日期】受理情况为“受理前撤回申请”的案件必须填写"
    ]
    result = import_xlsx(xlsx(rows[:1]), actor=Actor.command_line(county.dept), unit=county.dept)
    assert not result.errors
    case = ReconsiderationCase.objects.get(number="撤1")
    assert (case.status, case.withdrawn_on) == (Status.WITHDRAWN, D("2024-03-06"))
    exported = export_row(case)
    assert (exported["acceptance"], exported["withdrawn_on"]) == ("withdrawn", D("2024-03-06"))
