"""重大行政决策 figures and kit hooks: every ``decisions.*`` metric equals a hand count over the
records (and its drill-down lists exactly them), the facts equal the registers, the home tile,
the sweep's summary (repeatable), and the demo county filler (every stage present)."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from tests.decisions.conftest import SHANGHAI, d, decided, fresh, in_review, register
from tests.personas import County

from fazhi.decisions import services as svc
from fazhi.decisions.models import Catalogue, Decision, Status
from fazhi.metrics.models import MetricDefinition
from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import metric_records, metric_value

pytestmark = pytest.mark.django_db


def value(county: County, code: str, unit: Any = None, year: int = 2025) -> Any:
    return metric_value(
        actor=county.actor("coordinator"),
        unit=unit or county.root,
        period=Period.for_year(year),
        code=code,
    )


def drilled(county: County, code: str, part: str = "numerator") -> set[int]:
    definition = MetricDefinition.objects.filter(code=code).latest("pk")
    return set(
        metric_records(
            actor=county.actor("coordinator"),
            definition=definition,
            unit=county.root,
            period=Period.for_year(2025),
            part=part,
        ).values_list("pk", flat=True)
    )


@pytest.mark.usefixtures("frozen")
def test_every_metric_equals_a_hand_count(county: County) -> None:
    actor = county.actor("coordinator")
    complete = decided(county)  # 2025-04-28, then 公布 and 归档: complete
    svc.decision_publish(
        actor=actor, decision=fresh(complete), published_on=d("2025-05-06"), methods="网站"
    )
    svc.decision_archive(actor=actor, decision=fresh(complete), done_on=d("2025-05-20"))
    svc.decision_implement(
        actor=actor,
        decision=fresh(complete),
        started_on=d("2025-06-01"),
        execution_unit=county.dept,
    )
    svc.decision_evaluate(
        actor=actor,
        decision=fresh(complete),
        started_on=d("2025-11-01"),
        trigger="necessary",
        evaluator="省社科院",
    )
    incomplete = decided(county, exploratory=True, legal_risk="风险")  # 公布、归档 outstanding
    town = decided(county, persona="clerk_a", unit=county.town_a, lead_unit=county.town_a)
    in_review(county)
    register(county, listed_on=d("2024-06-03"))  # another year
    cat = svc.catalogue_register(
        actor=actor, unit=county.root, year=2025, title="目录", drawn_up_on=d("2025-01-06")
    )
    svc.catalogue_publish(
        actor=actor, catalogue=cat, party_approved_on=d("2025-01-20"), published_on=d("2025-01-25")
    )
    svc.catalogue_register(
        actor=actor, unit=county.town_a, year=2025, title="镇目录", drawn_up_on=d("2025-01-06")
    )  # not published

    in_2025 = Decision.objects.filter(listed_on__year=2025)
    decided_2025 = Decision.objects.filter(decided_on__year=2025)
    assert value(county, "decisions.listed").value == in_2025.count() == 4
    assert value(county, "decisions.decided").value == decided_2025.count() == 3
    assert value(county, "decisions.decided", county.town_a).value == 1
    rate = value(county, "decisions.procedure_rate")
    hand = decided_2025.filter(procedures_complete=True).count()
    assert (rate.numerator, rate.denominator) == (hand, 3) == (1, 3)
    assert float(rate.value) == pytest.approx(33.3, abs=0.05)
    assert drilled(county, "decisions.procedure_rate") == {complete.pk}
    assert drilled(county, "decisions.procedure_rate", "denominator") == {
        complete.pk,
        incomplete.pk,
        town.pk,
    }
    assert value(county, "decisions.evaluations").value == 1
    assert value(county, "decisions.exploratory").value == 1
    published = Catalogue.objects.filter(published_on__year=2025)
    assert value(county, "decisions.catalogues_published").value == published.count() == 1
    assert value(county, "decisions.catalogues_published", county.town_a).value == 0
    out = StringIO()
    call_command("metric_facts", "--check", stdout=out)
    assert "一致" in out.getvalue()


def test_home_tile_and_sweep(county: County) -> None:
    from fazhi.decisions.kit import home_tiles, sweep_deadlines

    with time_machine.travel(dt.datetime(2025, 3, 31, 12, 0, tzinfo=SHANGHAI), tick=False):
        decision = register(county)
        actor = county.actor("coordinator")
        svc.decision_start(actor=actor, decision=decision, started_on=d("2025-02-20"))
        svc.decision_participate(
            actor=actor,
            decision=fresh(decision),
            methods="座谈会",
            started_on=d("2025-03-03"),
            ended_on=d("2025-04-02"),
        )
        register(county, persona="clerk_b", unit=county.town_b, lead_unit=county.town_b)
    [tile] = home_tiles(county.actor("coordinator"), d("2025-03-31"))
    text = "".join(s.text for s in tile.line)
    assert text == "办理中 2 件，7 日内征求意见截止 1 件"
    assert home_tiles(county.actor("clerk_a"), d("2025-03-31")) == []
    assert sweep_deadlines(d("2025-04-02")) == "重大行政决策征求意见期届满待研究采纳 0 件"
    assert sweep_deadlines(d("2025-04-03")) == "重大行政决策征求意见期届满待研究采纳 1 件"
    assert sweep_deadlines(d("2025-04-03")) == "重大行政决策征求意见期届满待研究采纳 1 件"
    out = StringIO()
    call_command("sweep_deadlines", stdout=out)
    assert "重大行政决策征求意见期届满待研究采纳" in out.getvalue()


def test_demo_county_has_every_stage(demo_county: Any) -> None:
    statuses = set(Decision.objects.values_list("status", flat=True))
    assert statuses == {
        Status.EVALUATED,
        Status.IMPLEMENTING,
        Status.REVIEW,
        Status.DRAFTING,
        Status.LISTED,
        Status.DROPPED,
    }
    catalogues = set(Catalogue.objects.values_list("status", flat=True))
    assert catalogues == {"draft", "published", "superseded"}
    blocked = Decision.objects.get(status=Status.REVIEW)
    from fazhi.decisions.workflow import DECISIONS

    assert "合法性审查尚未完成" in DECISIONS.blocker(blocked, "propose")
    exploratory = Decision.objects.get(exploratory=True)
    assert exploratory.procedures.get(kind_id="legality").state == "exception"
    assert Decision.objects.filter(procedures_complete=True).count() == 1
