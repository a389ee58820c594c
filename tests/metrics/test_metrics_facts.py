"""Monthly facts (``fazhi.metrics.facts``): the figures they give equal the registers' for every
unit and period, they follow every kind of write (save, delete, a moved unit, a changed
definition, a write to a related row), and they are only used where they hold."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.metrics.builders import CORRECTING, bulk, closed, lawsuit, recon
from tests.metrics.test_metrics_oracle import generate
from tests.personas import County

from fazhi.litigation.models import Hearing, LitigationCase
from fazhi.metrics import facts
from fazhi.metrics.engine import MetricValue
from fazhi.metrics.models import MetricDefinition, MetricFact, MetricFactState
from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import (
    definition_for,
    metric_breakdown,
    metric_trend,
    metric_values,
)
from fazhi.metrics.services import metric_definition_save
from fazhi.orgs.models import OrgUnit, UnitKind, UnitLevel
from fazhi.orgs.scoping import Actor
from fazhi.orgs.services import orgunit_create, orgunit_move
from fazhi.reconsideration.models import ReconsiderationCase

pytestmark = pytest.mark.django_db

CLI = Actor.command_line()
D = dt.date


def figures(values: list[MetricValue]) -> dict[str, tuple[Any, Any, Any]]:
    return {v.code: (v.value, v.numerator, v.denominator) for v in values}


def units_of(county: County) -> list[OrgUnit]:
    return [county.root, county.town_a, county.town_b, county.village_a, county.dept]


def everything(county: County, period: Period) -> dict[str, Any]:
    """Every figure the engine gives for every unit: values, breakdown and (for a year) trend."""
    found: dict[str, Any] = {}
    for unit in units_of(county):
        unit = OrgUnit.objects.get(pk=unit.pk)
        found[f"{unit.code} values"] = figures(metric_values(actor=CLI, unit=unit, period=period))
        result = metric_breakdown(actor=CLI, unit=unit, period=period)
        found[f"{unit.code} total"] = figures(result.total)
        found[f"{unit.code} own"] = figures(result.own)
        for child, values in result.children:
            found[f"{unit.code} child {child.code}"] = figures(values)
        if period.kind == "year":
            for month, values in metric_trend(actor=CLI, unit=unit, year=period.year):
                found[f"{unit.code} {month.key}"] = figures(values)
    return found


def fact_queries(queries: list[dict[str, Any]]) -> int:
    return sum(f'FROM "{MetricFact._meta.db_table}"' in q["sql"] for q in queries)


def table() -> list[tuple[Any, ...]]:
    """The fact rows, comparable (definitions by code and version, not by id)."""
    return sorted(
        MetricFact.objects.values_list(
            "definition__code",
            "definition__valid_from_year",
            "rollup",
            "unit_id",
            "month",
            "num",
            "den",
            "unit_d0",
            "unit_d1",
            "unit_d2",
            "unit_d3",
            "unit_d4",
        )
    )


def assert_facts_current() -> None:
    """The maintained facts are exactly what a rebuild from the registers gives."""
    kept = table()
    facts.facts_rebuild()
    assert kept == table()


# --- the figures ---------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", [3, 2025])
@pytest.mark.parametrize(
    "text",
    [
        "2024",
        "2024Q2",
        "2024-07",
        "2024-03-15..2024-10-20",  # days around whole months
        "2024-05-03..2024-05-20",  # no whole month: the registers only
        "2023-12-10..2024-02-29",  # across a year's end, ending on a month's last day
    ],
)
def test_facts_give_the_registers_figures(
    county: County, settings: Any, seed: int, text: str
) -> None:
    generate(random.Random(seed), units_of(county), n_recon=200, n_lit=60)
    assert MetricFact.objects.exists()
    period = Period.parse(text)
    with CaptureQueriesContext(connection) as ctx:
        fast = everything(county, period)
    whole_months = facts.split(period)[0] is not None
    assert (fact_queries(ctx.captured_queries) > 0) == whole_months
    settings.FAZHI_METRIC_FACTS = False
    with CaptureQueriesContext(connection) as ctx:
        slow = everything(county, period)
    assert fact_queries(ctx.captured_queries) == 0
    assert fast == slow
    assert any(num for values in slow.values() for _, num, _ in values.values())


def test_a_year_for_a_unit_is_two_queries(county: County) -> None:
    generate(random.Random(8), units_of(county), n_recon=60, n_lit=20)
    with CaptureQueriesContext(connection) as ctx:
        metric_values(actor=CLI, unit=county.root, period=Period.parse("2024"))
    # the definitions in force (with their facts state), then one SUM over the facts
    assert len(ctx.captured_queries) == 2
    with CaptureQueriesContext(connection) as ctx:
        metric_values(actor=CLI, unit=county.root, period=Period.parse("2024-01-01..2024-11-24"))
    # + the 24 days of November from the registers: one query per (source, unit field) — 复议
    # by unit and by respondent, 应诉 cases, hearings, plan assignments (5); 合法性审查 reviews,
    # 规范性文件 documents, filings and 清理 campaign items, 重大行政决策 decisions and
    # catalogues (6); issue 17: 执法人员, their year rows and 年度注册, 培训 courses, attendance
    # and year rows, 执法记录, 重大执法决定, 公示撤回, 数据公开, 评查 campaigns and files (12;
    # 案卷评查整改 reads plan assignments, already counted); issue 18: 调解 cases, 学法 sessions,
    # their year rows and exam results, 述法 statements and their year rows, 法律顾问 coverage
    # rows and participations (8); issue 19: 考核 evaluations (1; its 整改完成率 reads plan
    # assignments, already counted)
    assert len(ctx.captured_queries) == 2 + 5 + 6 + 12 + 8 + 1


def test_split_into_whole_months_and_days() -> None:
    def keys(text: str) -> tuple[Any, list[str]]:
        months, edges = facts.split(Period.parse(text))
        return months, [e.key for e in edges]

    assert keys("2024") == ((D(2024, 1, 1), D(2024, 12, 1)), [])
    assert keys("2024Q3") == ((D(2024, 7, 1), D(2024, 9, 1)), [])
    assert keys("2024-02") == ((D(2024, 2, 1), D(2024, 2, 1)), [])
    assert keys("2024-01-15..2024-03-10") == (
        (D(2024, 2, 1), D(2024, 2, 1)),
        ["2024-01-15..2024-01-31", "2024-03-01..2024-03-10"],
    )
    assert keys("2024-01-02..2024-01-31") == (None, ["2024-01-02..2024-01-31"])
    assert keys("2024-01-01..2024-01-30") == (None, ["2024-01-01..2024-01-30"])
    assert keys("2023-12-31..2024-02-29") == (
        (D(2024, 1, 1), D(2024, 2, 1)),
        ["2023-12-31..2023-12-31"],
    )


# --- keeping them right --------------------------------------------------------------------------
def test_facts_follow_saves_and_deletes(county: County) -> None:
    rng = random.Random(17)
    units = units_of(county)
    generate(rng, units, n_recon=80, n_lit=30)
    assert_facts_current()
    cases = list(ReconsiderationCase.objects.all())
    for case in rng.sample(cases, 30):
        change = rng.choice(["outcome", "closed_on", "unit", "respondent", "received", "reopen"])
        if change == "outcome" and case.status == "closed":
            case.outcome = rng.choice([*CORRECTING, "uphold", "mediation"])
        elif change == "closed_on" and case.closed_on:
            case.closed_on = case.closed_on + dt.timedelta(days=rng.choice([-40, 25, 70]))
        elif change == "unit":
            case.unit = rng.choice(units)
        elif change == "respondent":
            case.respondent = rng.choice([*units, None])
        elif change == "received":
            case.received_on = D(rng.choice([2023, 2024]), rng.randint(1, 12), 10)
        else:
            case.status, case.closed_on, case.outcome = "accepted", None, ""
            case.handling_days, case.closed_on_time = None, None
        case.save()
    for case in rng.sample(cases, 10):
        case.delete()
    ReconsiderationCase(
        **{
            f.attname: getattr(closed(county.dept, D(2024, 6, 6), "annul"), f.attname)
            for f in ReconsiderationCase._meta.concrete_fields
            if f.attname != "id"
        }
    ).save()
    assert_facts_current()


def test_hearings_follow_their_case(county: County) -> None:
    """A hearing is counted for its case's unit (``case__unit``): moving the case to another
    unit, deleting the case or adding a hearing moves the hearing's facts too."""
    case = lawsuit(
        county.town_a,
        filed_on=D(2024, 2, 1),
        hearings=[(D(2024, 4, 2), True), (D(2024, 6, 3), False)],
    )
    other = lawsuit(county.dept, filed_on=D(2024, 3, 1), hearings=[(D(2024, 5, 5), True)])
    period = Period.parse("2024")

    def hearings(unit: OrgUnit) -> Any:
        values = figures(metric_values(actor=CLI, unit=unit, period=period))
        return values["litigation.head_rate_hearing"][1:]

    assert hearings(county.town_a) == (1, 2)
    case.unit = county.town_b
    case.save()
    assert (hearings(county.town_a), hearings(county.town_b)) == ((0, 0), (1, 2))
    Hearing.objects.create(case=case, held_on=D(2024, 9, 9), head_appeared=True)
    assert hearings(county.town_b) == (2, 3)
    case.delete()
    assert hearings(county.root) == (1, 1)
    Hearing.objects.filter(case=other).get().delete()
    assert hearings(county.root) == (0, 0)
    assert_facts_current()


