"""ORACLE tests of the 人民调解 metrics (fixtures/metrics.json): a deterministic mix of cases in
three units and two years; each expected value is computed here from the records by plain
Python and compared with the metric engine's value for several units and periods (with the
monthly facts and without)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import pytest
from tests.mediation.conftest import MakeCase, MakeCommittee, d
from tests.personas import County

from fazhi.mediation import services as svc
from fazhi.mediation.models import Case, DisputeType
from fazhi.metrics import facts
from fazhi.metrics.models import MetricDefinition
from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import metric_values
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor

pytestmark = pytest.mark.django_db
CLI = Actor.command_line()


@pytest.fixture
def data(county: County, make_committee: MakeCommittee, make_case: MakeCase) -> None:
    rng = random.Random(7)
    committees = [make_committee(unit=u) for u in (county.town_a, county.village_a, county.town_b)]
    types = list(DisputeType.objects.values_list("code", flat=True))
    for i in range(60):
        received = d("2025-01-02") + dt.timedelta(days=rng.randrange(0, 500))
        case = make_case(
            rng.choice(committees), received_on=received, type=rng.choice(types), number=f"N{i}"
        )
        end = received + dt.timedelta(days=rng.randrange(0, 20))
        outcome = rng.choice(["success"] * 6 + ["failed", "terminated", "open"])
        if rng.random() < 0.1:
            case = svc.case_step(
                actor=CLI, case=case, step="report_police", reported_on=received, note="可能激化"
            )
        if outcome == "success":
            case = svc.case_succeed(
                actor=CLI, case=case, agreement_kind="written", agreement_on=end, terms="协议"
            )
            if rng.random() < 0.4:
                svc.case_apply_confirmation(actor=CLI, case=case, applied_on=end, court="法院")
        elif outcome == "failed":
            svc.case_step(actor=CLI, case=case, step="fail", failed_on=end, route_judicial=True)
        elif outcome == "terminated":
            svc.case_step(actor=CLI, case=case, step="terminate", terminated_on=end, reason="拒绝")


def oracle(unit: OrgUnit, period: Period) -> dict[str, Any]:
    cases = [
        c
        for c in Case.objects.select_related("unit", "dispute_type")
        if c.unit.path.startswith(unit.path) and period.start <= c.received_on <= period.end
    ]
    success = sum(c.status == "success" for c in cases)
    concluded = sum(c.status != "received" for c in cases)
    rate = (Decimal(success) * 100 / concluded).quantize(Decimal("0.1")) if concluded else None
    out: dict[str, Any] = {
        "cases": Decimal(len(cases)),
        "success": Decimal(success),
        "success_rate": rate,
        "confirmations": Decimal(sum(c.confirmation_applied_on is not None for c in cases)),
        "escalations": Decimal(sum(c.police_reported_on is not None for c in cases)),
    }
    for code in DisputeType.objects.values_list("code", flat=True):
        out[f"cases_{code}"] = Decimal(sum(c.dispute_type.code == code for c in cases))
    return out


def engine(unit: OrgUnit, period: Period) -> dict[str, Any]:
    found = metric_values(
        actor=CLI,
        unit=unit,
        period=period,
        codes=list(
            MetricDefinition.objects.filter(code__startswith="mediation.").values_list(
                "code", flat=True
            )
        ),
    )
    return {v.code.removeprefix("mediation."): v.value for v in found}


def test_every_metric_matches_the_oracle(county: County, data: None, settings: Any) -> None:
    periods = [Period.parse(p) for p in ("2025", "2026", "2025Q3", "2026-02")]
    units = [county.root, county.town_a, county.village_a, county.town_b, county.dept]
    assert MetricDefinition.objects.filter(code__startswith="mediation.").count() == 5 + 13
    checked = 0
    for unit in units:
        for period in periods:
            want = oracle(unit, period)
            assert engine(unit, period) == want, (unit.name, period.key)
            checked += 1
    assert oracle(county.root, periods[0])["cases"] > 20  # the data is not empty
    assert oracle(county.root, periods[0])["confirmations"] > 0
    assert facts.facts_check()[1] == []
    settings.FAZHI_METRIC_FACTS = False
    assert engine(county.root, periods[0]) == oracle(county.root, periods[0])
    assert checked == 20
