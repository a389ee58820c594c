"""Writes to the 行政应诉 register: cases, hearings (负责人出庭), results, 司法建议, 败诉剖析.

Every write is row-locked where it changes a case, adds a timeline event and is audited.
After a loss, every government at or above the 被告 counts the losses in its subtree that no
剖析 covers yet; when there are N of them (``settings.FAZHI_LOSS_REVIEW_EVERY``, default 5)
a :class:`LossReview` task is opened for its 依法治办 with those cases.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fazhi.core.audit import snapshot
from fazhi.core.selectors import rules_cache
from fazhi.core.services import audit_append, record_write
from fazhi.core.workflow import check_date
from fazhi.litigation.losses import loss_review_threshold
from fazhi.litigation.models import (
    Hearing,
    JudicialSuggestion,
    Level,
    LitigationCase,
    LitigationEvent,
    LossReview,
    Status,
)
from fazhi.litigation.rules import derive_deadlines, warn_days
from fazhi.litigation.workflow import CASES, REVIEWS
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope, unit_in_scope
from fazhi.reconsideration.models import ActCategory, ReconsiderationCase

__all__ = ["loss_review_threshold"]  # part of this module's contract (tests, settings)


def _today() -> dt.date:
    return timezone.localdate()


def _require_editor(actor: Actor, unit: OrgUnit) -> None:
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(unit, actor)


def _sees_reconsideration(actor: Actor, case: ReconsiderationCase) -> bool:
    sides = [case.unit, *([case.respondent] if case.respondent else [])]
    return any(unit_in_scope(side, actor) for side in sides)


def _event(actor: Actor, case: LitigationCase, kind: str, on: dt.date, note: str = "") -> None:
    LitigationEvent.objects.create(case=case, kind=kind, on=on, actor_name=actor.name, note=note)


@transaction.atomic
@rules_cache()  # the province's rules and calendar read once (issue 15: ≤ 15 queries)
def case_register(
    *,
    actor: Actor,
    unit: OrgUnit,
    number: str,
    court: str,
    filed_on: dt.date,
    level: str = Level.FIRST,
    plaintiff_name: str = "",
    cause: str = "",
    act_category: str = "other",
    reconsideration: ReconsiderationCase | None = None,
    complaint_received_on: dt.date | None = None,
) -> LitigationCase:
    """Register a case in which ``unit`` is the 被告 (one row per 审级 / 案号).

    ``complaint_received_on`` (一审): the day the 起诉状副本 was received, which starts the
    15-day 答辩举证 period (行政诉讼法第67条), stored as ``defence_due``."""
    _require_editor(actor, unit)
    check_date(filed_on, "立案日期")
    if complaint_received_on is not None:
        if level != Level.FIRST:
            raise ValidationError(
                {"complaint_received_on": "起诉状副本在一审程序中发送被告，二审、再审案件不填写"}
            )
        check_date(
            complaint_received_on,
            "收到起诉状副本日期",
            not_before=filed_on,
            after_label="立案日期",
            field="complaint_received_on",
        )
    if not number.strip():
        raise ValidationError({"number": "请填写案号"})
    if not court.strip():
        raise ValidationError({"court": "请填写法院"})
    if reconsideration is not None and not _sees_reconsideration(actor, reconsideration):
        raise ValidationError({"reconsideration": "关联的复议案件不在您的管辖范围内"})
    if act_category not in ActCategory.values:
        raise ValidationError({"act_category": "请选择被诉行为类别"})
    if level not in Level.values:
        raise ValidationError({"level": "审级应为一审、二审或再审"})
    if LitigationCase.objects.filter(
        court=court.strip(), number=number.strip(), unit=unit
    ).exists():
        raise ValidationError({"number": f"案号“{number}”已登记"})
    case = LitigationCase.objects.create(
        unit=unit,
        number=number.strip(),
        court=court.strip(),
        level=level,
        plaintiff_name=plaintiff_name.strip(),
        cause=cause.strip(),
        act_category=act_category,
        reconsideration=reconsideration,
        filed_on=filed_on,
        complaint_received_on=complaint_received_on,
    )
    _event(actor, case, f"{case.get_level_display()}立案", filed_on, case.court)
    if complaint_received_on is not None:
        derive_deadlines(case)
        case.save(update_fields=["defence_due"])
        due = f"答辩举证期限{case.defence_due:%Y-%m-%d}" if case.defence_due else ""
        _event(actor, case, "收到起诉状副本", complaint_received_on, due)
    record_write(
        actor=actor,
        action="litigation.register",
        obj=case,
        before=None,
        after=snapshot(case),
        summary=f"登记{case.get_level_display()}案件",
    )
    return case


def hearing_add(
    *,
    actor: Actor,
    case: LitigationCase,
    held_on: dt.date,
    head_appeared: bool,
    head_name: str = "",
    head_post: str = "",
    head_category: str = "",
    absence_reason: str = "",
    staff_appeared: bool = True,
) -> Hearing:
    """Record a court session. A 负责人 who appeared needs a post and a category (规定第2条);
    absence needs the reason (规定第8条)."""
    hearing: Hearing = CASES.run(
        "add_hearing",
        actor=actor,
        obj=case,
        held_on=held_on,
        head_appeared=head_appeared,
        head_name=head_name,
        head_post=head_post,
        head_category=head_category,
        absence_reason=absence_reason,
        staff_appeared=staff_appeared,
    )
    return hearing


def case_close(
    *, actor: Actor, case: LitigationCase, judged_on: dt.date, result: str, note: str = ""
) -> LitigationCase:
    """Record the judgment or ruling; a loss may open a 败诉剖析 (see module docstring)."""
    closed: LitigationCase = CASES.run(
        "close", actor=actor, obj=case, judged_on=judged_on, result=result, note=note
    )
    return closed


def complaint_receive(
    *, actor: Actor, case: LitigationCase, received_on: dt.date
) -> LitigationCase:
    """收到起诉状副本 (一审): stores the 答辩举证 deadline, 15 days on (行政诉讼法第67条)."""
    done: LitigationCase = CASES.run(
        "receive_complaint", actor=actor, obj=case, received_on=received_on
    )
    return done


def defence_file(*, actor: Actor, case: LitigationCase, filed_on: dt.date) -> LitigationCase:
    """答辩状 and evidence submitted to the court (late: 第34条, counts as no evidence)."""
    done: LitigationCase = CASES.run("file_defence", actor=actor, obj=case, filed_on=filed_on)
    return done


def service_record(
    *, actor: Actor, case: LitigationCase, served_on: dt.date, document: str = ""
) -> LitigationCase:
    """The judgment or ruling was served: stores the 上诉 deadline where it may be appealed
    (第85条: 15 days for a judgment, 10 for a ruling)."""
    done: LitigationCase = CASES.run(
        "record_service", actor=actor, obj=case, served_on=served_on, document=document
    )
    return done


def appeal_decide(
    *, actor: Actor, case: LitigationCase, decision: str, decided_on: dt.date
) -> LitigationCase:
    """Record whether the 被告 appealed (``appealed``) or not (``waived``)."""
    done: LitigationCase = CASES.run(
        "decide_appeal", actor=actor, obj=case, decision=decision, decided_on=decided_on
    )
    return done


def deadlines_sweep(*, today: dt.date) -> int:
    """Remind the 被告 of every 答辩举证 and 上诉 deadline within ``rules.warn_days()`` or past
    (see :class:`~fazhi.litigation.models.LitigationQuerySet`), once per case, deadline and
    state (临近 / 逾期): running it again adds nothing. Returns the number of new reminders."""
    from fazhi.plans.models import Reminder  # the platform's in-app reminders

    horizon = today + dt.timedelta(days=warn_days())
    defence = Q(defence_due__lte=horizon, defence_filed_on__isnull=True, status=Status.PENDING)
    appeal = Q(appeal_due__lte=horizon, appeal_decision="", is_loss=True)
    rows = LitigationCase.objects.filter(defence | appeal).select_related("unit")
    new: list[Reminder] = []
    for case in rows.order_by("pk").iterator(chunk_size=2000):
        link = case.get_absolute_url()
        for key, text in _deadline_notes(case, today, horizon):
            new.append(Reminder(unit=case.unit, key=key, text=text[:300], link=link))
    known = set(Reminder.objects.filter(key__in=[r.key for r in new]).values_list("key", flat=True))
    new = [r for r in new if r.key not in known]
    Reminder.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        audit_append(
            actor=Actor.command_line(),
            action="litigation.sweep",
            object_type="litigation.litigationcase",
            after={"today": today.isoformat(), "reminders": len(new)},
        )
    return len(new)


def _deadline_notes(
    case: LitigationCase, today: dt.date, horizon: dt.date
) -> list[tuple[str, str]]:
    """(reminder key, text) for the case's 答辩举证 and 上诉 deadlines due by ``horizon``."""
    notes = []
    name = f"行政应诉案件{case.number}（{case.court}）"
    due = case.defence_due
    if due is not None and case.defence_filed_on is None and case.status == Status.PENDING:
        if due < today:
            text = f"{name}答辩举证期限已于{due:%Y-%m-%d}届满，尚未登记提交答辩状和证据；"
            text += "被告无正当理由逾期提供证据的，视为没有相应证据（行政诉讼法第三十四条）"
            notes.append((f"litigation-defence:{case.pk}:{due}:overdue", text))
        elif due <= horizon:
            text = f"{name}答辩举证期限{due:%Y-%m-%d}届满（{_left(due, today)}），"
            text += "请在期限内提交证据、依据和答辩状（行政诉讼法第六十七条）"
            notes.append((f"litigation-defence:{case.pk}:{due}:soon", text))
    due = case.appeal_due
    if due is not None and not case.appeal_decision and case.is_loss:
        if due < today:
            text = f"{name}上诉期限已于{due:%Y-%m-%d}届满，尚未登记是否上诉（行政诉讼法第八十五条）"
            notes.append((f"litigation-appeal:{case.pk}:{due}:overdue", text))
        elif due <= horizon:
            text = f"{name}败诉，上诉期限{due:%Y-%m-%d}届满（{_left(due, today)}），"
            text += "请决定是否上诉；逾期不上诉的，一审裁判发生法律效力（行政诉讼法第八十五条）"
            notes.append((f"litigation-appeal:{case.pk}:{due}:soon", text))
    return notes


