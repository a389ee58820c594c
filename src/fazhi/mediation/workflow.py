"""The 人民调解 state machines, declared.

Cases: 已受理 → 调解成功 (书面/口头协议, 第二十八至三十条) / 调解不成 (parties told of 仲裁、行政、
司法 routes, 第二十六条) / 终止调解 (第十七条、第二十六条). While open a possible 治安 or 刑事
matter may be 报告公安机关 (第二十五条). After 调解成功: 履行情况, 申请司法确认 within the
``mediation.judicial_confirmation`` period (第三十三条) and its result.

Committees: 在任 → 任期届满 (the daily sweep, once ``term_end`` has passed) → 换届 (在任).
Mediators: 在任 → 离任.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from fazhi.core.workflow import Change, Transition, Workflow, check_date, today
from fazhi.mediation import forms as f
from fazhi.mediation import rules
from fazhi.mediation.models import (
    AgreementKind,
    Case,
    CaseEvent,
    CaseStatus,
    Committee,
    CommitteeEvent,
    CommitteeStatus,
    ConfirmationResult,
    Mediator,
    MediatorEvent,
    MediatorStatus,
    Performance,
)
from fazhi.orgs.scoping import Actor, require_unit_in_scope

OPEN = (CaseStatus.RECEIVED,)

ROUTE_LABELS = dict(f.ROUTES)


def authorize(actor: Actor, obj: Case | Committee | Mediator) -> None:
    """The unit's subtree moves its committees, mediators and cases."""
    require_unit_in_scope(obj.unit, actor)


def recalc_case(case: Case) -> None:
    """The 司法确认 application deadline, from the agreement's date (第三十三条)."""
    if case.status == CaseStatus.SUCCESS and case.agreement_on is not None:
        case.confirmation_due = rules.confirmation_due(case.agreement_on, case.unit)
    else:
        case.confirmation_due = None


def _concluded(case: Case, on: dt.date, label: str) -> None:
    check_date(on, label, not_before=case.received_on, after_label="受理日期", field=_field(label))
    case.concluded_on = on


def _field(label: str) -> str:
    return {"协议生效日期": "agreement_on", "调解不成日期": "failed_on"}.get(label, "terminated_on")


# --- 调解成功 ----------------------------------------------------------------------------------
def succeed(
    case: Case,
    *,
    actor: Actor,
    agreement_kind: str,
    agreement_on: dt.date,
    terms: str,
    performance_due: dt.date | None = None,
) -> Change:
    if agreement_kind not in AgreementKind.values:
        raise ValidationError({"agreement_kind": "请选择协议形式"})
    _concluded(case, agreement_on, "协议生效日期")
    if not terms.strip():
        raise ValidationError({"terms": "请填写协议主要内容"})
    if performance_due is not None and performance_due < agreement_on:
        raise ValidationError({"performance_due": "履行期限不能早于协议生效日期"})
    case.agreement_kind = agreement_kind
    case.agreement_on = agreement_on
    case.terms = terms.strip()
    case.performance_due = performance_due
    kind = AgreementKind(agreement_kind).label
    return Change(agreement_on, f"达成{kind}", summary=f"调解成功（{kind}）")


# --- 调解不成 ----------------------------------------------------------------------------------
def fail(
    case: Case,
    *,
    actor: Actor,
    failed_on: dt.date,
    route_arbitration: bool = False,
    route_administrative: bool = False,
    route_judicial: bool = False,
) -> Change:
    _concluded(case, failed_on, "调解不成日期")
    chosen = f.route_codes(
        {
            "route_arbitration": route_arbitration,
            "route_administrative": route_administrative,
            "route_judicial": route_judicial,
        }
    )
    if not chosen:
        raise ValidationError(
            {
                "route_judicial": "调解不成的，应当告知当事人依法通过仲裁、行政、司法等途径维护权利"
                "（人民调解法第二十六条）：请至少选择一种已告知的途径"
            }
        )
    case.routes = ",".join(chosen)
    told = "、".join(ROUTE_LABELS[c] for c in chosen)
    return Change(failed_on, f"已告知当事人{told}途径")


# --- 终止调解 ----------------------------------------------------------------------------------
def terminate(case: Case, *, actor: Actor, terminated_on: dt.date, reason: str) -> Change:
    _concluded(case, terminated_on, "终止日期")
    if not reason.strip():
        raise ValidationError({"reason": "请填写终止调解的原因"})
    case.end_reason = reason.strip()
    return Change(terminated_on, case.end_reason)


# --- 报告公安机关 -------------------------------------------------------------------------------
def police_problem(case: Case, today: dt.date) -> str:
    if case.police_reported_on is not None:
        return f"已于 {case.police_reported_on:%Y-%m-%d} 报告公安机关"
    return ""


