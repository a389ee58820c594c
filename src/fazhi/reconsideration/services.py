"""Writes to the 行政复议 register. Transitions are declared in :mod:`.workflow` and carried
out by its runner (permission and side, row lock, state, rule check, dates, deadlines, event,
history, audit); the ``case_<verb>`` functions here are the keyword-only entry points that the
Excel import, the command line and the tests call. Registration (收到), editing, 意见书 and
the daily sweep are written here.

Statutory basis (行政复议法 2023): 第30条 受理审查 5 个工作日, 期满未决定的视为受理;
第31条 补正; 第39条 中止; 第41条 终止; 第54、55条 简易程序及转普通程序; 第62条 审理期限 60 日
(简易 30 日), 经批准可延长 (上限见期限规则); 第76条 意见书 60 日内报送. Every number comes
from the province's ``DeadlineRule`` rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from fazhi.core import staging
from fazhi.core.audit import snapshot
from fazhi.core.deadlines import add_days
from fazhi.core.services import record_write
from fazhi.core.workflow import check_date
from fazhi.orgs.models import OrgUnit, UnitKind
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope
from fazhi.plans.models import Reminder
from fazhi.reconsideration.flags import flags
from fazhi.reconsideration.models import (
    EDITABLE_FIELDS,
    CaseEvent,
    LetterKind,
    OpinionLetter,
    Procedure,
    ReconsiderationCase,
    Status,
)
from fazhi.reconsideration.rules import (
    CLOSABLE_WHILE_SUSPENDED,
    Rules,
    day_unit,
    derive_deadlines,
)
from fazhi.reconsideration.selectors import replyable_letters
from fazhi.reconsideration.workflow import CASES, TRANSITION_LABELS, authorize, recalc

__all__ = [
    "CLOSABLE_WHILE_SUSPENDED",
    "Rules",
    "derive_deadlines",
]


def _today() -> dt.date:
    return timezone.localdate()


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
    while _number_taken(unit, f"〔{year}〕第{n}号"):
        n += 1
    return f"〔{year}〕第{n}号"


def _number_taken(unit: OrgUnit, number: str) -> bool:
    """Whether ``number`` is registered for ``unit``. In an import's staged batch the unit's
    numbers are read once and the batch's new cases join them (a number registered by someone
    else meanwhile is refused by the unique constraint when the batch is written)."""
    if staging.active() is None:
        return ReconsiderationCase.objects.filter(unit=unit, number=number).exists()
    return number in _numbers(unit)


def _numbers(unit: OrgUnit) -> set[str]:
    return staging.memo(
        ("reconsideration.numbers", unit.pk),
        lambda: set(ReconsiderationCase.objects.filter(unit=unit).values_list("number", flat=True)),
    )


# --- registration and transitions ----------------------------------------------------------
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
    known_on: dt.date | None = None,
    late_reason: str = "",
    forwarded_on: dt.date | None = None,
) -> ReconsiderationCase:
    """Register a received application (收到): the 5-working-day review starts (第30条).

    ``known_on`` (the day the applicant knew of the act) gives the 60-day 申请期限 (第20条): a
    late application is registered and flagged, with the reason it may still be admissible
    (第20条第二款), not refused. ``forwarded_on``: the day the penalising agency received an
    application it transferred (第32条: 5 working days)."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(unit, actor)
    if not unit.is_reconsideration_body:
        raise ValidationError(
            {
                "unit": f"“{unit.name}”不是行政复议机构，不能登记行政复议案件"
                "（请由系统管理员在单位信息中设置）"
            }
        )
    check_date(received_on, "收到申请日期")
    if known_on is not None and known_on > received_on:
        raise ValidationError({"known_on": "知道或者应当知道行政行为日期不能晚于收到申请日期"})
    if forwarded_on is not None and forwarded_on > received_on:
        raise ValidationError(
            {"forwarded_on": "作出处罚决定的机关收到申请日期不能晚于复议机构收到申请日期"}
        )
    if respondent is None and not respondent_name.strip():
        raise ValidationError({"respondent_name": "请填写被申请人"})
    number = number.strip() or next_number(unit, received_on.year)
    if _number_taken(unit, number):
        raise ValidationError({"number": f"复议案号“{number}”已存在"})
    case = ReconsiderationCase(
        unit=unit,
        number=number,
        authority=authority.strip()
        or staging.memo(("authority", unit.pk), lambda: authority_for(unit)),
        respondent=respondent,
        respondent_name=respondent.name if respondent else respondent_name.strip(),
        applicant_kind=applicant_kind,
        applicant_name=applicant_name.strip(),
        applicant_id_number=applicant_id_number.strip(),
        applicant_phone=applicant_phone.strip(),
        received_on=received_on,
        channel=channel,
        act_category=act_category,
        matter=matter,
        known_on=known_on,
        late_reason=late_reason.strip(),
        forwarded_on=forwarded_on,
        status=Status.REVIEWING,
    )
    case.set_search_indexes()
    derive_deadlines(case, [], Rules.for_unit(unit))
    case.full_clean(exclude=["unit", "respondent"])
    staging.save_new(case)  # in an import's staged scope: written in bulk at the batch end
    if staging.active() is not None:
        _numbers(unit).add(number)
    label = TRANSITION_LABELS["receive"]
    staging.create(
        CaseEvent,
        case=case,
        kind=label,
        on=received_on,
        actor_name=actor.name,
        note=intake_flags(case),
    )
    record_write(
        actor=actor,
        action="reconsideration.receive",
        obj=case,
        before=None,
        after=snapshot(case),
        summary=label,
    )
    return case


