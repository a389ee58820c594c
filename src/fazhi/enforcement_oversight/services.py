"""Writes to the 三项制度 registers: 登记 here, every status change through the workflows, and
the daily sweep (公示撤回 and 数据公开 reminders, 逾期 by the law).

Every service takes keyword arguments only, checks the capability and that the 执法主体's unit
is in the actor's subtree, and is audited (``record_write`` or the workflow runner).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from fazhi.core.audit import snapshot
from fazhi.core.selectors import rules_cache
from fazhi.core.services import audit_append, record_write
from fazhi.core.workflow import check_date
from fazhi.enforcement.models import Category, Subject
from fazhi.enforcement_oversight.models import (
    AlertRun,
    ChangeKind,
    DecisionKind,
    Disclosure,
    DisclosureItem,
    InspectionAlert,
    MajorCase,
    MajorDecision,
    MajorDecisionEvent,
    Publication,
    PublicationEvent,
    PublicationStatus,
    RecordingItem,
    RecordingMethod,
    Withdrawal,
    WithdrawalEvent,
    WithdrawalStatus,
)
from fazhi.enforcement_oversight.rules import publication_due, warn_days, withdrawal_due
from fazhi.enforcement_oversight.workflow import MAJORS, PUBLICATIONS, WITHDRAWALS
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope


def _check_subject(actor: Actor, subject: Subject) -> None:
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(subject.unit, actor)
    if not subject.active:
        raise ValidationError({"subject": f"执法主体“{subject.name}”已失效"})


def _choice(value: str, choices: list[tuple[str, str]], field: str, label: str) -> str:
    for code, text in choices:
        if value in (code, text):
            return code
    names = "、".join(t for _, t in choices)
    raise ValidationError({field: f"{label}“{value}”不存在，应为：{names}"})


# --- 事前公示 ----------------------------------------------------------------------------------
@transaction.atomic
def disclosure_register(
    *,
    actor: Actor,
    subject: Subject,
    item: str,
    published_on: dt.date,
    place: str,
    note: str = "",
) -> Disclosure:
    """登记 one 事前公示 item of ``subject`` (one per item; a later publication replaces the
    date and place of the existing entry)."""
    _check_subject(actor, subject)
    code = _choice(item, DisclosureItem.choices, "item", "公示事项")
    check_date(published_on, "公示日期", field="published_on")
    if not place.strip():
        raise ValidationError({"place": "请填写公示载体（网址）"})
    found = Disclosure.objects.select_for_update().filter(subject=subject, item=code).first()
    before = snapshot(found) if found is not None else None
    row = found or Disclosure(unit=subject.unit, subject=subject, item=code)
    row.published_on, row.place, row.note = published_on, place.strip(), note.strip()
    row.save()
    record_write(
        actor=actor,
        action="enforcement_oversight.disclosure",
        obj=row,
        before=before,
        after=snapshot(row),
        summary=f"{'更新' if found else '登记'}事前公示：{row.get_item_display()}",
    )
    return row


# --- 音像记录事项清单 ---------------------------------------------------------------------------
@transaction.atomic
def recording_item_register(
    *,
    actor: Actor,
    subject: Subject,
    matter: str,
    category: str,
    method: str = RecordingMethod.AUDIO_VIDEO,
    basis: str = "",
) -> RecordingItem:
    """登记 one line of ``subject``'s 音像记录事项清单."""
    _check_subject(actor, subject)
    if not matter.strip():
        raise ValidationError({"matter": "请填写执法事项"})
    row = RecordingItem.objects.create(
        unit=subject.unit,
        subject=subject,
        matter=matter.strip(),
        category=_choice(category, Category.choices, "category", "执法类别"),
        method=_choice(method, RecordingMethod.choices, "method", "记录方式"),
        basis=basis.strip(),
    )
    record_write(
        actor=actor,
        action="enforcement_oversight.recording_item",
        obj=row,
        before=None,
        after=snapshot(row),
        summary=f"登记音像记录事项：{row.matter}",
    )
    return row


