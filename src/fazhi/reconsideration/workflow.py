"""The 行政复议 state machine, declared: every transition with its sources, target, form,
rule check (``problem``) and change, run by :class:`fazhi.core.workflow.Workflow`.

The services (``case_accept(*, actor, case, accepted_on, …)``) are thin wrappers around
:data:`CASES`; the screens and the API take the same declarations, so each rule and its
message is written once, here. Numbers (periods, the extension cap) come from the province's
``DeadlineRule`` rows (:mod:`fazhi.reconsideration.rules`).

Statutory basis (行政复议法 2023): 第30条 受理审查, 期满未决定的视为受理 (a late 受理 counts
from the end of the period); 第31条 补正, 逾期不补正视为放弃; 撤回 before acceptance; 第33条
驳回申请; 第39条 中止; 第41条 终止 (第一款第五项: 中止满六十日); 第51条 听证通知; 第54、55条
简易程序及转普通程序; 第56–58条 附带审查; 第62条 审理期限及延长; 第69条 驳回请求; 第71条 行政协议;
第76条 意见书; 行政诉讼法第45条 (起诉期限, from the service of the 决定书).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils import timezone

from fazhi.core import staging
from fazhi.core.workflow import Change, Transition, Workflow, check_date
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope
from fazhi.reconsideration import forms as f
from fazhi.reconsideration.models import (
    AcceptanceKind,
    ActCategory,
    CaseEvent,
    IncidentalMode,
    Outcome,
    Procedure,
    ReconsiderationCase,
    Status,
    Suspension,
)
from fazhi.reconsideration.rules import (
    CLOSABLE_WHILE_SUSPENDED,
    day_unit,
    derive_deadlines,
    rules_of,
    suspension_limit_due,
    suspension_limit_problem,
)

#: 第71条: decisions on a 行政协议 (only for a case about an agreement).
AGREEMENT_OUTCOMES = frozenset(
    {Outcome.AGREEMENT_PERFORM, Outcome.AGREEMENT_DAMAGES, Outcome.AGREEMENT_COMPENSATION}
)


def authorize(actor: Actor, case: ReconsiderationCase) -> None:
    """Only the 复议机构's side (its subtree) moves a case; the 被申请人 side reads it."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(case.unit, actor)


def pauses_of(case: ReconsiderationCase) -> list[Suspension]:
    """The case's suspensions (from memory for an import's new case: :mod:`fazhi.core.staging`)."""
    return staging.children(case, Suspension, "case", "suspensions")


def _open_pause(case: ReconsiderationCase) -> Suspension | None:
    return next((s for s in pauses_of(case) if s.resumed_on is None), None)


def recalc(case: ReconsiderationCase) -> None:
    derive_deadlines(case, pauses_of(case), rules_of(case))


def _last_resumed(case: ReconsiderationCase) -> dt.date:
    assert case.accepted_on is not None
    return max([case.accepted_on, *(s.resumed_on for s in pauses_of(case) if s.resumed_on)])


def _with(note: str, extra: str) -> str:
    return (note + "；" if note else "") + extra


# --- 补正 (第31条) ------------------------------------------------------------------------
def correction_problem(case: ReconsiderationCase, today: dt.date) -> str:
    """第31条: the notice names everything to correct at once, so there is only one."""
    if case.correction_notified_on is not None:
        return (
            f"本案已于{case.correction_notified_on:%Y年%-m月%-d日}通知补正；补正通知应当一次性"
            "载明需要补正的事项（行政复议法第三十一条），不能再次通知补正"
        )
    return ""


def request_correction(
    case: ReconsiderationCase, *, actor: Actor, notified_on: dt.date, note: str = ""
) -> Change:
    check_date(notified_on, "补正通知日期", not_before=case.received_on, after_label="收到申请日期")
    if case.review_due and notified_on > case.review_due:
        days, counting = rules_of(case).review
        period = f"{days}{day_unit(counting)}"
        raise ValidationError(
            {
                "date": f"补正通知应当在收到申请之日起{period}内作出（第三十一条），"
                f"受理审查期限已于{case.review_due:%Y年%-m月%-d日}届满；期限届满未作出不予受理"
                "决定的，依法视为受理（第三十条第三款）"
            }
        )
    case.correction_notified_on = notified_on
    case.correction_received_on = None
    return Change(notified_on, note)


