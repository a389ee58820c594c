"""Writes to the 行政复议 register. Every transition is checked against ``TRANSITIONS``,
row-locked, dated, re-derives the stored deadlines, adds a timeline event and is audited.

Statutory basis (行政复议法 2023): 第30条 受理审查 5 个工作日, 期满未决定的视为受理;
第31条 补正 (通知 5 个工作日, 补正 10 个工作日, 无正当理由逾期不补正视为放弃);
第39条 中止 (中止期间不计入审理期限); 第41条 终止; 第54、55条 简易程序及转普通程序;
第62条 审理期限 60 日 (简易 30 日), 经批准可延长, 最多 30 日; 第76条 意见书 60 日内报送.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from fazhi.core.audit import snapshot
from fazhi.core.crypto import blind_index
from fazhi.core.deadlines import CalendarData, Counting, add_days, add_days_paused
from fazhi.core.selectors import calendar_data, province_code_of, rule_for
from fazhi.core.services import record_write
from fazhi.orgs.models import OrgUnit, UnitKind
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope
from fazhi.reconsideration.models import (
    TRANSITION_LABELS,
    TRANSITIONS,
    AcceptanceKind,
    CaseEvent,
    LetterKind,
    OpinionLetter,
    Outcome,
    Procedure,
    ReconsiderationCase,
    Status,
    Suspension,
)

#: Outcomes that may close a suspended case without resuming it (第41条终止, 调解, 和解, 撤回).
CLOSABLE_WHILE_SUSPENDED = frozenset(
    {
        Outcome.MEDIATION,
        Outcome.SETTLED_WITHDRAWN,
        Outcome.COORDINATED_WITHDRAWN,
        Outcome.OTHER_WITHDRAWN,
        Outcome.TERMINATED,
    }
)
MAX_EXTENSION_DAYS = 30


# --- deadline derivation (pure given the rules and calendar) ----------------------------------
@dataclass(frozen=True)
class Rules:
    """The deadline rules that apply to one case's province, and the calendar."""

    review: tuple[int, str]
    correction: tuple[int, str]
    decision_ordinary: tuple[int, str]
    decision_simple: tuple[int, str]
    letter_reply: tuple[int, str]
    calendar: CalendarData

    @classmethod
    def for_unit(cls, unit: OrgUnit) -> Rules:
        province = province_code_of(unit)

        def get(code: str) -> tuple[int, str]:
            rule = rule_for(code, province=province)
            return rule.days, rule.counting

        return cls(
            review=get("reconsideration.acceptance_review"),
            correction=get("reconsideration.correction_period"),
            decision_ordinary=get("reconsideration.decision_ordinary"),
            decision_simple=get("reconsideration.decision_simple"),
            letter_reply=get("reconsideration.opinion_reply"),
            calendar=calendar_data(),
        )


def derive_deadlines(
    case: ReconsiderationCase, suspensions: list[Suspension], rules: Rules
) -> None:
    """Set the stored deadline fields of ``case`` from its dates (no database access)."""
    cal = rules.calendar
    review_start = case.correction_received_on or case.received_on
    case.review_due = add_days(review_start, rules.review[0], rules.review[1], calendar=cal).due
    case.correction_due = None
    if case.correction_notified_on:
        days, counting = rules.correction
        case.correction_due = add_days(
            case.correction_notified_on, days, counting, calendar=cal
        ).due
    case.decision_due = None
    pauses = [(s.suspended_on, s.resumed_on) for s in suspensions]
    case.suspended_days = sum((e - s).days for s, e in pauses if e is not None)
    if case.accepted_on and case.procedure:
        days, counting = (
            rules.decision_simple if case.procedure == Procedure.SIMPLE else rules.decision_ordinary
        )
        due = add_days_paused(case.accepted_on, days, counting, pauses=pauses, calendar=cal)
        if due is not None:
            case.decision_due = due.due
            if case.extension_days:
                # The extension runs on from the end of the original period; a suspension
                # inside the extension is not counted either (第39条).
                extended = add_days_paused(
                    due.due, case.extension_days, Counting(counting), pauses=pauses, calendar=cal
                )
                case.decision_due = extended.due if extended is not None else None
    case.current_due = {
        Status.REVIEWING: case.review_due,
        Status.CORRECTING: case.correction_due,
        Status.ACCEPTED: case.decision_due,
    }.get(Status(case.status))
    if case.status == Status.CLOSED and case.closed_on:
        case.closed_on_time = case.decision_due is None or case.closed_on <= case.decision_due
        if case.accepted_on:
            case.handling_days = (case.closed_on - case.accepted_on).days
    else:
        case.closed_on_time = None
        case.handling_days = None


