"""Writes to the 法律顾问 registers: 登记 (adviser, participation) here, every status change
through :data:`fazhi.counsel.workflow.COUNSELS`; the daily sweep."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, When

from fazhi.core import staging
from fazhi.core.audit import snapshot
from fazhi.core.services import record_write
from fazhi.core.workflow import check_date
from fazhi.core.workflow import today as _today
from fazhi.counsel.models import (
    TYPED_KINDS,
    Counsel,
    CounselEvent,
    CounselKind,
    Participation,
    Source,
    Status,
)
from fazhi.counsel.workflow import COUNSELS
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope

#: The longest contract term accepted (years).
MAX_TERM_YEARS = 10


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
    post: str = "",
    license_no: str = "",
    contract_no: str = "",
    fee: int | None = None,
    phone: str = "",
) -> Counsel:
    """Register an adviser of ``unit`` (in the actor's subtree) for the contract term.

    A 公职律师 names the post held in the unit, the others the 律师事务所. Refuses a term that
    ends before it starts or lasts over :data:`MAX_TERM_YEARS` years and a second 在聘 row for
    the same person at the same unit."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(unit, actor)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "请填写姓名"})
    if kind not in CounselKind.values:
        raise ValidationError({"kind": "请选择类别"})
    if kind == CounselKind.STAFF and not post.strip():
        raise ValidationError({"post": "公职律师请填写所在单位职务"})
    if kind != CounselKind.STAFF and not firm.strip():
        raise ValidationError({"firm": "请填写律师事务所"})
    if contract_end <= contract_start:
        raise ValidationError({"contract_end": "聘期届满日期应晚于聘期开始日期"})
    if contract_end.year - contract_start.year > MAX_TERM_YEARS:
        raise ValidationError({"contract_end": f"聘期不应超过 {MAX_TERM_YEARS} 年"})
    if fee is not None and fee < 0:
        raise ValidationError({"fee": "聘用费用不能为负数"})
    if staging.exists(Counsel, unit=unit, name=name, status=Status.ACTIVE):
        raise ValidationError({"name": f"{name}已是{unit.name}的在聘法律顾问"})
    counsel = staging.save_new(
        Counsel(
            unit=unit,
            name=name,
            kind=kind,
            firm=firm.strip(),
            post=post.strip(),
            license_no=license_no.strip(),
            contract_no=contract_no.strip(),
            contract_start=contract_start,
            contract_end=contract_end,
            fee=fee,
            phone=phone.strip(),
        )
    )
    staging.create(
        CounselEvent,
        counsel=counsel,
        kind="聘用",
        on=contract_start,
        actor_name=actor.name,
        note=counsel.firm_or_post,
    )
    record_write(
        actor=actor,
        action="counsel.register",
        obj=counsel,
        before=None,
        after=snapshot(counsel),
        summary=f"登记法律顾问（{counsel.get_kind_display()}）",
    )
    if not staging.defer(lambda: _refresh_around(counsel)):  # an import: after the flush
        _refresh_around(counsel)
    return counsel


def _refresh_around(counsel: Counsel) -> None:
    """The coverage rows of the adviser's years and the participations counted for the name."""
    from fazhi.counsel.counting import participations_refresh
    from fazhi.counsel.coverage import coverage_refresh_for

    coverage_refresh_for(counsel)
    participations_refresh(names=[counsel.name])


def counsel_terminate(
    *, actor: Actor, counsel: Counsel, terminated_on: dt.date, reason: str
) -> Counsel:
    """解聘 before the contract ends (with the reason)."""
    done: Counsel = COUNSELS.run(
        "terminate", actor=actor, obj=counsel, terminated_on=terminated_on, reason=reason
    )
    return done


def counsel_renew(*, actor: Actor, counsel: Counsel, contract_end: dt.date) -> Counsel:
    """续聘: a later end of the contract; an expired adviser is 在聘 again."""
    done: Counsel = COUNSELS.run("renew", actor=actor, obj=counsel, contract_end=contract_end)
    return done


def counsel_expire(*, actor: Actor, counsel: Counsel) -> Counsel:
    """聘期届满, once the contract's last day has passed."""
    done: Counsel = COUNSELS.run("expire", actor=actor, obj=counsel)
    return done


@transaction.atomic
def participation_register(
    *, actor: Actor, counsel: Counsel, on: dt.date, kind: str, subject: str, note: str = ""
) -> Participation:
    """登记 a 涉法事务 of an adviser that no other register holds (the kinds counted from the
    合法性审查 and 重大行政决策 registers are refused: they are counted there)."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(counsel.unit, actor)
    if kind not in dict(TYPED_KINDS):
        raise ValidationError({"kind": "请选择事项类别（合法性审查、决策论证从相应台账统计）"})
    if not subject.strip():
        raise ValidationError({"subject": "请填写事项"})
    check_date(
        on, "日期", not_before=counsel.contract_start, after_label="聘期开始日期", field="on"
    )
    if on > counsel.last_day:
        raise ValidationError(
            {"on": f"日期晚于{counsel.name}的聘期（至 {counsel.last_day:%Y-%m-%d}）"}
        )
    row = staging.save_new(
        Participation(
            counsel=counsel,
            on=on,
            kind=kind,
            subject=subject.strip(),
            note=note.strip(),
            source=Source.TYPED,
        )
    )
    record_write(
        actor=actor,
        action="counsel.participation",
        obj=row,
        before=None,
        after=snapshot(row),
        summary=f"登记法律顾问参与事项（{row.get_kind_display()}）",
    )
    return row


def find_counsel(*, actor: Actor, unit: OrgUnit, name: str) -> Counsel:
    """The adviser named ``name`` engaged by ``unit`` (在聘 first, then the latest contract);
    the error names the column of the Excel row (``counsel_name``)."""
    require_unit_in_scope(unit, actor)
    found = (
        Counsel.objects.select_related("unit")
        .filter(unit=unit, name=name.strip())
        .order_by(Case(When(status=Status.ACTIVE, then=0), default=1), "-contract_start", "-pk")
        .first()
    )
    if found is None:
        raise ValidationError({"counsel_name": f"{unit.name}没有名为“{name.strip()}”的法律顾问"})
    return found


def sweep(*, actor: Actor, today: dt.date | None = None) -> int:
    """聘期届满 for every 在聘 adviser whose contract ended before ``today`` (each its own
    transaction); then this year's coverage rows and the counted participations are
    refreshed. Idempotent. Returns how many advisers changed."""
    from fazhi.counsel.counting import participations_refresh
    from fazhi.counsel.coverage import coverage_refresh

    today = today or _today()
    due = Counsel.objects.filter(status=Status.ACTIVE, contract_end__lt=today)
    changed = 0
    for counsel in due.select_related("unit").iterator():
        counsel_expire(actor=actor, counsel=counsel)
        changed += 1
    coverage_refresh(year=today.year)
    participations_refresh()
    return changed
