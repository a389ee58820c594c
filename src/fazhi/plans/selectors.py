"""Reads of the plans app: matching the unit names a plan uses to the org tree, and the rules
(纲要 chapters, collective names) that are data in ``fixtures/plan_rules.json``."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db.models import F, Q, QuerySet

from fazhi.metrics.selectors import definitions_for_year
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor, unit_in_scope, visible_to
from fazhi.plans.models import Assignment, Plan, Task, UnitAlias

RULES_FILE = Path(__file__).resolve().parent / "fixtures" / "plan_rules.json"

EXACT, SHORT, ALIAS, PREFIX, COLLECTIVE, NONE = (
    "exact",
    "short_name",
    "alias",
    "prefix",
    "collective",
    "none",
)
HOW_LABELS = {
    EXACT: "全称一致",
    SHORT: "简称一致",
    ALIAS: "别名",
    PREFIX: "省略地名",
    COLLECTIVE: "集合名称，须确认",
    NONE: "未匹配",
}


@lru_cache(maxsize=1)
def plan_rules() -> dict[str, Any]:
    rules: dict[str, Any] = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    return rules


def chapters() -> list[tuple[int, str]]:
    """The 纲要 chapters (number, title), in order."""
    return [(c["number"], c["title"]) for c in plan_rules()["chapters"]]


def guess_chapter(*texts: str) -> int | None:
    """The 纲要 chapter whose keywords occur most in ``texts`` (the section title first counts
    double), or None."""
    best, best_score = None, 0
    for chapter in plan_rules()["chapters"]:
        score = 0
        for weight, text in enumerate(reversed(texts), start=1):
            score += weight * sum(1 for word in chapter["keywords"] if word in text)
        if score > best_score:
            best, best_score = chapter["number"], score
    return best


@dataclass(frozen=True)
class Match:
    """How one name in a plan maps to units: ``how`` is one of the constants above."""

    name: str
    units: tuple[OrgUnit, ...]
    how: str
    label: str = ""

    @property
    def matched(self) -> bool:
        return bool(self.units)

    @property
    def needs_confirmation(self) -> bool:
        return self.how == COLLECTIVE

    @property
    def how_label(self) -> str:
        return HOW_LABELS[self.how] + (f"：{self.label}" if self.label else "")


def _plain(name: str) -> str:
    return re.sub(r"\s+", "", name).replace("人民政府", "政府").replace("中共", "")


def match_units(issuer: OrgUnit, names: list[str]) -> dict[str, Match]:
    """Each of ``names`` matched among the active units of ``issuer``'s subtree: full name,
    short name, alias, the name without its place (``县司法局`` → 湘江县司法局 or the short
    name 司法局, ``县委依法治县办`` → 依法治县办, among the issuer's direct sub-units), or a
    collective name (``县各相关部门``, ``各镇区``) expanded to
    the issuer's direct sub-units of that kind. Two queries whatever the number of names."""
    units = list(
        OrgUnit.objects.subtree_of(issuer)
        .active()
        .only("code", "name", "short_name", "kind", "parent_id", "path", "depth")
    )
    aliases: dict[str, list[int]] = {}
    rows = UnitAlias.objects.filter(unit__path__startswith=issuer.path, unit__is_active=True)
    for alias, unit_id in rows.values_list("alias", "unit_id"):
        aliases.setdefault(_plain(alias), []).append(unit_id)
    by_id = {u.pk: u for u in units}
    return {name: _match(issuer, name, units, by_id, aliases) for name in dict.fromkeys(names)}


def _match(
    issuer: OrgUnit,
    name: str,
    units: list[OrgUnit],
    by_id: dict[int, OrgUnit],
    aliases: dict[str, list[int]],
) -> Match:
    plain = _plain(name)
    for how, found in (
        (EXACT, [u for u in units if _plain(u.name) == plain]),
        (SHORT, [u for u in units if u.short_name and _plain(u.short_name) == plain]),
        (ALIAS, [by_id[pk] for pk in aliases.get(plain, []) if pk in by_id]),
    ):
        if len(found) == 1:
            return Match(name, (found[0],), how)
    for rule in plan_rules()["collective_names"]:
        if re.match(rule["pattern"], plain):
            kids = [u for u in units if u.parent_id == issuer.pk and u.kind in rule["kinds"]]
            kids.sort(key=lambda u: u.code)
            return Match(name, tuple(kids), COLLECTIVE if kids else NONE, rule["label"])
    place = re.match(r"^(省委|市委|县委|区委|省|市|县|区|镇|乡)(.{2,})$", plain)
    if place:
        head, rest = place.groups()
        kids = [u for u in units if u.parent_id == issuer.pk]
        found = [u for u in kids if u.short_name and _plain(u.short_name) == rest]
        if len(found) != 1:
            found = [
                u
                for u in kids
                if _plain(u.name).endswith(rest) and _plain(u.name)[: -len(rest)].endswith(head)
            ]
        if len(found) == 1:
            return Match(name, (found[0],), PREFIX)
    return Match(name, (), NONE)


# --- tracking reads ------------------------------------------------------------------------------
def plans_for(actor: Actor) -> QuerySet[Plan]:
    """Plans the actor may open: those its subtree issued and those assigning it a task."""
    assigned = visible_to(Assignment.objects.all(), actor).values("task__plan_id")
    issued = visible_to(Plan.objects.all(), actor).values("pk")
    return Plan.objects.filter(Q(pk__in=assigned) | Q(pk__in=issued)).select_related("unit")


@dataclass(frozen=True)
class Cell:
    assignment: Assignment
    light: str


@dataclass(frozen=True)
class Matrix:
    units: list[OrgUnit]
    rows: list[tuple[Task, list[Cell | None]]]
    counts: dict[str, int]


def plan_matrix(
    actor: Actor,
    plan: Plan,
    today: dt.date,
    *,
    section: int | None = None,
    status: str = "",
    unit: int | None = None,
) -> Matrix:
    """Tasks × units of ``plan`` as far as the actor may see them, with status and traffic
    lights; filtered by section, assignment status or unit. Two queries."""
    from fazhi.plans.services import light

    tasks = list(plan.tasks.select_related("section").order_by("order"))
    if section:
        tasks = [t for t in tasks if t.section_id == section]
    found = visible_to(Assignment.objects.filter(task__plan=plan), actor).select_related("unit")
    if status:
        found = found.filter(status=status)
    if unit:
        found = found.filter(unit_id=unit)
    cells: dict[tuple[int, int], Assignment] = {(a.task_id, a.unit_id): a for a in found}
    units = sorted({a.unit for a in cells.values()}, key=lambda u: (u.kind, u.code))
    task_ids = {task_id for task_id, _ in cells}
    if status or unit or not unit_in_scope(plan.unit, actor):
        tasks = [t for t in tasks if t.pk in task_ids]  # outside the issuer: its own tasks only
    rows = []
    counts = {"green": 0, "yellow": 0, "red": 0}
    for task in tasks:
        row: list[Cell | None] = []
        for u in units:
            a = cells.get((task.pk, u.pk))
            if a is None:
                row.append(None)
                continue
            colour = light(a, today)
            counts[colour] += 1
            row.append(Cell(a, colour))
        rows.append((task, row))
    return Matrix(units, rows, counts)


def assignments_of(actor: Actor) -> QuerySet[Assignment]:
    """The assignments of the actor's own unit and its sub-units (not those of the plans it
    issued to others), soonest due first."""
    own = visible_to(Assignment.objects.all(), actor).filter(unit__path__startswith=actor.unit.path)
    return own.select_related("task__plan", "unit").order_by(
        F("due_on").asc(nulls_last=True), "task__order"
    )


def indicator_names(codes: Sequence[str], year: int) -> list[str]:
    """The names of the statistics metrics among a task's indicator ``codes`` (the version in
    force in ``year``), in the task's order. A code that names no metric (an assessment indicator
    kept for later) is left out: codes are for whoever maintains the task, names for readers."""
    names = {d.code: d.name for d in definitions_for_year(year, list(codes))} if codes else {}
    return [names[code] for code in codes if code in names]


def indicator_choices(year: int) -> list[tuple[str, str]]:
    """(code, name) of every statistics metric in force in ``year``: what the plan's 依法治办 may
    enter as a task's indicator codes."""
    return [(d.code, d.name) for d in definitions_for_year(year)]