# --- helpers -----------------------------------------------------------------------------
def _today() -> dt.date:
    return timezone.localdate()


def _check_date(
    value: dt.date,
    label: str,
    *,
    not_before: dt.date | None,
    after_label: str,
    field: str = "date",
) -> None:
    """Refuse a future date, or one before the prior step; the error names ``field``."""
    if value > _today():
        raise ValidationError({field: f"{label}不能晚于今天（{_today():%Y年%-m月%-d日}）"})
    if not_before is not None and value < not_before:
        raise ValidationError(
            {field: f"{label}不能早于{after_label}（{not_before:%Y年%-m月%-d日}）"}
        )


def _require_handler(actor: Actor, case: ReconsiderationCase) -> None:
    """Only the 复议机构's side (its subtree) with the right to edit may move a case."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(case.unit, actor)


def _locked(case: ReconsiderationCase, transition: str) -> ReconsiderationCase:
    fresh = ReconsiderationCase.objects.select_for_update().get(pk=case.pk)
    if transition not in TRANSITIONS[fresh.status]:
        raise ValidationError(
            f"案件当前状态为“{fresh.get_status_display()}”，不能{TRANSITION_LABELS[transition]}"
        )
    return fresh


def _save(
    *,
    actor: Actor,
    case: ReconsiderationCase,
    before: dict[str, Any] | None,
    action: str,
    on: dt.date,
    note: str = "",
    status: str | None = None,
) -> ReconsiderationCase:
    if status is not None:
        case.status = status
    derive_deadlines(
        case, list(case.suspensions.all()) if case.pk else [], Rules.for_unit(case.unit)
    )
    case.save()
    label = TRANSITION_LABELS.get(action, action)
    CaseEvent.objects.create(case=case, kind=label, on=on, actor_name=actor.name, note=note)
    record_write(
        actor=actor,
        action=f"reconsideration.{action}",
        obj=case,
        before=before,
        after=snapshot(case),
        summary=f"{label}：{note}" if note else label,
    )
    return case


def authority_for(unit: OrgUnit) -> str:
    """The 复议机关 a 复议机构 acts for: the nearest government at or above ``unit``."""
    if unit.kind == UnitKind.GOVERNMENT:
        return unit.name
    chain = OrgUnit.objects.filter(pk__in=unit.ancestor_ids, kind=UnitKind.GOVERNMENT)
    nearest = chain.order_by("-depth").first()
    return nearest.name if nearest else unit.name


def next_number(unit: OrgUnit, year: int) -> str:
    """A free 案号 of the form 〔2024〕第N号 for ``unit``."""
    taken = ReconsiderationCase.objects.filter(unit=unit, number__startswith=f"〔{year}〕").count()
    n = taken + 1
    while ReconsiderationCase.objects.filter(unit=unit, number=f"〔{year}〕第{n}号").exists():
        n += 1
    return f"〔{year}〕第{n}号"


# --- transitions ---------------------------------------------------------------------------
@transaction.atomic
def case_receive(
    *,
    actor: Actor,
    unit: OrgUnit,
    received_on: dt.date,
    act_category: str,
    respondent: OrgUnit | None = None,
    respondent_name: str = "",
    number: str = "",
    authority: str = "",
    applicant_kind: str = "person",
    applicant_name: str = "",
    applicant_id_number: str = "",
    applicant_phone: str = "",
    channel: str = "in_person",
    matter: str = "",
) -> ReconsiderationCase:
    """Register a received application (收到): the 5-working-day review starts (第30条)."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(unit, actor)
    if not unit.is_reconsideration_body:
        raise ValidationError(
            {
                "unit": f"“{unit.name}”不是行政复议机构，不能登记行政复议案件"
                "（请由系统管理员在单位信息中设置）"
            }
        )
    _check_date(received_on, "收到申请日期", not_before=None, after_label="")
    if respondent is None and not respondent_name.strip():
        raise ValidationError({"respondent_name": "请填写被申请人"})
    number = number.strip() or next_number(unit, received_on.year)
    if ReconsiderationCase.objects.filter(unit=unit, number=number).exists():
        raise ValidationError({"number": f"复议案号“{number}”已存在"})
    case = ReconsiderationCase(
        unit=unit,
        number=number,
        authority=authority.strip() or authority_for(unit),
        respondent=respondent,
        respondent_name=respondent.name if respondent else respondent_name.strip(),
        applicant_kind=applicant_kind,
        applicant_name=applicant_name.strip(),
        applicant_id_number=applicant_id_number.strip(),
        applicant_phone=applicant_phone.strip(),
        applicant_index=blind_index(applicant_id_number or applicant_name),
        received_on=received_on,
        channel=channel,
        act_category=act_category,
        matter=matter,
        status=Status.REVIEWING,
    )
    derive_deadlines(case, [], Rules.for_unit(unit))
    case.full_clean(exclude=["unit", "respondent"])
    return _save(actor=actor, case=case, before=None, action="receive", on=received_on)


