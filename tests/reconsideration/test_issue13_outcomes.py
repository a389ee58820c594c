"""Issue 13 item 6: 驳回行政复议申请 (第33条) is separate from 驳回行政复议请求 (第69条); the
第71条 行政协议 remedies exist and count as 纠错 from the 2026 version of the metric
definitions, while past years keep the 2020 version (without them)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from tests.metrics.builders import closed, save_recon
from tests.personas import County

from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import definition_for, metric_value
from fazhi.orgs.scoping import Actor
from fazhi.reconsideration import services as svc
from fazhi.reconsideration.models import (
    CORRECTING_OUTCOMES,
    METRIC_FIXTURE,
    ActCategory,
    Outcome,
    ReconsiderationCase,
)

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat
AGREEMENT = (Outcome.AGREEMENT_PERFORM, Outcome.AGREEMENT_DAMAGES, Outcome.AGREEMENT_COMPENSATION)


def test_the_two_rejections_are_separate_outcomes() -> None:
    assert Outcome.DISMISS_APPLICATION.label == "驳回行政复议申请"
    assert Outcome.REJECT_CLAIM.label == "驳回行政复议请求"
    assert Outcome.REJECT_CLAIM.value == "reject_claim"  # old code kept valid
    assert Outcome.DISMISS_APPLICATION not in CORRECTING_OUTCOMES
    assert Outcome.REJECT_CLAIM not in CORRECTING_OUTCOMES
    assert set(AGREEMENT) <= set(CORRECTING_OUTCOMES)


def accepted(county: County, category: str) -> ReconsiderationCase:
    actor = county.actor("clerk_a")
    case = svc.case_receive(
        actor=actor,
        unit=county.town_a,
        received_on=D("2024-03-04"),
        act_category=category,
        respondent=county.village_a,
    )
    return svc.case_accept(actor=actor, case=case, accepted_on=D("2024-03-07"))


def test_dismissing_the_application_needs_reasons(county: County) -> None:
    case = accepted(county, ActCategory.PENALTY)
    actor = county.actor("clerk_a")
    with pytest.raises(ValidationError, match="第三十三条"):
        svc.case_close(
            actor=actor, case=case, closed_on=D("2024-04-01"), outcome="dismiss_application"
        )
    svc.case_close(
        actor=actor,
        case=case,
        closed_on=D("2024-04-01"),
        outcome="dismiss_application",
        note="超过法定申请期限且无正当理由",
    )
    assert case.get_outcome_display() == "驳回行政复议申请"


def test_agreement_remedies_only_for_an_agreement_case(county: County) -> None:
    actor = county.actor("clerk_a")
    other = accepted(county, ActCategory.PENALTY)
    with pytest.raises(ValidationError, match="第七十一条"):
        svc.case_close(
            actor=actor, case=other, closed_on=D("2024-04-01"), outcome="agreement_damages"
        )
    case = accepted(county, ActCategory.AGREEMENT)
    svc.case_close(
        actor=actor, case=case, closed_on=D("2024-04-01"), outcome="agreement_compensation"
    )
    assert case.get_outcome_display() == "责令依法给予合理补偿（行政协议）"


def corrected(county: County, year: int, code: str = "reconsideration.corrected") -> Decimal:
    v = metric_value(
        actor=Actor.command_line(), unit=county.root, period=Period.for_year(year), code=code
    )
    assert v.value is not None
    return v.value


def test_agreement_remedies_count_as_correction_from_2026_only(county: County) -> None:
    for year in (2025, 2026):
        save_recon(
            closed(county.dept, D(f"{year}-06-01"), "annul"),
            closed(county.dept, D(f"{year}-06-01"), "agreement_perform"),
            closed(county.dept, D(f"{year}-06-01"), "agreement_damages"),
            closed(county.dept, D(f"{year}-06-01"), "dismiss_application"),
            closed(county.dept, D(f"{year}-06-01"), "reject_claim"),
        )
    assert corrected(county, 2025) == 1  # the 2020 version: 第63–67条 only
    assert corrected(county, 2026) == 3  # the 2026 version adds 第71条
    assert corrected(county, 2025, "reconsideration.correction_rate") == Decimal("20.0")
    assert corrected(county, 2026, "reconsideration.correction_rate") == Decimal("60.0")
    old, new = (definition_for("reconsideration.corrected", y) for y in (2025, 2026))
    assert (old.valid_from_year, old.valid_to_year) == (2020, 2025)
    assert (new.valid_from_year, new.valid_to_year) == (2026, None)
    assert "第七十一条" in new.description and "不属于纠错" in new.description


def test_the_fixture_keeps_the_old_group_for_past_years() -> None:
    data = json.loads(METRIC_FIXTURE.read_text(encoding="utf-8"))
    groups = data["value_groups"]
    assert set(groups["correcting"]["values"]) - set(groups["correcting_2020"]["values"]) == {
        "agreement_perform",
        "agreement_damages",
        "agreement_compensation",
    }
    versions = {
        (d["code"], d["valid_from_year"]): d["numerator_filter"]
        for d in data["definitions"]
        if d["code"] in ("reconsideration.corrected", "reconsideration.respondent_corrected")
    }
    for code in ("reconsideration.corrected", "reconsideration.respondent_corrected"):
        assert versions[(code, 2020)] == {"outcome__in": {"group": "correcting_2020"}}
        assert versions[(code, 2026)] == {"outcome__in": {"group": "correcting"}}


def test_close_form_offers_the_agreement_remedies_only_for_an_agreement_case(
    county: County,
) -> None:
    from fazhi.reconsideration.forms import CloseForm

    actor = county.actor("clerk_a")
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, tzinfo=dt.UTC), tick=False):
        penalty = accepted(county, ActCategory.PENALTY)
        agreement = accepted(county, ActCategory.AGREEMENT)
    offered = {
        case.act_category: {
            v for v, _ in CloseForm(actor=actor, obj=case).fields["outcome"].choices
        }
        for case in (penalty, agreement)
    }
    assert "agreement_damages" not in offered[ActCategory.PENALTY]
    assert {"dismiss_application", "reject_claim"} <= offered[ActCategory.PENALTY]
    assert set(AGREEMENT) <= offered[ActCategory.AGREEMENT]
