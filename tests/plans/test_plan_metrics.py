"""Plan-tracking figures are metrics of the engine (definitions in metric_definitions.json,
source ``plans.Assignment``): hand-computed values for the county and its townships, the
drill-down lists exactly the assignments counted, a township sees only its subtree, and the
monthly facts give the same figures as the registers, also after saves and deletes.

Assignments are built with the ORM, fields set the way the tracking services set them (status,
``completed_on``, ``completed_on_time``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from tests.personas import County

from fazhi.metrics import facts
from fazhi.metrics.engine import DENOMINATOR, NUMERATOR, MetricValue, validate_definition
from fazhi.metrics.models import MetricDefinition, MetricFact, MetricFactState
from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import definition_for, definitions_for_year, metric_records
from fazhi.metrics.selectors import metric_values as _metric_values
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor
from fazhi.plans.models import Assignment, AssignmentStatus, Plan, PlanSection, Task

pytestmark = pytest.mark.django_db
CLI = Actor.command_line()
D = dt.date
CODES = (
    "plans.assignments_due",
    "plans.on_time_rate",
    "plans.overdue",
    "plans.overdue_open",
    "plans.completed_count",
)
DONE, LATE = AssignmentStatus.COMPLETED, AssignmentStatus.OVERDUE
WORKING, NEW = AssignmentStatus.IN_PROGRESS, AssignmentStatus.NOT_STARTED


def task(plan: Plan, number: int, due_on: dt.date | None) -> Task:
    section = plan.sections.first()
    return Task.objects.create(
        plan=plan,
        section=section,
        number=f"（{number}）",
        title=f"任务{number}",
        text=f"第{number}项任务的内容。",
        order=number,
        due_on=due_on,
    )


def assign(
    t: Task,
    unit: OrgUnit,
    role: str,
    status: str = NEW,
    completed_on: dt.date | None = None,
    on_time: bool | None = None,
) -> Assignment:
    return Assignment.objects.create(
        task=t,
        unit=unit,
        role=role,
        due_on=t.due_on,
        status=status,
        completed_on=completed_on,
        completed_on_time=on_time,
    )


@pytest.fixture
def rows(county: County) -> dict[str, Assignment]:
    """The county's 2025 plan. Due in 2025 (nine): a1 a2 a3 (31 March), b1 b2 b3 (30 June),
    c1 c2 (31 December), e1 (30 September, a completion sent back: the stale completion date
    and flag must not count). d1 was due in 2024 and completed in 2025; f1 has no due date."""
    plan = Plan.objects.create(
        unit=county.root, year=2025, title="湘江县2025年法治政府建设工作要点"
    )
    PlanSection.objects.create(plan=plan, number="一", title="全面履行政府职能", order=1)
    t1, t2 = task(plan, 1, D(2025, 3, 31)), task(plan, 2, D(2025, 6, 30))
    t3 = task(plan, 3, D(2025, 12, 31))
    t4, t5, t6 = task(plan, 4, D(2024, 12, 31)), task(plan, 5, D(2025, 9, 30)), task(plan, 6, None)
    c = county
    return {
        "a1": assign(t1, c.dept, "lead", DONE, D(2025, 3, 20), True),
        "a2": assign(t1, c.town_a, "cooperating", DONE, D(2025, 4, 10), False),
        "a3": assign(t1, c.town_b, "cooperating", LATE),
        "b1": assign(t2, c.village_a, "responsible", DONE, D(2025, 6, 30), True),  # on the day
        "b2": assign(t2, c.town_a, "responsible", LATE),
        "b3": assign(t2, c.dept, "lead", WORKING),  # past due, not yet swept
        "c1": assign(t3, c.town_b, "lead", NEW),
        "c2": assign(t3, c.town_a, "responsible", DONE, D(2025, 5, 15), True),  # early
        "d1": assign(t4, c.town_a, "lead", DONE, D(2025, 1, 10), False),
        "e1": assign(t5, c.town_b, "responsible", WORKING, D(2025, 8, 1), True),  # sent back
        "f1": assign(t6, c.dept, "lead", DONE, D(2025, 7, 1), True),
    }


def metric_values(actor: Actor, unit: OrgUnit, period: str) -> dict[str, MetricValue]:
    found = _metric_values(actor=actor, unit=unit, period=Period.parse(period), codes=CODES)
    return {v.code: v for v in found}


def figures(actor: Actor, unit: OrgUnit, period: str) -> dict[str, tuple[Any, ...]]:
    """{code: (value, numerator, denominator)}; the value as shown (e.g. ``33.3%``)."""
    return {
        code: (v.display, v.numerator, v.denominator)
        for code, v in metric_values(actor, unit, period).items()
    }


def expected(due: int, on_time: int, overdue: int, still: int, done: int) -> dict[str, Any]:
    rate = f"{Decimal(100 * on_time) / due:.1f}%" if due else "—"
    return {
        "plans.assignments_due": (f"{due}项", due, None),
        "plans.on_time_rate": (rate, on_time, due),
        "plans.overdue": (f"{overdue}项", overdue, None),
        "plans.overdue_open": (f"{still}项", still, None),
        "plans.completed_count": (f"{done}项", done, None),
    }


#: (unit attribute, period) → expected (due, on time, overdue, still overdue, completed).
CASES: dict[tuple[str, str], tuple[int, int, int, int, int]] = {
    # due a1 a2 a3 b1 b2 b3 c1 c2 e1; on time a1 b1 c2; overdue a2 (late) a3 b2; still a3 b2;
    # completed in 2025: a1 a2 b1 c2 d1 f1 (not e1, sent back)
    ("root", "2025"): (9, 3, 3, 2, 6),
    ("town_a", "2025"): (4, 2, 2, 1, 4),  # a2 b1 b2 c2 (b1: village_a); done a2 b1 c2 d1
    ("town_b", "2025"): (3, 0, 1, 1, 0),  # a3 c1 e1
    ("dept", "2025"): (2, 1, 0, 0, 2),  # a1 b3; done a1 f1
    ("village_a", "2025"): (1, 1, 0, 0, 1),  # b1
    ("root", "2025Q2"): (3, 1, 1, 1, 3),  # due b1 b2 b3; done a2 (4/10) c2 (5/15) b1 (6/30)
    ("root", "2025-03-15..2025-06-30"): (6, 2, 3, 2, 4),  # due a* b*; done a1 a2 b1 c2
    ("root", "2024"): (1, 0, 1, 0, 0),  # d1, completed late in 2025
    ("town_a", "2025-01"): (0, 0, 0, 0, 1),  # d1 completed on 10 January
}


def test_definitions_are_valid_and_kept_as_monthly_facts() -> None:
    for code in CODES:
        definition = definition_for(code, 2025)
        validate_definition(definition)
        assert (definition.group, definition.source, definition.unit_field) == (
            "工作计划",
            "plans.Assignment",
            "unit",
        )
        assert facts.eligible(definition), code
        assert MetricFactState.objects.filter(definition=definition).exists(), code
        assert "依据" in definition.description
    listed = [d.code for d in definitions_for_year(2025)]
    first = listed.index(CODES[0])
    assert listed[first : first + len(CODES)] == list(CODES)
    # right after the 行政复议 and 行政应诉 metrics (the later registers' metrics follow)
    assert {code.split(".")[0] for code in listed[:first]} == {"reconsideration", "litigation"}


def test_figures_for_the_county_and_its_units(county: County, rows: Any) -> None:
    for (attr, period), counts in CASES.items():
        assert figures(CLI, getattr(county, attr), period) == expected(*counts), (attr, period)


def test_facts_and_registers_agree(county: County, rows: Any, settings: Any) -> None:
    plan_definitions = MetricDefinition.objects.filter(code__in=CODES)
    assert MetricFact.objects.filter(definition__in=plan_definitions).exists()
    for definition in definitions_for_year(2025, CODES):  # whole months come from the facts
        assert facts.usable(definition, county.root, facts.TOTAL), definition.code
    fast = {key: figures(CLI, getattr(county, key[0]), key[1]) for key in CASES}
    settings.FAZHI_METRIC_FACTS = False
    slow = {key: figures(CLI, getattr(county, key[0]), key[1]) for key in CASES}
    assert fast == slow
    assert slow[("root", "2025")] == expected(*CASES[("root", "2025")])


def drilled(actor: Actor, unit: OrgUnit, code: str, period: str, part: str) -> set[int]:
    definition = definition_for(code, Period.parse(period).year)
    qs = metric_records(
        actor=actor, definition=definition, unit=unit, period=Period.parse(period), part=part
    )
    return set(qs.values_list("pk", flat=True))


def test_drill_down_lists_exactly_the_assignments_counted(
    county: County, rows: dict[str, Assignment]
) -> None:
    def ids(*names: str) -> set[int]:
        return {rows[n].pk for n in names}

    root = county.root
    due = ids("a1", "a2", "a3", "b1", "b2", "b3", "c1", "c2", "e1")
    assert drilled(CLI, root, "plans.assignments_due", "2025", NUMERATOR) == due
    assert drilled(CLI, root, "plans.on_time_rate", "2025", NUMERATOR) == ids("a1", "b1", "c2")
    assert drilled(CLI, root, "plans.on_time_rate", "2025", DENOMINATOR) == due
    assert drilled(CLI, root, "plans.overdue", "2025", NUMERATOR) == ids("a2", "a3", "b2")
    assert drilled(CLI, root, "plans.overdue_open", "2025", NUMERATOR) == ids("a3", "b2")
    assert drilled(CLI, root, "plans.completed_count", "2025", NUMERATOR) == ids(
        "a1", "a2", "b1", "c2", "d1", "f1"
    )
    with pytest.raises(ValueError):  # a count has no denominator
        drilled(CLI, root, "plans.overdue", "2025", DENOMINATOR)


def test_a_township_sees_only_its_subtree(county: County, rows: dict[str, Assignment]) -> None:
    clerk = county.actor("clerk_a")
    assert figures(clerk, county.town_a, "2025") == expected(*CASES[("town_a", "2025")])
    assert drilled(clerk, county.town_a, "plans.on_time_rate", "2025", DENOMINATOR) == {
        rows[n].pk for n in ("a2", "b1", "b2", "c2")
    }
    for unit in (county.root, county.town_b, county.dept):
        with pytest.raises(PermissionDenied):
            metric_values(clerk, unit, "2025")
        with pytest.raises(PermissionDenied):
            drilled(clerk, unit, "plans.assignments_due", "2025", NUMERATOR)


def test_pages_show_the_plan_metrics_and_their_records(
    county: County, rows: dict[str, Assignment]
) -> None:
    client = county.client("clerk_a")
    page = client.get("/metrics/?unit=430199101&period=2025").content.decode()
    assert "工作计划" in page and "按期完成率" in page and "50.0%" in page
    url = "/metrics/plans.on_time_rate/drill/?unit=430199101&period=2025&part=denominator"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "任务分工" in html and "完成时限" in html
    for name in ("a2", "b1", "b2", "c2"):
        assert str(rows[name].unit) in html and str(rows[name].task) in html
    assert "黄金乡人民政府" not in html and "湘江县司法局" not in html  # other units' rows
    assert client.get(url.replace("430199101", "430199102")).status_code == 404
    api = client.get("/api/v1/metrics/?unit=430199101&period=2025&code=plans.overdue")
    assert [(r["code"], r["value"], r["unit"]) for r in api.json()] == [("plans.overdue", 2, "项")]


def test_facts_follow_the_tracking_writes(
    county: County, rows: dict[str, Assignment], settings: Any
) -> None:
    """The sweep flags b3 逾期, a3 is then completed late, c1 on time, a completion is sent
    back (a1), an assignment moves to another unit, a task is deleted with its assignments."""
    b3, a3, c1, a1, c2 = (rows[n] for n in ("b3", "a3", "c1", "a1", "c2"))
    b3.status = LATE
    b3.save()
    a3.status, a3.completed_on, a3.completed_on_time = DONE, D(2025, 7, 2), False
    a3.save()
    c1.status, c1.completed_on, c1.completed_on_time = DONE, D(2025, 11, 30), True
    c1.save()
    a1.status = WORKING  # sent back; the service may leave the completion fields as they were
    a1.save()
    c2.unit = county.dept
    c2.save()
    rows["e1"].task.delete()  # cascades to e1
    # due: a1 a2 a3 b1 b2 b3 c1 c2 = 8; on time: b1 c1 c2; overdue: a2 a3 b2 b3;
    # still overdue: b2 b3; completed in 2025: a2 a3 b1 c1 c2 d1 f1
    assert figures(CLI, county.root, "2025") == expected(8, 3, 4, 2, 7)
    assert figures(CLI, county.town_b, "2025") == expected(2, 1, 1, 0, 2)  # a3 c1
    assert figures(CLI, county.town_a, "2025") == expected(3, 1, 2, 1, 3)  # a2 b1 b2; a2 b1 d1
    assert figures(CLI, county.dept, "2025") == expected(3, 1, 1, 1, 2)  # a1 b3 c2; c2 f1
    checked, mismatches = facts.facts_check()
    assert checked > 0 and mismatches == []
    fast = {key: figures(CLI, getattr(county, key[0]), key[1]) for key in CASES}
    settings.FAZHI_METRIC_FACTS = False
    assert {key: figures(CLI, getattr(county, key[0]), key[1]) for key in CASES} == fast


def test_drill_page_query_count_does_not_grow_with_the_rows(county: County) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan = Plan.objects.create(unit=county.root, year=2025, title="计划")
    PlanSection.objects.create(plan=plan, number="一", title="部分")
    url = "/metrics/plans.assignments_due/drill/?unit=430199&period=2025&part=numerator"
    client = county.client("coordinator")

    def queries(n: int) -> int:
        for _ in range(n):
            assign(task(plan, 100 + Task.objects.count(), D(2025, 5, 1)), county.town_a, "lead")
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    assert queries(2) == queries(18)