def receive_correction(
    case: ReconsiderationCase, *, actor: Actor, received_on: dt.date, note: str = ""
) -> Change:
    assert case.correction_notified_on is not None
    check_date(
        received_on,
        "收到补正材料日期",
        not_before=case.correction_notified_on,
        after_label="补正通知日期",
    )
    case.correction_received_on = received_on
    return Change(received_on, note)


def abandon(case: ReconsiderationCase, *, actor: Actor, on: dt.date, note: str = "") -> Change:
    assert case.correction_due is not None
    if on <= case.correction_due:
        raise ValidationError(
            {"date": f"补正期限（{case.correction_due:%Y年%-m月%-d日}）尚未届满，不能视为放弃"}
        )
    check_date(on, "记录日期")
    return Change(on, note)


def withdraw(
    case: ReconsiderationCase, *, actor: Actor, withdrawn_on: dt.date, note: str = ""
) -> Change:
    """撤回 before acceptance: the application is closed and never deemed accepted."""
    check_date(
        withdrawn_on, "撤回申请日期", not_before=case.received_on, after_label="收到申请日期"
    )
    if case.status == Status.REVIEWING and case.review_due and withdrawn_on > case.review_due:
        raise ValidationError(
            {
                "date": f"受理审查期限已于{case.review_due:%Y年%-m月%-d日}届满，依法视为受理"
                "（第三十条第三款）；受理后申请人撤回申请的，请在受理后以“审结”记录撤回"
            }
        )
    case.withdrawn_on = withdrawn_on
    return Change(withdrawn_on, note)


# --- 受理 (第30条) ------------------------------------------------------------------------
def accept(
    case: ReconsiderationCase,
    *,
    actor: Actor,
    accepted_on: dt.date,
    procedure: str = Procedure.ORDINARY,
    note: str = "",
) -> Change:
    start = case.correction_received_on or case.received_on
    check_date(accepted_on, "受理日期", not_before=start, after_label="收到申请（补正材料）日期")
    if procedure not in Procedure.values:
        raise ValidationError({"procedure": "请选择审理程序（普通程序或简易程序）"})
    case.acceptance_kind = AcceptanceKind.DECIDED
    case.accepted_on = accepted_on
    if case.review_due and accepted_on > case.review_due:
        # 第30条第三款: deemed accepted on the day the period ended; the clock runs from then.
        case.accepted_on = case.review_due
        case.acceptance_kind = AcceptanceKind.DEEMED
        note = _with(
            note,
            f"受理决定晚于受理审查期限（{case.review_due:%Y-%m-%d}届满）；依法自期限届满之日起"
            f"视为受理（第三十条第三款），受理日期记为{case.review_due:%Y-%m-%d}，"
            "审理期限自该日起计算",
        )
    case.procedure = procedure
    return Change(accepted_on, note)


def deem_accepted_problem(case: ReconsiderationCase, today: dt.date) -> str:
    if case.review_due is not None and today <= case.review_due:
        return f"受理审查期限至{case.review_due:%Y年%-m月%-d日}届满，届满前不能视为受理"
    return ""


def deem_accepted(case: ReconsiderationCase, *, actor: Actor) -> Change:
    assert case.review_due is not None
    case.accepted_on = case.review_due
    case.acceptance_kind = AcceptanceKind.DEEMED
    case.procedure = Procedure.ORDINARY
    return Change(case.review_due, "审查期限届满未作出不予受理决定，依法视为受理")


def refuse(case: ReconsiderationCase, *, actor: Actor, refused_on: dt.date, reason: str) -> Change:
    check_date(
        refused_on, "不予受理决定日期", not_before=case.received_on, after_label="收到申请日期"
    )
    if not reason.strip():
        raise ValidationError({"reason": "不予受理决定应当说明理由"})
    if case.review_due and refused_on > case.review_due:
        raise ValidationError(
            {
                "date": f"受理审查期限已于{case.review_due:%Y年%-m月%-d日}届满，依法视为受理，"
                "不能再作出不予受理决定；受理后发现不符合受理条件的，应当决定驳回申请"
            }
        )
    case.refused_on = refused_on
    case.refusal_reason = reason.strip()
    return Change(refused_on, reason)


