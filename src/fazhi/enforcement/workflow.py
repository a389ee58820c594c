"""The 执法证 life cycle, declared.

申领 (已申领) → 资格审查 (资格审查通过; refused for non-在编 staff) → 考试 (考试合格, or 考试不合格
→ 未通过) → 发证 (持证: number, date, expiry from the province's validity rule) → 年度注册 (each
year, a :class:`~fazhi.enforcement.models.Registration` row; refused when the year's training
hours are short) → 换证 (re-exam within the renewal window before expiry: new dates) → 暂扣 /
恢复 / 注销 (调离, 退休, 考试不合格, 其他). 未通过 and 注销 may apply again (重新申领).

Only the officer's unit's subtree moves a certificate. Run by
:class:`fazhi.core.workflow.Workflow` (capability, scope, lock, state, ``problem``, ``apply``,
timeline, history and audit).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from fazhi.core import staging
from fazhi.core.workflow import Change, Transition, Workflow, check_date
from fazhi.enforcement import forms as f
from fazhi.enforcement import rules
from fazhi.enforcement.models import (
    CancelReason,
    CertStatus,
    Officer,
    OfficerEvent,
    Registration,
)
from fazhi.orgs.scoping import Actor, require_unit_in_scope

S = CertStatus


def authorize(actor: Actor, officer: Officer) -> None:
    """The officer's unit's subtree moves the certificate (the capability is the transition's)."""
    require_unit_in_scope(officer.unit, actor)


def _staff_problem(officer: Officer, today: dt.date) -> str:
    if not officer.on_staff:
        return (
            f"{officer.name}不是在编人员（劳动合同制、劳务派遣、临时借调等），不得申领、持有执法证"
        )
    return ""


# --- 资格审查 / 考试 ---------------------------------------------------------------------------
def qualify(officer: Officer, *, actor: Actor, qualified_on: dt.date) -> Change:
    check_date(
        qualified_on,
        "资格审查通过日期",
        not_before=officer.applied_on,
        after_label="申领日期",
        field="qualified_on",
    )
    officer.qualified_on = qualified_on
    return Change(qualified_on, "资格审查通过（在编人员）")


def exam_pass(officer: Officer, *, actor: Actor, exam_on: dt.date) -> Change:
    check_date(
        exam_on,
        "考试日期",
        not_before=officer.qualified_on,
        after_label="资格审查通过日期",
        field="exam_on",
    )
    officer.exam_on = exam_on
    return Change(exam_on, "执法资格考试合格")


def exam_fail(officer: Officer, *, actor: Actor, exam_on: dt.date, note: str = "") -> Change:
    check_date(
        exam_on,
        "考试日期",
        not_before=officer.qualified_on,
        after_label="资格审查通过日期",
        field="exam_on",
    )
    officer.exam_on = exam_on
    officer.end_note = (note.strip() or "执法资格考试不合格")[:200]
    return Change(exam_on, officer.end_note)


# --- 发证 / 换证 ------------------------------------------------------------------------------
def _taken(number: str) -> bool:
    """Whether another officer holds ``number`` (an import's batch included: the batch reads
    the numbers once and keeps them)."""
    if staging.active() is None:
        return Officer.objects.filter(cert_number=number).exists()
    numbers: set[str] = staging.memo(
        ("enforcement.cert_numbers",),
        lambda: set(Officer.objects.exclude(cert_number="").values_list("cert_number", flat=True)),
    )
    if number in numbers:
        return True
    numbers.add(number)
    return False


def _check_number(officer: Officer, number: str, field: str = "cert_number") -> str:
    number = number.strip()
    if not number:
        raise ValidationError({field: "请填写执法证号"})
    if number != officer.cert_number and _taken(number):
        raise ValidationError({field: f"执法证号“{number}”已登记给其他执法人员"})
    return number


def issue(
    officer: Officer,
    *,
    actor: Actor,
    cert_number: str,
    issued_on: dt.date,
    expires_on: dt.date | None = None,
) -> Change:
    """发证: the expiry is the province's validity from ``issued_on`` (``expires_on`` only for
    an imported card whose printed expiry differs)."""
    check_date(
        issued_on,
        "发证日期",
        not_before=officer.exam_on,
        after_label="考试日期",
        field="issued_on",
    )
    officer.cert_number = _check_number(officer, cert_number)
    officer.cert_issued_on = issued_on
    officer.cert_expires_on = expires_on or rules.expiry_after(issued_on, officer.unit)
    if officer.cert_expires_on <= issued_on:
        raise ValidationError({"expires_on": "证件有效期至应晚于发证日期"})
    note = f"执法证号 {officer.cert_number}，有效期至 {officer.cert_expires_on:%Y-%m-%d}"
    return Change(issued_on, note)


def renew_problem(officer: Officer, today: dt.date) -> str:
    staff = _staff_problem(officer, today)
    if staff:
        return staff
    expires = officer.cert_expires_on
    if expires is None:
        return "尚未发证，不能换证"
    opens = rules.renewal_opens(expires, officer.unit)
    if today < opens:
        window = rules.months(rules.RENEWAL_WINDOW, officer.unit)
        return (
            f"执法证有效期至 {expires:%Y-%m-%d}，届满前{window}个月内"
            f"（{opens:%Y-%m-%d} 起）才能参加换证考试"
        )
    return ""


def renew(
    officer: Officer,
    *,
    actor: Actor,
    exam_on: dt.date,
    issued_on: dt.date,
    cert_number: str = "",
) -> Change:
    assert officer.cert_expires_on is not None
    opens = rules.renewal_opens(officer.cert_expires_on, officer.unit)
    check_date(
        exam_on, "换证考试日期", not_before=opens, after_label="换证期间开始日期", field="exam_on"
    )
    check_date(
        issued_on, "换发日期", not_before=exam_on, after_label="换证考试日期", field="issued_on"
    )
    officer.cert_number = _check_number(officer, cert_number or officer.cert_number)
    officer.exam_on = exam_on
    officer.cert_issued_on = issued_on
    officer.cert_expires_on = rules.expiry_after(issued_on, officer.unit)
    note = f"换发执法证 {officer.cert_number}，有效期至 {officer.cert_expires_on:%Y-%m-%d}"
    return Change(issued_on, note)


# --- 年度注册 ---------------------------------------------------------------------------------
def hours_problem(officer: Officer, year: int) -> str:
    """The training register's verdict on ``year``'s hours ("" when met or not installed)."""
    try:
        from fazhi.enforcement_training.selectors import hours_short_problem
    except ImportError:  # the training register is not installed: nothing to check
        return ""
    return hours_short_problem(officer, year)


def _registration_problem(officer: Officer, day: dt.date) -> str:
    expires = officer.cert_expires_on
    if expires is not None and expires < day:
        return f"执法证已于 {expires:%Y-%m-%d} 过期，应办理换证，不能年度注册"
    if staging.exists(Registration, officer=officer, year=day.year):
        return f"{day.year}年度已注册"
    return hours_problem(officer, day.year)


def register_year_problem(officer: Officer, today: dt.date) -> str:
    return _staff_problem(officer, today) or _registration_problem(officer, today)


def register_year(
    officer: Officer, *, actor: Actor, registered_on: dt.date, note: str = ""
) -> Change:
    check_date(
        registered_on,
        "注册日期",
        not_before=officer.cert_issued_on,
        after_label="发证日期",
        field="registered_on",
    )
    problem = _registration_problem(officer, registered_on)
    if problem:
        raise ValidationError({"registered_on": problem})
    staging.create(
        Registration,
        officer=officer,
        unit=officer.unit,
        year=registered_on.year,
        registered_on=registered_on,
        note=note.strip()[:200],
    )
    return Change(registered_on, f"{registered_on.year}年度注册", event_kind="年度注册")


# --- 暂扣 / 恢复 / 注销 / 重新申领 ------------------------------------------------------------
def suspend(officer: Officer, *, actor: Actor, suspended_on: dt.date, reason: str) -> Change:
    check_date(
        suspended_on,
        "暂扣日期",
        not_before=officer.cert_issued_on,
        after_label="发证日期",
        field="suspended_on",
    )
    if not reason.strip():
        raise ValidationError({"reason": "请填写暂扣原因"})
    officer.suspended_on = suspended_on
    officer.suspend_reason = reason.strip()[:200]
    return Change(suspended_on, officer.suspend_reason)


def restore(officer: Officer, *, actor: Actor, restored_on: dt.date) -> Change:
    check_date(
        restored_on,
        "恢复日期",
        not_before=officer.suspended_on,
        after_label="暂扣日期",
        field="restored_on",
    )
    officer.suspended_on = None
    officer.suspend_reason = ""
    return Change(restored_on, "恢复执法证")


def cancel(
    officer: Officer, *, actor: Actor, cancelled_on: dt.date, reason: str, note: str = ""
) -> Change:
    check_date(
        cancelled_on,
        "注销日期",
        not_before=officer.cert_issued_on or officer.applied_on,
        after_label="发证日期",
        field="cancelled_on",
    )
    if reason not in CancelReason.values:
        raise ValidationError({"reason": "请选择注销原因：调离、退休、考试不合格或其他"})
    if reason == CancelReason.OTHER and not note.strip():
        raise ValidationError({"note": "注销原因为“其他”的，请写明说明"})
    officer.cancelled_on = cancelled_on
    officer.cancel_reason = reason
    officer.end_note = note.strip()[:200]
    officer.on_duty = False
    label = CancelReason(reason).label
    return Change(cancelled_on, label + (f"：{officer.end_note}" if officer.end_note else ""))


def reapply(officer: Officer, *, actor: Actor, applied_on: dt.date) -> Change:
    check_date(
        applied_on,
        "重新申领日期",
        not_before=officer.cancelled_on or officer.exam_on,
        after_label="注销或考试日期",
        field="applied_on",
    )
    officer.applied_on = applied_on
    officer.qualified_on = officer.exam_on = None
    officer.cancelled_on = None
    officer.cancel_reason = officer.end_note = ""
    return Change(applied_on, "重新申领执法证")


OFFICERS: Workflow[Officer] = Workflow(
    model=Officer,
    audit_prefix="enforcement",
    event_model=OfficerEvent,
    event_fk="officer",
    noun="执法证",
    authorize=authorize,
    recalc=rules.derive_dates,
    transitions=(
        Transition(
            "qualify",
            "资格审查通过",
            (S.APPLIED,),
            qualify,
            target=S.QUALIFIED,
            form_class=f.QualifyForm,
            problem=_staff_problem,
            refusal_label="资格审查",
            help="只有在编人员可以申领执法证；劳动合同制、劳务派遣、临时借调人员不予通过",
        ),
        Transition(
            "exam_pass",
            "考试合格",
            (S.QUALIFIED,),
            exam_pass,
            target=S.PASSED,
            form_class=f.ExamPassForm,
        ),
        Transition(
            "exam_fail",
            "考试不合格",
            (S.QUALIFIED,),
            exam_fail,
            target=S.REJECTED,
            form_class=f.ExamFailForm,
            confirm="确定登记考试不合格吗？",
        ),
        Transition(
            "issue",
            "发证",
            (S.PASSED,),
            issue,
            target=S.ISSUED,
            form_class=f.IssueForm,
            problem=_staff_problem,
            help="证件有效期按本省规定的年限（默认 5 年）自发证日期起计算",
        ),
        Transition(
            "register_year",
            "年度注册",
            (S.ISSUED,),
            register_year,
            target=None,
            form_class=f.RegisterYearForm,
            problem=register_year_problem,
            help="该年度培训学时未达到规定学时的，不予年度注册",
        ),
        Transition(
            "renew",
            "换证",
            (S.ISSUED,),
            renew,
            target=S.ISSUED,
            form_class=f.RenewForm,
            problem=renew_problem,
            help="证件有效期届满前 6 个月内（本省规定）参加换证考试，合格后换发新证",
        ),
        Transition(
            "suspend",
            "暂扣",
            (S.ISSUED,),
            suspend,
            target=S.SUSPENDED,
            form_class=f.SuspendForm,
            confirm="确定暂扣该执法证吗？暂扣期间不能执法。",
        ),
        Transition(
            "restore", "恢复", (S.SUSPENDED,), restore, target=S.ISSUED, form_class=f.RestoreForm
        ),
        Transition(
            "cancel",
            "注销",
            (S.APPLIED, S.QUALIFIED, S.PASSED, S.ISSUED, S.SUSPENDED),
            cancel,
            target=S.CANCELLED,
            form_class=f.CancelForm,
            confirm="确定注销该执法证吗？注销后不能再执法。",
        ),
        Transition(
            "reapply",
            "重新申领",
            (S.REJECTED, S.CANCELLED),
            reapply,
            target=S.APPLIED,
            form_class=f.ReapplyForm,
        ),
    ),
)
