"""Demo data for the 行政执法培训 register: a year of training for the county's officers.

:func:`fill` (kit hook ``demo_county``, after the 执法人员 filler of ``enforcement``) has the
county 司法局 organise ten training courses and two exams in the last full year and records the
attendance of the county's officers through the services (:func:`attendance_bulk`: staged rows,
one INSERT per table, each row audited). About nine in ten officers reach the 60学时 target,
the others fall short; the year's :class:`OfficerYear` rows are then written for every officer
holding a certificate. Dates come from ``ctx.year_range``, randomness from
``ctx.rng_for(NAME)`` only.
"""

from __future__ import annotations

import random
from decimal import Decimal

from fazhi.demo import cases as c
from fazhi.demo.generator import CountyContext
from fazhi.enforcement.models import Officer
from fazhi.enforcement_training import services
from fazhi.enforcement_training.models import Course, CourseKind
from fazhi.metrics.facts import facts_deferred

NAME = "enforcement_training"
LABEL = "执法培训参训记录"
SHORT_SHARE = 0.1

#: (title, 公共法律知识, 专业法律知识, 执法技能)
COURSES = (
    ("行政执法人员公共法律知识培训（第一期）", 16, 0, 0),
    ("《行政处罚法》专题培训", 4, 12, 0),
    ("行政执法“三项制度”专题培训", 8, 4, 4),
    ("行政执法文书制作实务培训", 0, 4, 12),
    ("《行政许可法》与“放管服”改革专题培训", 4, 12, 0),
    ("行政执法人员公共法律知识培训（第二期）", 16, 0, 0),
    ("行政强制与行政检查规范化培训", 0, 12, 4),
    ("执法音像记录与证据收集实务培训", 0, 4, 12),
    ("习近平法治思想专题学习", 16, 0, 0),
    ("行政复议与行政应诉案例研讨", 4, 8, 4),
)
EXAMS = (
    ("行政执法人员年度法律知识考试（上半年）", 2, 2, 0),
    ("行政执法人员年度法律知识考试（下半年）", 2, 2, 0),
)


def fill(ctx: CountyContext) -> int:
    """The last full year's courses, exams and attendance; returns how many attendance rows."""
    rng = ctx.rng_for(NAME)
    officers = list(
        Officer.objects.filter(unit__path__startswith=ctx.root.path)
        .select_related("unit")
        .order_by("pk")
    )
    if not officers:
        return 0
    year = ctx.last_year
    bureau = c.justice_bureau(ctx)
    first, last = c.year_bounds(year)
    plan = [(t, CourseKind.TRAINING, h) for t, *h in COURSES]
    plan += [(t, CourseKind.EXAM, h) for t, *h in EXAMS]
    days = sorted(c.pick_workday(rng, first, last) for _ in plan)
    rng.shuffle(plan)
    courses = []
    for (title, kind, (public, professional, skill)), day in zip(plan, days, strict=True):
        courses.append(
            services.course_register(
                actor=ctx.actor,
                unit=bureau,
                title=title,
                kind=kind,
                start_on=day,
                end_on=day,
                public_hours=Decimal(public),
                professional_hours=Decimal(professional),
                skill_hours=Decimal(skill),
                pass_score=Decimal(60) if kind == CourseKind.EXAM else None,
            )
        )
    chosen = _attendance_plan(rng, officers, courses)
    with facts_deferred():
        written = _attend(ctx, rng, courses, chosen)
        services.years_refresh(officer_ids=services.certified_ids(year, [ctx.root]), year=year)
    return written


def _attend(
    ctx: CountyContext,
    rng: random.Random,
    courses: list[Course],
    chosen: dict[int, list[Officer]],
) -> int:
    written = 0
    for course in courses:
        entries = [
            services.Entry(officer=o, score=_score(rng) if course.kind == CourseKind.EXAM else None)
            for o in chosen[course.pk]
        ]
        if entries:
            written += services.attendance_bulk(
                actor=ctx.actor, course=course, entries=entries, refresh=False
            )
    return written


def _attendance_plan(
    rng: random.Random, officers: list[Officer], courses: list[Course]
) -> dict[int, list[Officer]]:
    """Course pk → attendees: most officers take courses until ≥ 64学时, one in ten stops
    between 20 and 56."""
    chosen: dict[int, list[Officer]] = {course.pk: [] for course in courses}
    hours = {course.pk: course.total_hours for course in courses}
    for officer in officers:
        short = rng.random() < SHORT_SHARE
        goal = Decimal(rng.randrange(20, 57, 4)) if short else Decimal(rng.randrange(64, 85, 4))
        order = list(hours)
        rng.shuffle(order)
        total = Decimal(0)
        for pk in order:
            if total + hours[pk] > goal and (short or total >= goal):
                continue
            chosen[pk].append(officer)
            total += hours[pk]
            if total >= goal:
                break
    return chosen


def _score(rng: random.Random) -> Decimal:
    return Decimal(min(100, max(35, round(rng.gauss(80, 10)))))
