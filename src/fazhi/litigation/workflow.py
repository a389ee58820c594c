"""The 行政应诉 case's state machine, declared: 登记开庭 while pending, 结案 with the judgment.

Deadlines (``rules.derive_deadlines``, the runner's ``recalc``): 收到起诉状副本 starts the
15-day 答辩举证 period (行政诉讼法第67条; 第34条: late evidence counts as none), recorded
answered by 提交答辩状和证据; the 送达 of a first-instance judgment or appealable ruling starts
the 上诉 period (第85条), closed by 登记是否上诉.

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
    RESULT_DOCUMENT,
    AppealDecision,
    Document,
    HeadCategory,
    Hearing,
    Level,
    LitigationCase,
    LitigationEvent,
    LossReview,
    LossReviewStatus,
    Result,
    Status,
)
from fazhi.litigation.rules import appeal_rule_code, derive_deadlines
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope

DEFENCE_RULE = "《行政诉讼法》第六十七条、第三十四条"
APPEAL_RULE = "《行政诉讼法》第八十五条"
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
    case.document = RESULT_DOCUMENT.get(result, "")
    label = Result(result).label
    after = (lambda: open_loss_reviews(actor, case, judged_on)) if case.is_loss else None
    return Change(judged_on, label, event_kind="裁判", summary=f"结案：{label}", after=after)


def _date(day: dt.date | None) -> str:
    return f"{day:%Y-%m-%d}" if day else ""


def receive_complaint_problem(case: LitigationCase, today: dt.date) -> str:
    if case.level != Level.FIRST:
        return "起诉状副本在一审程序中发送被告（第六十七条），本案不是一审案件"
    if case.complaint_received_on is not None:
        return (
            f"已登记于{_date(case.complaint_received_on)}收到起诉状副本，"
            f"答辩举证期限为{_date(case.defence_due)}"
        )
    return ""


def receive_complaint(case: LitigationCase, *, actor: Actor, received_on: dt.date) -> Change:
    check_date(received_on, "收到起诉状副本日期", not_before=case.filed_on, after_label="立案日期")
    case.complaint_received_on = received_on
    derive_deadlines(case)
    note = f"答辩举证期限{_date(case.defence_due)}（{DEFENCE_RULE}）"
    return Change(received_on, note, event_kind="收到起诉状副本")


def file_defence_problem(case: LitigationCase, today: dt.date) -> str:
    if case.complaint_received_on is None:
        return "请先登记收到起诉状副本的日期（答辩举证期限从该日起算）"
    if case.defence_filed_on is not None:
        return f"已登记于{_date(case.defence_filed_on)}提交答辩状和证据"
    return ""


def file_defence(case: LitigationCase, *, actor: Actor, filed_on: dt.date) -> Change:
    check_date(
        filed_on,
        "提交答辩状和证据日期",
        not_before=case.complaint_received_on,
        after_label="收到起诉状副本日期",
    )
    case.defence_filed_on = filed_on
    note = "在答辩举证期限内提交"
    if case.defence_due is not None and filed_on > case.defence_due:
        late = (filed_on - case.defence_due).days
        note = (
            f"超过答辩举证期限{late}日：被告无正当理由逾期提供证据的，视为没有相应证据"
            "（第三十四条第二款）"
        )
    return Change(filed_on, note, event_kind="提交答辩状和证据")


def record_service_problem(case: LitigationCase, today: dt.date) -> str:
    if case.served_on is not None:
        return f"已登记裁判文书于{_date(case.served_on)}送达"
    return ""


def record_service(
    case: LitigationCase, *, actor: Actor, served_on: dt.date, document: str = ""
) -> Change:
    check_date(served_on, "裁判文书送达日期", not_before=case.judged_on, after_label="裁判日期")
    derived = RESULT_DOCUMENT.get(case.result, "")
    if document and document not in Document.values:
        raise ValidationError({"document": "请选择判决书、裁定书或调解书"})
    if derived and document and document != derived:
        raise ValidationError(
            {
                "document": f"裁判结果为“{case.get_result_display()}”，"
                f"裁判文书应为{Document(derived).label}"
            }
        )
    if not (derived or document):
        raise ValidationError({"document": "裁判结果为“其他”，请选择裁判文书的种类"})
    case.document = derived or document
    case.served_on = served_on
    derive_deadlines(case)
    note = Document(case.document).label + "送达"
    if case.appeal_due is not None:
        note += f"，上诉期限{_date(case.appeal_due)}（{APPEAL_RULE}）"
    elif case.level == Level.FIRST:
        note += "，不能上诉"
    return Change(served_on, note, event_kind="裁判文书送达")


def decide_appeal_problem(case: LitigationCase, today: dt.date) -> str:
    if case.level != Level.FIRST:
        return "二审、再审的裁判不能依第八十五条上诉"
    if case.served_on is None:
        return "请先登记裁判文书送达日期（上诉期限从送达之日起算）"
    if not appeal_rule_code(case):
        return f"本案的{case.get_document_display() or '裁判文书'}不能上诉（第八十五条）"
    if case.appeal_decision:
        return f"已登记：{case.get_appeal_decision_display()}（{_date(case.appeal_decided_on)}）"
    return ""


def decide_appeal(
    case: LitigationCase, *, actor: Actor, decision: str, decided_on: dt.date
) -> Change:
    if decision not in AppealDecision.values:
        raise ValidationError({"decision": "请选择是否上诉"})
    check_date(
        decided_on, "上诉决定日期", not_before=case.served_on, after_label="裁判文书送达日期"
    )
    case.appeal_decision = decision
    case.appeal_decided_on = decided_on
    note = AppealDecision(decision).label
    if decision == AppealDecision.APPEALED and case.appeal_due and decided_on > case.appeal_due:
        note += f"（超过上诉期限{(decided_on - case.appeal_due).days}日）"
    return Change(decided_on, note, event_kind="上诉决定")


CASES: Workflow[LitigationCase] = Workflow(
    model=LitigationCase,
    audit_prefix="litigation",
    event_model=LitigationEvent,
    authorize=authorize,
    recalc=derive_deadlines,
    transitions=(
        Transition(
            "receive_complaint",
            "登记收到起诉状副本",
            (Status.PENDING,),
            receive_complaint,
            form_class=f.ComplaintReceivedForm,
            problem=receive_complaint_problem,
            offered=lambda case: case.level == Level.FIRST,
            help=f"被告应当在收到起诉状副本之日起十五日内提交证据和依据并提出答辩状；"
            f"逾期提供的，视为没有相应证据（{DEFENCE_RULE}）",
        ),
        Transition(
            "file_defence",
            "登记提交答辩状和证据",
            (Status.PENDING,),
            file_defence,
            form_class=f.DefenceFiledForm,
            problem=file_defence_problem,
            offered=lambda case: case.complaint_received_on is not None,
            help=f"向人民法院提交作出行政行为的证据、所依据的规范性文件和答辩状的日期（{DEFENCE_RULE}）",
        ),
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
        Transition(
            "record_service",
            "登记裁判文书送达",
            (Status.CLOSED,),
            record_service,
            form_class=f.ServiceForm,
            problem=record_service_problem,
            help=f"一审判决书送达之日起十五日内、裁定书送达之日起十日内可以上诉（{APPEAL_RULE}）",
        ),
        Transition(
            "decide_appeal",
            "登记是否上诉",
            (Status.CLOSED,),
            decide_appeal,
            form_class=f.AppealDecisionForm,
            problem=decide_appeal_problem,
            offered=lambda case: case.appealable and case.served_on is not None,
            help=f"逾期不提起上诉的，一审判决或者裁定发生法律效力（{APPEAL_RULE}）",
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