def intake_flags(case: ReconsiderationCase) -> str:
    """What the clerk must look at on receipt: a late application (第20条) and a late 转送
    (第32条); "" when neither."""
    flags = []
    if case.filed_late:
        assert case.application_due is not None
        # The reason itself stays on the case (it may name a person's health or family).
        reason = "已登记申请人所述逾期理由，请审查" if case.late_reason else "请核实逾期理由"
        flags.append(
            f"逾期申请：申请期限已于{case.application_due:%Y-%m-%d}届满（第二十条第一款）；"
            "法律规定的申请期限超过六十日的，或者因不可抗力、其他正当理由耽误的（申请期限自"
            f"障碍消除之日起继续计算，第二十条第二款），仍可受理。{reason}"
        )
    if case.transferred_late:
        assert case.transfer_due is not None
        flags.append(
            f"转送逾期：作出处罚决定的机关应于{case.transfer_due:%Y-%m-%d}前转送（第三十二条第二款）"
        )
    return "；".join(flags)


def case_request_correction(
    *, actor: Actor, case: ReconsiderationCase, notified_on: dt.date, note: str = ""
) -> ReconsiderationCase:
    """Notify the applicant to correct the application (第31条): 10 working days to reply."""
    result: ReconsiderationCase = CASES.run(
        "request_correction", actor=actor, obj=case, notified_on=notified_on, note=note
    )
    return result


def case_receive_correction(
    *, actor: Actor, case: ReconsiderationCase, received_on: dt.date, note: str = ""
) -> ReconsiderationCase:
    """Corrected materials received: the 5-working-day review runs again from this day."""
    result: ReconsiderationCase = CASES.run(
        "receive_correction", actor=actor, obj=case, received_on=received_on, note=note
    )
    return result


def case_abandon(
    *, actor: Actor, case: ReconsiderationCase, on: dt.date, note: str = ""
) -> ReconsiderationCase:
    """No correction within the period without good reason: 视为放弃行政复议申请 (第31条)."""
    result: ReconsiderationCase = CASES.run("abandon", actor=actor, obj=case, on=on, note=note)
    return result


def case_withdraw(
    *, actor: Actor, case: ReconsiderationCase, withdrawn_on: dt.date, note: str = ""
) -> ReconsiderationCase:
    """撤回 before acceptance (审查中 or 补正中): closed as 受理前撤回; the sweep never deems a
    withdrawn application accepted."""
    result: ReconsiderationCase = CASES.run(
        "withdraw", actor=actor, obj=case, withdrawn_on=withdrawn_on, note=note
    )
    return result


