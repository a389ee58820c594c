"""Writes to the 人民调解 registers: 登记 here, every status change through the workflows.

Personal data (the parties' names, ID numbers and phones; a mediator's phone) is stored
encrypted and written to the history and the audit log masked (``core.audit`` masks every encrypted
field of a model, :func:`fazhi.core.audit.encrypted_field_names`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from fazhi.core import staging
from fazhi.core.audit import snapshot
from fazhi.core.services import record_write
from fazhi.core.workflow import check_date
from fazhi.core.workflow import today as _today
from fazhi.mediation import rules
from fazhi.mediation.models import (
    Case,
    CaseEvent,
    Committee,
    CommitteeEvent,
    CommitteeKind,
    CommitteeStatus,
    DisputeType,
    Mediator,
    MediatorEvent,
    MediatorKind,
    Source,
)
from fazhi.mediation.workflow import CASES, COMMITTEES, MEDIATORS, check_members
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope


# --- committees ---------------------------------------------------------------------------------
@transaction.atomic
def committee_register(
    *,
    actor: Actor,
    unit: OrgUnit,
    name: str,
    kind: str,
    director: str,
    members: int,
    term_start: dt.date,
    filed_on: dt.date | None = None,
) -> Committee:
    """Register a 人民调解委员会 of ``unit``; the term's end follows from the term length of
    the unit's province (第九条), the members must be within the bounds (第八条)."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(unit, actor)
    if not name.strip():
        raise ValidationError({"name": "请填写调委会名称"})
    if kind not in CommitteeKind.values:
        raise ValidationError({"kind": "请选择类型"})
    if not director.strip():
        raise ValidationError({"director": "请填写主任姓名"})
    check_date(term_start, "本届任期开始日期", field="term_start")
    if filed_on is not None:
        check_date(filed_on, "备案日期", field="filed_on")
    if staging.exists(Committee, unit=unit, name=name.strip()):
        raise ValidationError({"name": f"{unit.name}已登记“{name.strip()}”"})
    years, _, _ = rules.committee_rule(unit, term_start.year)
    committee = Committee(
        unit=unit,
        name=name.strip(),
        kind=kind,
        director=director.strip(),
        members=members,
        term_start=term_start,
        term_end=rules.term_end(term_start, years),
        filed_on=filed_on,
    )
    check_members(committee, members, term_start.year)
    staging.save_new(committee)
    staging.create(
        CommitteeEvent,
        committee=committee,
        kind="登记",
        on=term_start,
        actor_name=actor.name,
        note=f"任期至 {committee.term_end:%Y-%m-%d}",
    )
    record_write(
        actor=actor,
        action="mediation_committee.register",
        obj=committee,
        before=None,
        after=snapshot(committee),
        summary="登记人民调解委员会",
    )
    return committee


def committee_renew(
    *, actor: Actor, committee: Committee, term_start: dt.date, director: str, members: int
) -> Committee:
    """换届: a new term from ``term_start``; the committee is 在任 again."""
    done: Committee = COMMITTEES.run(
        "renew",
        actor=actor,
        obj=committee,
        term_start=term_start,
        director=director,
        members=members,
    )
    return done


def committee_expire(*, actor: Actor, committee: Committee) -> Committee:
    """任期届满, once the term's last day has passed."""
    done: Committee = COMMITTEES.run("expire", actor=actor, obj=committee)
    return done


def sweep(*, actor: Actor, today: dt.date | None = None) -> int:
    """任期届满 for every 在任 committee whose term ended before ``today`` (idempotent; one
    transaction per committee). Returns how many changed."""
    today = today or _today()
    due = Committee.objects.filter(status=CommitteeStatus.ACTIVE, term_end__lt=today)
    changed = 0
    for committee in due.select_related("unit").iterator():
        committee_expire(actor=actor, committee=committee)
        changed += 1
    return changed


