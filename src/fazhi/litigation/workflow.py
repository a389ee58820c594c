"""The 行政应诉 case's state machine, declared: 登记开庭 while pending, 结案 with the judgment.

Run by :class:`fazhi.core.workflow.Workflow`; the services ``hearing_add`` and ``case_close``
are thin wrappers. Rules: 行政诉讼法(2017) 第3条第3款, 最高人民法院关于行政机关负责人出庭应诉
若干问题的规定(2020) 第2、8条 (who counts as 负责人; absence needs a reason).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from fazhi.core.workflow import Change, Transition, Workflow, check_date
from fazhi.litigation import forms as f
from fazhi.litigation.losses import open_loss_reviews
from fazhi.litigation.models import (
    LOSS_RESULTS,
    HeadCategory,
    Hearing,
    LitigationCase,
    LitigationEvent,
    LossReview,
    LossReviewStatus,
    Result,
    Status,
)
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope

HEAD_RULES = "《最高人民法院关于行政机关负责人出庭应诉若干问题的规定》第2、7、8、12条"


def authorize(actor: Actor, case: LitigationCase) -> None:
    """The 被告's side (its subtree) with the right to edit records."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(case.unit, actor)


def add_hearing(
    case: LitigationCase,
    *,
    actor: Actor,
    held_on: dt.date,
    head_appeared: bool,
    head_name: str = "",
    head_post: str = "",
    head_category: str = "",
    absence_reason: str = "",
    staff_appeared: bool = True,
) -> Change:
    check_date(held_on, "开庭日期", not_before=case.filed_on, after_label="立案日期")
    if head_appeared:
        if not head_post.strip():
            raise ValidationError({"head_post": "负责人出庭的，请填写出庭负责人职务"})
        if head_category not in HeadCategory.values:
            raise ValidationError(
                {"head_category": "请选择负责人类别（正职、副职或其他分管负责人）"}
            )
    elif not absence_reason.strip():
        raise ValidationError({"absence_reason": "负责人未出庭的，请填写未出庭理由"})
    hearing = Hearing.objects.create(
        case=case,
        held_on=held_on,
        head_appeared=head_appeared,
        head_name=head_name.strip() if head_appeared else "",
        head_post=head_post.strip() if head_appeared else "",
        head_category=head_category if head_appeared else "",
        absence_reason="" if head_appeared else absence_reason.strip(),
        staff_appeared=staff_appeared,
    )
    rows = list(case.hearings.values_list("held_on", "head_appeared"))
    case.hearing_count = len(rows)
    case.first_hearing_on = min((d for d, _ in rows), default=None)
    case.head_appeared = any(appeared for _, appeared in rows)
    who = f"负责人{hearing.head_post}{hearing.head_name}出庭" if head_appeared else "负责人未出庭"
    return Change(held_on, who, event_kind="开庭", summary=f"登记开庭：{who}", result=hearing)


def close(
    case: LitigationCase, *, actor: Actor, judged_on: dt.date, result: str, note: str = ""
) -> Change:
    if result not in Result.values:
        raise ValidationError({"result": "请选择裁判结果"})
    last_hearing = max(case.hearings.values_list("held_on", flat=True), default=None)
    check_date(
        judged_on,
        "裁判日期",
        not_before=last_hearing or case.filed_on,
        after_label="开庭（立案）日期",
    )
    case.judged_on = judged_on
    case.result = result
    case.result_note = note
    case.is_loss = result in LOSS_RESULTS
    label = Result(result).label
    after = (lambda: open_loss_reviews(actor, case, judged_on)) if case.is_loss else None
    return Change(judged_on, label, event_kind="裁判", summary=f"结案：{label}", after=after)


CASES: Workflow[LitigationCase] = Workflow(
    model=LitigationCase,
    audit_prefix="litigation",
    event_model=LitigationEvent,
    authorize=authorize,
    transitions=(
        Transition(
            "add_hearing",
            "登记开庭",
            (Status.PENDING,),
            add_hearing,
            form_class=f.HearingForm,
            help=f"行政机关负责人出庭应诉，不能出庭的应委托工作人员出庭并说明理由（{HEAD_RULES}）",
            audit_action="litigation.hearing_add",
        ),
        Transition(
            "close",
            "结案（裁判结果）",
            (Status.PENDING,),
            close,
            target=Status.CLOSED,
            form_class=f.CaseCloseForm,
            confirm="确定登记裁判结果并结案吗？结案后不能再登记开庭。",
            refusal_label="结案",
        ),
    ),
)


def authorize_review(actor: Actor, review: LossReview) -> None:
    """The 依法治办 (coordination right) of the review's government or above."""
    require_unit_in_scope(review.unit, actor)


def complete_review(
    review: LossReview, *, actor: Actor, completed_on: dt.date, findings: str
) -> Change:
    if not findings.strip():
        raise ValidationError({"findings": "请填写剖析结论"})
    check_date(completed_on, "完成日期", not_before=review.opened_on, after_label="启动日期")
    review.completed_on = completed_on
    review.findings = findings.strip()
    return Change(completed_on, summary="完成败诉剖析")


#: 败诉剖析: the 依法治办 completes the analysis (no timeline of its own).
REVIEWS: Workflow[LossReview] = Workflow(
    model=LossReview,
    audit_prefix="litigation",
    noun="败诉剖析",
    authorize=authorize_review,
    transitions=(
        Transition(
            "complete",
            "完成败诉剖析",
            (LossReviewStatus.OPEN,),
            complete_review,
            target=LossReviewStatus.DONE,
            form_class=f.LossReviewCompleteForm,
            cap=Cap.COORDINATE,
            audit_action="litigation.loss_review_complete",
        ),
    ),
)

#: state → {transition: next state}, derived from the declarations.
TRANSITIONS: dict[str, dict[str, str]] = CASES.table()