def case_accept(
    *,
    actor: Actor,
    case: ReconsiderationCase,
    accepted_on: dt.date,
    procedure: str = Procedure.ORDINARY,
    note: str = "",
) -> ReconsiderationCase:
    """受理 (第30条) under the ordinary or simple procedure; the 审理期限 starts. A decision
    recorded after the review period ended does not restart the clock: the case counts as
    accepted on the period's last day (第30条第三款) and the timeline says so."""
    result: ReconsiderationCase = CASES.run(
        "accept", actor=actor, obj=case, accepted_on=accepted_on, procedure=procedure, note=note
    )
    return result


def case_deem_accepted(*, actor: Actor, case: ReconsiderationCase) -> ReconsiderationCase:
    """视为受理 (第30条第三款): the review period ended with no decision; accepted on its last
    day, ordinary procedure. Only once the period has ended; the command line (the daily
    sweep) may take it for any case."""
    result: ReconsiderationCase = CASES.run("deem_accepted", actor=actor, obj=case)
    return result


def case_refuse(
    *, actor: Actor, case: ReconsiderationCase, refused_on: dt.date, reason: str
) -> ReconsiderationCase:
    """不予受理 (第30条): a decision with reasons, within the review period."""
    result: ReconsiderationCase = CASES.run(
        "refuse", actor=actor, obj=case, refused_on=refused_on, reason=reason
    )
    return result


def case_suspend(
    *,
    actor: Actor,
    case: ReconsiderationCase,
    suspended_on: dt.date,
    ground: str,
    note: str = "",
) -> ReconsiderationCase:
    """中止 (第39条): the 审理期限 stops until the case resumes."""
    result: ReconsiderationCase = CASES.run(
        "suspend", actor=actor, obj=case, suspended_on=suspended_on, ground=ground, note=note
    )
    return result


def case_resume(
    *, actor: Actor, case: ReconsiderationCase, resumed_on: dt.date, note: str = ""
) -> ReconsiderationCase:
    """恢复审理 (第39条第二款, notified in writing): the clock restarts."""
    result: ReconsiderationCase = CASES.run(
        "resume", actor=actor, obj=case, resumed_on=resumed_on, note=note
    )
    return result


def case_extend(
    *,
    actor: Actor,
    case: ReconsiderationCase,
    approved_on: dt.date,
    days: int,
    note: str = "",
) -> ReconsiderationCase:
    """延长审理期限 (第62条): approved before the period ends; ordinary procedure; at most the
    rule's ``extension_days`` (30 by default; a province's rule may differ)."""
    result: ReconsiderationCase = CASES.run(
        "extend", actor=actor, obj=case, approved_on=approved_on, days=days, note=note
    )
    return result


def case_convert_to_ordinary(
    *, actor: Actor, case: ReconsiderationCase, on: dt.date, note: str = ""
) -> ReconsiderationCase:
    """简易程序转普通程序 (第55条); the 60-day period runs from acceptance."""
    result: ReconsiderationCase = CASES.run(
        "convert_to_ordinary", actor=actor, obj=case, on=on, note=note
    )
    return result


def case_close(
    *,
    actor: Actor,
    case: ReconsiderationCase,
    closed_on: dt.date,
    outcome: str,
    note: str = "",
) -> ReconsiderationCase:
    """审结 with its outcome; records whether it was decided within the 审理期限."""
    result: ReconsiderationCase = CASES.run(
        "close", actor=actor, obj=case, closed_on=closed_on, outcome=outcome, note=note
    )
    return result


def case_schedule_hearing(
    *,
    actor: Actor,
    case: ReconsiderationCase,
    hearing_on: dt.date,
    notified_on: dt.date | None = None,
    note: str = "",
) -> ReconsiderationCase:
    """听证 (第51条): the written notice is due 5 working days before the hearing; a notice
    given later is refused (the hearing must be moved)."""
    result: ReconsiderationCase = CASES.run(
        "schedule_hearing",
        actor=actor,
        obj=case,
        hearing_on=hearing_on,
        notified_on=notified_on,
        note=note,
    )
    return result


def case_notify_hearing(
    *, actor: Actor, case: ReconsiderationCase, notified_on: dt.date, note: str = ""
) -> ReconsiderationCase:
    """Record the hearing notice (第51条), no later than its due day."""
    result: ReconsiderationCase = CASES.run(
        "notify_hearing", actor=actor, obj=case, notified_on=notified_on, note=note
    )
    return result


