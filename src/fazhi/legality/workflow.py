"""The 合法性审查 state machine, declared.

已收到 → (退回补充 → 收到补充材料: the period restarts) → 审查中 → 审查完成 (合法 / 修改后合法 /
不合法 / 不予审查 with the reason), then 意见采纳情况. Only the 审查机构's side (its subtree) moves
an item; the 送审单位 reads it. Run by :class:`fazhi.core.workflow.Workflow` (capability, scope,
lock, state, ``problem``, ``apply``, ``recalc``, timeline, history and audit).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from fazhi.core.workflow import Change, Transition, Workflow, check_date
from fazhi.legality import forms as f
from fazhi.legality.models import Conclusion, Review, ReviewEvent, Status
from fazhi.legality.reviewers import parse_reviewers
from fazhi.legality.rules import derive_deadlines
from fazhi.orgs.scoping import Actor, require_unit_in_scope

#: Conclusions that must give their reason.
NEEDS_REASON = frozenset({Conclusion.UNLAWFUL, Conclusion.DECLINED})


def authorize(actor: Actor, review: Review) -> None:
    """The 审查机构's subtree moves its items (the capability is the transition's)."""
    require_unit_in_scope(review.unit, actor)


def _set_reviewers(review: Review, reviewers: str | list[dict[str, str]] | None) -> None:
    if reviewers:
        review.reviewers = parse_reviewers(reviewers)


# --- 退回补充 / 收到补充材料 ------------------------------------------------------------------
def return_for_supplement(
    review: Review, *, actor: Actor, returned_on: dt.date, return_reason: str
) -> Change:
    check_date(
        returned_on,
        "退回补充日期",
        not_before=review.period_start,
        after_label="收到材料日期",
        field="returned_on",
    )
    if not return_reason.strip():
        raise ValidationError({"return_reason": "请写明需补充的材料"})
    review.returned_on = returned_on
    review.return_reason = return_reason.strip()
    review.materials_complete = False
    return Change(returned_on, review.return_reason)


def supplement(review: Review, *, actor: Actor, supplemented_on: dt.date) -> Change:
    assert review.returned_on is not None
    check_date(
        supplemented_on,
        "收到补充材料日期",
        not_before=review.returned_on,
        after_label="退回补充日期",
        field="supplemented_on",
    )
    review.supplemented_on = supplemented_on
    review.materials_complete = True
    return Change(supplemented_on, "审查期限自收到补充材料之日起重新计算")


# --- 开始审查 ---------------------------------------------------------------------------------
def start(review: Review, *, actor: Actor, started_on: dt.date, reviewers: str = "") -> Change:
    check_date(
        started_on,
        "开始审查日期",
        not_before=review.period_start,
        after_label="收到材料日期",
        field="started_on",
    )
    review.started_on = started_on
    _set_reviewers(review, reviewers)
    return Change(started_on, review.reviewers_text)


# --- 审查完成 ---------------------------------------------------------------------------------
def conclude(
    review: Review,
    *,
    actor: Actor,
    completed_on: dt.date,
    conclusion: str,
    reason: str = "",
    opinion: str = "",
    reviewers: str | list[dict[str, str]] = "",
    adopted: bool | None = None,
) -> Change:
    check_date(
        completed_on,
        "审查完成日期",
        not_before=review.started_on or review.period_start,
        after_label="开始审查日期" if review.started_on else "收到材料日期",
        field="completed_on",
    )
    if conclusion not in Conclusion.values:
        raise ValidationError({"conclusion": "请选择审查结论"})
    if conclusion in NEEDS_REASON and not reason.strip():
        label = Conclusion(conclusion).label
        raise ValidationError({"reason": f"审查结论为“{label}”的，须写明理由"})
    if conclusion == Conclusion.DECLINED and adopted is not None:
        raise ValidationError({"adopted": "不予审查的事项没有审查意见，不登记采纳情况"})
    _set_reviewers(review, reviewers)
    review.completed_on = completed_on
    review.conclusion = conclusion
    review.reason = reason.strip()
    review.opinion = opinion.strip()
    review.adopted = adopted
    review.on_time = completed_on <= review.due_on
    note = Conclusion(conclusion).label + (f"：{review.reason}" if review.reason else "")
    late = "" if review.on_time else f"（超过审查期限 {review.due_on:%Y-%m-%d}）"
    if review.earliest_on is not None and completed_on < review.earliest_on:
        late += f"（早于一般不少于的审查时间 {review.earliest_on:%Y-%m-%d}）"
    return Change(completed_on, note + late, summary=f"审查结论：{Conclusion(conclusion).label}")


# --- 意见采纳情况 -----------------------------------------------------------------------------
def adopt_problem(review: Review, today: dt.date) -> str:
    if review.conclusion == Conclusion.DECLINED:
        return "不予审查的事项没有审查意见，无需登记采纳情况"
    return ""


def adopt(review: Review, *, actor: Actor, adopted: bool | None) -> Change:
    if adopted is None:
        raise ValidationError({"adopted": "请选择意见是否采纳"})
    review.adopted = adopted
    assert review.completed_on is not None
    return Change(review.completed_on, "已采纳" if adopted else "未采纳", event=True)


REVIEWS: Workflow[Review] = Workflow(
    model=Review,
    audit_prefix="legality",
    event_model=ReviewEvent,
    event_fk="review",
    noun="审查事项",
    authorize=authorize,
    recalc=derive_deadlines,
    transitions=(
        Transition(
            "return",
            "退回补充",
            (Status.RECEIVED, Status.REVIEWING),
            return_for_supplement,
            target=Status.RETURNED,
            form_class=f.ReturnForm,
            help="送审材料不齐全的，退回送审单位补充；收到补充材料后审查期限重新计算",
        ),
        Transition(
            "supplement",
            "收到补充材料",
            (Status.RETURNED,),
            supplement,
            target=Status.RECEIVED,
            form_class=f.SupplementForm,
        ),
        Transition(
            "start",
            "开始审查",
            (Status.RECEIVED,),
            start,
            target=Status.REVIEWING,
            form_class=f.StartForm,
        ),
        Transition(
            "conclude",
            "审查完成",
            (Status.RECEIVED, Status.REVIEWING),
            conclude,
            target=Status.DONE,
            form_class=f.ConcludeForm,
            confirm="确定登记审查结论吗？登记后不能再修改结论。",
            help="不属于合法性审查范围的事项（内部管理制度、工作方案、人事任免、请示报告等）"
            "登记为“不予审查”并写明理由",
        ),
        Transition(
            "adopt",
            "登记意见采纳情况",
            (Status.DONE,),
            adopt,
            target=None,
            form_class=f.AdoptForm,
            problem=adopt_problem,
        ),
    ),
)