# --- mediators ----------------------------------------------------------------------------------
@transaction.atomic
def mediator_register(
    *,
    actor: Actor,
    committee: Committee,
    name: str,
    kind: str,
    joined_on: dt.date,
    phone: str = "",
    last_trained_on: dt.date | None = None,
    trainings_this_year: int | None = None,
) -> Mediator:
    """Register a 人民调解员 of ``committee`` (in the actor's subtree)."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(committee.unit, actor)
    if not name.strip():
        raise ValidationError({"name": "请填写姓名"})
    if kind not in MediatorKind.values:
        raise ValidationError({"kind": "请选择专兼职"})
    check_date(joined_on, "聘任日期", field="joined_on")
    if last_trained_on is not None:
        check_date(last_trained_on, "最近培训日期", field="last_trained_on")
    mediator = staging.save_new(
        Mediator(
            committee=committee,
            unit=committee.unit,
            name=name.strip(),
            kind=kind,
            phone=phone.strip(),
            joined_on=joined_on,
            last_trained_on=last_trained_on,
            trainings_this_year=trainings_this_year or 0,
        )
    )
    staging.create(
        MediatorEvent,
        mediator=mediator,
        kind="聘任",
        on=joined_on,
        actor_name=actor.name,
        note=committee.name,
    )
    record_write(
        actor=actor,
        action="mediation_mediator.register",
        obj=mediator,
        before=None,
        after=snapshot(mediator),
        summary="登记人民调解员",
    )
    return mediator


def mediator_leave(*, actor: Actor, mediator: Mediator, left_on: dt.date) -> Mediator:
    """离任."""
    done: Mediator = MEDIATORS.run("leave", actor=actor, obj=mediator, left_on=left_on)
    return done


# --- cases --------------------------------------------------------------------------------------
def _next_number(committee: Committee, year: int) -> str:
    prefix = f"（{year}）调字第"
    used = Case.objects.filter(committee=committee, number__startswith=prefix).count()
    return f"{prefix}{used + 1}号"


@transaction.atomic
def case_receive(
    *,
    actor: Actor,
    committee: Committee,
    received_on: dt.date,
    source: str,
    dispute_type: DisputeType,
    applicant_name: str,
    respondent_name: str,
    number: str = "",
    applicant_id_number: str = "",
    applicant_phone: str = "",
    respondent_id_number: str = "",
    respondent_phone: str = "",
    mediators: str = "",
    summary: str = "",
    amount: int | None = None,
) -> Case:
    """受理 a dispute by ``committee`` (in the actor's subtree); the number is given or
    ``（年）调字第N号`` per committee and year."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(committee.unit, actor)
    check_date(received_on, "受理日期", field="received_on")
    if source not in Source.values:
        raise ValidationError({"source": "请选择纠纷来源"})
    if not applicant_name.strip():
        raise ValidationError({"applicant_name": "请填写申请方当事人"})
    if not respondent_name.strip():
        raise ValidationError({"respondent_name": "请填写对方当事人"})
    number = number.strip() or _next_number(committee, received_on.year)
    if staging.exists(Case, committee=committee, number=number):
        raise ValidationError({"number": f"{committee.name}已有编号为{number}的案件"})
    case = staging.save_new(
        Case(
            committee=committee,
            unit=committee.unit,
            number=number,
            received_on=received_on,
            source=source,
            dispute_type=dispute_type,
            dispute_code=dispute_type.code,
            applicant_name=applicant_name.strip(),
            applicant_id_number=applicant_id_number.strip(),
            applicant_phone=applicant_phone.strip(),
            respondent_name=respondent_name.strip(),
            respondent_id_number=respondent_id_number.strip(),
            respondent_phone=respondent_phone.strip(),
            mediators=mediators.strip(),
            summary=summary.strip(),
            amount=amount,
        )
    )
    staging.create(
        CaseEvent,
        case=case,
        kind="受理",
        on=received_on,
        actor_name=actor.name,
        note=f"{Source(source).label}，{dispute_type.name}",
    )
    record_write(
        actor=actor,
        action="mediation.register",
        obj=case,
        before=None,
        after=snapshot(case),
        summary=f"受理纠纷（{dispute_type.name}）",
    )
    return case


def case_step(*, actor: Actor, case: Case, step: str, **data: Any) -> Case:
    """Take the workflow step ``step`` (succeed, fail, terminate, report_police, perform,
    apply_confirmation, confirmation_result) with the step form's data."""
    done: Case = CASES.run(step, actor=actor, obj=case, **data)
    return done


def case_succeed(
    *,
    actor: Actor,
    case: Case,
    agreement_kind: str,
    agreement_on: dt.date,
    terms: str,
    performance_due: dt.date | None = None,
) -> Case:
    """调解成功 with a written or oral agreement (第二十八条至第三十条)."""
    return case_step(
        actor=actor,
        case=case,
        step="succeed",
        agreement_kind=agreement_kind,
        agreement_on=agreement_on,
        terms=terms,
        performance_due=performance_due,
    )


def case_apply_confirmation(*, actor: Actor, case: Case, applied_on: dt.date, court: str) -> Case:
    """申请司法确认 dated within the period of 第三十三条 (``confirmation_due``); a later
    ``applied_on`` is refused on that field, whenever the application is recorded."""
    return case_step(
        actor=actor, case=case, step="apply_confirmation", applied_on=applied_on, court=court
    )
