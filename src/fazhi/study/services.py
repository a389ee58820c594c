"""Writes to the 学法 register (the only write path: forms, API, import, demo, sweep).

* :func:`session_register` — 登记 a 学法 session of a unit in the actor's subtree;
* :func:`session_update` — 修改 its descriptive fields (same checks);
* :func:`exam_register` — one leading cadre's 年度学法考试 result;
* :func:`years_refresh` — the per-unit-per-year rows (:class:`UnitYear`): the sessions of the
  kinds the unit's target counts, the target, 达标. Called on every session write for the
  session's unit, and by the daily sweep for every unit with a target (so a unit without any
  session still counts, as 未达标, in 学法达标率).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from fazhi.core.audit import snapshot
from fazhi.core.selectors import province_code_of
from fazhi.core.services import record_write
from fazhi.core.workflow import today as _today
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope, unit_in_scope
from fazhi.study.models import ExamResult, SessionKind, StudySession, UnitYear
from fazhi.study.selectors import Target, category_of, target_for, year_bounds
from fazhi.study.targets import default_pass_mark

CODE_SEP = re.compile(r"[、;；,，\s]+")
MAX_LAWS = 50
SESSION_FIELDS = (
    "kind", "held_on", "subject", "laws", "speaker", "attendee_names", "attendee_count",
    "minutes", "materials",
)  # fmt: skip


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def parse_unit_codes(*, actor: Actor, text: str) -> list[OrgUnit]:
    """The units named by codes (separated by 、；, or spaces) in the actor's subtree."""
    codes = [c for c in CODE_SEP.split(text or "") if c]
    if not codes:
        return []
    found = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
    units: list[OrgUnit] = []
    for code in dict.fromkeys(codes):
        unit = found.get(code)
        if unit is None:
            raise ValidationError({"attendee_unit_codes": f"没有编码为 {code} 的单位"})
        if not unit_in_scope(unit, actor):
            raise ValidationError({"attendee_unit_codes": f"参加单位{unit.name}不在您的管理范围内"})
        units.append(unit)
    return units


