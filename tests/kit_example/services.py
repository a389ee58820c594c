"""Writes to the 法律顾问 register: 登记 here, every status change through the workflow.

The transition services are thin wrappers around :data:`tests.kit_example.workflow.COUNSELS`
(``Workflow.run`` locks, checks, applies, and writes the event, history and audit entry).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from tests.kit_example.models import Counsel, CounselEvent, CounselKind, Status
from tests.kit_example.workflow import COUNSELS

from fazhi.core import staging
from fazhi.core.audit import snapshot
from fazhi.core.services import record_write
from fazhi.core.workflow import today as _today
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope


@transaction.atomic
def counsel_register(
    *,
    actor: Actor,
    unit: OrgUnit,
    name: str,
    kind: str,
    contract_start: dt.date,
    contract_end: dt.date,
    firm: str = "",
) -> Counsel:
    """Register a counsel of ``unit`` (in the actor's subtree) for the contract period.

    Refuses an unknown kind, a period that ends before it starts, and a second 在聘 row for
    the same person at the same unit."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(unit, actor)
    if not name.strip():
        raise ValidationError({"name": "请填写姓名"})
    if kind not in CounselKind.values:
        raise ValidationError({"kind": "请选择类别"})
    if contract_end <= contract_start:
        raise ValidationError({"contract_end": "聘期届满日期应晚于聘期开始日期"})
    # staging: inside an import's batch the new rows wait in memory and are written in bulk
    # (core/staging.py); elsewhere these are a plain exists(), save() and create().
    if staging.exists(Counsel, unit=unit, name=name.strip(), status=Status.ACTIVE):
        raise ValidationError({"name": f"{name.strip()}已是{unit.name}的在聘法律顾问"})
    counsel = staging.save_new(
        Counsel(
            unit=unit,
            name=name.strip(),
            firm=firm.strip(),
            kind=kind,
            contract_start=contract_start,
            contract_end=contract_end,
        )
    )
    staging.create(
        CounselEvent,
        counsel=counsel,
        kind="聘用",
        on=contract_start,
        actor_name=actor.name,
        note=counsel.firm,
    )
    record_write(
        actor=actor,
        action="kit_example.register",
        obj=counsel,
        before=None,
        after=snapshot(counsel),
        summary=f"登记法律顾问（{counsel.get_kind_display()}）",
    )
    return counsel


def counsel_terminate(
    *, actor: Actor, counsel: Counsel, terminated_on: dt.date, reason: str
) -> Counsel:
    """解聘 before the contract ends (with the reason)."""
    done: Counsel = COUNSELS.run(
        "terminate", actor=actor, obj=counsel, terminated_on=terminated_on, reason=reason
    )
    return done


def counsel_renew(*, actor: Actor, counsel: Counsel, contract_end: dt.date) -> Counsel:
    """续聘: a later end of the contract; an expired counsel is 在聘 again."""
    done: Counsel = COUNSELS.run("renew", actor=actor, obj=counsel, contract_end=contract_end)
    return done


def counsel_expire(*, actor: Actor, counsel: Counsel) -> Counsel:
    """聘期届满, once the contract's last day has passed."""
    done: Counsel = COUNSELS.run("expire", actor=actor, obj=counsel)
    return done


def sweep(*, actor: Actor, today: dt.date | None = None) -> int:
    """聘期届满 for every 在聘 counsel whose contract ended before ``today``. Idempotent; each
    counsel is its own transaction. Returns how many changed."""
    today = today or _today()
    due = Counsel.objects.filter(status=Status.ACTIVE, contract_end__lt=today)
    changed = 0
    for counsel in due.select_related("unit").iterator():
        counsel_expire(actor=actor, counsel=counsel)
        changed += 1
    return changed
