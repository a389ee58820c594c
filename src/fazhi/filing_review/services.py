"""Writes of the 备案审查 side: a citizen's 审查建议 (from the portal) and its handling.

The public submission has no logged-in user: it is written and audited as
:class:`PublicActor` (「门户网站（公众）」) for the receiving 备案审查机关. Personal data (name,
contact, text) is stored encrypted and masked in the history and the audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from fazhi.core.audit import snapshot
from fazhi.core.deadlines import Counting, add_days
from fazhi.core.selectors import calendar_data, province_code_of, rule_for
from fazhi.core.services import record_write
from fazhi.core.workflow import today as _today
from fazhi.filing_review import forms as f
from fazhi.filing_review.models import Channel, Suggestion, SuggestionEvent
from fazhi.filing_review.selectors import SUGGESTION_REPLY, authority_of, published_documents
from fazhi.filing_review.workflow import SUGGESTIONS
from fazhi.normative_docs.models import Document
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor

PUBLIC = "public"


@dataclass(frozen=True)
class PublicActor(Actor):
    """A member of the public on the portal (no account): recorded as 门户网站（公众）."""

    @property
    def name(self) -> str:
        return "门户网站（公众）"

    @property
    def role_label(self) -> str:
        return "公众"


def reply_due(received_on: dt.date, unit: OrgUnit) -> dt.date:
    """The 答复期限 of a suggestion received on ``received_on``
    (rule ``filing_review.suggestion_reply``)."""
    found = rule_for(SUGGESTION_REPLY, province=province_code_of(unit))
    return add_days(received_on, found.days, Counting(found.counting), calendar=calendar_data()).due


def _next_number(unit: OrgUnit, year: int) -> str:
    count = Suggestion.objects.filter(unit=unit, received_on__year=year).count()
    return f"审查建议〔{year}〕{count + 1}号"


@transaction.atomic
def suggestion_submit(
    *,
    document: Document,
    applicant_name: str,
    contact_phone: str,
    text: str,
    received_on: dt.date | None = None,
    channel: str = Channel.PORTAL,
) -> Suggestion:
    """A citizen's 审查建议 (法规规章备案审查条例 第12条) about a published ``document``; it lands
    in the register of :func:`~fazhi.filing_review.selectors.authority_of` the document, with
    its 答复期限. Refuses a document that is not published and empty or overlong fields."""
    if not published_documents().filter(pk=document.pk).exists():
        raise ValidationError({"document": "该文件尚未公布，不能提出审查建议"})
    name, contact, text = applicant_name.strip(), contact_phone.strip(), text.strip()
    errors: dict[str, str] = {}
    if not name or len(name) > f.NAME_MAX:
        errors["applicant_name"] = f"请填写姓名或单位名称（不超过 {f.NAME_MAX} 个字）"
    if not contact or len(contact) > f.CONTACT_MAX:
        errors["contact_phone"] = f"请填写联系方式（不超过 {f.CONTACT_MAX} 个字）"
    if not (f.TEXT_MIN <= len(text) <= f.TEXT_MAX):
        errors["text"] = f"审查建议的内容应为 {f.TEXT_MIN}–{f.TEXT_MAX} 个字"
    if errors:
        raise ValidationError(errors)
    received = received_on or _today()
    unit = authority_of(document)
    OrgUnit.objects.select_for_update().filter(pk=unit.pk).first()  # serialise the numbering
    suggestion = Suggestion.objects.create(
        unit=unit,
        document=document,
        number=_next_number(unit, received.year),
        channel=channel,
        received_on=received,
        applicant_name=name,
        contact_phone=contact,
        text=text,
        due_on=reply_due(received, unit),
    )
    actor = PublicActor(unit=unit, role=PUBLIC)
    SuggestionEvent.objects.create(
        case=suggestion, kind="收到", on=received, actor_name=actor.name, note=document.title
    )
    record_write(
        actor=actor,
        action="filing_review.suggestion.submit",
        obj=suggestion,
        before=None,
        after=snapshot(suggestion),
        summary=f"收到审查建议（{document.title}）",
    )
    return suggestion


def suggestion_study(*, actor: Actor, suggestion: Suggestion, studied_on: dt.date) -> Suggestion:
    """收到 → 研究处理."""
    done: Suggestion = SUGGESTIONS.run("study", actor=actor, obj=suggestion, studied_on=studied_on)
    return done


def suggestion_answer(
    *, actor: Actor, suggestion: Suggestion, answered_on: dt.date, result: str, reply: str
) -> Suggestion:
    """答复 (with date, result and reply)."""
    done: Suggestion = SUGGESTIONS.run(
        "answer", actor=actor, obj=suggestion, answered_on=answered_on, result=result, reply=reply
    )
    return done