def _left(due: dt.date, today: dt.date) -> str:
    days = (due - today).days
    return "今日届满" if days == 0 else f"剩余{days}日"


def loss_review_complete(
    *, actor: Actor, review: LossReview, completed_on: dt.date, findings: str
) -> LossReview:
    """The 依法治办 records its analysis of the losses (declared in ``workflow.REVIEWS``)."""
    done: LossReview = REVIEWS.run(
        "complete", actor=actor, obj=review, completed_on=completed_on, findings=findings
    )
    return done


@transaction.atomic
def suggestion_receive(
    *,
    actor: Actor,
    unit: OrgUnit,
    court: str,
    received_on: dt.date,
    content: str,
    case: LitigationCase | None = None,
    reply_due: dt.date | None = None,
) -> JudicialSuggestion:
    """Register a 司法建议 received by ``unit`` (optionally about a case)."""
    _require_editor(actor, unit)
    check_date(received_on, "收到日期")
    if case is not None and case.unit_id != unit.pk:
        raise ValidationError({"case": "关联案件的被告应为收到司法建议的单位"})
    if not content.strip():
        raise ValidationError({"content": "请填写建议内容"})
    if reply_due is not None and reply_due < received_on:
        raise ValidationError({"reply_due": "答复期限不能早于收到日期"})
    row = JudicialSuggestion.objects.create(
        unit=unit,
        case=case,
        court=court.strip(),
        received_on=received_on,
        content=content.strip(),
        reply_due=reply_due,
    )
    if case is not None:
        _event(actor, case, "收到司法建议", received_on, court)
    record_write(
        actor=actor,
        action="litigation.suggestion_receive",
        obj=row,
        before=None,
        after=snapshot(row),
        summary="收到司法建议",
    )
    return row


