"""The 法律顾问 state machine: 解聘, 续聘 and 聘期届满 (taken by the daily sweep).

A contract's last day is ``contract_end``: the adviser is 在聘 on that day and 聘期届满 from the
next (``expire_problem``); 解聘 is for a contract still running.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from fazhi.core.workflow import Change, Transition, Workflow, check_date, today
from fazhi.counsel import forms as f
from fazhi.counsel.models import Counsel, CounselEvent, Status
from fazhi.orgs.scoping import Actor, require_unit_in_scope


def authorize(actor: Actor, counsel: Counsel) -> None:
    """The 聘请单位's subtree moves its advisers (the capability is the transition's)."""
    require_unit_in_scope(counsel.unit, actor)


def after_change(counsel: Counsel) -> None:
    from fazhi.counsel.coverage import coverage_refresh_for

    coverage_refresh_for(counsel)


def terminate_problem(counsel: Counsel, on: dt.date) -> str:
    if counsel.contract_end < on:
        return f"合同已于 {counsel.contract_end:%Y-%m-%d} 到期，应办理“聘期届满”而不是解聘"
    return ""


def terminate(counsel: Counsel, *, actor: Actor, terminated_on: dt.date, reason: str) -> Change:
    check_date(
        terminated_on,
        "解聘日期",
        not_before=counsel.contract_start,
        after_label="聘期开始日期",
        field="terminated_on",
    )
    if not reason.strip():
        raise ValidationError({"reason": "请填写解聘原因"})
    counsel.ended_on = terminated_on
    counsel.end_reason = reason.strip()
    return Change(terminated_on, counsel.end_reason, after=lambda: after_change(counsel))


def renew(counsel: Counsel, *, actor: Actor, contract_end: dt.date) -> Change:
    if contract_end <= counsel.contract_end:
        raise ValidationError(
            {"contract_end": f"新的届满日期应晚于原届满日期（{counsel.contract_end:%Y-%m-%d}）"}
        )
    counsel.contract_end = contract_end
    counsel.ended_on = None
    return Change(today(), f"聘期延至 {contract_end:%Y-%m-%d}", after=lambda: after_change(counsel))


def expire_problem(counsel: Counsel, on: dt.date) -> str:
    if counsel.contract_end >= on:
        return f"聘期至 {counsel.contract_end:%Y-%m-%d}，尚未届满"
    return ""


def expire(counsel: Counsel, *, actor: Actor) -> Change:
    counsel.ended_on = counsel.contract_end
    return Change(counsel.contract_end, "聘用合同期满")


COUNSELS: Workflow[Counsel] = Workflow(
    model=Counsel,
    audit_prefix="counsel",
    event_model=CounselEvent,
    event_fk="counsel",
    noun="法律顾问",
    authorize=authorize,
    transitions=(
        Transition(
            "terminate",
            "解聘",
            (Status.ACTIVE,),
            terminate,
            target=Status.TERMINATED,
            form_class=f.TerminateForm,
            problem=terminate_problem,
            confirm="确定解聘吗？解聘后只能重新登记。",
        ),
        Transition(
            "renew",
            "续聘",
            (Status.ACTIVE, Status.EXPIRED),
            renew,
            target=Status.ACTIVE,
            form_class=f.RenewForm,
        ),
        Transition(
            "expire",
            "聘期届满",
            (Status.ACTIVE,),
            expire,
            target=Status.EXPIRED,
            form_class=f.ExpireForm,
            problem=expire_problem,
            help="聘期届满的，每日期限扫描（fazhi sweep_deadlines）自动办理",
            by_system=True,
        ),
    ),
)