# --- 公示撤回 --------------------------------------------------------------------------------
@transaction.atomic
def withdrawal_register(
    *,
    actor: Actor,
    subject: Subject,
    document_number: str,
    change_kind: str,
    changed_on: dt.date,
    decision_kind: str = DecisionKind.PENALTY,
    note: str = "",
    withdrawn_on: dt.date | None = None,
    explanation: str = "",
) -> Withdrawal:
    """登记 a published decision of ``subject`` that was changed on ``changed_on``; the
    withdrawal is due within the rule's working days (stored in ``due_on``). Given
    ``withdrawn_on``, the withdrawal is recorded at once (through the workflow)."""
    _check_subject(actor, subject)
    number = document_number.strip()
    if not number:
        raise ValidationError({"document_number": "请填写决定文书号"})
    check_date(changed_on, "变动日期", field="changed_on")
    with rules_cache():
        due = withdrawal_due(subject.unit, changed_on)
    w = Withdrawal.objects.create(
        unit=subject.unit,
        subject=subject,
        document_number=number,
        decision_kind=_choice(decision_kind, DecisionKind.choices, "decision_kind", "决定类别"),
        change_kind=_choice(change_kind, ChangeKind.choices, "change_kind", "变动情形"),
        changed_on=changed_on,
        due_on=due,
        note=note.strip(),
    )
    WithdrawalEvent.objects.create(
        withdrawal=w,
        kind="决定" + w.get_change_kind_display(),
        on=changed_on,
        actor_name=actor.name,
        note=f"应于 {due:%Y-%m-%d} 前撤回公示并说明理由",
    )
    record_write(
        actor=actor,
        action="enforcement_oversight.withdrawal.register",
        obj=w,
        before=None,
        after=snapshot(w),
        summary=f"登记公示撤回事项：{number}（{w.get_change_kind_display()}）",
    )
    if withdrawn_on is not None:
        withdrawal_withdraw(
            actor=actor, withdrawal=w, withdrawn_on=withdrawn_on, explanation=explanation
        )
    return w


def withdrawal_withdraw(
    *, actor: Actor, withdrawal: Withdrawal, withdrawn_on: dt.date, explanation: str
) -> Withdrawal:
    """撤回公示 (with the reasons made public)."""
    done: Withdrawal = WITHDRAWALS.run(
        "withdraw",
        actor=actor,
        obj=withdrawal,
        withdrawn_on=withdrawn_on,
        explanation=explanation,
    )
    return done


def withdrawal_lapse(*, actor: Actor, withdrawal: Withdrawal) -> Withdrawal:
    """逾期未撤回 (the daily sweep, once the period has passed)."""
    done: Withdrawal = WITHDRAWALS.run("lapse", actor=actor, obj=withdrawal)
    return done


# --- 重大执法决定 -----------------------------------------------------------------------------
@transaction.atomic
def major_register(
    *,
    actor: Actor,
    subject: Subject,
    case_number: str,
    title: str,
    major_case: str,
    proposal: str,
    registered_on: dt.date,
    category: str = Category.PENALTY,
    note: str = "",
) -> MajorDecision:
    """登记 a 重大执法决定 of ``subject`` in one of the four cases of 行政处罚法 第58条."""
    _check_subject(actor, subject)
    number, title = case_number.strip(), title.strip()
    if not number:
        raise ValidationError({"case_number": "请填写文书号/案号"})
    if not title:
        raise ValidationError({"title": "请填写案件名称"})
    if not proposal.strip():
        raise ValidationError({"proposal": "请填写拟作出的决定"})
    check_date(registered_on, "登记日期", field="registered_on")
    if MajorDecision.objects.filter(subject=subject, case_number=number).exists():
        raise ValidationError({"case_number": f"文书号/案号“{number}”在{subject.name}已登记"})
    d = MajorDecision.objects.create(
        unit=subject.unit,
        subject=subject,
        case_number=number,
        title=title,
        category=_choice(category, Category.choices, "category", "执法类别"),
        major_case=_choice(major_case, MajorCase.choices, "major_case", "法制审核情形"),
        proposal=proposal.strip(),
        registered_on=registered_on,
        note=note.strip(),
    )
    MajorDecisionEvent.objects.create(
        decision=d,
        kind="登记",
        on=registered_on,
        actor_name=actor.name,
        note=d.get_major_case_display(),
    )
    record_write(
        actor=actor,
        action="enforcement_oversight.major.register",
        obj=d,
        before=None,
        after=snapshot(d),
        summary=f"登记重大执法决定：{number}",
    )
    return d


