"""Reads of the 述法 register: the home tile counts and the 述法情况 (coverage) page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, visible_to
from fazhi.statements.models import PRINCIPAL_KINDS, Statement, Status
from fazhi.statements.rules import required_units

#: From this day of the year on, a required unit without any 述法 scheduled is shown on the
#: home tile (the 年终述职 is in December).
SCHEDULE_FROM = (12, 1)


@dataclass(frozen=True)
class CoverageRow:
    unit: OrgUnit
    statements: tuple[Statement, ...]

    @property
    def state(self) -> str:
        principal = [s for s in self.statements if s.head_kind in PRINCIPAL_KINDS]
        if not principal:
            return "未安排"
        return "、".join(f"{s.post}{s.person}：{s.get_status_display()}" for s in principal)

    @property
    def held(self) -> bool:
        return any(
            s.status in (Status.HELD, Status.RATED) and s.head_kind in PRINCIPAL_KINDS
            for s in self.statements
        )


def coverage(actor: Actor, year: int) -> list[CoverageRow]:
    """Every unit of the actor's subtree whose head must 述法, with its statements of
    ``year`` (two queries, whatever the number of units)."""
    units = list(required_units(actor.unit))
    by_unit: dict[int, list[Statement]] = {}
    rows = visible_to(Statement.objects.filter(year=year), actor).order_by("person", "pk")
    for s in rows:
        by_unit.setdefault(s.unit_id, []).append(s)
    for unit in units:
        for s in by_unit.get(unit.pk, []):
            s.unit = unit
    return [CoverageRow(u, tuple(by_unit.get(u.pk, []))) for u in units]


def todo_counts(actor: Actor, today: dt.date) -> dict[str, int]:
    """送审 materials this actor may review (units strictly below), and — from 12-01 on —
    required units of the subtree without any 述法 of the year registered."""
    counts = {"to_review": 0, "unscheduled": 0}
    if actor.can(Cap.REVIEW):
        counts["to_review"] = (
            visible_to(Statement.objects.filter(status=Status.SUBMITTED), actor)
            .exclude(unit=actor.unit)
            .count()
        )
    if today >= dt.date(today.year, *SCHEDULE_FROM):
        scheduled = Statement.objects.filter(year=today.year, head_kind__in=PRINCIPAL_KINDS).values(
            "unit_id"
        )
        counts["unscheduled"] = required_units(actor.unit).exclude(pk__in=scheduled).count()
    return counts
