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
from django.utils import timezone

from fazhi.core.audit import snapshot
from fazhi.core.services import record_write
from fazhi.core.workflow import check_date
from fazhi.litigation.losses import loss_review_threshold
from fazhi.litigation.models import (
    Hearing,
    JudicialSuggestion,
    Level,
    LitigationCase,
    LitigationEvent,
    LossReview,
)
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
) -> LitigationCase:
    """Register a case in which ``unit`` is the 被告 (one row per 审级 / 案号)."""
    _require_editor(actor, unit)
    check_date(filed_on, "立案日期")
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
    )
    _event(actor, case, f"{case.get_level_display()}立案", filed_on, case.court)
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