# --- 审理 (第39、55、62条) ----------------------------------------------------------------
def suspend(
    case: ReconsiderationCase,
    *,
    actor: Actor,
    suspended_on: dt.date,
    ground: str,
    note: str = "",
) -> Change:
    last = _last_resumed(case)
    check_date(suspended_on, "中止日期", not_before=last, after_label="受理（上次恢复）日期")
    if not ground:
        raise ValidationError({"ground": "请选择中止情形（第三十九条）"})
    limit_due = suspension_limit_due(ground, suspended_on, rules_of(case))
    staging.create(
        Suspension,
        case=case,
        ground=ground,
        suspended_on=suspended_on,
        note=note,
        limit_due=limit_due,
    )
    if limit_due is not None:
        note = _with(
            note,
            f"中止原因至{limit_due:%Y-%m-%d}仍未消除的，应当决定终止行政复议（第四十一条第一款第五项）",
        )
    return Change(suspended_on, note)


def suspension_prompt(case: ReconsiderationCase, today: dt.date) -> str:
    """The prompt to 终止 of a case suspended past its limit (第41条(五)); "" otherwise."""
    if case.status != Status.SUSPENDED:
        return ""
    pause = _open_pause(case)
    return suspension_limit_problem(pause, today) if pause is not None else ""


def resume(
    case: ReconsiderationCase, *, actor: Actor, resumed_on: dt.date, note: str = ""
) -> Change:
    pause = _open_pause(case)
    if pause is None:
        raise ValidationError("本案没有未恢复的中止记录")
    check_date(resumed_on, "恢复日期", not_before=pause.suspended_on, after_label="中止日期")
    pause.resumed_on = resumed_on
    staging.save(pause, update_fields=["resumed_on"])
    return Change(resumed_on, note)


def extend_problem(case: ReconsiderationCase, today: dt.date) -> str:
    if case.procedure != Procedure.ORDINARY:
        return "简易程序案件不能延长审理期限；确需延长的，应先转为普通程序"
    cap, used = rules_of(case).extension_cap, case.extension_days or 0
    if used >= cap:
        return f"审理期限已延长{used}日，延长期限合计最多不得超过{cap}日"
    return ""


def extend(
    case: ReconsiderationCase, *, actor: Actor, approved_on: dt.date, days: int, note: str = ""
) -> Change:
    cap, used = rules_of(case).extension_cap, case.extension_days or 0
    if not 1 <= days <= cap - used:
        already = f"（本案已延长{used}日，合计最多{cap}日）" if used else ""
        raise ValidationError({"days": f"延长天数应在 1 至 {cap - used} 日之间{already}"})
    check_date(
        approved_on,
        "延期批准日期",
        not_before=_last_resumed(case),
        after_label="受理（恢复审理）日期",
    )
    if case.decision_due and approved_on > case.decision_due:
        raise ValidationError(
            {"date": f"审理期限已于{case.decision_due:%Y年%-m月%-d日}届满，不能再批准延期"}
        )
    case.extension_approved_on = approved_on
    case.extension_days = used + days
    total = f"，合计延长{used + days}日" if used else ""
    return Change(approved_on, note or f"延长{days}日{total}")


def extend_help(case: ReconsiderationCase) -> str:
    cap, used = rules_of(case).extension_cap, case.extension_days or 0
    already = f"；本案已延长{used}日" if used else ""
    return f"普通程序经批准可延长，可分次批准，合计最多不超过{cap}日（第62条）{already}"


def convert_problem(case: ReconsiderationCase, today: dt.date) -> str:
    if case.procedure != Procedure.SIMPLE:
        return "只有适用简易程序的案件可以转为普通程序"
    return ""


def convert_to_ordinary(
    case: ReconsiderationCase, *, actor: Actor, on: dt.date, note: str = ""
) -> Change:
    check_date(on, "转换日期", not_before=case.accepted_on, after_label="受理日期")
    case.procedure = Procedure.ORDINARY
    return Change(on, note)