def report_police(case: Case, *, actor: Actor, reported_on: dt.date, note: str) -> Change:
    check_date(
        reported_on,
        "报告日期",
        not_before=case.received_on,
        after_label="受理日期",
        field="reported_on",
    )
    if not note.strip():
        raise ValidationError({"note": "请填写报告情况"})
    case.police_reported_on = reported_on
    case.police_note = note.strip()
    return Change(reported_on, case.police_note)


# --- 履行情况 ----------------------------------------------------------------------------------
def perform_problem(case: Case, today: dt.date) -> str:
    if case.performance == Performance.PERFORMED:
        return f"已于 {case.performance_on:%Y-%m-%d} 登记为已履行"
    return ""


def perform(case: Case, *, actor: Actor, performance: str, recorded_on: dt.date) -> Change:
    if performance not in Performance.values:
        raise ValidationError({"performance": "请选择履行情况"})
    assert case.agreement_on is not None
    check_date(
        recorded_on,
        "登记日期",
        not_before=case.agreement_on,
        after_label="协议生效日期",
        field="recorded_on",
    )
    case.performance = performance
    case.performance_on = recorded_on
    return Change(recorded_on, Performance(performance).label)


# --- 申请司法确认 -------------------------------------------------------------------------------
# The period of 第三十三条 is a rule about the APPLICATION's date, not about today: a timely
# application may be recorded at any later time (a register filled in late, an Excel import of a
# past year), and an application dated after the period is refused by ``apply_confirmation``.
def apply_problem(case: Case, today: dt.date) -> str:
    if case.confirmation_applied_on is not None:
        return f"已于 {case.confirmation_applied_on:%Y-%m-%d} 申请司法确认"
    return ""


def apply_help(case: Case) -> str:
    if case.confirmation_due is None:
        return "双方当事人自调解协议生效之日起三十日内共同向人民法院申请（人民调解法第三十三条）"
    return (
        f"应于{case.confirmation_due:%Y年%-m月%-d日}前申请司法确认（人民调解法第三十三条）；"
        "逾期的申请不予登记"
    )


def apply_confirmation(case: Case, *, actor: Actor, applied_on: dt.date, court: str) -> Change:
    assert case.agreement_on is not None
    check_date(
        applied_on,
        "申请司法确认日期",
        not_before=case.agreement_on,
        after_label="协议生效日期",
        field="applied_on",
    )
    due = case.confirmation_due
    if due is not None and applied_on > due:
        raise ValidationError(
            {
                "applied_on": f"申请司法确认日期（{applied_on:%Y年%-m月%-d日}）已超过申请司法确认"
                f"的期限（{due:%Y年%-m月%-d日}）：应自调解协议生效之日起三十日内申请"
                "（人民调解法第三十三条），逾期的申请不予登记"
            }
        )
    if not court.strip():
        raise ValidationError({"court": "请填写受理法院"})
    case.confirmation_applied_on = applied_on
    case.confirmation_court = court.strip()
    return Change(applied_on, f"向{case.confirmation_court}申请司法确认")


# --- 司法确认结果 -------------------------------------------------------------------------------
def result_problem(case: Case, today: dt.date) -> str:
    if case.confirmation_applied_on is None:
        return "尚未申请司法确认"
    if case.confirmation_result:
        return f"已登记司法确认结果（{case.get_confirmation_result_display()}）"
    return ""


def confirmation_result(case: Case, *, actor: Actor, result: str, result_on: dt.date) -> Change:
    if result not in ConfirmationResult.values:
        raise ValidationError({"result": "请选择司法确认结果"})
    assert case.confirmation_applied_on is not None
    check_date(
        result_on,
        "裁定日期",
        not_before=case.confirmation_applied_on,
        after_label="申请司法确认日期",
        field="result_on",
    )
    case.confirmation_result = result
    case.confirmation_result_on = result_on
    return Change(result_on, ConfirmationResult(result).label)


