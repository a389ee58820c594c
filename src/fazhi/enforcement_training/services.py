"""Writes to the 行政执法培训 register (the only write path: forms, API, import, demo, sweep).

* :func:`course_register` — 登记 a course or exam of a unit in the actor's subtree;
* :func:`attendance_register` — one officer's attendance (hours credited by type, exam score);
* :func:`attendance_bulk` — many attendances of one course at once (the demo's bulk path:
  staged rows, one INSERT per table);
* :func:`attendance_import_row` — one Excel row: finds the officer (执法证号, else 姓名 and
  身份证号) in the importing unit's subtree, finds or creates the course, then
  :func:`attendance_register`;
* :func:`years_refresh` — the per-officer-per-year rows (:class:`OfficerYear`): the year's
  hours by type, the target, 达标. Called on every attendance write for the officers written,
  and by the daily sweep for every officer holding a certificate in the year (so an officer
  without any training still counts, as 未达标, in 培训学时达标率).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from fazhi.core import staging
from fazhi.core.audit import snapshot
from fazhi.core.selectors import province_code_of
from fazhi.core.services import record_write
from fazhi.core.workflow import today as _today
from fazhi.enforcement.models import CertStatus, Officer
from fazhi.enforcement_training.models import (
    Attendance,
    Course,
    CourseKind,
    OfficerYear,
)
from fazhi.enforcement_training.selectors import (
    TYPE_FIELDS,
    ZERO,
    Target,
    hours_by_type,
    shortfall,
    target_for,
    year_bounds,
)
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope, unit_in_scope

#: 证件状态 of an officer who holds a certificate (the 达标率 denominator).
HOLDING = (CertStatus.ISSUED, CertStatus.SUSPENDED)
MAX_HOURS = Decimal("999")
#: :func:`years_refresh` writes this many rows or fewer one by one (with the model signals an
#: import's undo journal and the metric facts listen to), more in bulk (sweep, demo).
BULK_FROM = 50


def _hours(value: Decimal | None, field: str, label: str) -> Decimal:
    hours = ZERO if value is None else Decimal(value)
    if hours < 0 or hours > MAX_HOURS:
        raise ValidationError({field: f"{label}应在 0 至 {MAX_HOURS} 之间"})
    return hours


def _check_day(day: dt.date, field: str, label: str) -> None:
    if day > _today():
        raise ValidationError({field: f"{label}不能晚于今天"})


@transaction.atomic
def course_register(
    *,
    actor: Actor,
    unit: OrgUnit,
    title: str,
    start_on: dt.date,
    kind: str = CourseKind.TRAINING,
    end_on: dt.date | None = None,
    public_hours: Decimal | None = None,
    professional_hours: Decimal | None = None,
    skill_hours: Decimal | None = None,
    pass_score: Decimal | None = None,
    note: str = "",
) -> Course:
    """登记 a course or exam organised by ``unit`` (in the actor's subtree).

    Refuses a blank title, an unknown kind, dates after today or an end before the start,
    negative hours, and a second course of the same title starting the same day at the unit."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(unit, actor)
    title = title.strip()
    if not title:
        raise ValidationError({"title": "请填写培训/考试名称"})
    if kind not in CourseKind.values:
        raise ValidationError({"kind": "请选择类型（培训或考试）"})
    end_on = end_on or start_on
    _check_day(start_on, "start_on", "开始日期")
    if end_on < start_on:
        raise ValidationError({"end_on": "结束日期不能早于开始日期"})
    _check_day(end_on, "end_on", "结束日期")
    hours = {
        "public_hours": _hours(public_hours, "public_hours", "公共法律知识学时"),
        "professional_hours": _hours(professional_hours, "professional_hours", "专业法律知识学时"),
        "skill_hours": _hours(skill_hours, "skill_hours", "执法技能学时"),
    }
    if pass_score is not None and not (0 <= pass_score <= 1000):
        raise ValidationError({"pass_score": "合格分数应在 0 至 1000 之间"})
    if Course.objects.filter(unit=unit, title=title, start_on=start_on).exists():
        raise ValidationError({"title": f"{unit.name}已登记 {start_on:%Y-%m-%d} 开始的“{title}”"})
    course = Course.objects.create(
        unit=unit,
        title=title,
        kind=kind,
        start_on=start_on,
        end_on=end_on,
        pass_score=pass_score if kind == CourseKind.EXAM else None,
        note=note.strip(),
        **hours,
    )
    record_write(
        actor=actor,
        action="enforcement_training.course_register",
        obj=course,
        before=None,
        after=snapshot(course),
        summary=f"登记{course.get_kind_display()}",
    )
    return course


def _attendance(
    *,
    actor: Actor,
    course: Course,
    officer: Officer,
    public_hours: Decimal | None,
    professional_hours: Decimal | None,
    skill_hours: Decimal | None,
    score: Decimal | None,
    taken: set[int] | None = None,
) -> Attendance:
    """Check and build (not save) one attendance row (``taken``: the officers already
    recorded for the course, when the caller has read them)."""
    in_scope = staging.memo(  # one check per unit inside a bulk write
        ("training_scope", id(actor), officer.unit_id), lambda: unit_in_scope(officer.unit, actor)
    )
    if not in_scope:
        raise PermissionDenied(f"执法人员{officer.name}不在您的管理范围内")
    if not unit_in_scope(course.unit, actor):
        raise PermissionDenied("该培训/考试不在您的管理范围内")
    given = (public_hours, professional_hours, skill_hours)
    if all(h is None for h in given):  # the course's own hours
        given = (course.public_hours, course.professional_hours, course.skill_hours)
    hours = {
        name: _hours(value, name, label)
        for (name, label), value in zip(
            (
                ("public_hours", "公共法律知识学时"),
                ("professional_hours", "专业法律知识学时"),
                ("skill_hours", "执法技能学时"),
            ),
            given,
            strict=True,
        )
    }
    passed: bool | None = None
    if score is not None:
        if course.kind != CourseKind.EXAM:
            raise ValidationError({"score": "培训不登记考试成绩（类型为考试的才有成绩）"})
        if not (0 <= score <= 1000):
            raise ValidationError({"score": "考试成绩应在 0 至 1000 之间"})
        if course.pass_score is not None:
            passed = score >= course.pass_score
    if (
        officer.pk in taken
        if taken is not None
        else staging.exists(Attendance, course=course, officer=officer)
    ):
        raise ValidationError({"officer": f"{officer.name}已登记参加“{course.title}”"})
    if taken is not None:
        taken.add(officer.pk)
    return Attendance(
        course=course,
        officer=officer,
        unit=officer.unit,
        on=course.start_on,
        total_hours=sum(hours.values(), ZERO),
        score=score,
        passed=passed,
        **hours,
    )


def _audit_attendance(actor: Actor, row: Attendance) -> None:
    record_write(
        actor=actor,
        action="enforcement_training.attendance_register",
        obj=row,
        before=None,
        after=snapshot(row),
        summary=f"登记参训：{row.course.title}，{row.total_hours}学时",
    )


@transaction.atomic
def attendance_register(
    *,
    actor: Actor,
    course: Course,
    officer: Officer,
    public_hours: Decimal | None = None,
    professional_hours: Decimal | None = None,
    skill_hours: Decimal | None = None,
    score: Decimal | None = None,
) -> Attendance:
    """Record that ``officer`` attended ``course`` (both in the actor's subtree).

    Hours by type default to the course's own when none is given; an exam's score sets
    合格/不合格 against the course's 合格分数. The officer's year total (:class:`OfficerYear`)
    is refreshed in the same transaction."""
    actor.require(Cap.EDIT_RECORDS)
    row = _attendance(
        actor=actor,
        course=course,
        officer=officer,
        public_hours=public_hours,
        professional_hours=professional_hours,
        skill_hours=skill_hours,
        score=score,
    )
    row.save(force_insert=True)
    _audit_attendance(actor, row)
    years_refresh(officer_ids=[officer.pk], year=row.on.year)
    return row


@dataclass(frozen=True)
class Entry:
    """One attendee of :func:`attendance_bulk` (hours None: the course's own)."""

    officer: Officer
    public_hours: Decimal | None = None
    professional_hours: Decimal | None = None
    skill_hours: Decimal | None = None
    score: Decimal | None = None


@transaction.atomic
def attendance_bulk(
    *, actor: Actor, course: Course, entries: Sequence[Entry], refresh: bool = True
) -> int:
    """Record many attendances of ``course`` at once (same checks as
    :func:`attendance_register`; the rows written in bulk, one audit entry and history line on
    the course naming the officers, the metric facts refreshed once); returns how many.
    ``refresh=False`` leaves the year totals to the caller (one :func:`years_refresh` after
    several courses: the demo)."""
    from fazhi.metrics.facts import facts_deferred

    actor.require(Cap.EDIT_RECORDS)
    taken = set(course.attendances.values_list("officer_id", flat=True))
    with facts_deferred():
        with staging.staged():
            rows = [
                _attendance(
                    actor=actor,
                    course=course,
                    officer=entry.officer,
                    public_hours=entry.public_hours,
                    professional_hours=entry.professional_hours,
                    skill_hours=entry.skill_hours,
                    score=entry.score,
                    taken=taken,
                )
                for entry in entries
            ]
            for row in rows:
                staging.save_new(row)
        record_write(  # one entry for the batch, on the course (its history tab)
            actor=actor,
            action="enforcement_training.attendance_bulk",
            obj=course,
            before=None,
            after={"参训人员": [r.officer_id for r in rows], "人数": len(rows)},
            summary=f"登记参训 {len(rows)} 人",
        )
        if refresh:
            years_refresh(officer_ids=[e.officer.pk for e in entries], year=course.start_on.year)
    return len(entries)


def holds_certificate(officer: Officer, year: int) -> bool:
    """Whether ``officer`` held a 执法证 during ``year`` (the 达标率 denominator): 持证 or 暂扣
    now, issued by the year's end and not expired before it began."""
    first, last = year_bounds(year)
    return (
        officer.status in HOLDING
        and officer.cert_issued_on is not None
        and officer.cert_issued_on <= last
        and (officer.cert_expires_on is None or officer.cert_expires_on >= first)
    )


def years_refresh(*, officer_ids: Iterable[int], year: int) -> int:
    """Recompute the :class:`OfficerYear` rows of ``officer_ids`` in ``year`` from the
    attendance rows and the target (created when missing; facts kept); returns how many rows
    changed or were created. A few rows are saved one by one, so that an import that fails
    later undoes them too (its journal listens to the save signals); many (the sweep, the demo)
    in bulk, outside any import."""
    from fazhi.metrics.facts import facts_after_bulk, facts_kept

    ids = sorted(set(officer_ids))
    if not ids:
        return 0
    officers = Officer.objects.filter(pk__in=ids).select_related("unit")
    found = hours_by_type(officer_ids=ids, year=year)
    existing = {r.officer_id: r for r in OfficerYear.objects.filter(officer_id__in=ids, year=year)}
    targets: dict[str, Target] = {}
    changed: list[OfficerYear] = []
    created: list[OfficerYear] = []
    fields = [*TYPE_FIELDS, "total_hours", "target_hours", "certified", "met", "shortfall", "unit"]
    for officer in officers:
        province = province_code_of(officer.unit)
        if province not in targets:
            targets[province] = target_for(province_code=province, year=year)
        target = targets[province]
        by_type = {n: found.get(officer.pk, {}).get(n, ZERO) for n in TYPE_FIELDS}
        reason = shortfall(by_type, target, year)
        values: dict[str, Any] = {
            **by_type,
            "total_hours": sum(by_type.values(), ZERO),
            "target_hours": target.hours,
            "certified": holds_certificate(officer, year),
            "met": not reason,
            "shortfall": reason,
            "unit": officer.unit,
        }
        row = existing.get(officer.pk)
        if row is None:
            created.append(
                OfficerYear(officer=officer, year=year, on=dt.date(year, 1, 1), **values)
            )
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            changed.append(row)
    if len(changed) + len(created) <= BULK_FROM:  # save(): the signals (facts, import undo)
        for row in [*changed, *created]:
            row.save()
        return len(changed) + len(created)
    if changed:
        with facts_kept(OfficerYear, [r.pk for r in changed]):
            _fill_slots(changed)  # the tree slots follow the unit (bulk_update skips save())
            OfficerYear.objects.bulk_update(changed, [*fields, *_SLOTS])
    if created:
        _fill_slots(created)
        OfficerYear.objects.bulk_create(created, batch_size=500)
        facts_after_bulk(OfficerYear, created)
    return len(changed) + len(created)


_SLOTS = tuple(f"unit_d{i}" for i in range(5))


def _fill_slots(rows: Sequence[OfficerYear]) -> None:
    from fazhi.orgs.slots import fill_slots

    for row in rows:
        fill_slots(row)


def certified_ids(year: int, units: Iterable[OrgUnit] | None = None) -> list[int]:
    """Officers holding a certificate during ``year`` (optionally in the ``units``' subtrees)."""
    first, last = year_bounds(year)
    qs = Officer.objects.filter(status__in=HOLDING, cert_issued_on__lte=last).exclude(
        cert_expires_on__lt=first
    )
    if units is not None:
        from django.db.models import Q

        query = Q()
        for unit in units:
            query |= Q(unit__path__startswith=unit.path)
        qs = qs.filter(query)
    return list(qs.values_list("pk", flat=True))


def sweep(*, today: dt.date | None = None) -> int:
    """Bring the year's :class:`OfficerYear` rows up to date for every officer holding a
    certificate this year and every row already kept (a certificate issued, cancelled or moved
    since). Idempotent; returns how many rows changed."""
    today = today or _today()
    year = today.year
    ids = set(certified_ids(year)) | set(
        OfficerYear.objects.filter(year=year).values_list("officer_id", flat=True)
    )
    changed = 0
    ordered = sorted(ids)
    for start in range(0, len(ordered), 500):
        with transaction.atomic():
            changed += years_refresh(officer_ids=ordered[start : start + 500], year=year)
    return changed


def find_officer(
    *, actor: Actor, unit: OrgUnit, name: str, cert_number: str = "", id_number: str = ""
) -> Officer:
    """The officer of an import row in ``unit``'s subtree: by 执法证号, else by 姓名 and
    身份证号 (compared decrypted; never logged). ValidationError naming the column."""
    in_subtree = Officer.objects.select_related("unit").filter(unit__path__startswith=unit.path)
    name = name.strip()
    if cert_number.strip():
        found = list(in_subtree.filter(cert_number=cert_number.strip()))
        if not found:
            raise ValidationError(
                {"cert_number": f"本单位及下级单位没有执法证号为 {cert_number.strip()} 的执法人员"}
            )
        officer = found[0]
        if name and officer.name != name:
            raise ValidationError(
                {"name": f"执法证号 {cert_number.strip()} 的持证人是{officer.name}，不是{name}"}
            )
        return officer
    if not id_number.strip():
        raise ValidationError({"cert_number": "请填写执法证号（没有执法证号的填写身份证号）"})
    wanted = id_number.strip().upper()
    for officer in in_subtree.filter(name=name):
        if (officer.id_number or "").strip().upper() == wanted:
            return officer
    raise ValidationError({"id_number": f"本单位及下级单位没有该身份证号的执法人员{name}"})


def attendance_import_row(
    *,
    actor: Actor,
    unit: OrgUnit,
    title: str,
    start_on: dt.date,
    name: str,
    cert_number: str = "",
    id_number: str = "",
    kind: str = "",
    end_on: dt.date | None = None,
    public_hours: Decimal | None = None,
    professional_hours: Decimal | None = None,
    skill_hours: Decimal | None = None,
    score: Decimal | None = None,
) -> Attendance:
    """One row of an attendance workbook imported for ``unit``: the officer must be in the
    unit's subtree; the course (title and start date) is the unit's own, created on the fly
    when missing (an exam when a score is given or 类型 says so)."""
    officer = find_officer(
        actor=actor, unit=unit, name=name, cert_number=cert_number, id_number=id_number
    )
    course = Course.objects.filter(unit=unit, title=title.strip(), start_on=start_on).first()
    if course is None:
        chosen = kind or (CourseKind.EXAM if score is not None else CourseKind.TRAINING)
        course = course_register(
            actor=actor,
            unit=unit,
            title=title,
            kind=chosen,
            start_on=start_on,
            end_on=end_on,
            public_hours=public_hours,
            professional_hours=professional_hours,
            skill_hours=skill_hours,
            pass_score=_default_pass_score() if chosen == CourseKind.EXAM else None,
        )
    return attendance_register(
        actor=actor,
        course=course,
        officer=officer,
        public_hours=public_hours,
        professional_hours=professional_hours,
        skill_hours=skill_hours,
        score=score,
    )


def _default_pass_score() -> Decimal:
    """合格分数 of an exam created by an import (the course form's default)."""
    from fazhi.enforcement_training.forms import DEFAULT_PASS_SCORE

    return DEFAULT_PASS_SCORE