def close(
    case: ReconsiderationCase,
    *,
    actor: Actor,
    closed_on: dt.date,
    outcome: str,
    note: str = "",
) -> Change:
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "请选择结案方式"})
    if case.status == Status.SUSPENDED and outcome not in CLOSABLE_WHILE_SUSPENDED:
        raise ValidationError(
            {
                "outcome": "案件处于中止状态，只能以调解、和解、撤回或终止结案；"
                "作出复议决定前应先恢复审理"
            }
        )
    if outcome in AGREEMENT_OUTCOMES and case.act_category != ActCategory.AGREEMENT:
        raise ValidationError(
            {"outcome": "第七十一条的决定（行政协议）只适用于行政行为类别为“行政协议”的案件"}
        )
    if outcome == Outcome.DISMISS_APPLICATION and not note.strip():
        raise ValidationError(
            {"note": "驳回行政复议申请应当说明理由（第三十三条），请在结案说明中填写"}
        )
    pauses = pauses_of(case)
    assert case.accepted_on is not None
    last = max(
        [
            case.accepted_on,
            *(s.suspended_on for s in pauses),
            *(s.resumed_on for s in pauses if s.resumed_on),
        ]
    )
    check_date(closed_on, "结案日期", not_before=last, after_label="受理（中止、恢复）日期")
    for pause in pauses:
        if pause.resumed_on is None:
            pause.resumed_on = closed_on
            staging.save(pause, update_fields=["resumed_on"])
    case.closed_on = closed_on
    case.outcome = outcome
    case.outcome_note = note
    return Change(closed_on, f"{Outcome(outcome).label}" + (f"：{note}" if note else ""))


def close_help(case: ReconsiderationCase) -> str:
    prompt = suspension_prompt(case, timezone.localdate())
    basis = (
        "受理后发现不符合受理条件的，决定驳回行政复议申请（第三十三条）；"
        "被申请人没有相应法定职责或者受理前已经履行的，决定驳回行政复议请求（第六十九条）"
    )
    return prompt or basis


# --- 听证 (第51条) -------------------------------------------------------------------------
def _check_notice(case: ReconsiderationCase, notified_on: dt.date | None) -> None:
    due = case.hearing_notice_due
    if notified_on is None:
        return
    check_date(notified_on, "听证通知日期", not_before=case.accepted_on, after_label="受理日期")
    if due is not None and notified_on > due:
        raise ValidationError(
            {
                "date": f"听证通知应当于举行听证的五日前（工作日）送达当事人（第五十一条）：听证"
                f"日期为{case.hearing_on:%Y年%-m月%-d日}的，最迟应于{due:%Y年%-m月%-d日}通知；"
                "请推迟听证日期"
            }
        )


def schedule_hearing(
    case: ReconsiderationCase,
    *,
    actor: Actor,
    hearing_on: dt.date,
    notified_on: dt.date | None = None,
    note: str = "",
) -> Change:
    assert case.accepted_on is not None
    if hearing_on < case.accepted_on:
        raise ValidationError(
            {"hearing_on": f"听证日期不能早于受理日期（{case.accepted_on:%Y年%-m月%-d日}）"}
        )
    case.hearing_on = hearing_on
    case.hearing_notice_due = rules_of(case).before(hearing_on, rules_of(case).hearing_notice)
    _check_notice(case, notified_on)
    case.hearing_notified_on = notified_on
    due = f"，应于{case.hearing_notice_due:%Y-%m-%d}前书面通知当事人" if not notified_on else ""
    return Change(
        notified_on or timezone.localdate(), _with(note, f"听证日期{hearing_on:%Y-%m-%d}{due}")
    )


def notify_hearing_problem(case: ReconsiderationCase, today: dt.date) -> str:
    if case.hearing_on is None:
        return "尚未安排听证"
    if case.hearing_notified_on is not None:
        return f"已于{case.hearing_notified_on:%Y年%-m月%-d日}通知听证"
    return ""


def notify_hearing(
    case: ReconsiderationCase, *, actor: Actor, notified_on: dt.date, note: str = ""
) -> Change:
    _check_notice(case, notified_on)
    case.hearing_notified_on = notified_on
    return Change(notified_on, note)


