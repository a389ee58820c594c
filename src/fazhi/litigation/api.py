"""REST endpoints of the litigation app (under /api/v1/litigation/), scoped like the UI.

Reads and writes go through the same registers as the screens (``views.cases`` …): list
filters are the list page's; a hearing or a result is validated by its form, then the
service decides. Personal data is masked. Errors are Chinese (see ``fazhi.api``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja import Status as Reply
from pydantic import Field

from fazhi.core.api_auth import actor_of
from fazhi.core.api_errors import RecordId, body_doc, merge_extra, responses
from fazhi.core.api_kit import (
    DeadlineOut,
    EventOut,
    RegisterApi,
    TransitionOut,
    common_detail,
    register_routes,
    run_step,
    step_body,
)
from fazhi.core.audit import mask_text, mask_value
from fazhi.core.dates import MAX_YEAR, MIN_YEAR
from fazhi.litigation.models import JudicialSuggestion, LitigationCase
from fazhi.litigation.views import cases, suggestions
from fazhi.orgs.scoping import Actor

router = Router(tags=["行政应诉"])


class LitigationCaseOut(Schema):
    id: int
    number: str
    court: str
    level: str
    level_label: str
    unit_code: str
    unit_name: str
    plaintiff_name_masked: str
    cause: str
    act_category: str
    filed_on: dt.date
    status: str
    status_label: str
    hearing_count: int
    head_appeared: bool
    judged_on: dt.date | None
    result: str
    result_label: str
    is_loss: bool
    complaint_received_on: dt.date | None
    defence_due: dt.date | None
    defence_filed_on: dt.date | None
    served_on: dt.date | None
    appeal_due: dt.date | None
    appeal_decision: str
    overdue: bool

    @staticmethod
    def fields_of(case: LitigationCase) -> dict[str, Any]:
        return {
            "id": case.pk,
            "number": case.number,
            "court": case.court,
            "level": case.level,
            "level_label": case.get_level_display(),
            "unit_code": case.unit.code,
            "unit_name": case.unit.name,
            "plaintiff_name_masked": mask_value(case.plaintiff_name),
            "cause": mask_text(case.cause),
            "act_category": case.act_category,
            "filed_on": case.filed_on,
            "status": case.status,
            "status_label": case.get_status_display(),
            "hearing_count": case.hearing_count,
            "head_appeared": case.head_appeared,
            "judged_on": case.judged_on,
            "result": case.result,
            "result_label": case.get_result_display(),
            "is_loss": case.is_loss,
            "complaint_received_on": case.complaint_received_on,
            "defence_due": case.defence_due,
            "defence_filed_on": case.defence_filed_on,
            "served_on": case.served_on,
            "appeal_due": case.appeal_due,
            "appeal_decision": case.appeal_decision,
            "overdue": case.is_overdue(timezone.localdate()),
        }


class HearingOut(Schema):
    held_on: dt.date
    head_appeared: bool
    head_name: str
    head_post: str
    head_category: str
    absence_reason: str
    staff_appeared: bool


class SuggestionOut(Schema):
    id: int
    case_id: int | None
    unit_code: str
    court: str
    received_on: dt.date
    content: str
    reply_due: dt.date | None
    replied_on: dt.date | None
    reply_note: str
    overdue: bool

    @staticmethod
    def of(row: JudicialSuggestion) -> SuggestionOut:
        return SuggestionOut(
            id=row.pk,
            case_id=row.case_id,
            unit_code=row.unit.code,
            court=row.court,
            received_on=row.received_on,
            content=mask_text(row.content),
            reply_due=row.reply_due,
            replied_on=row.replied_on,
            reply_note=mask_text(row.reply_note),
            overdue=row.is_overdue(timezone.localdate()),
        )


class LitigationCaseDetailOut(LitigationCaseOut):
    result_note: str
    first_hearing_on: dt.date | None
    reconsideration_id: int | None
    hearings: list[HearingOut]
    events: list[EventOut]
    deadlines: list[DeadlineOut]
    suggestions: list[SuggestionOut]
    transitions: list[TransitionOut]

    @staticmethod
    def of(case: LitigationCase, actor: Actor) -> LitigationCaseDetailOut:
        rows = list(case.suggestions.select_related("unit"))
        return LitigationCaseDetailOut(
            **LitigationCaseOut.fields_of(case),
            result_note=mask_text(case.result_note),
            first_hearing_on=case.first_hearing_on,
            reconsideration_id=case.reconsideration_id,
            hearings=[
                HearingOut(
                    held_on=h.held_on,
                    head_appeared=h.head_appeared,
                    head_name=h.head_name,
                    head_post=h.head_post,
                    head_category=h.head_category,
                    absence_reason=h.absence_reason,
                    staff_appeared=h.staff_appeared,
                )
                for h in case.hearings.all()
            ],
            **common_detail(cases, case, actor),
            suggestions=[SuggestionOut.of(s) for s in rows],
        )


register_routes(
    router,
    cases,
    RegisterApi(
        item=LitigationCaseOut,
        detail=LitigationCaseDetailOut,
        noun="行政应诉案件",
        detail_summary="行政应诉案件详情（含庭审与节点）",
        create_doc=(
            "字段：unit（被告单位编码）、number、court、level（first/second/retrial）、filed_on、"
            "plaintiff_name、cause、act_category、reconsideration（关联复议案件 id，须为本人可见的"
            "复议案件，可省略）。"
        ),
        transitions_summary="办理：add_hearing 登记开庭，close 结案（judged_on、result、note）",
        filter_doc={"loss": "1 败诉，0 未败诉", "head": "1 负责人出庭，0 开庭但负责人未出庭"},
    ),
)


HEARING_BODY = step_body(cases, "add_hearing")
_HEARING_DOC = responses({201: LitigationCaseDetailOut}, 400, 401, 403, 404, 422)


@router.post(
    "/cases/{case_id}/hearings",
    response=_HEARING_DOC["response"],
    summary="登记开庭",
    openapi_extra=merge_extra(_HEARING_DOC["openapi_extra"], body_doc(HEARING_BODY)),
)
def add_hearing(request: HttpRequest, case_id: RecordId) -> Reply[LitigationCaseDetailOut]:
    """字段：held_on、head_appeared（true/false）、head_name、head_post、head_category
    （principal/deputy/other_in_charge）、absence_reason（未出庭时必填）、staff_appeared。"""
    actor, case = run_step(request, cases, case_id, "add_hearing", HEARING_BODY)
    return Reply(201, LitigationCaseDetailOut.of(case, actor))


class SuggestionFilters(Schema):
    state: Literal["pending", "overdue", "replied"] | None = Field(
        None, description="pending 待答复、overdue 逾期未答复、replied 已答复"
    )
    year: int | None = Field(None, ge=MIN_YEAR, le=MAX_YEAR, description="收到年度")
    unit: str | None = Field(None, max_length=64, description="单位编码：收到单位在该单位及下级")
    q: str | None = Field(None, max_length=100, description="检索：发出法院、建议内容")


@router.get(
    "/suggestions",
    summary="司法建议列表",
    **responses({200: list[SuggestionOut]}, 401, 403, 422),
)
def list_suggestions(
    request: HttpRequest, filters: Query[SuggestionFilters]
) -> list[SuggestionOut]:
    """最多 500 条，按列表页的顺序。"""
    actor = actor_of(request)
    actor.require(suggestions.view_cap)
    params = {k: str(v) for k, v in filters.model_dump(exclude_none=True).items()}
    return [SuggestionOut.of(s) for s in suggestions.filtered(actor, params)[:500]]
