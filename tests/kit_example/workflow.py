"""The 法律顾问 state machine, declared: 解聘, 续聘 and 聘期届满 (taken by the daily sweep).

Run by :class:`fazhi.core.workflow.Workflow`: the runner checks the capability and the scope
(:func:`authorize`), locks the row, checks the state and the transition's ``problem``, applies
the change, sets the target state and writes the timeline event, the history and the audit
entry. The screens (``transition_steps``), the API and the services all go through it.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from tests.kit_example import forms as f
from tests.kit_example.models import Counsel, CounselEvent, Status

from fazhi.core.workflow import Change, Transition, Workflow, check_date, today
from fazhi.orgs.scoping import Actor, require_unit_in_scope


def authorize(actor: Actor, counsel: Counsel) -> None:
    """The 聘请单位's subtree moves its counsels (the capability is the transition's)."""
    require_unit_in_scope(counsel.unit, actor)


# --- 解聘 -------------------------------------------------------------------------------------
def terminate_problem(counsel: Counsel, today: dt.date) -> str:
    if counsel.contract_end < today:
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
    return Change(terminated_on, counsel.end_reason)


# --- 续聘 -------------------------------------------------------------------------------------
def renew(counsel: Counsel, *, actor: Actor, contract_end: dt.date) -> Change:
    if contract_end <= counsel.contract_end:
        raise ValidationError(
            {"contract_end": f"新的届满日期应晚于原届满日期（{counsel.contract_end:%Y-%m-%d}）"}
        )
    counsel.contract_end = contract_end
    counsel.ended_on = None
    return Change(today(), f"聘期延至 {contract_end:%Y-%m-%d}")


# --- 聘期届满 ---------------------------------------------------------------------------------
def expire_problem(counsel: Counsel, today: dt.date) -> str:
    if counsel.contract_end >= today:
        return f"聘期至 {counsel.contract_end:%Y-%m-%d}，尚未届满"
    return ""


def expire(counsel: Counsel, *, actor: Actor) -> Change:
    counsel.ended_on = counsel.contract_end
    return Change(counsel.contract_end, "聘用合同期满")


COUNSELS: Workflow[Counsel] = Workflow(
    model=Counsel,
    audit_prefix="kit_example",
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
