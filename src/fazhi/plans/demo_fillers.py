"""Demo data: the county's 法治政府建设工作要点 for the last filled year, imported through the
parser and the import service, with a year of progress: most tasks reported and approved on
time, some late, some still in progress, a few never started (flagged 逾期 by the year-end
sweep), one report sent back and resubmitted. (督办单 are dated by the clock, so the demo
has none; issue one from an overdue task's page.)

All dates come from the filled year (never the clock); every write goes through
:mod:`fazhi.plans.services`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from fazhi.demo import data
from fazhi.demo.generator import CountyContext
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor
from fazhi.plans import services
from fazhi.plans.models import Assignment, AssignmentStatus, Plan, ProgressReport, UnitAlias
from fazhi.plans.parser import parse_plan
from fazhi.plans.selectors import match_units

NAME = "plans"
SHANGHAI = ZoneInfo("Asia/Shanghai")


PLAN_TEMPLATE = Path(__file__).resolve().parent / "fixtures" / "demo_plan.txt"


def plan_text(year: int) -> str:
    """The demo county's plan of ``year`` (``fixtures/demo_plan.txt``, placeholders filled)."""
    template = PLAN_TEMPLATE.read_text(encoding="utf-8")
    return template.format(county=data.COUNTY_NAME, year=year, next_year=year + 1)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def fill(ctx: CountyContext) -> int:
    """Import the plan of ``ctx.last_year`` and play out its year; returns the assignments."""
    year, rng, root = ctx.last_year, ctx.rng_for(NAME), ctx.root
    office = next(u for u in ctx.units.values() if u.short_name == "依法治县办")
    staff = OrgUnit.objects.filter(parent=root, short_name="机构编制办").first() or office
    UnitAlias.objects.get_or_create(unit=staff, alias="县编办")
    parsed = parse_plan(plan_text(year))
    names = [n for task in parsed.tasks for names in task.units.values() for n in names]
    matches = match_units(root, names)
    summary = services.plan_import(
        actor=ctx.actor,
        unit=root,
        parsed=parsed,
        resolution={name: list(m.units) for name, m in matches.items()},
        source_name=f"{year}年法治政府建设工作要点.txt",
        source_text=plan_text(year),
    )
    reviewer = Actor.command_line(root)
    for a in Assignment.objects.filter(task__plan=summary.plan).select_related("task", "unit"):
        due = a.due_on or dt.date(year, 12, 31)
        fate = rng.random()
        if fate < 0.1:
            continue  # never started: the year-end sweep flags it 逾期
        clerk = Actor.command_line(a.unit)
        start = max(dt.date(year, 3, 1), due - dt.timedelta(days=rng.randint(20, 60)))
        first = services.report_submit(
            actor=clerk,
            assignment=a,
            text=f"已制定工作方案，明确责任人，{a.task.title}正在推进。",
            at=at(start),
        )
        if fate < 0.25:
            continue  # still in progress at the year's end, its report waiting for review
        services.report_review(
            actor=reviewer, report=first, approve=True, at=at(start + dt.timedelta(days=1))
        )
        late = fate > 0.85
        done = (
            due + dt.timedelta(days=rng.randint(3, 25))
            if late
            else due - dt.timedelta(days=rng.randint(0, 15))
        )
        done = max(done, start + dt.timedelta(days=1))
        report = services.report_submit(
            actor=clerk,
            assignment=a,
            text=f"{a.task.title}已完成，相关材料已归档。",
            claims_completion=True,
            at=at(done),
        )
        services.report_review(
            actor=reviewer, report=report, approve=True, at=at(done + dt.timedelta(days=2))
        )
    _one_returned(summary.plan, reviewer, year)
    services.assignments_sweep(today=dt.date(year + 1, 1, 1))
    return summary.assignments


def _one_returned(plan: Plan, reviewer: Actor, year: int) -> None:
    """One report sent back for missing evidence, then resubmitted (shows the review flow)."""
    report = (
        ProgressReport.objects.filter(
            assignment__task__plan=plan, claims_completion=False, status="submitted"
        )
        .exclude(assignment__status=AssignmentStatus.COMPLETED)
        .order_by("pk")
        .first()
    )
    if report is None:
        return
    day = report.submitted_at.astimezone(SHANGHAI).date()
    services.report_review(
        actor=reviewer,
        report=report,
        approve=False,
        note="请补充工作方案文件",
        at=at(day + dt.timedelta(days=1)),
    )
    services.report_submit(
        actor=Actor.command_line(report.assignment.unit),
        assignment=report.assignment,
        text="已补充工作方案（见附件清单），按计划推进。",
        at=at(day + dt.timedelta(days=3)),
    )