def test_bulk_writers_keep_the_facts_with_the_helpers(county: County) -> None:
    rows = bulk(ReconsiderationCase, [closed(county.town_a, D(2024, 5, 1), "annul")])
    with facts.facts_kept(ReconsiderationCase, [r.pk for r in rows]):
        ReconsiderationCase.objects.filter(pk=rows[0].pk).update(closed_on=D(2024, 8, 1))
    assert_facts_current()
    assert MetricFact.objects.filter(month=D(2024, 8, 1)).exists()
    assert not MetricFact.objects.filter(month=D(2024, 5, 1)).exists()


def test_a_moved_unit_moves_its_facts(county: County, settings: Any) -> None:
    """Moving a unit rewrites its facts' slots, and the rollups of the subtrees it left and
    joined (a unit three levels down moves from one rollup root to another)."""
    deep = orgunit_create(
        actor=CLI,
        code="430199101901",
        name="白沙镇综合行政执法办一中队",
        kind=UnitKind.DEPARTMENT,
        level=UnitLevel.TOWNSHIP,
        parent=county.village_a,
    )
    other = orgunit_create(
        actor=CLI,
        code="430199102901",
        name="黄金乡综合行政执法办",
        kind=UnitKind.DEPARTMENT,
        level=UnitLevel.TOWNSHIP,
        parent=county.town_b,
    )
    assert (deep.depth, other.depth) == (3, 2)
    bulk(
        ReconsiderationCase,
        [
            closed(county.village_a, D(2024, 5, 1), "annul"),
            closed(deep, D(2024, 5, 9), "vary", respondent=deep),
            recon(deep, received_on=D(2024, 5, 2)),
            recon(county.town_b, received_on=D(2024, 2, 2)),
        ],
    )
    period = Period.parse("2024")
    orgunit_move(actor=CLI, unit=deep, new_parent=other)
    assert_facts_current()
    units = [county.root, county.town_a, county.town_b, county.village_a, other, deep]
    fast = {
        unit.code: figures(
            metric_values(actor=CLI, unit=unit.__class__.objects.get(pk=unit.pk), period=period)
        )
        for unit in units
    }
    assert fast["430199102"]["reconsideration.received"][1] == 3  # 黄金乡 now has 一中队
    assert fast["430199101"]["reconsideration.received"][1] == 1
    assert fast["430199102"]["reconsideration.respondent_corrected"][1] == 1
    settings.FAZHI_METRIC_FACTS = False
    slow = {
        unit.code: figures(
            metric_values(actor=CLI, unit=unit.__class__.objects.get(pk=unit.pk), period=period)
        )
        for unit in units
    }
    assert fast == slow
    orgunit_move(actor=CLI, unit=county.village_a, new_parent=county.town_b)
    assert_facts_current()


