"""Writes to the 述法 register: 登记 here, every status change through the workflows
(:data:`~fazhi.statements.workflow.STATEMENTS`, :data:`~fazhi.statements.workflow.REVIEWS`),
and the per-year 应述法单位 rows (:func:`duties_refresh`) that the coverage rate counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from fazhi.core import staging
from fazhi.core.audit import snapshot
from fazhi.core.services import record_write
from fazhi.core.workflow import check_date
from fazhi.core.workflow import today as _today
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope
from fazhi.statements.models import (
    PRINCIPAL_KINDS,
    Form,
    HeadKind,
    Statement,
    StatementDuty,
    StatementEvent,
    Status,
)
from fazhi.statements.rules import required_units
from fazhi.statements.workflow import REVIEWS, STATEMENTS


@transaction.atomic
def statement_register(
    *,
    actor: Actor,
    unit: OrgUnit,
    year: int,
    person: str,
    post: str,
    head_kind: str,
    form: str,
    registered_on: dt.date,
    planned_on: dt.date | None = None,
    material: str = "",
) -> Statement:
    """登记 a 述法 of ``person`` (``post``) of ``unit`` (in the actor's subtree) in ``year``.

    Refuses an unknown head kind or form, a planned date outside the year, and a second
    statement of the same person at the same unit in the same year."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(unit, actor)
    person, post = person.strip(), post.strip()
    if not person:
        raise ValidationError({"person": "请填写述法人"})
    if not post:
        raise ValidationError({"post": "请填写职务"})
    if head_kind not in HeadKind.values:
        raise ValidationError({"head_kind": "请选择述法人类别"})
    if form not in Form.values:
        raise ValidationError({"form": "请选择述法形式"})
    check_date(registered_on, "登记日期", field="registered_on")
    if planned_on is not None and planned_on.year != year:
        raise ValidationError({"planned_on": f"计划述法日期应在{year}年内"})
    if staging.exists(Statement, unit=unit, year=year, person=person):
        raise ValidationError({"person": f"{unit.name}已登记{person}{year}年的述法"})
    statement = staging.save_new(
        Statement(
            unit=unit,
            year=year,
            person=person,
            post=post,
            head_kind=head_kind,
            form=form,
            planned_on=planned_on,
            material=material.strip(),
            registered_on=registered_on,
        )
    )
    staging.create(
        StatementEvent,
        statement=statement,
        kind="登记",
        on=registered_on,
        actor_name=actor.name,
        note=f"{post}{person}（{statement.get_form_display()}）",
    )
    record_write(
        actor=actor,
        action="statements.register",
        obj=statement,
        before=None,
        after=snapshot(statement),
        summary=f"登记述法（{statement.get_form_display()}）",
    )
    return statement


def statement_submit(
    *, actor: Actor, statement: Statement, submitted_on: dt.date, material: str = ""
) -> Statement:
    """送审: the 述法材料 goes to the 依法治办 of the unit above."""
    done: Statement = STATEMENTS.run(
        "submit", actor=actor, obj=statement, submitted_on=submitted_on, material=material
    )
    return done


def statement_approve(*, actor: Actor, statement: Statement, approved_on: dt.date) -> Statement:
    """审核通过 by the 依法治办 of a unit above the reporting unit."""
    done: Statement = REVIEWS.run("approve", actor=actor, obj=statement, approved_on=approved_on)
    return done


def statement_send_back(
    *, actor: Actor, statement: Statement, returned_on: dt.date, note: str
) -> Statement:
    """退回修改 (back to 材料起草) with the reviewer's note."""
    done: Statement = REVIEWS.run(
        "send_back", actor=actor, obj=statement, returned_on=returned_on, note=note
    )
    return done


def statement_hold(
    *, actor: Actor, statement: Statement, held_on: dt.date, meeting: str = ""
) -> Statement:
    """已述法 on ``held_on`` (only once the material is approved)."""
    done: Statement = STATEMENTS.run(
        "hold", actor=actor, obj=statement, held_on=held_on, meeting=meeting
    )
    return done


def statement_rate(
    *, actor: Actor, statement: Statement, rated_on: dt.date, rating: str, rating_note: str = ""
) -> Statement:
    """评议 the held 述法 (好 / 较好 / 一般 / 差)."""
    done: Statement = STATEMENTS.run(
        "rate",
        actor=actor,
        obj=statement,
        rated_on=rated_on,
        rating=rating,
        rating_note=rating_note,
    )
    return done


HELD_STATES = (Status.HELD, Status.RATED)


def duties_refresh(*, year: int, units: Iterable[OrgUnit] | None = None) -> int:
    """Bring the :class:`StatementDuty` rows of ``year`` up to date: one per unit that must
    述法 (``rules.required_units``; only ``units`` when given), ``held`` when a principal head
    of the unit has held a 述法 that year. Rows of units no longer required are left alone
    (history). Saved one by one (the metric facts follow the save signals). Returns how many
    rows were created or changed; idempotent."""
    if units is None:
        wanted = list(required_units())
    else:
        from fazhi.statements.rules import must_report

        wanted = [u for u in units if must_report(u)]
    if not wanted:
        return 0
    ids = [u.pk for u in wanted]
    held_ids = set(
        Statement.objects.filter(
            unit_id__in=ids, year=year, status__in=HELD_STATES, head_kind__in=PRINCIPAL_KINDS
        ).values_list("unit_id", flat=True)
    )
    existing = {d.unit_id: d for d in StatementDuty.objects.filter(unit_id__in=ids, year=year)}
    changed = 0
    for unit in wanted:
        held = unit.pk in held_ids
        duty = existing.get(unit.pk)
        if duty is None:
            StatementDuty(unit=unit, year=year, on=dt.date(year, 1, 1), held=held).save()
            changed += 1
        elif duty.held != held:
            duty.held = held
            duty.save(update_fields=["held"])
            changed += 1
    return changed


def sweep(*, today: dt.date | None = None) -> int:
    """The 应述法单位 rows of this year (units added or changed since); idempotent."""
    today = today or _today()
    return duties_refresh(year=today.year)