CASES: Workflow[Case] = Workflow(
    model=Case,
    audit_prefix="mediation",
    event_model=CaseEvent,
    event_fk="case",
    noun="纠纷案件",
    authorize=authorize,
    recalc=recalc_case,
    transitions=(
        Transition(
            "succeed",
            "调解成功",
            OPEN,
            succeed,
            target=CaseStatus.SUCCESS,
            form_class=f.SucceedForm,
            confirm="确定登记调解成功吗？登记后不能撤回。",
        ),
        Transition(
            "fail",
            "调解不成",
            OPEN,
            fail,
            target=CaseStatus.FAILED,
            form_class=f.FailForm,
            confirm="确定登记调解不成吗？登记后不能撤回。",
        ),
        Transition(
            "terminate",
            "终止调解",
            OPEN,
            terminate,
            target=CaseStatus.TERMINATED,
            form_class=f.TerminateForm,
            confirm="确定终止调解吗？终止后不能撤回。",
            help="当事人一方明确拒绝调解等情形（人民调解法第十七条、第二十六条）",
        ),
        Transition(
            "report_police",
            "报告公安机关",
            OPEN,
            report_police,
            target=None,
            form_class=f.PoliceForm,
            problem=police_problem,
            help="纠纷有可能激化、可能构成治安案件或刑事案件的（人民调解法第二十五条）",
        ),
        Transition(
            "perform",
            "履行情况",
            (CaseStatus.SUCCESS,),
            perform,
            target=None,
            form_class=f.PerformForm,
            problem=perform_problem,
        ),
        Transition(
            "apply_confirmation",
            "申请司法确认",
            (CaseStatus.SUCCESS,),
            apply_confirmation,
            target=None,
            form_class=f.ApplyConfirmationForm,
            problem=apply_problem,
            help=apply_help,
        ),
        Transition(
            "confirmation_result",
            "司法确认结果",
            (CaseStatus.SUCCESS,),
            confirmation_result,
            target=None,
            form_class=f.ConfirmationResultForm,
            problem=result_problem,
        ),
    ),
)


# --- committees ---------------------------------------------------------------------------------
def expire_problem(committee: Committee, today: dt.date) -> str:
    if committee.term_end >= today:
        return f"本届任期至 {committee.term_end:%Y-%m-%d}，尚未届满"
    return ""


def expire(committee: Committee, *, actor: Actor) -> Change:
    return Change(committee.term_end, "本届任期届满")


def check_members(committee: Committee, members: int, year: int) -> None:
    _, low, high = rules.committee_rule(committee.unit, year)
    if not low <= members <= high:
        raise ValidationError({"members": f"委员人数应为{low}至{high}人（人民调解法第八条）"})


def renew(
    committee: Committee, *, actor: Actor, term_start: dt.date, director: str, members: int
) -> Change:
    check_date(
        term_start,
        "新一届任期开始日期",
        not_before=committee.term_start + dt.timedelta(days=1),
        after_label="本届任期开始日期的次日",
        field="term_start",
    )
    if not director.strip():
        raise ValidationError({"director": "请填写主任姓名"})
    check_members(committee, members, term_start.year)
    years, _, _ = rules.committee_rule(committee.unit, term_start.year)
    committee.term_start = term_start
    committee.term_end = rules.term_end(term_start, years)
    committee.director = director.strip()
    committee.members = members
    return Change(term_start, f"换届，任期至 {committee.term_end:%Y-%m-%d}，主任{director}")


COMMITTEES: Workflow[Committee] = Workflow(
    model=Committee,
    audit_prefix="mediation_committee",
    event_model=CommitteeEvent,
    event_fk="committee",
    noun="调委会",
    authorize=authorize,
    transitions=(
        Transition(
            "expire",
            "任期届满",
            (CommitteeStatus.ACTIVE,),
            expire,
            target=CommitteeStatus.ENDED,
            form_class=f.ExpireForm,
            problem=expire_problem,
            by_system=True,
            help="任期届满的，每日期限扫描（fazhi sweep_deadlines）自动办理",
        ),
        Transition(
            "renew",
            "换届",
            (CommitteeStatus.ACTIVE, CommitteeStatus.ENDED),
            renew,
            target=CommitteeStatus.ACTIVE,
            form_class=f.RenewForm,
        ),
    ),
)


# --- mediators ----------------------------------------------------------------------------------
def leave(mediator: Mediator, *, actor: Actor, left_on: dt.date) -> Change:
    check_date(
        left_on, "离任日期", not_before=mediator.joined_on, after_label="聘任日期", field="left_on"
    )
    mediator.left_on = left_on
    return Change(left_on, "离任")


MEDIATORS: Workflow[Mediator] = Workflow(
    model=Mediator,
    audit_prefix="mediation_mediator",
    event_model=MediatorEvent,
    event_fk="mediator",
    noun="人民调解员",
    authorize=authorize,
    transitions=(
        Transition(
            "leave",
            "离任",
            (MediatorStatus.ACTIVE,),
            leave,
            target=MediatorStatus.LEFT,
            form_class=f.LeaveForm,
            confirm="确定登记离任吗？",
        ),
    ),
)

__all__ = ["CASES", "COMMITTEES", "MEDIATORS", "today"]