def suggestion_reply_problem(row: JudicialSuggestion, today: dt.date) -> str:
    """Why the 司法建议 cannot be answered now ("" if it can)."""
    return "该司法建议已答复" if row.replied_on is not None else ""


@transaction.atomic
def suggestion_reply(
    *, actor: Actor, suggestion: JudicialSuggestion, replied_on: dt.date, note: str
) -> JudicialSuggestion:
    """Record the answer to a 司法建议."""
    _require_editor(actor, suggestion.unit)
    row = JudicialSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    problem = suggestion_reply_problem(row, _today())
    if problem:
        raise ValidationError(problem)
    if not note.strip():
        raise ValidationError({"note": "请填写答复情况"})
    check_date(replied_on, "答复日期", not_before=row.received_on, after_label="收到日期")
    before = snapshot(row)
    row.replied_on = replied_on
    row.reply_note = note.strip()
    row.save(update_fields=["replied_on", "reply_note"])
    if row.case is not None:
        _event(actor, row.case, "答复司法建议", replied_on, note)
    record_write(
        actor=actor,
        action="litigation.suggestion_reply",
        obj=row,
        before=before,
        after=snapshot(row),
        summary="答复司法建议",
    )
    return row


@transaction.atomic
def case_update(*, actor: Actor, case: LitigationCase, data: dict[str, Any]) -> LitigationCase:
    """Edit the descriptive fields of a case."""
    _require_editor(actor, case.unit)
    case = LitigationCase.objects.select_for_update().get(pk=case.pk)
    before = snapshot(case)
    for name in (
        "court",
        "plaintiff_name",
        "cause",
        "act_category",
        "reconsideration",
        "result_note",
    ):
        if name in data:
            setattr(case, name, data[name])
    case.full_clean(exclude=["unit", "reconsideration"])
    case.save()
    record_write(
        actor=actor,
        action="litigation.update",
        obj=case,
        before=before,
        after=snapshot(case),
        summary="修改案件信息",
    )
    return case
