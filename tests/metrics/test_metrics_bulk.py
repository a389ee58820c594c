"""The bulk forms of the engine: the breakdown by child unit and the monthly trend equal the
per-unit engine for every unit and month, in a number of queries that does not grow with the
number of child units; the denormalised tree slots follow a unit that moves."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.metrics.builders import bulk, closed
from tests.metrics.test_metrics_oracle import generate
from tests.personas import County

from fazhi.metrics.engine import MetricValue
from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import metric_breakdown, metric_trend, metric_values
from fazhi.orgs.models import OrgUnit, UnitKind, UnitLevel
from fazhi.orgs.scoping import Actor
from fazhi.orgs.services import orgunit_create, orgunit_move
from fazhi.reconsideration.models import ReconsiderationCase

CLI = Actor.command_line()


def figures(values: list[MetricValue]) -> dict[str, tuple[Any, Any, Any]]:
    return {v.code: (v.value, v.numerator, v.denominator) for v in values}


def units_of(county: County) -> list[OrgUnit]:
    return [county.root, county.town_a, county.town_b, county.village_a, county.dept]


@pytest.mark.parametrize("seed", [5, 2025])
@pytest.mark.parametrize("text", ["2024", "2024Q2", "2024-07", "2024-03-15..2024-10-20"])
def test_breakdown_equals_the_per_unit_engine(county: County, seed: int, text: str) -> None:
    rng = random.Random(seed)
    generate(rng, units_of(county), n_recon=150, n_lit=60)
    period = Period.parse(text)
    for unit in units_of(county):
        result = metric_breakdown(actor=CLI, unit=unit, period=period)
        assert figures(result.total) == figures(metric_values(actor=CLI, unit=unit, period=period))
        for child, values in result.children:
            assert child.parent_id == unit.pk
            assert figures(values) == figures(metric_values(actor=CLI, unit=child, period=period))
        # The unit's own records are the total minus its children's.
        own = {v.code: v.numerator for v in result.own}
        for code, (_, total_num, _) in figures(result.total).items():
            kids = sum(figures(values)[code][1] for _, values in result.children)
            assert own[code] == total_num - kids, (unit.name, code)


def test_trend_equals_the_engine_month_by_month(county: County) -> None:
    generate(random.Random(11), units_of(county), n_recon=150, n_lit=60)
    trend = metric_trend(actor=CLI, unit=county.root, year=2024)
    assert [p.key for p, _ in trend] == [f"2024-{m:02d}" for m in range(1, 13)]
    for period, values in trend:
        assert figures(values) == figures(metric_values(actor=CLI, unit=county.root, period=period))


def _townships(county: County, first: int, n: int) -> None:
    """``n`` more townships under the county root, each with one closed case."""
    for i in range(first, first + n):
        town = orgunit_create(
            actor=CLI,
            code=f"4301992{i:02d}",
            name=f"第{i}镇人民政府",
            kind=UnitKind.TOWNSHIP,
            level=UnitLevel.TOWNSHIP,
            parent=county.root,
        )
        bulk(ReconsiderationCase, [closed(town, dt.date(2024, 5, 1), "annul")])


def _queries(county: County) -> int:
    with CaptureQueriesContext(connection) as ctx:
        metric_breakdown(actor=CLI, unit=county.root, period=Period.parse("2024"))
        metric_trend(actor=CLI, unit=county.root, year=2024)
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_children(county: County) -> None:
    _townships(county, 0, 2)
    few = _queries(county)
    _townships(county, 2, 20)
    assert OrgUnit.objects.filter(parent=county.root).count() == 25
    assert _queries(county) == few


def test_slots_follow_a_moved_unit(county: County) -> None:
    case = bulk(ReconsiderationCase, [closed(county.village_a, dt.date(2024, 5, 1), "annul")])[0]
    period = Period.parse("2024")

    def corrected(unit: OrgUnit) -> Any:
        return figures(metric_values(actor=CLI, unit=unit, period=period))[
            "reconsideration.corrected"
        ][1]

    assert (corrected(county.town_a), corrected(county.town_b)) == (1, 0)
    orgunit_move(actor=CLI, unit=county.village_a, new_parent=county.town_b)
    town_b = OrgUnit.objects.get(pk=county.town_b.pk)
    town_a = OrgUnit.objects.get(pk=county.town_a.pk)
    assert (corrected(town_a), corrected(town_b)) == (0, 1)
    row = ReconsiderationCase.objects.get(pk=case.pk)
    assert (row.unit_d0, row.unit_d1, row.unit_d2) == (
        county.root.pk,
        town_b.pk,
        county.village_a.pk,
    )


def test_service_writes_fill_the_slots(county: County) -> None:
    case = ReconsiderationCase(
        number="X1",
        unit=county.village_a,
        authority="湘江县人民政府",
        respondent=county.dept,
        respondent_name=county.dept.name,
        act_category="penalty",
        received_on=dt.date(2024, 1, 2),
    )
    case.save()
    row = ReconsiderationCase.objects.get(pk=case.pk)
    assert (row.unit_d0, row.unit_d1, row.unit_d2, row.unit_d3) == (
        county.root.pk,
        county.town_a.pk,
        county.village_a.pk,
        None,
    )
    assert (row.resp_d0, row.resp_d1, row.resp_d2) == (county.root.pk, county.dept.pk, None)


def test_command_by_child(county: County) -> None:
    import json
    from io import StringIO

    from django.core.management import call_command

    bulk(ReconsiderationCase, [closed(county.town_a, dt.date(2024, 5, 1), "annul")])
    out = StringIO()
    call_command(
        "metrics", "--unit", "430199", "--year", "2024", "--by-child", "--json", stdout=out
    )
    rows = {row["name"]: row for row in json.loads(out.getvalue())}
    assert set(rows) >= {"合计", "白沙镇人民政府", "黄金乡人民政府", "湘江县人民政府（本级）"}

    def corrected(name: str) -> Any:
        metrics = {m["code"]: m for m in rows[name]["metrics"]}
        return metrics["reconsideration.corrected"]["value"]

    assert (corrected("合计"), corrected("白沙镇人民政府"), corrected("黄金乡人民政府")) == (
        1,
        1,
        0,
    )
    text = StringIO()
    call_command("metrics", "--unit", "430199", "--period", "2024Q2", "--by-child", stdout=text)
    assert "2024年第二季度 按下级单位分列" in text.getvalue()
    town_line = next(x for x in text.getvalue().splitlines() if x.startswith("白沙镇人民政府"))
    assert "\t1件\t100.0%" in town_line  # 纠错数, 纠错率