# --- 附带审查 (第56–58条) -------------------------------------------------------------------
def incidental_review(
    case: ReconsiderationCase, *, actor: Actor, on: dt.date, mode: str, note: str = ""
) -> Change:
    check_date(on, "附带审查起算日期", not_before=case.received_on, after_label="收到申请日期")
    if mode not in IncidentalMode.values:
        raise ValidationError({"mode": "请选择附带审查的处理方式（第五十六条、第五十七条）"})
    case.incidental_on = on
    case.incidental_mode = mode
    case.incidental_done_on = None
    return Change(on, _with(note, IncidentalMode(mode).label))


def incidental_done_problem(case: ReconsiderationCase, today: dt.date) -> str:
    if not case.incidental_mode:
        return "本案没有附带审查"
    if case.incidental_done_on is not None:
        return f"附带审查已于{case.incidental_done_on:%Y年%-m月%-d日}处理完毕"
    return ""


def incidental_done(
    case: ReconsiderationCase, *, actor: Actor, on: dt.date, note: str = ""
) -> Change:
    assert case.incidental_on is not None
    check_date(
        on, "处理（转送）日期", not_before=case.incidental_on, after_label="附带审查起算日期"
    )
    case.incidental_done_on = on
    late = case.incidental_due is not None and on > case.incidental_due
    kind = "附带审查已转送" if case.incidental_mode == IncidentalMode.TRANSFER else "附带审查已处理"
    return Change(on, _with(note, "超过法定期限" if late else ""), event_kind=kind)


# --- 复议决定书送达 (行政诉讼法第45条) ---------------------------------------------------------
def serve_decision_problem(case: ReconsiderationCase, today: dt.date) -> str:
    if case.decision_served_on is not None:
        return f"已记录复议决定书于{case.decision_served_on:%Y年%-m月%-d日}送达"
    return ""


def serve_decision(
    case: ReconsiderationCase, *, actor: Actor, served_on: dt.date, note: str = ""
) -> Change:
    assert case.closed_on is not None
    check_date(served_on, "送达日期", not_before=case.closed_on, after_label="结案日期")
    case.decision_served_on = served_on
    days, counting = rules_of(case).sue
    due = rules_of(case).due(served_on, (days, counting))
    return Change(
        served_on,
        _with(
            note, f"申请人不服的，可以在{due:%Y-%m-%d}前向人民法院提起诉讼（行政诉讼法第四十五条）"
        ),
    )


# --- help texts from the rules ----------------------------------------------------------
def _rule_help(attr: str, text: str) -> Callable[[ReconsiderationCase], str]:
    def help_for(case: ReconsiderationCase) -> str:
        days, counting = getattr(rules_of(case), attr)
        return text.format(days=f"{days}{day_unit(counting)}")

    return help_for


CONFIRM = "此操作不可撤销。"
OPEN_STATES = (Status.ACCEPTED, Status.SUSPENDED)