def major_submit_review(
    *,
    actor: Actor,
    decision: MajorDecision,
    submitted_on: dt.date,
    review_unit: OrgUnit | None = None,
) -> MajorDecision:
    """送法制审核: registers the item in the 合法性审查 register (category 重大执法决定),
    reviewed by ``review_unit`` (default the subject's own unit, i.e. its 法制机构)."""
    done: MajorDecision = MAJORS.run(
        "submit_review",
        actor=actor,
        obj=decision,
        submitted_on=submitted_on,
        review_unit=review_unit,
    )
    return done


def major_decide(
    *, actor: Actor, decision: MajorDecision, decided_on: dt.date, decision_text: str
) -> MajorDecision:
    """作出决定 — refused unless the 法制审核 concluded 合法 or 修改后合法."""
    done: MajorDecision = MAJORS.run(
        "decide", actor=actor, obj=decision, decided_on=decided_on, decision=decision_text
    )
    return done


# --- 行政执法数据公开 --------------------------------------------------------------------------
@transaction.atomic
def publication_open(*, actor: Actor, subject: Subject, year: int) -> Publication:
    """开始 the ``year`` 数据公开 of ``subject`` (a draft; the counts are read live from the
    执法数据 register until it is published). Returns the existing one if any."""
    _check_subject(actor, subject)
    found = Publication.objects.filter(subject=subject, year=year).first()
    if found is not None:
        return found
    with rules_cache():
        due = publication_due(subject.unit, year)
    p = Publication.objects.create(unit=subject.unit, subject=subject, year=year, due_on=due)
    PublicationEvent.objects.create(
        publication=p,
        kind="开始填报",
        on=dt.date(year, 12, 31),
        actor_name=actor.name,
        note=f"应于 {due:%Y-%m-%d} 前公开",
    )
    record_write(
        actor=actor,
        action="enforcement_oversight.publication.register",
        obj=p,
        before=None,
        after=snapshot(p),
        summary=f"开始填报{year}年度行政执法数据公开",
    )
    return p


def publication_publish(
    *,
    actor: Actor,
    publication: Publication,
    published_on: dt.date,
    place: str,
    explanation: str = "",
) -> Publication:
    """公开 (the six counts are frozen from the 执法数据 register)."""
    done: Publication = PUBLICATIONS.run(
        "publish",
        actor=actor,
        obj=publication,
        published_on=published_on,
        place=place,
        explanation=explanation,
    )
    return done


def publication_report(
    *, actor: Actor, publication: Publication, reported_on: dt.date, reported_to: str = ""
) -> Publication:
    """报送 本级人民政府和上级主管部门."""
    done: Publication = PUBLICATIONS.run(
        "report", actor=actor, obj=publication, reported_on=reported_on, reported_to=reported_to
    )
    return done


def publication_lapse(*, actor: Actor, publication: Publication) -> Publication:
    done: Publication = PUBLICATIONS.run("lapse", actor=actor, obj=publication)
    return done


# --- 涉企重复检查 alerts (derived from the 执法数据) ---------------------------------------------
_ALERT_COLUMNS = (
    "year, credit_code, first_record, first_unit_id, first_on, record, unit_id, second_on, "
    "days, window_days, unit_d0, unit_d1, unit_d2, unit_d3, unit_d4, "
    "first_d0, first_d1, first_d2, first_d3, first_d4"
)
#: Enterprises per statement of :func:`alerts_refresh` (a large batch inspects 100,000s).
ALERT_CHUNK = 20000


