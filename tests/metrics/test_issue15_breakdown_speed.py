"""Issue 15 (read speed): "every county" without building Python objects per value.

- ``metric_breakdowns`` (the breakdown of several units of one depth: every city → every
  county) gives exactly what one ``metric_breakdown`` per unit gives — values, numerators,
  denominators, children and their order, drill links — with facts and without, for whole
  months and for periods with days around them;
- it runs a constant number of queries whatever the number of units (one GROUP BY over the
  monthly facts for all of them);
- drill links are built on first read and equal ``drill_url``'s.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.metrics.test_metrics_oracle import generate
from tests.personas import County

from fazhi.metrics.engine import DENOMINATOR, NUMERATOR, MetricValue, has_part
from fazhi.metrics.models import MetricFact
from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import Breakdown, drill_url, metric_breakdown, metric_breakdowns
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor

pytestmark = pytest.mark.django_db

CLI = Actor.command_line()


def flat(values: list[MetricValue]) -> list[tuple[Any, ...]]:
    return [
        (v.code, v.unit.code, v.value, v.numerator, v.denominator, v.numerator_url,
         v.denominator_url)
        for v in values
    ]  # fmt: skip


def shape(result: Breakdown) -> dict[str, Any]:
    return {
        "total": flat(result.total),
        "own": flat(result.own),
        "children": [(child.code, flat(values)) for child, values in result.children],
    }


def levels(county: County) -> list[list[OrgUnit]]:
    fresh = lambda *units: [OrgUnit.objects.get(pk=u.pk) for u in units]  # noqa: E731
    return [
        fresh(county.root),
        fresh(county.town_a, county.town_b, county.dept),
        fresh(county.village_a),
    ]


@pytest.mark.parametrize("facts_on", [True, False])
@pytest.mark.parametrize("text", ["2024", "2024Q2", "2024-03-15..2024-10-20", "2023"])
def test_breakdowns_equal_one_breakdown_per_unit(
    county: County, settings: Any, facts_on: bool, text: str
) -> None:
    generate(random.Random(15), [county.root, county.town_a, county.town_b,
                                 county.village_a, county.dept], n_recon=150, n_lit=50)  # fmt: skip
    settings.FAZHI_METRIC_FACTS = facts_on
    period = Period.parse(text)
    for units in levels(county):
        one_by_one = [shape(metric_breakdown(actor=CLI, unit=u, period=period)) for u in units]
        together = [shape(b) for b in metric_breakdowns(actor=CLI, units=units, period=period)]
        assert together == one_by_one, (text, [u.code for u in units])
    assert any(v[3] for level in one_by_one for v in level["total"])  # not all zero


def test_breakdowns_are_a_constant_number_of_queries(county: County) -> None:
    generate(random.Random(16), [county.root, county.town_a, county.town_b,
                                 county.village_a, county.dept], n_recon=80, n_lit=30)  # fmt: skip
    assert MetricFact.objects.exists()
    period = Period.parse("2024")
    units = levels(county)[1]
    for some in (units[:1], units):
        with CaptureQueriesContext(connection) as ctx:
            result = metric_breakdowns(actor=CLI, units=some, period=period)
        # the definitions in force, one GROUP BY over the facts, the children (no extra child)
        assert len(ctx.captured_queries) == 3, [q["sql"] for q in ctx.captured_queries]
        assert len(result) == len(some)
    with CaptureQueriesContext(connection) as ctx:
        for unit in units:
            metric_breakdown(actor=CLI, unit=unit, period=period)
    assert len(ctx.captured_queries) == 3 * len(units)  # one breakdown: still 3 queries


def test_drill_links_are_built_when_read_and_unchanged(county: County) -> None:
    generate(random.Random(17), [county.root, county.town_a], n_recon=30, n_lit=10)
    period = Period.parse("2024")
    result = metric_breakdown(actor=CLI, unit=county.root, period=period)
    value = result.total[0]
    assert "numerator_url" not in vars(value)  # nothing formatted until asked
    for v in result.total:
        assert v.numerator_url == drill_url(v.definition, county.root, period, NUMERATOR)
        expected = (
            drill_url(v.definition, county.root, period, DENOMINATOR)
            if has_part(v.definition, DENOMINATOR)
            else ""
        )
        assert v.denominator_url == expected
    assert "numerator_url" in vars(value)  # built once, then kept


def test_breakdowns_refuse_a_unit_out_of_scope(county: County) -> None:
    from django.core.exceptions import PermissionDenied

    actor = county.actor("clerk_a")
    with pytest.raises(PermissionDenied):
        metric_breakdowns(
            actor=actor, units=[county.town_a, county.town_b], period=Period.parse("2024")
        )
