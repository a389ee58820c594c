"""Demo data for the 述法 register: the report year's 述法 of the county's principal heads.

:func:`fill` (kit hook ``demo_county``) writes, through the services, for ``ctx.last_year``
(the report year): the 县长 and the 县委书记 专题述法 at the 县委全面依法治县委员会会议 in
late December, the material approved by the 依法治县办 first; every department head and
township head 年终述职中述法 in December (material approved first), most rated; one
material returned for revision and one still waiting for review (not held). Then the year's
应述法单位 rows. Dates only within the year, randomness from ``ctx.rng_for(NAME)`` only.
"""

from __future__ import annotations

import datetime as dt
import random

from fazhi.demo import cases as c
from fazhi.demo.generator import CountyContext
from fazhi.orgs.models import OrgUnit, UnitKind
from fazhi.statements import services
from fazhi.statements.models import Form, HeadKind, Rating, Statement
from fazhi.statements.rules import required_units

NAME = "statements"
LABEL = "述法记录"
MEETING = "县委全面依法治县委员会会议"
RATINGS = ((Rating.GOOD, 0.55), (Rating.FAIRLY_GOOD, 0.35), (Rating.FAIR, 0.1))
MATERIAL = (
    "一、履行推进法治建设第一责任人职责情况：{unit}把法治建设纳入全局工作统筹推进，"
    "主要负责人带头学法、依法决策。二、存在的问题：法治宣传的针对性有待加强，"
    "执法规范化水平有待提高。三、下一步打算：严格落实第一责任人职责，推进严格规范公正文明执法。"
)


def _post(unit: OrgUnit) -> str:
    if unit.kind == UnitKind.DEPARTMENT:
        return "主任" if unit.name.endswith(("办公室", "中心")) else "局长"
    return c.leader_posts(unit)[0]


def fill(ctx: CountyContext) -> int:
    """The report year's statements; returns how many were registered."""
    rng = ctx.rng_for(NAME)
    year = ctx.last_year
    units = list(required_units(ctx.root).order_by("code"))  # not by path: pks differ
    plan: list[tuple[OrgUnit, str, str, str]] = []
    for unit in units:
        if unit.pk == ctx.root.pk:
            plan.append((unit, "县长", HeadKind.GOVERNMENT, Form.COMMITTEE))
            plan.append((unit, "县委书记", HeadKind.PARTY, Form.COMMITTEE))
        elif unit.kind == UnitKind.TOWNSHIP:
            plan.append((unit, _post(unit), HeadKind.TOWNSHIP, Form.ANNUAL))
        else:
            plan.append((unit, _post(unit), HeadKind.DEPARTMENT, Form.ANNUAL))
    others = [i for i, p in enumerate(plan) if p[3] == Form.ANNUAL]
    pending = set(rng.sample(others, k=min(2, len(others))))
    meeting_day = c.workday_on_or_before(dt.date(year, 12, 26))
    names: set[str] = set()
    written = 0
    for i, (unit, post, kind, form) in enumerate(plan):
        person = _unique_name(rng, names)
        statement = services.statement_register(
            actor=ctx.actor,
            unit=unit,
            year=year,
            person=person,
            post=post,
            head_kind=kind,
            form=form,
            planned_on=meeting_day if form == Form.COMMITTEE else dt.date(year, 12, 20),
            registered_on=c.pick_workday(rng, dt.date(year, 11, 2), dt.date(year, 11, 13)),
            material=MATERIAL.format(unit=unit.short_name or unit.name),
        )
        written += 1
        _advance(ctx, rng, statement, i in pending, meeting_day)
    services.duties_refresh(year=year, units=units)
    return written


def _unique_name(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = c.person_name(rng)
        if name not in taken:
            taken.add(name)
            return name


def _advance(
    ctx: CountyContext, rng: random.Random, s: Statement, pending: bool, meeting_day: dt.date
) -> None:
    year = s.year
    submitted = c.pick_workday(rng, dt.date(year, 11, 16), dt.date(year, 11, 27))
    s = services.statement_submit(actor=ctx.actor, statement=s, submitted_on=submitted)
    if pending:
        if rng.random() < 0.5:
            return  # still waiting for the 依法治县办
        returned = c.pick_workday(rng, dt.date(year, 12, 1), dt.date(year, 12, 8))
        services.statement_send_back(
            actor=ctx.actor,
            statement=s,
            returned_on=returned,
            note="问题查摆不够具体，请对照第一责任人职责逐项补充后重新送审",
        )
        return
    approved = c.pick_workday(rng, dt.date(year, 12, 1), dt.date(year, 12, 10))
    s = services.statement_approve(actor=ctx.actor, statement=s, approved_on=approved)
    if s.form == Form.COMMITTEE:
        held = meeting_day
        s = services.statement_hold(actor=ctx.actor, statement=s, held_on=held, meeting=MEETING)
    else:
        held = c.pick_workday(rng, dt.date(year, 12, 14), dt.date(year, 12, 25))
        s = services.statement_hold(actor=ctx.actor, statement=s, held_on=held)
    rated_on = min(held + dt.timedelta(days=rng.randint(0, 3)), dt.date(year, 12, 31))
    services.statement_rate(
        actor=ctx.actor,
        statement=s,
        rated_on=rated_on,
        rating=c.weighted(rng, RATINGS),
        rating_note="述法内容全面，问题查摆深入" if s.form == Form.COMMITTEE else "",
    )