@transaction.atomic
def case_request_correction(
    *, actor: Actor, case: ReconsiderationCase, notified_on: dt.date, note: str = ""
) -> ReconsiderationCase:
    """Notify the applicant to correct the application (第31条): 10 working days to reply."""
    _require_handler(actor, case)
    case = _locked(case, "request_correction")
    before = snapshot(case)
    _check_date(
        notified_on, "补正通知日期", not_before=case.received_on, after_label="收到申请日期"
    )
    case.correction_notified_on = notified_on
    case.correction_received_on = None
    if case.review_due and notified_on > case.review_due:
        note = (note + "；" if note else "") + f"超过补正通知期限（{case.review_due:%Y-%m-%d}）"
    return _save(
        actor=actor,
        case=case,
        before=before,
        action="request_correction",
        on=notified_on,
        note=note,
        status=Status.CORRECTING,
    )


@transaction.atomic
def case_receive_correction(
    *, actor: Actor, case: ReconsiderationCase, received_on: dt.date, note: str = ""
) -> ReconsiderationCase:
    """Corrected materials received: the 5-working-day review runs again from this day."""
    _require_handler(actor, case)
    case = _locked(case, "receive_correction")
    before = snapshot(case)
    assert case.correction_notified_on is not None
    _check_date(
        received_on,
        "收到补正材料日期",
        not_before=case.correction_notified_on,
        after_label="补正通知日期",
    )
    case.correction_received_on = received_on
    return _save(
        actor=actor,
        case=case,
        before=before,
        action="receive_correction",
        on=received_on,
        note=note,
        status=Status.REVIEWING,
    )


@transaction.atomic
def case_abandon(
    *, actor: Actor, case: ReconsiderationCase, on: dt.date, note: str = ""
) -> ReconsiderationCase:
    """No correction within the period without good reason: 视为放弃行政复议申请 (第31条)."""
    _require_handler(actor, case)
    case = _locked(case, "abandon")
    before = snapshot(case)
    assert case.correction_due is not None
    if on <= case.correction_due:
        raise ValidationError(
            {"date": f"补正期限（{case.correction_due:%Y年%-m月%-d日}）尚未届满，不能视为放弃"}
        )
    _check_date(on, "记录日期", not_before=None, after_label="")
    return _save(
        actor=actor,
        case=case,
        before=before,
        action="abandon",
        on=on,
        note=note,
        status=Status.ABANDONED,
    )


@transaction.atomic
def case_accept(
    *,
    actor: Actor,
    case: ReconsiderationCase,
    accepted_on: dt.date,
    procedure: str = Procedure.ORDINARY,
    note: str = "",
) -> ReconsiderationCase:
    """受理 (第30条) under the ordinary or simple procedure; the 审理期限 starts."""
    _require_handler(actor, case)
    case = _locked(case, "accept")
    before = snapshot(case)
    start = case.correction_received_on or case.received_on
    _check_date(accepted_on, "受理日期", not_before=start, after_label="收到申请（补正材料）日期")
    if procedure not in Procedure.values:
        raise ValidationError({"procedure": "请选择审理程序（普通程序或简易程序）"})
    if case.review_due and accepted_on > case.review_due:
        note = (note + "；" if note else "") + (
            f"受理审查期限已于{case.review_due:%Y-%m-%d}届满（依法自该日起视为受理）"
        )
    case.accepted_on = accepted_on
    case.acceptance_kind = AcceptanceKind.DECIDED
    case.procedure = procedure
    return _save(
        actor=actor,
        case=case,
        before=before,
        action="accept",
        on=accepted_on,
        note=note,
        status=Status.ACCEPTED,
    )