def _clean_session(values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise the descriptive fields (ValidationError naming the field)."""
    if values["kind"] not in SessionKind.values:
        raise ValidationError({"kind": "请选择学法形式"})
    held_on: dt.date = values["held_on"]
    if held_on > _today():
        raise ValidationError({"held_on": "学法日期不能晚于今天"})
    subject = (values["subject"] or "").strip()
    if not subject:
        raise ValidationError({"subject": "请填写学法主题"})
    laws = _lines(values["laws"])
    if len(laws) > MAX_LAWS:
        raise ValidationError({"laws": f"学习的法律法规最多填写 {MAX_LAWS} 部（每行一部）"})
    names = _lines(values["attendee_names"])
    count = values["attendee_count"]
    if names:
        count = len(names)
    elif count is None or count < 1:
        raise ValidationError({"attendee_count": "请填写参加人员名单（每行一人）或参加人数"})
    return {
        **values,
        "subject": subject,
        "laws": "\n".join(dict.fromkeys(laws)),
        "speaker": (values["speaker"] or "").strip(),
        "attendee_names": "\n".join(names),
        "attendee_count": count,
        "minutes": (values["minutes"] or "").strip(),
        "materials": (values["materials"] or "").strip(),
    }


def _session_after(session: StudySession) -> dict[str, Any]:
    data = snapshot(session)
    data["attendee_units"] = session.attendee_unit_codes
    return data


@transaction.atomic
def session_register(
    *,
    actor: Actor,
    unit: OrgUnit,
    kind: str,
    held_on: dt.date,
    subject: str,
    laws: str = "",
    speaker: str = "",
    attendee_unit_codes: str = "",
    attendee_names: str = "",
    attendee_count: int | None = None,
    minutes: str = "",
    materials: str = "",
) -> StudySession:
    """登记 a 学法 session held by ``unit`` (in the actor's subtree).

    ``laws`` and ``attendee_names`` are one per line; ``attendee_unit_codes`` are unit codes in
    the actor's subtree separated by 、 or ；. The attendee count is the number of names when
    names are given, else the typed count (≥ 1). Refuses a date after today, a blank subject,
    an unknown kind. The unit's year row (:class:`UnitYear`) is refreshed."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(unit, actor)
    values = _clean_session(
        {
            "kind": kind,
            "held_on": held_on,
            "subject": subject,
            "laws": laws,
            "speaker": speaker,
            "attendee_names": attendee_names,
            "attendee_count": attendee_count,
            "minutes": minutes,
            "materials": materials,
        }
    )
    units = parse_unit_codes(actor=actor, text=attendee_unit_codes)
    session = StudySession.objects.create(unit=unit, **values)
    session.attendee_units.set(units)
    record_write(
        actor=actor,
        action="study.session_register",
        obj=session,
        before=None,
        after=_session_after(session),
        summary=f"登记{session.get_kind_display()}：{session.subject}",
    )
    years_refresh(units=[unit], year=held_on.year)
    return session


@transaction.atomic
def session_update(*, actor: Actor, session: StudySession, data: dict[str, Any]) -> StudySession:
    """修改 a session's descriptive fields (``data``: any of :data:`SESSION_FIELDS` and
    ``attendee_unit_codes``); same checks as :func:`session_register`; the year rows of the
    old and new year are refreshed."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(session.unit, actor)
    session = StudySession.objects.select_for_update().get(pk=session.pk)
    before = _session_after(session)
    old_year = session.held_on.year
    current = {name: getattr(session, name) for name in SESSION_FIELDS}
    values = _clean_session({**current, **{k: v for k, v in data.items() if k in current}})
    for name, value in values.items():
        setattr(session, name, value)
    session.save()
    if "attendee_unit_codes" in data:
        session.attendee_units.set(
            parse_unit_codes(actor=actor, text=data["attendee_unit_codes"] or "")
        )
    after = _session_after(session)
    record_write(
        actor=actor,
        action="study.session_update",
        obj=session,
        before=before,
        after=after,
        summary="修改学法活动",
    )
    for year in {old_year, session.held_on.year}:
        years_refresh(units=[session.unit], year=year)
    return session


def _score(value: Decimal | str | int | float | None) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        score = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError({"score": "成绩应填写数字，如 85 或 85.5"}) from None
    if not score.is_finite() or not (0 <= score <= 100):
        raise ValidationError({"score": "成绩应在 0 至 100 之间"})
    return score


@transaction.atomic
def exam_register(
    *,
    actor: Actor,
    unit: OrgUnit,
    name: str,
    exam_on: dt.date,
    year: int | None = None,
    post: str = "",
    score: Decimal | str | None = None,
    absent: bool = False,
    pass_mark: Decimal | str | None = None,
) -> ExamResult:
    """登记 one leading cadre's 年度学法考试 result (the unit in the actor's subtree).

    ``year`` defaults to the exam date's year; ``pass_mark`` to the data default (60 [R]);
    合格 when present with a score ≥ the pass mark. An absent cadre has no score; a present
    one must have one. One result per unit, year and name."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(unit, actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写姓名"})
    if exam_on > _today():
        raise ValidationError({"exam_on": "考试日期不能晚于今天"})
    year = year or exam_on.year
    if not (exam_on.year - 1 <= year <= exam_on.year):
        raise ValidationError({"year": "考试年度应为考试日期所在年度或上一年度"})
    mark = default_pass_mark() if pass_mark in (None, "") else _score(pass_mark)
    assert mark is not None
    value = _score(score)
    if absent and value is not None:
        raise ValidationError({"score": "缺考的不填写成绩"})
    if not absent and value is None:
        raise ValidationError({"score": "请填写成绩（未参加考试的勾选缺考）"})
    if ExamResult.objects.filter(unit=unit, year=year, name=name).exists():
        raise ValidationError({"name": f"{unit.name}已登记{name}的{year}年度学法考试成绩"})
    result = ExamResult.objects.create(
        unit=unit,
        year=year,
        name=name,
        post=(post or "").strip(),
        exam_on=exam_on,
        score=value,
        pass_mark=mark,
        absent=absent,
        passed=bool(not absent and value is not None and value >= mark),
    )
    record_write(
        actor=actor,
        action="study.exam_register",
        obj=result,
        before=None,
        after=snapshot(result),
        summary=f"登记学法考试成绩：{result.result_label}",
    )
    return result


def counted_sessions(unit: OrgUnit, year: int, target: Target) -> int:
    """The unit's own sessions in ``year`` of the kinds its target counts."""
    first, last = year_bounds(year)
    qs = StudySession.objects.filter(unit=unit, held_on__range=(first, last))
    if target.kinds:
        qs = qs.filter(kind__in=target.kinds)
    return qs.count()


def years_refresh(*, units: Iterable[OrgUnit], year: int) -> int:
    """Recompute the :class:`UnitYear` rows of ``units`` (those with a category and target) in
    ``year``; created when missing; returns how many rows changed or were created."""
    changed = 0
    targets: dict[tuple[str, str], Target | None] = {}
    for unit in units:
        category = category_of(unit)
        if not category or not unit.is_active:
            continue
        key = (province_code_of(unit), category)
        if key not in targets:
            targets[key] = target_for(province_code=key[0], year=year, category=category)
        target = targets[key]
        if target is None:
            continue
        counted = counted_sessions(unit, year, target)
        values: dict[str, Any] = {
            "category": category,
            "kinds": target.kinds_text,
            "counted": counted,
            "target": target.min_sessions,
            "met": counted >= target.min_sessions,
            "basis": target.basis,
        }
        row = UnitYear.objects.filter(unit=unit, year=year).first()
        if row is None:
            UnitYear.objects.create(unit=unit, year=year, on=dt.date(year, 1, 1), **values)
            changed += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            row.save()
            changed += 1
    return changed


def sweep(*, today: dt.date | None = None) -> int:
    """Bring this year's :class:`UnitYear` rows up to date for every active unit with a
    target (a unit without any session gets its 未达标 row; a target edited in the admin is
    applied). Idempotent; returns how many rows changed."""
    year = (today or _today()).year
    units = list(OrgUnit.objects.filter(is_active=True).order_by("path"))
    changed = 0
    for start in range(0, len(units), 500):
        with transaction.atomic():
            changed += years_refresh(units=units[start : start + 500], year=year)
    return changed
