"""Writes of the plans app. Every service is keyword-only, atomic and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from fazhi.core.services import audit_append
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope
from fazhi.plans.models import Assignment, AssignmentRole, Plan, PlanSection, Task
from fazhi.plans.parser import COOPERATING, LEAD, RESPONSIBLE, ParsedPlan
from fazhi.plans.selectors import guess_chapter

#: parser role key → assignment role, in order of precedence (a unit named twice keeps the first)
ROLES: tuple[tuple[str, str], ...] = (
    (LEAD, AssignmentRole.LEAD),
    (RESPONSIBLE, AssignmentRole.RESPONSIBLE),
    (COOPERATING, AssignmentRole.COOPERATING),
)


@dataclass(frozen=True)
class ImportSummary:
    plan: Plan
    tasks: int
    assignments: int
    unmatched: tuple[str, ...]


def task_due_on(deadlines: Sequence[Mapping[str, object]]) -> dt.date | None:
    """A task's completion date: the latest dated deadline it states (None if none is dated)."""
    found = [dt.date.fromisoformat(str(d["date"])) for d in deadlines if d.get("date")]
    return max(found) if found else None


@transaction.atomic
def plan_import(
    *,
    actor: Actor,
    unit: OrgUnit,
    parsed: ParsedPlan,
    resolution: Mapping[str, Sequence[OrgUnit]],
    source_name: str = "",
    source_text: str = "",
    allow_unmatched: bool = False,
) -> ImportSummary:
    """Save a parsed plan for ``unit`` with one assignment per (task, unit).

    ``resolution`` maps every unit name the plan uses to the units it stands for, as the
    user confirmed them (collective names expanded). A name missing from it, or resolved to
    no unit, refuses the whole import (ValidationError naming the names and tasks) unless
    ``allow_unmatched``, in which case those names get no assignment. Needs the 依法治办 role
    (``Cap.COORDINATE``) in a unit whose subtree holds ``unit``.
    """
    actor.require(Cap.COORDINATE)
    require_unit_in_scope(unit, actor)
    if parsed.year is None:
        raise ValidationError({"year": "未能从文件中识别年度，请指定年度"})
    for units in resolution.values():
        for target in units:
            require_unit_in_scope(target, actor)
    unmatched = _unmatched(parsed, resolution)
    if unmatched and not allow_unmatched:
        names = "；".join(
            f"“{name}”（任务 {'、'.join(where)}）" for name, where in unmatched.items()
        )
        raise ValidationError({"units": f"以下单位名称未对应到本级组织机构：{names}"})
    plan = Plan.objects.create(
        unit=unit,
        year=parsed.year,
        title=parsed.title or f"{parsed.year}年工作计划",
        issued_on=parsed.issued_on,
        source_name=source_name,
        source_text=source_text,
        created_by=actor.name,
    )
    tasks = assignments = 0
    for s_order, section in enumerate(parsed.sections):
        row = PlanSection.objects.create(
            plan=plan, number=section.number, title=section.title, order=s_order
        )
        for task in section.tasks:
            data = task.as_dict()
            saved = Task.objects.create(
                plan=plan,
                section=row,
                number=task.number,
                title=task.title[:200],
                text=task.text,
                order=tasks,
                due_on=task_due_on(data["deadlines"]),
                deadlines=data["deadlines"],
                targets=data["targets"],
                chapter=guess_chapter(task.text, section.title),
            )
            tasks += 1
            assignments += _assign(saved, task.units, resolution)
    audit_append(
        actor=actor,
        action="plan.import",
        object_type="plans.plan",
        object_id=str(plan.pk),
        object_repr=plan.title,
        after={
            "unit": unit.code,
            "year": plan.year,
            "tasks": tasks,
            "assignments": assignments,
            "unmatched": sorted(unmatched),
            "source_name": source_name,
        },
    )
    return ImportSummary(plan, tasks, assignments, tuple(sorted(unmatched)))


def _unmatched(
    parsed: ParsedPlan, resolution: Mapping[str, Sequence[OrgUnit]]
) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for task in parsed.tasks:
        for names in task.units.values():
            for name in names:
                if not resolution.get(name):
                    found.setdefault(name, []).append(task.number or task.title)
    return found


def _assign(
    task: Task, units: Mapping[str, list[str]], resolution: Mapping[str, Sequence[OrgUnit]]
) -> int:
    taken: set[int] = set()
    rows = []
    for key, role in ROLES:
        for name in units.get(key, []):
            for target in resolution.get(name, ()):
                if target.pk in taken:
                    continue
                taken.add(target.pk)
                rows.append(
                    Assignment(
                        task=task,
                        unit=target,
                        role=role,
                        due_on=task.due_on,
                        assigned_as=name[:100],
                    )
                )
    for row in rows:
        row.save()  # one by one: tree slots and monthly facts follow every save
    return len(rows)
