"""REST endpoints of the 执法主体 and 执法人员 registers (under /api/v1/enforcement/), generated
by the kit: list (one query parameter per list filter), detail, 登记 and one endpoint per step
(权责清单 增加/删除; the 执法证 transitions), all through the registers (scope, forms, workflow).
ID numbers never leave the server in full (masked)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Router, Schema

from fazhi.core.api_kit import (
    DeadlineOut,
    EventOut,
    RegisterApi,
    TransitionOut,
    common_detail,
    register_routes,
)
from fazhi.core.workflow import today
from fazhi.enforcement.models import Officer, Subject
from fazhi.enforcement.selectors import light
from fazhi.enforcement.services import masked_id
from fazhi.enforcement.views import officers, subjects
from fazhi.orgs.scoping import Actor

router = Router(tags=["行政执法主体与人员"])


class EnforcementSubjectOut(Schema):
    id: int
    name: str
    unit_code: str
    unit_name: str
    kind: str
    kind_label: str
    categories: list[str]
    active: bool

    @staticmethod
    def fields_of(subject: Subject) -> dict[str, Any]:
        return {
            "id": subject.pk,
            "name": subject.name,
            "unit_code": subject.unit.code,
            "unit_name": subject.unit.name,
            "kind": subject.kind,
            "kind_label": subject.get_kind_display(),
            "categories": list(subject.categories or []),
            "active": subject.active,
        }


class EnforcementDutyOut(Schema):
    id: int
    name: str
    category: str
    basis: str


class EnforcementSubjectDetailOut(EnforcementSubjectOut):
    legal_basis: str
    note: str
    duties: list[EnforcementDutyOut]
    events: list[EventOut]
    deadlines: list[DeadlineOut]
    transitions: list[TransitionOut]

    @staticmethod
    def of(subject: Subject, actor: Actor) -> EnforcementSubjectDetailOut:
        return EnforcementSubjectDetailOut(
            **EnforcementSubjectOut.fields_of(subject),
            legal_basis=subject.legal_basis,
            note=subject.note,
            duties=[
                EnforcementDutyOut(id=d.pk, name=d.name, category=d.category, basis=d.basis)
                for d in subject.duties.all()
            ],
            **common_detail(subjects, subject, actor),
        )


class EnforcementOfficerOut(Schema):
    id: int
    name: str
    unit_code: str
    unit_name: str
    subject_id: int | None
    subject_name: str
    post: str
    on_staff: bool
    cert_number: str
    cert_issued_on: dt.date | None
    cert_expires_on: dt.date | None
    status: str
    status_label: str
    warning: str
    on_duty: bool
    legal_reviewer: bool

    @staticmethod
    def fields_of(officer: Officer) -> dict[str, Any]:
        return {
            "id": officer.pk,
            "name": officer.name,
            "unit_code": officer.unit.code,
            "unit_name": officer.unit.name,
            "subject_id": officer.subject_id,
            "subject_name": officer.subject.name if officer.subject else "",
            "post": officer.post,
            "on_staff": officer.on_staff,
            "cert_number": officer.cert_number,
            "cert_issued_on": officer.cert_issued_on,
            "cert_expires_on": officer.cert_expires_on,
            "status": officer.status,
            "status_label": officer.get_status_display(),
            "warning": light(officer, today())[1],
            "on_duty": officer.on_duty,
            "legal_reviewer": officer.legal_reviewer,
        }


class EnforcementRegistrationOut(Schema):
    year: int
    registered_on: dt.date
    note: str


class EnforcementOfficerDetailOut(EnforcementOfficerOut):
    id_number: str
    categories: list[str]
    legal_qualification: bool
    hearing_host: bool
    applied_on: dt.date | None
    qualified_on: dt.date | None
    exam_on: dt.date | None
    suspended_on: dt.date | None
    suspend_reason: str
    cancelled_on: dt.date | None
    cancel_reason: str
    end_note: str
    note: str
    registrations: list[EnforcementRegistrationOut]
    events: list[EventOut]
    deadlines: list[DeadlineOut]
    transitions: list[TransitionOut]

    @staticmethod
    def of(officer: Officer, actor: Actor) -> EnforcementOfficerDetailOut:
        return EnforcementOfficerDetailOut(
            **EnforcementOfficerOut.fields_of(officer),
            id_number=masked_id(officer),
            categories=list(officer.categories or []),
            legal_qualification=officer.legal_qualification,
            hearing_host=officer.hearing_host,
            applied_on=officer.applied_on,
            qualified_on=officer.qualified_on,
            exam_on=officer.exam_on,
            suspended_on=officer.suspended_on,
            suspend_reason=officer.suspend_reason,
            cancelled_on=officer.cancelled_on,
            cancel_reason=officer.cancel_reason,
            end_note=officer.end_note,
            note=officer.note,
            registrations=[
                EnforcementRegistrationOut(year=r.year, registered_on=r.registered_on, note=r.note)
                for r in officer.registrations.all()
            ],
            **common_detail(officers, officer, actor),
        )


CATEGORY_DOC = (
    "执法类别（名称或编码，“、”分隔）：license 许可、penalty 处罚、coercion 强制、levy 征收、"
    "requisition 征用、inspection 检查、ruling 裁决、benefit 给付、confirmation 确认、award 奖励"
)

register_routes(
    router,
    subjects,
    RegisterApi(
        item=EnforcementSubjectOut,
        detail=EnforcementSubjectDetailOut,
        noun="执法主体",
        path="/subjects",
        id_name="subject_id",
        create_doc="字段：unit（所属单位编码）、name、kind（statutory 法定行政机关/authorised "
        "法律法规授权组织/entrusted 受委托组织）、legal_basis、categories（"
        + CATEGORY_DOC
        + "）、note。",
        transitions_summary="权责清单：duty_add 增加（name、category、basis），"
        "duty_remove 删除（duty）",
    ),
)

register_routes(
    router,
    officers,
    RegisterApi(
        item=EnforcementOfficerOut,
        detail=EnforcementOfficerDetailOut,
        noun="执法人员",
        path="/officers",
        id_name="officer_id",
        create_doc="字段：unit（所在单位编码）、subject（执法主体 id）、name、"
        "id_number（加密保存）、post、on_staff（在编，默认是）、categories（"
        + CATEGORY_DOC
        + "）、legal_qualification、"
        "legal_reviewer、hearing_host、applied_on（申领日期）、note。",
        transitions_summary="执法证办理：qualify 资格审查通过（qualified_on），exam_pass 考试合格"
        "（exam_on），exam_fail 考试不合格（exam_on、note），issue 发证（cert_number、issued_on），"
        "register_year 年度注册（registered_on、note），"
        "renew 换证（exam_on、issued_on、cert_number），"
        "suspend 暂扣（suspended_on、reason），restore 恢复（restored_on），"
        "cancel 注销（cancelled_on、"
        "reason：transfer/retired/failed/other、note），reapply 重新申领（applied_on）",
    ),
)
