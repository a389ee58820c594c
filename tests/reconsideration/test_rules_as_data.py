"""Rules are data, read once: a province's override of the 复议 extension cap (第62条, 30日 by
default) is what the service enforces, what the step form allows and what the help text says.
The runner's bookkeeping (only the changed fields saved, event, history, audit) is checked on
the same transition."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.core.exceptions import ValidationError
from tests.personas import County

from fazhi.core.models import AuditEntry, DeadlineRule, RecordEvent
from fazhi.reconsideration import services as svc
from fazhi.reconsideration.models import ActCategory, CaseEvent, Procedure, ReconsiderationCase
from fazhi.reconsideration.workflow import CASES

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
RECEIVED = dt.date(2024, 3, 4)
ACCEPTED = dt.date(2024, 3, 7)
APPROVED = dt.date(2024, 4, 1)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=SHANGHAI), tick=False):
        yield


def _province_cap(days: int) -> None:
    """The county's province (43) shortens the extension cap to ``days``."""
    national = DeadlineRule.objects.get(code="reconsideration.decision_ordinary", region="")
    national.pk = None
    national.region = "43"
    national.extension_days = days
    national.save()


def _accepted(county: County, procedure: str = Procedure.ORDINARY) -> ReconsiderationCase:
    actor = county.actor("clerk_a")
    case = svc.case_receive(
        actor=actor,
        unit=county.town_a,
        received_on=RECEIVED,
        act_category=ActCategory.PENALTY,
        respondent=county.village_a,
    )
    return svc.case_accept(actor=actor, case=case, accepted_on=ACCEPTED, procedure=procedure)


def test_province_cap_is_enforced_by_the_service(county: County) -> None:
    _province_cap(20)
    case = _accepted(county)
    with pytest.raises(ValidationError, match="延长天数应在 1 至 20 日之间"):
        svc.case_extend(actor=county.actor("clerk_a"), case=case, approved_on=APPROVED, days=25)
    extended = svc.case_extend(
        actor=county.actor("clerk_a"), case=case, approved_on=APPROVED, days=20
    )
    assert extended.extension_days == 20
    # 60 days from 3/7 is 5/6 (after 劳动节); 20 more is 5/26, a Sunday → 5/27.
    assert extended.decision_due == dt.date(2024, 5, 27)
    with pytest.raises(ValidationError, match="合计最多不得超过20日"):
        svc.case_extend(actor=county.actor("clerk_a"), case=case, approved_on=APPROVED, days=1)


def test_national_cap_without_an_override(county: County) -> None:
    case = _accepted(county)
    with pytest.raises(ValidationError, match="延长天数应在 1 至 30 日之间"):
        svc.case_extend(actor=county.actor("clerk_a"), case=case, approved_on=APPROVED, days=31)


def test_province_cap_is_shown_and_checked_on_the_step_page(county: County) -> None:
    _province_cap(20)
    case = _accepted(county)
    client = county.client("clerk_a")
    url = f"/reconsideration/cases/{case.pk}/extend/"
    page = client.get(url).content.decode()
    assert "普通程序经批准可延长，可分次批准，合计最多不超过20日（第62条）" in page
    assert 'max="20"' in page
    refused = client.post(url, {"approved_on": "2024-04-01", "days": "25"})
    assert refused.status_code == 200
    assert "20" in refused.content.decode()
    assert ReconsiderationCase.objects.get(pk=case.pk).extension_days is None


def test_the_runner_records_one_event_one_history_line_and_one_audit_entry(
    county: County,
) -> None:
    case = _accepted(county)
    audits, history = AuditEntry.objects.count(), RecordEvent.objects.count()
    CASES.run("extend", actor=county.actor("clerk_a"), obj=case, approved_on=APPROVED, days=10)
    assert AuditEntry.objects.count() == audits + 1
    assert AuditEntry.objects.order_by("-seq").first().action == "reconsideration.extend"  # type: ignore[union-attr]
    assert RecordEvent.objects.count() == history + 1
    assert list(
        CaseEvent.objects.filter(case=case, kind="延长审理期限").values_list("on", "note")
    ) == [(APPROVED, "延长10日")]


def test_bulk_path_refuses_a_move_the_table_does_not_allow(county: County) -> None:
    case = ReconsiderationCase(status="closed")
    with pytest.raises(ValueError, match="案件当前状态为“审结”，不能受理"):
        CASES.advance(case, "accept")
    case = ReconsiderationCase(status="reviewing")
    CASES.advance(case, "accept")
    assert case.status == "accepted"