def _codes_in(column: str, codes: list[str]) -> tuple[str, list[str] | str]:
    """``column`` among ``codes``, as one SQL parameter (an array; SQLite: a JSON list)."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", codes
    return f"{column} IN (SELECT value FROM json_each(%s))", json.dumps(codes)


def _alerts_insert(
    *, start: dt.date, end: dt.date, window: int, codes: list[str] | None = None
) -> int:
    """Insert the alerts whose later inspection lies in [start, end] (of ``codes`` only, when
    given); the caller has deleted the old ones. Returns how many."""
    from fazhi.enforcement_oversight.selectors import _days_sql, lag_sql

    slots = [f"unit_d{i}" for i in range(5)]
    lags = "".join(f", {c}, LAG({c}) OVER w AS prev_{c}" for c in slots)
    codes_sql = ""
    params: list[list[str] | str] = []
    if codes is not None:
        codes_sql, param = _codes_in("credit_code", codes)
        codes_sql = " AND " + codes_sql
        params.append(param)
    since = start - dt.timedelta(days=window)
    days = _days_sql("r.decided_on", "r.prev_on")
    table = InspectionAlert._meta.db_table
    sql = f"""
        INSERT INTO {table} ({_ALERT_COLUMNS})
        SELECT r.year, r.credit_code, r.prev_id, r.prev_unit, r.prev_on, r.id, r.unit_id,
               r.decided_on, {days}, %s, {", ".join(f"r.{c}" for c in slots)},
               {", ".join(f"r.prev_{c}" for c in slots)}
        FROM ({lag_sql(lags, codes_sql)}) r
        WHERE r.prev_id IS NOT NULL AND r.unit_id <> r.prev_unit
          AND r.decided_on >= %s AND {days} <= %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [window, since.year, end.year, since, end, *params, start, window])
        return int(cursor.rowcount)


def _window(unit: OrgUnit | None) -> int:
    """The window rule of ``unit``'s province (default: of the tree's root)."""
    from fazhi.enforcement_oversight.rules import inspection_window

    if unit is None:
        unit = OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
    return inspection_window(unit)


def alerts_refresh(
    *, codes: Iterable[str], start: dt.date, end: dt.date, unit: OrgUnit | None = None
) -> int:
    """Recompute the stored alerts of the enterprises ``codes`` after their inspections
    between ``start`` and ``end`` changed (an ingest batch): the alerts whose later inspection
    lies in [start, end + window] are deleted and found again (an inspection can start or
    end an alert, and it changes its neighbours'). Atomic; returns the alerts now stored in
    that range. Called inside the batch's transaction (``unit``: its importing unit, whose
    province's window rule applies)."""
    window = _window(unit)
    last = end + dt.timedelta(days=window)
    found = 0
    ordered = sorted(set(codes))
    with transaction.atomic():
        for i in range(0, len(ordered), ALERT_CHUNK):
            chunk = ordered[i : i + ALERT_CHUNK]
            condition, param = _codes_in("credit_code", chunk)
            with connection.cursor() as cursor:  # derived rows: no signals, no audit
                cursor.execute(
                    f"DELETE FROM {InspectionAlert._meta.db_table} WHERE {condition} "
                    "AND second_on BETWEEN %s AND %s",
                    [param, start, last],
                )
            found += _alerts_insert(start=start, end=last, window=window, codes=chunk)
    return found


def alerts_recompute(*, year: int) -> int:
    """Recompute every stored alert of ``year`` (a new window rule; data written around the
    ingest, such as the scale seeder's) and note it in :class:`AlertRun`. Returns how many."""
    window = _window(None)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {InspectionAlert._meta.db_table} WHERE year = %s", [year])
        found = _alerts_insert(start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), window=window)
        AlertRun.objects.update_or_create(
            year=year,
            defaults={"window_days": window, "alerts": found, "computed_at": timezone.now()},
        )
    return found


def alerts_sweep(*, today: dt.date) -> int:
    """(daily sweep) Recompute the alerts of this year and last year when they were never
    computed as a whole or the window rule has changed since. Returns the years redone."""
    from fazhi.enforcement_data.models import Record

    window = _window(None)
    done = 0
    for year in (today.year - 1, today.year):
        run = AlertRun.objects.filter(year=year).first()
        if run is not None and run.window_days == window:
            continue
        if run is None and not Record.objects.filter(year=year, kind="inspection").exists():
            continue
        alerts_recompute(year=year)
        done += 1
    return done


