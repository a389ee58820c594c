"""State machines of the 三项制度 registers, declared.

* :data:`WITHDRAWALS` 公示撤回: 待撤回 → 已撤回; 待撤回 → 逾期未撤回 (by the law: the 3 working
  days passed; the daily sweep) → 已撤回.
* :data:`MAJORS` 重大执法决定: 已登记 → 送法制审核 (a 合法性审查 item, category 重大执法决定) →
  法制审核中 → 作出决定, the last blocked by
  :func:`fazhi.legality.gates.lawful_review_problem` (行政处罚法 第58条: 未经法制审核或者审核未
  通过的，不得作出决定). A review concluded 不合法/不予审查 may be followed by a new one.
* :data:`PUBLICATIONS` 行政执法数据公开: 草稿 → 已公开 (the six counts frozen from the 执法数据
  register) → 已报送; 草稿 → 逾期未公开 (by the law: 1月31日 passed) → 已公开 → 已报送.

Only the subject's unit's subtree moves a row (``authorize``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from fazhi.core.workflow import Change, Transition, Workflow, check_date
from fazhi.enforcement_oversight import forms as f
from fazhi.enforcement_oversight.models import (
    MajorDecision,
    MajorDecisionEvent,
    MajorStatus,
    Publication,
    PublicationEvent,
    PublicationStatus,
    Withdrawal,
    WithdrawalEvent,
    WithdrawalStatus,
)
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor, require_unit_in_scope


def authorize(actor: Actor, obj: Withdrawal | MajorDecision | Publication) -> None:
    require_unit_in_scope(obj.unit, actor)


# --- 公示撤回 --------------------------------------------------------------------------------
def withdraw(w: Withdrawal, *, actor: Actor, withdrawn_on: dt.date, explanation: str) -> Change:
    check_date(
        withdrawn_on,
        "撤回日期",
        not_before=w.changed_on,
        after_label="变动日期",
        field="withdrawn_on",
    )
    if not explanation.strip():
        raise ValidationError(
            {"explanation": "请填写公开说明的理由（第四十八条：撤回并公开说明理由）"}
        )
    w.withdrawn_on = withdrawn_on
    w.explanation = explanation.strip()
    w.on_time = withdrawn_on <= w.due_on
    late = "" if w.on_time else f"（超过撤回期限 {w.due_on:%Y-%m-%d}）"
    return Change(withdrawn_on, w.explanation + late)


def lapse_problem(w: Withdrawal, today: dt.date) -> str:
    if w.due_on >= today:
        return f"撤回期限 {w.due_on:%Y-%m-%d} 尚未届满"
    return ""


def lapse(w: Withdrawal, *, actor: Actor) -> Change:
    w.on_time = False
    return Change(w.due_on, f"撤回期限 {w.due_on:%Y-%m-%d} 届满，尚未撤回")


WITHDRAWALS: Workflow[Withdrawal] = Workflow(
    model=Withdrawal,
    audit_prefix="enforcement_oversight.withdrawal",
    event_model=WithdrawalEvent,
    event_fk="withdrawal",
    noun="公示撤回事项",
    authorize=authorize,
    transitions=(
        Transition(
            "withdraw",
            "撤回公示",
            (WithdrawalStatus.PENDING, WithdrawalStatus.OVERDUE),
            withdraw,
            target=WithdrawalStatus.WITHDRAWN,
            form_class=f.WithdrawForm,
            confirm="确定已撤回该决定的公示信息并公开说明理由吗？",
        ),
        Transition(
            "lapse",
            "逾期未撤回",
            (WithdrawalStatus.PENDING,),
            lapse,
            target=WithdrawalStatus.OVERDUE,
            form_class=f.LapseForm,
            problem=lapse_problem,
            offered=lambda w: False,  # the daily sweep takes it
            by_system=True,
        ),
    ),
)


# --- 重大执法决定法制审核 ---------------------------------------------------------------------
def submit_problem(d: MajorDecision, today: dt.date) -> str:
    review = d.legality_review
    if review is None:
        return ""
    from fazhi.legality.models import PASSING, Status

    if review.status != Status.DONE:
        return f"已送法制审核（审查编号 {review.number}），审查尚未完成"
    if review.conclusion in PASSING:
        return f"法制审核已通过（审查编号 {review.number}），无需再次送审"
    return ""


def submit_review(
    d: MajorDecision,
    *,
    actor: Actor,
    submitted_on: dt.date,
    review_unit: OrgUnit | None = None,
) -> Change:
    check_date(
        submitted_on,
        "送审日期",
        not_before=d.registered_on,
        after_label="登记日期",
        field="submitted_on",
    )
    from fazhi.legality.services import review_register

    body = review_unit or d.unit
    d.legality_review = review_register(
        actor=actor,
        unit=body,
        submitter=d.unit,
        title=f"{d.title}（{d.case_number}）",
        category="enforcement",
        received_on=submitted_on,
    )
    d.submitted_on = submitted_on
    d.sent_for_review = True
    return Change(submitted_on, f"送{body.name}法制审核（审查编号 {d.legality_review.number}）")


def decide_problem(d: MajorDecision, today: dt.date) -> str:
    from fazhi.legality.gates import lawful_review_problem

    return lawful_review_problem(d.legality_review, action="作出执法决定")


def decide(d: MajorDecision, *, actor: Actor, decided_on: dt.date, decision: str) -> Change:
    review = d.legality_review
    assert review is not None and review.completed_on is not None
    check_date(
        decided_on,
        "决定日期",
        not_before=review.completed_on,
        after_label="法制审核完成日期",
        field="decided_on",
    )
    if not decision.strip():
        raise ValidationError({"decision": "请填写决定内容"})
    d.decided_on = decided_on
    d.decision = decision.strip()
    return Change(decided_on, d.decision)


MAJORS: Workflow[MajorDecision] = Workflow(
    model=MajorDecision,
    audit_prefix="enforcement_oversight.major",
    event_model=MajorDecisionEvent,
    event_fk="decision",
    noun="重大执法决定",
    authorize=authorize,
    transitions=(
        Transition(
            "submit_review",
            "送法制审核",
            (MajorStatus.REGISTERED, MajorStatus.REVIEWING),
            submit_review,
            target=MajorStatus.REVIEWING,
            form_class=f.SubmitReviewForm,
            problem=submit_problem,
            help="在合法性审查台账登记一件“重大执法决定”类审查事项；审查结论为不合法、不予审查的，"
            "修改后可再次送审",
        ),
        Transition(
            "decide",
            "作出决定",
            (MajorStatus.REGISTERED, MajorStatus.REVIEWING),
            decide,
            target=MajorStatus.DECIDED,
            form_class=f.DecideForm,
            problem=decide_problem,
            confirm="确定登记行政机关负责人作出的决定吗？",
            help="《行政处罚法》第五十八条：未经法制审核或者审核未通过的，不得作出决定",
        ),
    ),
)


# --- 行政执法数据公开 --------------------------------------------------------------------------
def publish(
    p: Publication, *, actor: Actor, published_on: dt.date, place: str, explanation: str = ""
) -> Change:
    from fazhi.enforcement_oversight.selectors import publication_counts

    check_date(
        published_on,
        "公开日期",
        not_before=dt.date(p.year + 1, 1, 1),
        after_label="数据年度结束",
        field="published_on",
    )
    if not place.strip():
        raise ValidationError({"place": "请填写公开载体（本机关网站或本级政府指定的平台）"})
    counts: dict[str, Any] = dict(publication_counts(p.subject, p.year))
    p.counts = counts
    p.published_on = published_on
    p.place = place.strip()
    p.explanation = explanation.strip()
    p.on_time = published_on <= p.due_on
    late = "" if p.on_time else f"（超过公开期限 {p.due_on:%Y-%m-%d}）"
    return Change(published_on, f"公开于{p.place}{late}")


def report(p: Publication, *, actor: Actor, reported_on: dt.date, reported_to: str = "") -> Change:
    assert p.published_on is not None
    check_date(
        reported_on, "报送日期", not_before=p.published_on, after_label="公开日期",
        field="reported_on",
    )  # fmt: skip
    p.reported_on = reported_on
    p.reported_to = reported_to.strip() or "本级人民政府和上级主管部门"
    return Change(reported_on, f"报送{p.reported_to}")


def publication_lapse_problem(p: Publication, today: dt.date) -> str:
    if p.due_on >= today:
        return f"公开期限 {p.due_on:%Y-%m-%d} 尚未届满"
    return ""


def publication_lapse(p: Publication, *, actor: Actor) -> Change:
    p.on_time = False
    return Change(p.due_on, f"公开期限 {p.due_on:%Y-%m-%d} 届满，尚未公开")


PUBLICATIONS: Workflow[Publication] = Workflow(
    model=Publication,
    audit_prefix="enforcement_oversight.publication",
    event_model=PublicationEvent,
    event_fk="publication",
    noun="行政执法数据公开",
    authorize=authorize,
    transitions=(
        Transition(
            "publish",
            "公开",
            (PublicationStatus.DRAFT, PublicationStatus.OVERDUE),
            publish,
            target=PublicationStatus.PUBLISHED,
            form_class=f.PublishForm,
            confirm="确定公开吗？公开时按执法数据台账固定六类数据。",
            help="六类数据取自执法数据台账，不手工填写；没有相关职责的类别写“无相关行政执法职责”",
        ),
        Transition(
            "report",
            "报送",
            (PublicationStatus.PUBLISHED,),
            report,
            target=PublicationStatus.REPORTED,
            form_class=f.ReportForm,
            help="报本级人民政府和上级主管部门",
        ),
        Transition(
            "lapse",
            "逾期未公开",
            (PublicationStatus.DRAFT,),
            publication_lapse,
            target=PublicationStatus.OVERDUE,
            form_class=f.PublicationLapseForm,
            problem=publication_lapse_problem,
            offered=lambda p: False,  # the daily sweep takes it
            by_system=True,
        ),
    ),
)