@transaction.atomic
def case_deem_accepted(*, actor: Actor, case: ReconsiderationCase) -> ReconsiderationCase:
    """视为受理 (第30条第三款): the review period ended with no decision; accepted on its last day.

    The ordinary procedure applies. Only possible once the period has ended.
    """
    if not actor.is_command_line:
        _require_handler(actor, case)
    case = _locked(case, "deem_accepted")
    before = snapshot(case)
    assert case.review_due is not None
    if _today() <= case.review_due:
        raise ValidationError(
            f"受理审查期限至{case.review_due:%Y年%-m月%-d日}届满，届满前不能视为受理"
        )
    case.accepted_on = case.review_due
    case.acceptance_kind = AcceptanceKind.DEEMED
    case.procedure = Procedure.ORDINARY
    return _save(
        actor=actor,
        case=case,
        before=before,
        action="deem_accepted",
        on=case.review_due,
        note="审查期限届满未作出不予受理决定，依法视为受理",
        status=Status.ACCEPTED,
    )


@transaction.atomic
def case_refuse(
    *, actor: Actor, case: ReconsiderationCase, refused_on: dt.date, reason: str
) -> ReconsiderationCase:
    """不予受理 (第30条): a decision with reasons, within the review period."""
    _require_handler(actor, case)
    case = _locked(case, "refuse")
    before = snapshot(case)
    _check_date(
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
    return _save(
        actor=actor,
        case=case,
        before=before,
        action="refuse",
        on=refused_on,
        note=reason,
        status=Status.NOT_ACCEPTED,
    )


@transaction.atomic
def case_suspend(
    *,
    actor: Actor,
    case: ReconsiderationCase,
    suspended_on: dt.date,
    ground: str,
    note: str = "",
) -> ReconsiderationCase:
    """中止 (第39条): the 审理期限 stops until the case resumes."""
    _require_handler(actor, case)
    case = _locked(case, "suspend")
    before = snapshot(case)
    assert case.accepted_on is not None
    last = max([case.accepted_on, *(s.resumed_on for s in case.suspensions.all() if s.resumed_on)])
    _check_date(suspended_on, "中止日期", not_before=last, after_label="受理（上次恢复）日期")
    if not ground:
        raise ValidationError({"ground": "请选择中止情形（第三十九条）"})
    Suspension.objects.create(case=case, ground=ground, suspended_on=suspended_on, note=note)
    return _save(
        actor=actor,
        case=case,
        before=before,
        action="suspend",
        on=suspended_on,
        note=note,
        status=Status.SUSPENDED,
    )


@transaction.atomic
def case_resume(
    *, actor: Actor, case: ReconsiderationCase, resumed_on: dt.date, note: str = ""
) -> ReconsiderationCase:
    """恢复审理 (第39条第二款, notified in writing): the clock restarts."""
    _require_handler(actor, case)
    case = _locked(case, "resume")
    before = snapshot(case)
    pause = case.suspensions.filter(resumed_on__isnull=True).get()
    _check_date(resumed_on, "恢复日期", not_before=pause.suspended_on, after_label="中止日期")
    pause.resumed_on = resumed_on
    pause.save(update_fields=["resumed_on"])
    return _save(
        actor=actor,
        case=case,
        before=before,
        action="resume",
        on=resumed_on,
        note=note,
        status=Status.ACCEPTED,
    )


@transaction.atomic
def case_extend(
    *,
    actor: Actor,
    case: ReconsiderationCase,
    approved_on: dt.date,
    days: int,
    note: str = "",
) -> ReconsiderationCase:
    """延长审理期限 (第62条): approved before the period ends; ordinary procedure; ≤ 30 days."""
    _require_handler(actor, case)
    case = _locked(case, "extend")
    before = snapshot(case)
    if case.procedure != Procedure.ORDINARY:
        raise ValidationError("简易程序案件不能延长审理期限；确需延长的，应先转为普通程序")
    if case.extension_days:
        raise ValidationError("审理期限已经延长过一次，延长期限最多不得超过三十日")
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ValidationError({"days": f"延长天数应在 1 至 {MAX_EXTENSION_DAYS} 日之间"})
    assert case.accepted_on is not None
    last = max([case.accepted_on, *(s.resumed_on for s in case.suspensions.all() if s.resumed_on)])
    _check_date(approved_on, "延期批准日期", not_before=last, after_label="受理（恢复审理）日期")
    if case.decision_due and approved_on > case.decision_due:
        raise ValidationError(
            {"date": f"审理期限已于{case.decision_due:%Y年%-m月%-d日}届满，不能再批准延期"}
        )
    case.extension_approved_on = approved_on
    case.extension_days = days
    return _save(
        actor=actor,
        case=case,
        before=before,
        action="extend",
        on=approved_on,
        note=note or f"延长{days}日",
    )


@transaction.atomic
def case_convert_to_ordinary(
    *, actor: Actor, case: ReconsiderationCase, on: dt.date, note: str = ""
) -> ReconsiderationCase:
    """简易程序转普通程序 (第55条); the 60-day period runs from acceptance."""
    _require_handler(actor, case)
    case = _locked(case, "convert_to_ordinary")
    before = snapshot(case)
    if case.procedure != Procedure.SIMPLE:
        raise ValidationError("只有适用简易程序的案件可以转为普通程序")
    _check_date(on, "转换日期", not_before=case.accepted_on, after_label="受理日期")
    case.procedure = Procedure.ORDINARY
    return _save(
        actor=actor, case=case, before=before, action="convert_to_ordinary", on=on, note=note
    )


@transaction.atomic
def case_close(
    *,
    actor: Actor,
    case: ReconsiderationCase,
    closed_on: dt.date,
    outcome: str,
    note: str = "",
) -> ReconsiderationCase:
    """审结 with its outcome; records whether it was decided within the 审理期限."""
    _require_handler(actor, case)
    case = _locked(case, "close")
    before = snapshot(case)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "请选择结案方式"})
    if case.status == Status.SUSPENDED and outcome not in CLOSABLE_WHILE_SUSPENDED:
        raise ValidationError(
            {
                "outcome": "案件处于中止状态，只能以调解、和解、撤回或终止结案；"
                "作出复议决定前应先恢复审理"
            }
        )
    pauses = list(case.suspensions.all())
    assert case.accepted_on is not None
    last = max(
        [
            case.accepted_on,
            *(s.suspended_on for s in pauses),
            *(s.resumed_on for s in pauses if s.resumed_on),
        ]
    )
    _check_date(closed_on, "结案日期", not_before=last, after_label="受理（中止、恢复）日期")
    for pause in pauses:
        if pause.resumed_on is None:
            pause.resumed_on = closed_on
            pause.save(update_fields=["resumed_on"])
    case.closed_on = closed_on
    case.outcome = outcome
    case.outcome_note = note
    return _save(
        actor=actor,
        case=case,
        before=before,
        action="close",
        on=closed_on,
        note=f"{Outcome(outcome).label}" + (f"：{note}" if note else ""),
        status=Status.CLOSED,
    )


