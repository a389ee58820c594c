"""The 述法 state machine, declared in two workflows over the same status:

* :data:`STATEMENTS` — the reporting unit's side (its subtree, or any unit above it):
  送审, 已述法, 评议;
* :data:`REVIEWS` — the 依法治办's 事先审核 of the 述法材料 (审核通过 / 退回修改): only an
  actor of a unit strictly ABOVE the reporting unit, with the review capability (the
  coordinator or reviewer of the county / the unit above), never the reporting unit itself.

Both are run by :class:`fazhi.core.workflow.Workflow`: the capability (``cap``) and the side
(``authorize``) are checked first, then the state and the ``problem``.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError

from fazhi.core.workflow import Change, Transition, Workflow, check_date
from fazhi.orgs.roles import Cap, Role
from fazhi.orgs.scoping import Actor, require_unit_in_scope
from fazhi.statements import forms as f
from fazhi.statements.models import Rating, Statement, StatementEvent, Status


def authorize(actor: Actor, statement: Statement) -> None:
    """The reporting unit's subtree (or a unit above it) moves its statements."""
    require_unit_in_scope(statement.unit, actor)


def may_review(actor: Actor, statement: Statement) -> bool:
    """The actor acts for a unit strictly above the reporting unit — or is the 依法治办
    (coordinator) of the top unit reviewing the top unit's own heads (the county's 县长 and
    县委书记: the 依法治县办 reviews them, there is no unit above in the system). The command
    line may review anything in its scope."""
    path, target = actor.unit.path, statement.unit.path
    if actor.is_command_line:
        return path == "/" or target.startswith(path)
    if target.startswith(path) and target != path:
        return True
    return target == path and actor.unit.parent_id is None and actor.role == Role.COORDINATOR


def authorize_review(actor: Actor, statement: Statement) -> None:
    """The 依法治办 of a unit above reviews the material, never the reporting unit itself."""
    if not may_review(actor, statement):
        raise PermissionDenied(
            f"述法材料由上级依法治办审核，{statement.unit.name}不能审核本单位的述法材料"
        )


# --- 送审 -------------------------------------------------------------------------------------
def submit(
    statement: Statement, *, actor: Actor, submitted_on: dt.date, material: str = ""
) -> Change:
    check_date(
        submitted_on,
        "送审日期",
        not_before=statement.registered_on,
        after_label="登记日期",
        field="submitted_on",
    )
    if material.strip():
        statement.material = material.strip()
    if not statement.material.strip():
        raise ValidationError({"material": "请填写述法材料后再送审"})
    statement.submitted_on = submitted_on
    return Change(submitted_on, "述法材料送依法治办审核")


# --- 审核通过 / 退回修改 ----------------------------------------------------------------------
def approve(statement: Statement, *, actor: Actor, approved_on: dt.date) -> Change:
    assert statement.submitted_on is not None
    check_date(
        approved_on,
        "审核通过日期",
        not_before=statement.submitted_on,
        after_label="送审日期",
        field="approved_on",
    )
    statement.approved_on = approved_on
    statement.reviewer_unit = actor.unit if actor.unit.pk else None
    return Change(approved_on, f"{actor.unit.name}审核通过")


def send_back(statement: Statement, *, actor: Actor, returned_on: dt.date, note: str) -> Change:
    assert statement.submitted_on is not None
    check_date(
        returned_on,
        "退回日期",
        not_before=statement.submitted_on,
        after_label="送审日期",
        field="returned_on",
    )
    if not note.strip():
        raise ValidationError({"note": "请填写修改意见"})
    statement.return_note = note.strip()
    statement.submitted_on = None
    return Change(returned_on, statement.return_note)


# --- 已述法 -----------------------------------------------------------------------------------
def hold_problem(statement: Statement, today: dt.date) -> str:
    if statement.status != Status.APPROVED:
        return "述法材料须经依法治办审核通过后才能述法"
    return ""


def hold(statement: Statement, *, actor: Actor, held_on: dt.date, meeting: str = "") -> Change:
    assert statement.approved_on is not None
    check_date(
        held_on,
        "述法日期",
        not_before=statement.approved_on,
        after_label="审核通过日期",
        field="held_on",
    )
    if held_on.year != statement.year:
        raise ValidationError({"held_on": f"述法日期应在{statement.year}年内"})
    statement.held_on = held_on
    statement.reviewed = statement.approved_on <= held_on
    statement.meeting = meeting.strip()

    def after() -> None:
        from fazhi.statements.services import duties_refresh

        duties_refresh(year=statement.year, units=[statement.unit])

    return Change(held_on, statement.meeting or statement.get_form_display(), after=after)


# --- 评议 -------------------------------------------------------------------------------------
def rate(
    statement: Statement, *, actor: Actor, rated_on: dt.date, rating: str, rating_note: str = ""
) -> Change:
    assert statement.held_on is not None
    check_date(
        rated_on, "评议日期", not_before=statement.held_on, after_label="述法日期", field="rated_on"
    )
    if rating not in Rating.values:
        raise ValidationError({"rating": "请选择评议结果"})
    statement.rating, statement.rated_on = rating, rated_on
    statement.rating_note = rating_note.strip()
    return Change(rated_on, f"评议结果：{statement.get_rating_display()}")


STATEMENTS: Workflow[Statement] = Workflow(
    model=Statement,
    audit_prefix="statements",
    event_model=StatementEvent,
    event_fk="statement",
    noun="述法",
    authorize=authorize,
    transitions=(
        Transition(
            "submit",
            "送审",
            (Status.DRAFT,),
            submit,
            target=Status.SUBMITTED,
            form_class=f.SubmitForm,
            help="述法材料送依法治办事先审核",
        ),
        Transition(
            "hold",
            "已述法",
            (Status.DRAFT, Status.SUBMITTED, Status.APPROVED),
            hold,
            target=Status.HELD,
            form_class=f.HoldForm,
            problem=hold_problem,
            refusal_label="登记述法",
        ),
        Transition(
            "rate", "评议", (Status.HELD,), rate, target=Status.RATED, form_class=f.RateForm
        ),
    ),
)

REVIEWS: Workflow[Statement] = Workflow(
    model=Statement,
    audit_prefix="statements",
    event_model=StatementEvent,
    event_fk="statement",
    noun="述法",
    authorize=authorize_review,
    transitions=(
        Transition(
            "approve",
            "审核通过",
            (Status.SUBMITTED,),
            approve,
            target=Status.APPROVED,
            form_class=f.ApproveForm,
            cap=Cap.REVIEW,
        ),
        Transition(
            "send_back",
            "退回修改",
            (Status.SUBMITTED,),
            send_back,
            target=Status.DRAFT,
            form_class=f.ReturnForm,
            cap=Cap.REVIEW,
            confirm="确定退回修改吗？",
        ),
    ),
)


def workflow_for(name: str) -> Workflow[Statement]:
    return REVIEWS if name in ("approve", "send_back") else STATEMENTS