def test_a_changed_definition_gets_new_facts(county: County, settings: Any) -> None:
    bulk(
        ReconsiderationCase,
        [
            closed(county.town_a, D(2024, 5, 1), "annul"),
            closed(county.town_a, D(2024, 6, 1), "uphold"),
            closed(county.town_b, D(2024, 7, 1), "mediation"),
        ],
    )
    definition = definition_for("reconsideration.corrected", 2024)
    definition.numerator_filter = {"outcome__in": ["uphold", "mediation"]}
    metric_definition_save(actor=county.actor("sysadmin"), definition=definition)
    assert MetricFactState.objects.filter(definition=definition).exists()
    values = figures(metric_values(actor=CLI, unit=county.root, period=Period.parse("2024")))
    assert values["reconsideration.corrected"][1] == 2
    assert_facts_current()


def test_definitions_that_read_a_units_fields_use_the_registers(
    county: County, settings: Any
) -> None:
    """A unit's own fields change without any register write: no facts for such definitions."""
    definition = MetricDefinition.objects.get(code="reconsideration.received")
    definition.pk = None
    definition.code = "reconsideration.received_by_towns"
    definition.base_filter = {"unit__kind": "township"}
    definition.save()
    assert facts.reads(definition) is None and not facts.eligible(definition)
    assert not MetricFactState.objects.filter(definition=definition).exists()
    bulk(
        ReconsiderationCase,
        [
            recon(county.town_a, received_on=D(2024, 3, 3)),
            recon(county.dept, received_on=D(2024, 3, 4)),
        ],
    )
    period = Period.parse("2024")
    fast = figures(metric_values(actor=CLI, unit=county.root, period=period))
    assert fast["reconsideration.received_by_towns"][1] == 1
    assert fast["reconsideration.received"][1] == 2
    settings.FAZHI_METRIC_FACTS = False
    assert figures(metric_values(actor=CLI, unit=county.root, period=period)) == fast