@transaction.atomic
def case_update(
    *, actor: Actor, case: ReconsiderationCase, data: dict[str, Any]
) -> ReconsiderationCase:
    """Edit the descriptive fields (not the status or the dates that drive deadlines)."""
    _require_handler(actor, case)
    case = ReconsiderationCase.objects.select_for_update().get(pk=case.pk)
    before = snapshot(case)
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(case, name, data[name])
    if case.respondent is not None:
        case.respondent_name = case.respondent.name
    case.applicant_index = blind_index(case.applicant_id_number or case.applicant_name)
    case.full_clean(exclude=["unit", "respondent"])
    case.save()
    record_write(
        actor=actor,
        action="reconsideration.update",
        obj=case,
        before=before,
        after=snapshot(case),
        summary="修改案件信息",
    )
    return case


EDITABLE_FIELDS = (
    "authority",
    "respondent",
    "respondent_name",
    "applicant_kind",
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "channel",
    "act_category",
    "matter",
    "outcome_note",
)


# --- opinion letters (第76条) -------------------------------------------------------------
@transaction.atomic
def letter_issue(
    *,
    actor: Actor,
    case: ReconsiderationCase,
    kind: str,
    issued_on: dt.date,
    served_on: dt.date,
    recipient: OrgUnit | None = None,
    recipient_name: str = "",
    content: str = "",
) -> OpinionLetter:
    """Issue a 意见书/建议书; the recipient reports its correction within 60 days of service."""
    _require_handler(actor, case)
    if case.accepted_on is None:
        raise ValidationError("案件受理后才能制发行政复议意见书或建议书")
    if kind not in LetterKind.values:
        raise ValidationError({"kind": "请选择文书类别"})
    _check_date(issued_on, "制发日期", not_before=case.accepted_on, after_label="受理日期")
    _check_date(
        served_on, "送达日期", not_before=issued_on, after_label="制发日期", field="served_on"
    )
    if recipient is None and not recipient_name.strip():
        raise ValidationError({"recipient_name": "请填写收文单位"})
    rules = Rules.for_unit(case.unit)
    days, counting = rules.letter_reply
    letter = OpinionLetter.objects.create(
        case=case,
        kind=kind,
        recipient=recipient,
        recipient_name=recipient.name if recipient else recipient_name.strip(),
        issued_on=issued_on,
        served_on=served_on,
        reply_due=add_days(served_on, days, counting, calendar=rules.calendar).due,
        content=content,
    )
    CaseEvent.objects.create(
        case=case,
        kind=f"制发{letter.get_kind_display()}",
        on=issued_on,
        actor_name=actor.name,
        note=f"送达{letter.recipient_name}，应于{letter.reply_due:%Y-%m-%d}前报送整改情况",
    )
    record_write(
        actor=actor,
        action="reconsideration.letter_issue",
        obj=letter,
        before=None,
        after=snapshot(letter),
        summary=f"制发{letter.get_kind_display()}",
    )
    return letter