CASES: Workflow[ReconsiderationCase] = Workflow(
    model=ReconsiderationCase,
    audit_prefix="reconsideration",
    event_model=CaseEvent,
    authorize=authorize,
    recalc=recalc,
    transitions=(
        Transition(
            "request_correction",
            "通知补正",
            (Status.REVIEWING,),
            request_correction,
            target=Status.CORRECTING,
            form_class=f.RequestCorrectionForm,
            problem=correction_problem,
            help=_rule_help("correction", "申请人应在{days}内补正（第31条）"),
        ),
        Transition(
            "receive_correction",
            "收到补正材料",
            (Status.CORRECTING,),
            receive_correction,
            target=Status.REVIEWING,
            form_class=f.ReceiveCorrectionForm,
            help="受理审查期限自收到补正材料之日重新计算",
        ),
        Transition(
            "accept",
            "受理",
            (Status.REVIEWING,),
            accept,
            target=Status.ACCEPTED,
            form_class=f.AcceptForm,
            help="受理后审理期限开始计算（第62条）",
        ),
        Transition(
            "deem_accepted",
            "视为受理",
            (Status.REVIEWING,),
            deem_accepted,
            target=Status.ACCEPTED,
            form_class=f.DeemAcceptedForm,
            problem=deem_accepted_problem,
            confirm="确定按审查期限届满视为受理吗？" + CONFIRM,
            help="审查期限届满未作出不予受理决定的，自期限届满之日起视为受理（第30条第三款）",
            by_system=True,
        ),
        Transition(
            "refuse",
            "不予受理",
            (Status.REVIEWING,),
            refuse,
            target=Status.NOT_ACCEPTED,
            form_class=f.RefuseForm,
            confirm="确定作出不予受理决定吗？" + CONFIRM,
        ),
        Transition(
            "abandon",
            "未补正·视为放弃",
            (Status.CORRECTING,),
            abandon,
            target=Status.ABANDONED,
            form_class=f.AbandonForm,
            confirm="确定记为无正当理由逾期不补正、视为放弃申请吗？" + CONFIRM,
        ),
        Transition(
            "withdraw",
            "受理前撤回申请",
            (Status.REVIEWING, Status.CORRECTING),
            withdraw,
            target=Status.WITHDRAWN,
            form_class=f.WithdrawForm,
            confirm="确定记录申请人在受理前撤回行政复议申请吗？" + CONFIRM,
            help="申请人在受理前撤回申请的，案件以撤回结束，审查期限届满也不再视为受理",
        ),
        Transition(
            "suspend",
            "中止审理",
            (Status.ACCEPTED,),
            suspend,
            target=Status.SUSPENDED,
            form_class=f.SuspendForm,
            help="中止期间不计入审理期限（第39条）",
        ),
        Transition(
            "resume",
            "恢复审理",
            (Status.SUSPENDED,),
            resume,
            target=Status.ACCEPTED,
            form_class=f.ResumeForm,
        ),
        Transition(
            "extend",
            "延长审理期限",
            (Status.ACCEPTED,),
            extend,
            form_class=f.ExtendForm,
            problem=extend_problem,
            offered=lambda case: case.procedure == Procedure.ORDINARY,
            confirm="确定延长审理期限吗？延长的天数计入合计上限，" + CONFIRM,
            help=extend_help,
        ),
        Transition(
            "convert_to_ordinary",
            "简易程序转普通程序",
            (Status.ACCEPTED,),
            convert_to_ordinary,
            form_class=f.ConvertForm,
            problem=convert_problem,
            offered=lambda case: case.procedure == Procedure.SIMPLE,
            confirm="确定将本案由简易程序转为普通程序吗？" + CONFIRM,
            help="第55条",
        ),
        Transition(
            "schedule_hearing",
            "安排听证",
            (Status.ACCEPTED,),
            schedule_hearing,
            form_class=f.ScheduleHearingForm,
            help=_rule_help("hearing_notice", "应当于举行听证的{days}前书面通知当事人（第51条）"),
        ),
        Transition(
            "notify_hearing",
            "送达听证通知",
            (Status.ACCEPTED,),
            notify_hearing,
            form_class=f.NotifyHearingForm,
            problem=notify_hearing_problem,
            offered=lambda case: case.hearing_on is not None,
        ),
        Transition(
            "incidental_review",
            "附带审查规范性文件",
            OPEN_STATES,
            incidental_review,
            form_class=f.IncidentalReviewForm,
            help="有权处理的三十日内处理，无权处理的七个工作日内转送（第56、57条）",
        ),
        Transition(
            "incidental_done",
            "附带审查处理完毕（已转送）",
            OPEN_STATES,
            incidental_done,
            form_class=f.IncidentalDoneForm,
            problem=incidental_done_problem,
            offered=lambda case: bool(case.incidental_mode),
        ),
        Transition(
            "close",
            "审结",
            OPEN_STATES,
            close,
            target=Status.CLOSED,
            form_class=f.CloseForm,
            confirm="确定审结此案吗？审结后不能再变更状态。",
            help=close_help,
        ),
        Transition(
            "serve_decision",
            "复议决定书送达",
            (Status.CLOSED,),
            serve_decision,
            form_class=f.ServeDecisionForm,
            problem=serve_decision_problem,
            help=_rule_help(
                "sue", "申请人不服的，可以在收到复议决定书之日起{days}内起诉（行政诉讼法第45条）"
            ),
        ),
    ),
)

#: state → {transition: next state}, derived from the declarations (docs and tests).
TRANSITIONS: dict[str, dict[str, str]] = CASES.table()
#: Timeline labels: 收到申请 (the case's creation) and every transition's label.
TRANSITION_LABELS: dict[str, str] = {"receive": "收到申请"} | {
    t.name: t.label for t in CASES.transitions
}
