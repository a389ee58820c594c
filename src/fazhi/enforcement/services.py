"""Writes to the 执法主体 and 执法人员 registers.

登记 and 修改 here (audited with ``record_write``); every change of a 执法证 goes through
:data:`fazhi.enforcement.workflow.OFFICERS` (the transition services wrap it). The daily sweep
(:func:`sweep`) reminds units of certificates expiring soon or expired and refreshes the year's
:class:`~fazhi.enforcement.models.OfficerYear` rows the year-end metrics count.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from fazhi.core import staging
from fazhi.core.audit import mask_value, snapshot
from fazhi.core.services import audit_append, record_write
from fazhi.core.validators import normalise_id_number, resident_id_problem
from fazhi.core.workflow import check_date
from fazhi.enforcement.models import (
    Category,
    CertStatus,
    Duty,
    Officer,
    OfficerEvent,
    OfficerYear,
    Subject,
    SubjectKind,
)
from fazhi.enforcement.workflow import OFFICERS
from fazhi.metrics.facts import facts_after_bulk, facts_kept
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope, visible_to
from fazhi.orgs.slots import fill_slots

_SEPARATORS = re.compile(r"[、,，;；\s]+")


def parse_categories(value: str | Sequence[str] | None, field: str = "categories") -> list[str]:
    """执法类别 from names or codes ("行政处罚、行政检查" or a list), in the declared order."""
    items = _SEPARATORS.split(value) if isinstance(value, str) else list(value or [])
    by_text = {**{c.value: c.value for c in Category}, **{c.label: c.value for c in Category}}
    by_text.update({str(c.label).removeprefix("行政"): c.value for c in Category})
    chosen: set[str] = set()
    for item in (i.strip() for i in items):
        if not item:
            continue
        if item not in by_text:
            names = "、".join(str(c.label) for c in Category)
            raise ValidationError({field: f"执法类别“{item}”不存在，应为：{names}"})
        chosen.add(by_text[item])
    return [c.value for c in Category if c.value in chosen]


# --- 执法主体 ----------------------------------------------------------------------------------
@transaction.atomic
def subject_register(
    *,
    actor: Actor,
    unit: OrgUnit,
    name: str,
    kind: str = SubjectKind.STATUTORY,
    legal_basis: str = "",
    categories: str | Sequence[str] = "",
    note: str = "",
) -> Subject:
    """登记 a 执法主体 of ``unit`` (in the actor's subtree); the name is unique in the unit."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(unit, actor)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "请填写执法主体名称"})
    if kind not in SubjectKind.values:
        raise ValidationError({"kind": "请选择主体类别"})
    if staging.exists(Subject, unit=unit, name=name):
        raise ValidationError({"name": f"{unit.name}已登记执法主体“{name}”"})
    subject = Subject(
        unit=unit,
        name=name,
        kind=kind,
        legal_basis=legal_basis.strip(),
        categories=parse_categories(categories),
        note=note.strip(),
    )
    staging.save_new(subject)
    record_write(
        actor=actor,
        action="enforcement.subject_register",
        obj=subject,
        before=None,
        after=snapshot(subject),
        summary=f"登记执法主体（{subject.get_kind_display()}）",
    )
    return subject


@transaction.atomic
def subject_update(*, actor: Actor, subject: Subject, data: dict[str, Any]) -> Subject:
    """修改 a 执法主体 (name, 主体类别, 依据, 执法类别, 有效, 备注)."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(subject.unit, actor)
    fresh = Subject.objects.select_for_update().get(pk=subject.pk)
    before = snapshot(fresh)
    name = str(data.get("name", fresh.name)).strip()
    if not name:
        raise ValidationError({"name": "请填写执法主体名称"})
    if Subject.objects.filter(unit=fresh.unit, name=name).exclude(pk=fresh.pk).exists():
        raise ValidationError({"name": f"{fresh.unit.name}已登记执法主体“{name}”"})
    fresh.name = name
    for key in ("kind", "legal_basis", "note"):
        if key in data:
            setattr(fresh, key, str(data[key] or "").strip())
    if "categories" in data:
        fresh.categories = parse_categories(data["categories"])
    if "active" in data:
        fresh.active = bool(data["active"])
    fresh.save()
    record_write(
        actor=actor,
        action="enforcement.subject_update",
        obj=fresh,
        before=before,
        after=snapshot(fresh),
        summary="修改执法主体",
    )
    return fresh


@transaction.atomic
def duty_add(*, actor: Actor, subject: Subject, name: str, category: str, basis: str = "") -> Duty:
    """Add an entry to the 执法主体's 权责清单 (audited on the 执法主体)."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(subject.unit, actor)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "请填写事项名称"})
    code = parse_categories([category], "category")
    if not code:
        raise ValidationError({"category": "请选择执法类别"})
    if _duty_exists(subject, name, code[0]):
        raise ValidationError({"name": f"权责清单中已有“{name}”"})
    duty = staging.create(Duty, subject=subject, name=name, category=code[0], basis=basis.strip())
    record_write(
        actor=actor,
        action="enforcement.duty_add",
        obj=subject,
        before=None,
        after={"事项名称": duty.name, "执法类别": duty.get_category_display()},
        summary=f"权责清单增加：{duty}",
    )
    return duty


def _duty_exists(subject: Subject, name: str, category: str) -> bool:
    if staging.is_pending(subject):  # a new 执法主体 of an import's batch: only pending rows
        return any(
            d.subject is subject and d.name == name and d.category == category
            for d in staging.pending_of(Duty)
        )
    return staging.exists(Duty, subject=subject, name=name, category=category)


@transaction.atomic
def duty_remove(*, actor: Actor, subject: Subject, duty: Duty) -> Subject:
    """Remove an entry from the 执法主体's 权责清单 (audited on the 执法主体)."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(subject.unit, actor)
    if duty.subject_id != subject.pk:
        raise ValidationError({"duty": "该事项不属于本执法主体的权责清单"})
    text = str(duty)
    record_write(
        actor=actor,
        action="enforcement.duty_delete",
        obj=subject,
        before={"事项名称": duty.name, "执法类别": duty.get_category_display()},
        after=None,
        summary=f"权责清单删除：{text}",
    )
    duty.delete()
    return subject


# --- 执法人员 ----------------------------------------------------------------------------------
def _subject_for(actor: Actor, unit: OrgUnit, value: Subject | str | None) -> Subject | None:
    """The 执法主体 (an object or a name) of the officer's unit or a unit above it."""
    if value in (None, ""):
        return None
    if isinstance(value, Subject):
        subject = value
    else:
        text = str(value).strip()
        found = [
            s
            for s in staging.memo(
                ("enforcement.subjects", actor.unit.pk),
                lambda: list(visible_to(Subject.objects.select_related("unit"), actor)),
            )
            if text in (s.name, str(s.pk)) and unit.path.startswith(s.unit.path)
        ]
        if not found:
            raise ValidationError({"subject": f"{unit.name}及其上级单位没有执法主体“{text}”"})
        subject = max(found, key=lambda s: len(s.unit.path))
    if not unit.path.startswith(subject.unit.path):
        raise ValidationError({"subject": f"执法主体“{subject.name}”不属于{unit.name}或其上级单位"})
    return subject


@transaction.atomic
def officer_register(
    *,
    actor: Actor,
    unit: OrgUnit,
    name: str,
    applied_on: dt.date | None = None,
    subject: Subject | str | None = None,
    id_number: str = "",
    post: str = "",
    on_staff: bool = True,
    categories: str | Sequence[str] = "",
    legal_qualification: bool = False,
    legal_reviewer: bool = False,
    hearing_host: bool = False,
    on_duty: bool = True,
    note: str = "",
    qualified_on: dt.date | None = None,
    exam_on: dt.date | None = None,
    cert_number: str = "",
    cert_issued_on: dt.date | None = None,
    cert_expires_on: dt.date | None = None,
) -> Officer:
    """登记 an 执法人员 of ``unit`` (in the actor's subtree) as applying for a 执法证 on
    ``applied_on``. With ``cert_number`` and ``cert_issued_on`` (a holder registered later, an
    import) the certificate is also 资格审查, 考试 and 发证 through the workflow, as if taken one
    after the other; ``cert_expires_on`` only where the card's printed expiry differs from the
    province's validity rule. ``id_number`` is stored encrypted."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(unit, actor)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "请填写姓名"})
    id_number = normalise_id_number(id_number or "")
    problem = resident_id_problem(id_number) if id_number else ""
    if problem:
        raise ValidationError({"id_number": problem})
    if cert_number and cert_issued_on is None:
        raise ValidationError({"cert_issued_on": "填写执法证号的，请填写发证日期"})
    if cert_issued_on is not None and not cert_number.strip():
        raise ValidationError({"cert_number": "填写发证日期的，请填写执法证号"})
    applied_on = applied_on or qualified_on or exam_on or cert_issued_on
    if applied_on is None:
        raise ValidationError({"applied_on": "请填写申领日期"})
    check_date(applied_on, "申领日期", field="applied_on")
    officer = Officer(
        unit=unit,
        subject=_subject_for(actor, unit, subject),
        name=name,
        id_number=id_number,
        post=post.strip(),
        on_staff=bool(on_staff),
        categories=parse_categories(categories),
        legal_qualification=bool(legal_qualification),
        legal_reviewer=bool(legal_reviewer),
        hearing_host=bool(hearing_host),
        on_duty=bool(on_duty),
        note=note.strip(),
        applied_on=applied_on,
    )
    staging.save_new(officer)
    staging.create(
        OfficerEvent,
        officer=officer,
        kind="申领",
        on=applied_on,
        actor_name=actor.name,
        note=f"{unit.name}{officer.post}",
    )
    record_write(
        actor=actor,
        action="enforcement.officer_register",
        obj=officer,
        before=None,
        after=snapshot(officer),
        summary="登记执法人员（申领执法证）",
    )
    if cert_number.strip() and cert_issued_on is not None:
        start = min(qualified_on or applied_on, cert_issued_on)
        officer_qualify(actor=actor, officer=officer, qualified_on=max(start, applied_on))
        officer_exam_pass(
            actor=actor, officer=officer, exam_on=exam_on or officer.qualified_on or applied_on
        )
        OFFICERS.run(
            "issue",
            actor=actor,
            obj=officer,
            cert_number=cert_number,
            issued_on=cert_issued_on,
            expires_on=cert_expires_on,
        )
    return officer


@transaction.atomic
def officer_update(*, actor: Actor, officer: Officer, data: dict[str, Any]) -> Officer:
    """修改 an officer's post, 执法主体, qualifications, 执法类别 and 执法岗位."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(officer.unit, actor)
    fresh = Officer.objects.select_for_update().select_related("unit").get(pk=officer.pk)
    before = snapshot(fresh)
    if "subject" in data:
        fresh.subject = _subject_for(actor, fresh.unit, data["subject"])
    for key in ("post", "note"):
        if key in data:
            setattr(fresh, key, str(data[key] or "").strip())
    for key in ("on_staff", "legal_qualification", "legal_reviewer", "hearing_host", "on_duty"):
        if key in data:
            setattr(fresh, key, bool(data[key]))
    if "categories" in data:
        fresh.categories = parse_categories(data["categories"])
    fresh.save()
    record_write(
        actor=actor,
        action="enforcement.officer_update",
        obj=fresh,
        before=before,
        after=snapshot(fresh),
        summary="修改执法人员信息",
    )
    return fresh


# --- the 执法证 transitions ------------------------------------------------------------------
def _run(name: str, actor: Actor, officer: Officer, **data: Any) -> Officer:
    done: Officer = OFFICERS.run(name, actor=actor, obj=officer, **data)
    return done


def officer_qualify(*, actor: Actor, officer: Officer, qualified_on: dt.date) -> Officer:
    """资格审查通过 (refused for non-在编 staff)."""
    return _run("qualify", actor, officer, qualified_on=qualified_on)


def officer_exam_pass(*, actor: Actor, officer: Officer, exam_on: dt.date) -> Officer:
    """执法资格考试合格."""
    return _run("exam_pass", actor, officer, exam_on=exam_on)


def officer_exam_fail(
    *, actor: Actor, officer: Officer, exam_on: dt.date, note: str = ""
) -> Officer:
    """执法资格考试不合格 → 未通过."""
    return _run("exam_fail", actor, officer, exam_on=exam_on, note=note)


def officer_issue(
    *, actor: Actor, officer: Officer, cert_number: str, issued_on: dt.date
) -> Officer:
    """发证: the expiry follows the province's validity rule (default 5 years)."""
    return _run("issue", actor, officer, cert_number=cert_number, issued_on=issued_on)


def officer_register_year(
    *, actor: Actor, officer: Officer, registered_on: dt.date, note: str = ""
) -> Officer:
    """年度注册 for the year of ``registered_on`` (refused when that year's hours are short)."""
    return _run("register_year", actor, officer, registered_on=registered_on, note=note)


def officer_renew(
    *, actor: Actor, officer: Officer, exam_on: dt.date, issued_on: dt.date, cert_number: str = ""
) -> Officer:
    """换证 after a re-exam within the renewal window before expiry."""
    return _run(
        "renew", actor, officer, exam_on=exam_on, issued_on=issued_on, cert_number=cert_number
    )


def officer_suspend(
    *, actor: Actor, officer: Officer, suspended_on: dt.date, reason: str
) -> Officer:
    """暂扣 the certificate (with the reason)."""
    return _run("suspend", actor, officer, suspended_on=suspended_on, reason=reason)


def officer_restore(*, actor: Actor, officer: Officer, restored_on: dt.date) -> Officer:
    """恢复 a suspended certificate."""
    return _run("restore", actor, officer, restored_on=restored_on)


def officer_cancel(
    *, actor: Actor, officer: Officer, cancelled_on: dt.date, reason: str, note: str = ""
) -> Officer:
    """注销 (调离, 退休, 考试不合格, 其他 with a note); the officer leaves 执法 duty."""
    return _run("cancel", actor, officer, cancelled_on=cancelled_on, reason=reason, note=note)


# --- year-end rows and the daily sweep --------------------------------------------------------
YEAR_FLAGS = ("certified", "expired", "on_duty", "legal_reviewer")


def state_on(officer: Officer, on: dt.date) -> dict[str, bool] | None:
    """The officer's certificate on ``on`` as the year-end metrics count it, read from the row's
    dates (None: no certificate issued by then)."""
    issued, expires = officer.cert_issued_on, officer.cert_expires_on
    if issued is None or expires is None or issued > on:
        return None
    cancelled = officer.cancelled_on is not None and officer.cancelled_on <= on
    suspended = (
        officer.status == CertStatus.SUSPENDED
        and officer.suspended_on is not None
        and officer.suspended_on <= on
    )
    expired = expires < on and not cancelled
    certified = officer.on_staff and not (cancelled or suspended or expires < on)
    return {
        "certified": certified,
        "expired": expired,
        "on_duty": officer.on_duty and not cancelled,
        "legal_reviewer": officer.legal_reviewer and certified,
    }


def year_refresh(*, year: int, on: dt.date, officer_ids: Iterable[int] | None = None) -> int:
    """Write each officer's :class:`OfficerYear` row of ``year`` as of ``on`` (idempotent: rows
    that would not change are left alone). Returns how many rows were written."""
    officers = Officer.objects.exclude(cert_issued_on=None).select_related(None)
    if officer_ids is not None:
        officers = officers.filter(pk__in=list(officer_ids))
    known = {r.officer_id: r for r in OfficerYear.objects.filter(year=year, officer__in=officers)}
    new: list[OfficerYear] = []
    changed: list[OfficerYear] = []
    for officer in officers.order_by("pk").iterator(chunk_size=2000):
        state = state_on(officer, on)
        if state is None:
            continue
        row = known.get(officer.pk)
        if row is None:
            new.append(
                OfficerYear(officer=officer, unit_id=officer.unit_id, year=year, as_of=on, **state)
            )
        elif (
            row.unit_id != officer.unit_id
            or row.as_of != on
            or any(getattr(row, k) != v for k, v in state.items())
        ):
            row.unit_id, row.as_of = officer.unit_id, on
            for k, v in state.items():
                setattr(row, k, v)
            changed.append(row)
    if new:
        units = OrgUnit.objects.in_bulk({r.unit_id for r in new})
        for row in new:
            row.unit = units[row.unit_id]
            fill_slots(row)
        created = OfficerYear.objects.bulk_create(new, batch_size=1000)
        facts_after_bulk(OfficerYear, created)
    if changed:
        units = OrgUnit.objects.in_bulk({r.unit_id for r in changed})
        for row in changed:
            row.unit = units[row.unit_id]
            fill_slots(row)
        slot_names = [
            f.name for f in OfficerYear._meta.concrete_fields if f.name.startswith("unit_d")
        ]
        with facts_kept(OfficerYear, [r.pk for r in changed]):
            OfficerYear.objects.bulk_update(
                changed, ["unit", "as_of", *YEAR_FLAGS, *slot_names], batch_size=1000
            )
    return len(new) + len(changed)


def expiring_q(today: dt.date) -> Q:
    """持证, within the warning period before expiry, not yet expired (orange)."""
    return Q(status=CertStatus.ISSUED, cert_warn_from__lte=today, cert_expires_on__gte=today)


def expired_q(today: dt.date) -> Q:
    """持证 or 暂扣 with the expiry date passed (red; not 注销)."""
    return Q(status__in=[CertStatus.ISSUED, CertStatus.SUSPENDED], cert_expires_on__lt=today)


def sweep(*, today: dt.date) -> dict[str, int]:
    """Remind each officer's unit, once per certificate, expiry date and state (即将到期 /
    已过期 / 已过期仍在执法岗位), and refresh this year's :class:`OfficerYear` rows. Running it
    again the same day adds nothing. Returns ``{"soon", "expired", "on_duty", "new"}``
    (``expired`` includes ``on_duty``)."""
    from fazhi.plans.models import Reminder  # the platform's in-app reminders

    counts = {"soon": 0, "expired": 0, "on_duty": 0}
    new: list[Reminder] = []
    rows = (
        Officer.objects.filter(expiring_q(today) | expired_q(today))
        .select_related("unit")
        .order_by("pk")
    )
    for officer in rows.iterator(chunk_size=2000):
        assert officer.cert_expires_on is not None
        expires = officer.cert_expires_on
        label = f"执法人员{officer.name}的执法证（证号 {officer.cert_number}）"
        if expires >= today:
            state = "soon"
            text = f"{label}将于 {expires:%Y-%m-%d} 到期，请在届满前办理换证"
        elif officer.on_duty:
            state = "on_duty"
            text = f"{label}已于 {expires:%Y-%m-%d} 过期，仍在执法岗位，应停止执法并办理换证"
        else:
            state = "expired"
            text = f"{label}已于 {expires:%Y-%m-%d} 过期"
        counts[state] += 1
        key = f"enforcement:{officer.pk}:{expires}:{state}"
        new.append(
            Reminder(unit=officer.unit, key=key, text=text[:300], link=officer.get_absolute_url())
        )
    known = set(Reminder.objects.filter(key__in=[r.key for r in new]).values_list("key", flat=True))
    new = [r for r in new if r.key not in known]
    Reminder.objects.bulk_create(new, ignore_conflicts=True)
    year_refresh(year=today.year, on=today)
    if new:
        audit_append(
            actor=Actor.command_line(),
            action="enforcement.sweep",
            object_type="enforcement.officer",
            after={"today": today.isoformat(), "reminders": len(new)},
        )
    counts["expired"] += counts["on_duty"]
    return {**counts, "new": len(new)}


def masked_id(officer: Officer) -> str:
    return mask_value(officer.id_number) if officer.id_number else ""