@transaction.atomic
def letter_reply(
    *, actor: Actor, letter: OpinionLetter, replied_on: dt.date, note: str = ""
) -> OpinionLetter:
    """Record the recipient's report on its correction (either side may record it)."""
    actor.require(Cap.EDIT_RECORDS)
    case = letter.case
    sides = [case.unit, *([letter.recipient] if letter.recipient else [])]
    if not any(unit.path.startswith(actor.unit.path) for unit in sides):
        require_unit_in_scope(case.unit, actor)
    letter = OpinionLetter.objects.select_for_update().get(pk=letter.pk)
    if letter.replied_on is not None:
        raise ValidationError("已经记录过整改情况报送")
    before = snapshot(letter)
    _check_date(replied_on, "报送日期", not_before=letter.served_on, after_label="送达日期")
    letter.replied_on = replied_on
    letter.reply_note = note
    letter.save(update_fields=["replied_on", "reply_note"])
    late = "（逾期）" if replied_on > letter.reply_due else ""
    CaseEvent.objects.create(
        case=case,
        kind=f"{letter.get_kind_display()}整改情况报送{late}",
        on=replied_on,
        actor_name=actor.name,
        note=note,
    )
    record_write(
        actor=actor,
        action="reconsideration.letter_reply",
        obj=letter,
        before=before,
        after=snapshot(letter),
        summary="报送整改情况" + late,
    )
    return letter


# --- sweep --------------------------------------------------------------------------------
def sweep(*, actor: Actor, today: dt.date | None = None) -> int:
    """视为受理 every case whose review period has ended with no decision. Idempotent.

    Returns the number of cases changed. Each case is its own transaction.
    """
    if today is not None and today > _today():
        raise ValidationError(f"处理日期不能晚于今天（{_today():%Y年%-m月%-d日}）")
    today = today or _today()
    due = ReconsiderationCase.objects.filter(status=Status.REVIEWING, review_due__lt=today)
    changed = 0
    for case in due.select_related("unit").iterator():
        case_deem_accepted(actor=actor, case=case)
        changed += 1
    return changed
