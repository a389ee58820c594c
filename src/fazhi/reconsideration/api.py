"""REST endpoints of the reconsideration app (under /api/v1/reconsideration/), scoped like the UI.

Reads and writes go through the same register as the screens (``views.cases``): the list
filters are the list page's, a transition's body is validated by the transition's form and
the service decides. Personal data is masked. Errors are Chinese (see ``fazhi.api``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Body, Router, Schema
from ninja import Status as Reply

from fazhi.core.api_auth import actor_of
from fazhi.core.api_paging import PageOut, api_page
from fazhi.core.audit import mask_text, mask_value
from fazhi.orgs.scoping import Actor
from fazhi.reconsideration.models import ReconsiderationCase
from fazhi.reconsideration.views import cases

router = Router(tags=["行政复议"])


class ReconsiderationCaseOut(Schema):
    id: int
    number: str
    authority: str
    unit_code: str
    unit_name: str
    respondent_code: str | None
    respondent_name: str
    applicant_kind: str
    applicant_name_masked: str
    received_on: dt.date
    channel: str
    act_category: str
    act_category_label: str
    status: str
    status_label: str
    procedure: str
    accepted_on: dt.date | None
    current_due: dt.date | None
    overdue: bool
    closed_on: dt.date | None
    outcome: str
    outcome_label: str
    closed_on_time: bool | None

    @staticmethod
    def fields_of(case: ReconsiderationCase) -> dict[str, Any]:
        return {
            "id": case.pk,
            "number": case.number,
            "authority": case.authority,
            "unit_code": case.unit.code,
            "unit_name": case.unit.name,
            "respondent_code": case.respondent.code if case.respondent else None,
            "respondent_name": case.respondent_display,
            "applicant_kind": case.applicant_kind,
            "applicant_name_masked": mask_value(case.applicant_name),
            "received_on": case.received_on,
            "channel": case.channel,
            "act_category": case.act_category,
            "act_category_label": case.get_act_category_display(),
            "status": case.status,
            "status_label": case.get_status_display(),
            "procedure": case.procedure,
            "accepted_on": case.accepted_on,
            "current_due": case.current_due,
            "overdue": case.is_overdue(timezone.localdate()),
            "closed_on": case.closed_on,
            "outcome": case.outcome,
            "outcome_label": case.get_outcome_display(),
            "closed_on_time": case.closed_on_time,
        }


class ReconsiderationCasePage(PageOut):
    items: list[ReconsiderationCaseOut]


class ReconsiderationEventOut(Schema):
    on: dt.date
    kind: str
    actor_name: str
    note: str


class ReconsiderationDeadlineOut(Schema):
    label: str
    due: dt.date | None
    basis: str
    done_on: dt.date | None
    running: bool
    overdue: bool
    state: str
    note: str


class SuspensionOut(Schema):
    ground: str
    ground_label: str
    suspended_on: dt.date
    resumed_on: dt.date | None
    note: str


class LetterOut(Schema):
    id: int
    kind: str
    kind_label: str
    recipient_code: str | None
    recipient_name: str
    issued_on: dt.date
    served_on: dt.date
    reply_due: dt.date
    replied_on: dt.date | None
    content: str
    reply_note: str


class ReconsiderationTransitionOut(Schema):
    name: str
    label: str


class ReconsiderationCaseDetailOut(ReconsiderationCaseOut):
    matter_masked: str
    review_due: dt.date | None
    correction_due: dt.date | None
    decision_due: dt.date | None
    suspended_days: int
    extension_days: int | None
    refusal_reason: str
    outcome_note: str
    events: list[ReconsiderationEventOut]
    deadlines: list[ReconsiderationDeadlineOut]
    suspensions: list[SuspensionOut]
    letters: list[LetterOut]
    transitions: list[ReconsiderationTransitionOut]

    @staticmethod
    def of(case: ReconsiderationCase, actor: Actor) -> ReconsiderationCaseDetailOut:
        today = timezone.localdate()
        return ReconsiderationCaseDetailOut(
            **ReconsiderationCaseOut.fields_of(case),
            matter_masked=mask_text(case.matter),
            review_due=case.review_due,
            correction_due=case.correction_due,
            decision_due=case.decision_due,
            suspended_days=case.suspended_days,
            extension_days=case.extension_days,
            refusal_reason=mask_text(case.refusal_reason),
            outcome_note=mask_text(case.outcome_note),
            events=[
                ReconsiderationEventOut(
                    on=e.on, kind=e.kind, actor_name=e.actor_name, note=mask_text(e.note)
                )
                for e in case.events.all()
            ],
            deadlines=[
                ReconsiderationDeadlineOut(**d.as_dict(today)) for d in cases.deadlines(case)
            ],
            suspensions=[
                SuspensionOut(
                    ground=s.ground,
                    ground_label=s.get_ground_display(),
                    suspended_on=s.suspended_on,
                    resumed_on=s.resumed_on,
                    note=mask_text(s.note),
                )
                for s in case.suspensions.all()
            ],
            letters=[
                LetterOut(
                    id=x.pk,
                    kind=x.kind,
                    kind_label=x.get_kind_display(),
                    recipient_code=x.recipient.code if x.recipient else None,
                    recipient_name=x.recipient_name,
                    issued_on=x.issued_on,
                    served_on=x.served_on,
                    reply_due=x.reply_due,
                    replied_on=x.replied_on,
                    content=mask_text(x.content),
                    reply_note=mask_text(x.reply_note),
                )
                for x in case.letters.select_related("recipient")
            ],
            transitions=[
                ReconsiderationTransitionOut(name=s.name, label=s.label)
                for s in cases.steps
                if cases.step_allowed(actor, case, s)
            ],
        )


def _fields_doc() -> str:
    lines = ["请求体为 JSON 对象，字段随办理事项而定（日期格式 YYYY-MM-DD，单位用单位编码）："]
    for step in cases.steps:
        names = "、".join(step.form_class.base_fields) or "（无）"
        lines.append(f"- `{step.name}` {step.label}：{names}")
    return "\n".join(lines)


@router.get("/cases", response=ReconsiderationCasePage, summary="行政复议案件列表")
def list_cases(
    request: HttpRequest,
    status: str | None = None,
    overdue: str | None = None,
    year: int | None = None,
    closed_year: int | None = None,
    unit: str | None = None,
    act_category: str | None = None,
    outcome: str | None = None,
    q: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> ReconsiderationCasePage:
    """筛选与列表页相同：status 状态，overdue=1 已逾期，year 收到年度，closed_year 结案年度，
    unit 单位编码（承办机构或被申请人在该单位及下级），q 检索案号、被申请人名称、申请事项。
    limit 每页条数（1–500，默认 50）、offset 起始位置。count 为符合条件的案件数，最多数到 10000：
    超过时 count 为 10000 且 count_capped 为 true（与列表页的“超过 10000 条”相同）。"""
    actor = actor_of(request)
    actor.require(cases.view_cap)
    page = api_page(cases.filtered(actor, request.GET), limit=limit, offset=offset)
    return ReconsiderationCasePage(
        **page.counts,
        items=[ReconsiderationCaseOut(**ReconsiderationCaseOut.fields_of(c)) for c in page.rows],
    )


@router.get(
    "/cases/{case_id}",
    response=ReconsiderationCaseDetailOut,
    summary="行政复议案件详情（含节点与期限）",
)
def get_case(request: HttpRequest, case_id: int) -> ReconsiderationCaseDetailOut:
    actor = actor_of(request)
    actor.require(cases.view_cap)
    return ReconsiderationCaseDetailOut.of(cases.get_object(actor, case_id), actor)


@router.post(
    "/cases", response={201: ReconsiderationCaseDetailOut}, summary="登记行政复议案件（收到申请）"
)
def create_case(
    request: HttpRequest, payload: Body[dict[str, Any]]
) -> Reply[ReconsiderationCaseDetailOut]:
    """字段：unit（承办机构编码，须为行政复议机构）、received_on、act_category（必填）、
    respondent（被申请人单位编码）或
    respondent_name、number（可留空自动编号）、authority、applicant_kind、applicant_name、
    applicant_id_number、applicant_phone、channel、matter。"""
    actor = actor_of(request)
    case = cases.create_from(actor, payload)
    return Reply(201, ReconsiderationCaseDetailOut.of(cases.get_object(actor, case.pk), actor))


@router.post(
    "/cases/{case_id}/transitions/{name}",
    response=ReconsiderationCaseDetailOut,
    summary="办理：状态变更、意见书制发与整改情况报送",
    description=_fields_doc(),
)
def transition(
    request: HttpRequest, case_id: int, name: str, payload: Body[dict[str, Any]]
) -> ReconsiderationCaseDetailOut:
    actor = actor_of(request)
    cases.perform(actor, cases.get_object(actor, case_id), name, payload)
    return ReconsiderationCaseDetailOut.of(cases.get_object(actor, case_id), actor)
