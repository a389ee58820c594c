"""REST endpoints of the reconsideration app (under /api/v1/reconsideration/), scoped like the UI.

The list, detail, 登记 and transition endpoints are generated from the register
(``views.cases``) by :func:`fazhi.core.api_kit.register_routes`: the list filters are the list
page's, a transition's body is validated by its form and the workflow decides. This module
keeps only the register's own schemas. Personal data is masked; errors are Chinese.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja import Router, Schema

from fazhi.core.api_kit import (
    DeadlineOut,
    EventOut,
    RegisterApi,
    TransitionOut,
    common_detail,
    register_routes,
)
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
    days_suspended: int | None
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
            "days_suspended": case.days_suspended(timezone.localdate()),
            "procedure": case.procedure,
            "accepted_on": case.accepted_on,
            "current_due": case.current_due,
            "overdue": case.is_overdue(timezone.localdate()),
            "closed_on": case.closed_on,
            "outcome": case.outcome,
            "outcome_label": case.get_outcome_display(),
            "closed_on_time": case.closed_on_time,
        }


class SuspensionOut(Schema):
    ground: str
    ground_label: str
    suspended_on: dt.date
    resumed_on: dt.date | None
    days: int
    limit_due: dt.date | None
    past_limit: bool
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


class ReconsiderationCaseDetailOut(ReconsiderationCaseOut):
    matter_masked: str
    review_due: dt.date | None
    correction_due: dt.date | None
    decision_due: dt.date | None
    suspended_days: int
    extension_days: int | None
    refusal_reason: str
    outcome_note: str
    withdrawn_on: dt.date | None
    known_on: dt.date | None
    application_due: dt.date | None
    filed_late: bool
    forwarded_on: dt.date | None
    transfer_due: dt.date | None
    transferred_late: bool
    hearing_on: dt.date | None
    hearing_notice_due: dt.date | None
    hearing_notified_on: dt.date | None
    incidental_mode: str
    incidental_due: dt.date | None
    incidental_done_on: dt.date | None
    decision_served_on: dt.date | None
    sue_due: dt.date | None
    termination_prompt: str
    events: list[EventOut]
    deadlines: list[DeadlineOut]
    suspensions: list[SuspensionOut]
    letters: list[LetterOut]
    transitions: list[TransitionOut]

    @staticmethod
    def of(case: ReconsiderationCase, actor: Actor) -> ReconsiderationCaseDetailOut:
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
            withdrawn_on=case.withdrawn_on,
            known_on=case.known_on,
            application_due=case.application_due,
            filed_late=case.filed_late,
            forwarded_on=case.forwarded_on,
            transfer_due=case.transfer_due,
            transferred_late=case.transferred_late,
            hearing_on=case.hearing_on,
            hearing_notice_due=case.hearing_notice_due,
            hearing_notified_on=case.hearing_notified_on,
            incidental_mode=case.incidental_mode,
            incidental_due=case.incidental_due,
            incidental_done_on=case.incidental_done_on,
            decision_served_on=case.decision_served_on,
            sue_due=case.sue_due,
            termination_prompt=case.termination_prompt,
            **common_detail(cases, case, actor),
            suspensions=[
                SuspensionOut(
                    ground=s.ground,
                    ground_label=s.get_ground_display(),
                    suspended_on=s.suspended_on,
                    resumed_on=s.resumed_on,
                    days=s.days_so_far,
                    limit_due=s.limit_due,
                    past_limit=s.is_past_limit,
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
        )


register_routes(
    router,
    cases,
    RegisterApi(
        item=ReconsiderationCaseOut,
        detail=ReconsiderationCaseDetailOut,
        noun="行政复议案件",
        create_summary="登记行政复议案件（收到申请）",
        create_doc=(
            "字段：unit（承办机构编码，须为行政复议机构）、received_on、act_category（必填）、"
            "respondent（被申请人单位编码）或 respondent_name、number（可留空自动编号）、"
            "authority、applicant_kind、applicant_name、applicant_id_number、applicant_phone、"
            "channel、matter、known_on（知道或者应当知道行政行为日期，第二十条）、late_reason、"
            "forwarded_on（作出处罚决定的机关收到申请日期，第三十二条）。"
        ),
        transitions_summary="办理：状态变更、意见书制发与整改情况报送",
        # 延长天数: the form caps it by the province's rule (第六十二条: 30日); never past a year.
        bounds={"days": (1, 365)},
        filter_doc={
            "overdue": "1 已逾期，0 未逾期（在办案件）",
            "unit": "单位编码：承办机构或被申请人在该单位及下级",
        },
    ),
)