# --- the daily sweep --------------------------------------------------------------------------
def sweep(*, today: dt.date) -> dict[str, int]:
    """Repeatable. (1) 公示撤回 past their period → 逾期未撤回; reminders of open ones due
    within :func:`warn_days` days or overdue. (2) In the publication season (from
    ``warn_days`` before the last data year's due date): a draft 数据公开 for every active
    执法主体 that has none; drafts past the due date → 逾期未公开; reminders before and after
    the due date. Each reminder once per row, due date and state. Returns counts."""
    from fazhi.plans.models import Reminder

    actor = Actor.command_line()
    horizon = today + dt.timedelta(days=warn_days())
    counts = {"withdrawals_overdue": 0, "publications_opened": 0, "publications_overdue": 0}
    reminders: list[Reminder] = []
    open_rows = (
        Withdrawal.objects.exclude(status=WithdrawalStatus.WITHDRAWN)
        .filter(due_on__lte=horizon)
        .select_related("unit", "subject")
        .order_by("pk")
    )
    for w in open_rows:
        late = w.due_on < today
        if late and w.status == WithdrawalStatus.PENDING:
            with transaction.atomic():
                withdrawal_lapse(actor=actor, withdrawal=w)
            counts["withdrawals_overdue"] += 1
        state = "overdue" if late else "soon"
        text = f"{w.subject.name}决定{w.document_number}已{w.get_change_kind_display()}，" + (
            f"撤回期限 {w.due_on:%Y-%m-%d} 已届满，尚未撤回公示"
            if late
            else f"请于 {w.due_on:%Y-%m-%d} 前撤回公示并说明理由"
        )
        reminders.append(
            Reminder(
                unit=w.unit,
                key=f"eo:withdrawal:{w.pk}:{w.due_on}:{state}",
                text=text[:300],
                link=w.get_absolute_url(),
            )
        )
    year = today.year - 1
    subjects = list(Subject.objects.filter(active=True).select_related("unit").order_by("pk"))
    with rules_cache():
        season = [s for s in subjects if publication_due(s.unit, year) <= horizon]
    have = set(
        Publication.objects.filter(year=year, subject__in=[s.pk for s in season]).values_list(
            "subject_id", flat=True
        )
    )
    for s in season:
        if s.pk not in have:
            with transaction.atomic():
                publication_open(actor=actor, subject=s, year=year)
            counts["publications_opened"] += 1
    drafts = (
        Publication.objects.filter(
            year__lte=year, status__in=(PublicationStatus.DRAFT, PublicationStatus.OVERDUE)
        )
        .select_related("unit", "subject")
        .order_by("pk")
    )
    for p in drafts:
        late = p.due_on < today
        if late and p.status == PublicationStatus.DRAFT:
            with transaction.atomic():
                publication_lapse(actor=actor, publication=p)
            counts["publications_overdue"] += 1
        if not late and p.due_on > horizon:
            continue
        state = "overdue" if late else "soon"
        text = f"{p.subject.name}{p.year}年度行政执法数据" + (
            f"公开期限 {p.due_on:%Y-%m-%d} 已届满，尚未公开"
            if late
            else f"应于 {p.due_on:%Y-%m-%d} 前公开并报本级人民政府和上级主管部门"
        )
        reminders.append(
            Reminder(
                unit=p.unit,
                key=f"eo:publication:{p.pk}:{p.due_on}:{state}",
                text=text[:300],
                link=p.get_absolute_url(),
            )
        )
    known = set(
        Reminder.objects.filter(key__in=[r.key for r in reminders]).values_list("key", flat=True)
    )
    new = [r for r in reminders if r.key not in known]
    Reminder.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        audit_append(
            actor=actor,
            action="enforcement_oversight.sweep",
            object_type="enforcement_oversight.withdrawal",
            after={"today": today.isoformat(), "reminders": len(new)},
        )
    return {**counts, "reminders": len(new)}