def test_what_each_default_definition_reads() -> None:
    hearing = MetricDefinition.objects.get(code="litigation.head_rate_hearing")
    reads = facts.reads(hearing)
    assert reads is not None
    assert reads.paths == {"case__unit", "held_on", "head_appeared"}
    assert reads.hops == {("case", LitigationCase)}
    for definition in MetricDefinition.objects.all():
        assert facts.eligible(definition), definition.code
        assert MetricFactState.objects.filter(definition=definition).exists(), definition.code


def test_command_checks_and_rebuilds(county: County) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    generate(random.Random(4), units_of(county), n_recon=40, n_lit=10)
    out = StringIO()
    call_command("metric_facts", stdout=out)
    assert "月度汇总与登记簿一致" in out.getvalue()
    fact = MetricFact.objects.filter(rollup=False).order_by("pk").first()
    assert fact is not None
    MetricFact.objects.filter(pk=fact.pk).update(den=fact.den + 1, num=fact.num + 2)
    MetricFact.objects.filter(rollup=True).order_by("pk")[:1].get().delete()
    with pytest.raises(CommandError, match="不一致（2 行）") as error:
        call_command("metric_facts", "--check", stdout=out)
    assert error.value.returncode == 3
    assert f"单位 {fact.unit_id} {fact.month:%Y-%m} 本单位" in out.getvalue()
    assert "县级汇总：现存 无，应为 分子" in out.getvalue()
    out = StringIO()
    call_command("metric_facts", "--rebuild", stdout=out)
    assert "已重建月度汇总" in out.getvalue()
    call_command("metric_facts", stdout=StringIO())


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers: PostgreSQL")
def test_concurrent_writers_take_turns() -> None:
    """Two transactions write cases under the same county-level unit (one rollup row): the
    second waits for the first to commit and recomputes after it — no unique-key error, no
    lost update of the shared rollup row."""
    import threading

    from django.db import close_old_connections, transaction
    from tests.personas import build_county

    county = build_county()
    deep = orgunit_create(
        actor=CLI,
        code="430199101902",
        name="白沙镇综合行政执法办二中队",
        kind=UnitKind.DEPARTMENT,
        level=UnitLevel.TOWNSHIP,
        parent=county.village_a,
    )
    first = bulk(ReconsiderationCase, [closed(county.village_a, D(2024, 5, 1), "uphold")])[0]
    second = bulk(ReconsiderationCase, [closed(deep, D(2024, 5, 2), "uphold")])[0]
    saved, go = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def write(pk: int, hold: bool) -> None:
        try:
            with transaction.atomic():
                case = ReconsiderationCase.objects.get(pk=pk)
                case.outcome = "annul"
                case.save()
                if hold:
                    saved.set()
                    go.wait(10)
        except BaseException as exc:  # noqa: BLE001 — any failure in the thread is reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    one = threading.Thread(target=write, args=(first.pk, True))
    one.start()
    assert saved.wait(10)
    two = threading.Thread(target=write, args=(second.pk, False))
    two.start()
    two.join(0.5)
    assert two.is_alive()  # waiting for the first writer's turn
    go.set()
    one.join(10)
    two.join(10)
    assert not errors
    village = OrgUnit.objects.get(pk=county.village_a.pk)
    values = figures(metric_values(actor=CLI, unit=village, period=Period.parse("2024-05")))
    assert values["reconsideration.corrected"][1] == 2
    assert_facts_current()