def case_incidental_review(
    *, actor: Actor, case: ReconsiderationCase, on: dt.date, mode: str, note: str = ""
) -> ReconsiderationCase:
    """附带审查 of a 规范性文件 or 依据 (第56、57条): 30 days to handle, 7 working days to
    transfer; the due day is stored."""
    result: ReconsiderationCase = CASES.run(
        "incidental_review", actor=actor, obj=case, on=on, mode=mode, note=note
    )
    return result


def case_incidental_done(
    *, actor: Actor, case: ReconsiderationCase, on: dt.date, note: str = ""
) -> ReconsiderationCase:
    """附带审查 handled or transferred (late ones are noted on the timeline)."""
    result: ReconsiderationCase = CASES.run(
        "incidental_done", actor=actor, obj=case, on=on, note=note
    )
    return result


def case_serve_decision(
    *, actor: Actor, case: ReconsiderationCase, served_on: dt.date, note: str = ""
) -> ReconsiderationCase:
    """The 复议决定书 reached the applicant: the 15-day 起诉期限 (行政诉讼法第45条) is stored."""
    result: ReconsiderationCase = CASES.run(
        "serve_decision", actor=actor, obj=case, served_on=served_on, note=note
    )
    return result


@transaction.atomic
def case_update(
    *, actor: Actor, case: ReconsiderationCase, data: dict[str, Any]
) -> ReconsiderationCase:
    """Edit the descriptive fields (not the status or the dates that drive deadlines)."""
    authorize(actor, case)
    case = ReconsiderationCase.objects.select_for_update().get(pk=case.pk)
    before = snapshot(case)
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(case, name, data[name])
    if case.respondent is not None:
        case.respondent_name = case.respondent.name
    case.set_search_indexes()
    recalc(case)  # the 申请期限 and 转送期限 follow the edited dates (第20、32条)
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


# --- opinion letters (第76条) -------------------------------------------------------------
def letter_issue_problem(case: ReconsiderationCase, today: dt.date) -> str:
    """Why no 意见书/建议书 can be issued for ``case`` now ("" if it can)."""
    return "" if case.accepted_on is not None else "案件受理后才能制发行政复议意见书或建议书"


def letter_help(case: ReconsiderationCase) -> str:
    days, counting = Rules.for_unit(case.unit).letter_reply
    return f"收文单位应在收到后{days}{day_unit(counting)}内报送纠正或整改情况（第76条）"


def letter_reply_permission(actor: Actor, case: ReconsiderationCase) -> None:
    """PermissionDenied unless ``actor`` may record a report on one of the case's letters."""
    actor.require(Cap.EDIT_RECORDS)
    if not replyable_letters(actor, case):
        raise PermissionDenied("没有待您记录整改情况的意见书或建议书")


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
    authorize(actor, case)
    problem = letter_issue_problem(case, _today())
    if problem:
        raise ValidationError(problem)
    if kind not in LetterKind.values:
        raise ValidationError({"kind": "请选择文书类别"})
    check_date(issued_on, "制发日期", not_before=case.accepted_on, after_label="受理日期")
    check_date(
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
    check_date(replied_on, "报送日期", not_before=letter.served_on, after_label="送达日期")
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
    """视为受理 every case whose review period has ended with no decision (only cases still
    审查中: a withdrawn, refused or abandoned application is never deemed accepted).
    Idempotent.

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
    remind(today=today)
    return changed


def remind(*, today: dt.date) -> int:
    """In-app reminders to the 复议机构 for each flag of :func:`flags.flags` (suspension past
    its limit, hearing notice due, 附带审查 overdue); one per flag key, so idempotent.
    Returns the number of new reminders."""
    new = [
        Reminder(
            unit=f.case.unit, key=f.key[:120], text=f.text[:300], link=f.case.get_absolute_url()
        )
        for f in flags(today)
    ]
    known = set(Reminder.objects.filter(key__in=[r.key for r in new]).values_list("key", flat=True))
    fresh = [r for r in new if r.key not in known]
    Reminder.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)
