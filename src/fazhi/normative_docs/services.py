"""Writes to the 规范性文件 register: 登记 and 历史文件导入 here, every status change through the
workflow (:data:`fazhi.normative_docs.workflow.DOCUMENTS`), 清理 through ``CAMPAIGNS``.

Sending a document for 合法性审核 registers the item in the legality register through
:func:`fazhi.legality.services.review_register` (or links an existing review); 公布 is refused by
the legality gate unless the review concluded 合法 or 修改后合法.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from fazhi.core import staging
from fazhi.core.audit import snapshot
from fazhi.core.services import record_write
from fazhi.core.workflow import check_date
from fazhi.core.workflow import today as _today
from fazhi.normative_docs import rules
from fazhi.normative_docs.models import (
    Campaign,
    CampaignEvent,
    CampaignItem,
    Document,
    DocumentEvent,
    Filing,
    FilingResult,
    Status,
)
from fazhi.normative_docs.selectors import shown_q
from fazhi.normative_docs.workflow import CAMPAIGNS, DOCUMENTS, filing_targets, open_filings
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope, unit_in_scope


def _check_replaces(unit: OrgUnit, replaces: Document | None, actor: Actor) -> None:
    if replaces is None:
        return
    if not unit_in_scope(replaces.unit, actor):
        raise ValidationError({"replaces": "被替代的文件不在您的管辖范围内"})
    if replaces.status != Status.PUBLISHED:
        raise ValidationError({"replaces": f"《{replaces.title}》不是现行文件，不能被修改重发"})
    if staging.exists(Document, replaces=replaces):
        raise ValidationError({"replaces": f"《{replaces.title}》已有修改重发的新文件"})


@transaction.atomic
def document_register(
    *,
    actor: Actor,
    unit: OrgUnit,
    title: str,
    drafted_on: dt.date,
    drafting_office: str = "",
    affects_rights: bool = True,
    replaces: Document | None = None,
) -> Document:
    """登记 a draft 规范性文件 of ``unit`` (in the actor's subtree). A title with 暂行/试行 makes
    it a trial document (shorter 有效期). ``replaces``: the 现行 document this one revises and
    re-issues (修改重发) — it is marked 已修改重发 when this one is published."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(unit, actor)
    title = title.strip()
    if not title:
        raise ValidationError({"title": "请填写文件名称"})
    check_date(drafted_on, "起草日期", field="drafted_on")
    _check_replaces(unit, replaces, actor)
    doc = staging.save_new(
        Document(
            unit=unit,
            title=title,
            trial=rules.is_trial_title(title),
            drafted_on=drafted_on,
            drafting_office=drafting_office.strip(),
            affects_rights=bool(affects_rights),
            replaces=replaces,
        )
    )
    note = f"修改重发《{replaces.title}》" if replaces else doc.drafting_office
    staging.create(
        DocumentEvent, document=doc, kind="起草", on=drafted_on, actor_name=actor.name, note=note
    )
    record_write(
        actor=actor,
        action="normative_docs.register",
        obj=doc,
        before=None,
        after=snapshot(doc),
        summary="登记规范性文件（起草）",
    )
    return doc


def _split_names(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[、,，;；/\n]+", text) if p.strip()]


@transaction.atomic
def document_import(
    *,
    actor: Actor,
    unit: OrgUnit,
    title: str,
    doc_number: str,
    published_on: dt.date,
    effective_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    register_no: str = "",
    filed_on: dt.date | None = None,
    filing_authority: str = "",
    filing_result: str = "",
    result_on: dt.date | None = None,
    affects_rights: bool = True,
    **_ignored: Any,
) -> Document:
    """Record an already-published (historical) document, e.g. from an Excel register: the
    document is moved by the declared 登记已公布文件 step (never offered on screens or the
    API; it has no 合法性审核 in this system, so it counts as not reviewed), its filings are
    opened as for a 公布, and 报送备案日期 / 备案结果 are recorded on the filings named in
    ``filing_authority`` (all of them when blank)."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(unit, actor)
    title, doc_number = title.strip(), doc_number.strip()
    if not title:
        raise ValidationError({"title": "请填写文件名称"})
    if not doc_number:
        raise ValidationError({"doc_number": "请填写文号"})
    check_date(published_on, "公布日期", field="published_on")
    if staging.exists(Document, unit=unit, doc_number=doc_number):
        raise ValidationError({"doc_number": f"文号“{doc_number}”已被本单位其他文件使用"})
    effective_from = effective_from or rules.default_effective_from(published_on)
    if effective_from < published_on:
        raise ValidationError({"effective_from": "施行日期不能早于公布日期"})
    trial = rules.is_trial_title(title)
    valid_until = valid_until or rules.default_valid_until(unit, effective_from, trial=trial)
    if valid_until < effective_from:
        raise ValidationError({"valid_until": "有效期至不能早于施行日期"})
    if filing_result and filing_result not in FilingResult.values:
        raise ValidationError({"filing_result": "备案结果应为备案登记、暂缓备案登记或不予备案登记"})
    if filing_result and filed_on is None:
        raise ValidationError({"filed_on": "有备案结果的，请填写报送备案日期"})
    if filed_on is not None:
        check_date(
            filed_on,
            "报送备案日期",
            not_before=published_on,
            after_label="公布日期",
            field="filed_on",
        )
    targets = filing_targets(unit)
    wanted = _split_names(filing_authority)
    for name in wanted:
        if not any(name in t[2] or t[2] in name for t in targets):
            allowed = "、".join(t[2] for t in targets)
            raise ValidationError(
                {"filing_authority": f"“{name}”不是{unit.name}的备案机关（应为：{allowed}）"}
            )
    doc = Document(
        unit=unit,
        title=title,
        trial=trial,
        drafted_on=published_on,
        affects_rights=bool(affects_rights),
        register_no=register_no.strip(),
        doc_number=doc_number,
        unified_print=True,
        published_on=published_on,
        effective_from=effective_from,
        valid_until=valid_until,
    )
    DOCUMENTS.advance(doc, "record_published")
    staging.save_new(doc)
    staging.create(
        DocumentEvent,
        document=doc,
        kind="公布",
        on=published_on,
        actor_name=actor.name,
        note=f"{doc_number}（导入的已公布文件）",
    )
    for filing in open_filings(doc):
        chosen = not wanted or any(
            n in filing.authority_name or filing.authority_name in n for n in wanted
        )
        if not chosen or filed_on is None:
            continue
        filing.submitted_on = filed_on
        filing.submitted_on_time = filed_on <= filing.due_on
        if filing_result:
            filing.result = filing_result
            filing.result_on = result_on or filed_on
            if filing_result == FilingResult.SUSPENDED:
                filing.correction_due = rules.due(rules.CORRECTION, unit, filing.result_on)
        staging.save(filing)
    record_write(
        actor=actor,
        action="normative_docs.import",
        obj=doc,
        before=None,
        after=snapshot(doc),
        summary="登记已公布的规范性文件（导入）",
    )
    return doc


def _run(name: str, actor: Actor, doc: Document, **data: Any) -> Document:
    done: Document = DOCUMENTS.run(name, actor=actor, obj=doc, **data)
    return done


def document_consult(*, actor: Actor, document: Document, **data: Any) -> Document:
    """征求意见 (consult_start, consult_end, consult_method, consult_short_reason)."""
    return _run("consult", actor, document, **data)


def document_send_review(*, actor: Actor, document: Document, **data: Any) -> Document:
    """送合法性审核 (sent_on; review_unit or an existing ``review``)."""
    return _run("send_review", actor, document, **data)


def document_deliberate(*, actor: Actor, document: Document, **data: Any) -> Document:
    """集体审议 (meeting, deliberated_on); refused while the review is not concluded."""
    return _run("deliberate", actor, document, **data)


def document_publish(*, actor: Actor, document: Document, **data: Any) -> Document:
    """签署公布 (register_no, doc_number, published_on, unified_print, effective_from,
    valid_until); refused without a lawful review; opens the filings."""
    return _run("publish", actor, document, **data)


def document_submit_filing(*, actor: Actor, document: Document, **data: Any) -> Document:
    return _run("submit_filing", actor, document, **data)


def document_record_result(*, actor: Actor, document: Document, **data: Any) -> Document:
    return _run("record_result", actor, document, **data)


def document_correct_filing(*, actor: Actor, document: Document, **data: Any) -> Document:
    return _run("correct_filing", actor, document, **data)


def document_rectify(*, actor: Actor, document: Document, **data: Any) -> Document:
    return _run("rectify", actor, document, **data)


def document_repeal(
    *, actor: Actor, document: Document, ended_on: dt.date, reason: str
) -> Document:
    return _run("repeal", actor, document, ended_on=ended_on, reason=reason)


def document_invalidate(
    *, actor: Actor, document: Document, ended_on: dt.date, reason: str
) -> Document:
    return _run("invalidate", actor, document, ended_on=ended_on, reason=reason)


def document_expire(*, actor: Actor, document: Document) -> Document:
    """有效期届满: the stored status follows what is already shown (the sweep takes it)."""
    return _run("expire", actor, document)


def sweep(*, actor: Actor, today: dt.date | None = None) -> int:
    """有效期届满 for every published document whose 有效期 ended before ``today``. Idempotent;
    each document its own transaction. Returns how many changed."""
    today = today or _today()
    due = Document.objects.filter(status=Status.PUBLISHED, valid_until__lt=today)
    changed = 0
    for doc in due.select_related("unit").iterator():
        document_expire(actor=actor, document=doc)
        changed += 1
    return changed


# --- 清理 ------------------------------------------------------------------------------------
@transaction.atomic
def campaign_create(
    *,
    actor: Actor,
    unit: OrgUnit,
    name: str,
    held_on: dt.date,
    documents: Iterable[Document] | None = None,
) -> Campaign:
    """A dated 清理 of ``unit``: the chosen ``documents``, or (None) every document in force
    on ``held_on`` in the unit's subtree."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(unit, actor)
    if not name.strip():
        raise ValidationError({"name": "请填写清理名称"})
    check_date(held_on, "清理日期", field="held_on")
    if documents is None:
        chosen = list(
            Document.objects.filter(unit__path__startswith=unit.path)
            .filter(shown_q("in_force", held_on))
            .order_by("published_on", "id")
        )
    else:
        chosen = list(documents)
    for doc in chosen:
        if not doc.unit.path.startswith(unit.path):
            raise ValidationError({"documents": f"《{doc.title}》不是本单位或下级单位的文件"})
    if not chosen:
        raise ValidationError({"name": "清理范围内没有现行有效的文件"})
    campaign = Campaign.objects.create(unit=unit, name=name.strip(), held_on=held_on)
    CampaignItem.objects.bulk_create(
        [
            CampaignItem(
                campaign=campaign,
                document=d,
                unit=d.unit,
                held_on=held_on,
                unit_d0=d.unit_d0,
                unit_d1=d.unit_d1,
                unit_d2=d.unit_d2,
                unit_d3=d.unit_d3,
                unit_d4=d.unit_d4,
            )
            for d in chosen
        ]
    )
    CampaignEvent.objects.create(
        campaign=campaign,
        kind="启动清理",
        on=held_on,
        actor_name=actor.name,
        note=f"清理范围 {len(chosen)} 件",
    )
    record_write(
        actor=actor,
        action="normative_docs.cleanup.create",
        obj=campaign,
        before=None,
        after=snapshot(campaign),
        summary=f"启动规范性文件清理（{len(chosen)} 件）",
    )
    return campaign


def campaign_decide(
    *, actor: Actor, campaign: Campaign, item: CampaignItem, outcome: str, reason: str
) -> Campaign:
    done: Campaign = CAMPAIGNS.run(
        "decide", actor=actor, obj=campaign, item=item, outcome=outcome, reason=reason
    )
    return done


def campaign_apply(*, actor: Actor, campaign: Campaign, applied_on: dt.date) -> Campaign:
    """公布清理结果: 宣布失效或废止 → the documents are declared invalid; 继续有效 and 修改后重新
    发布 are recorded on each document's timeline."""
    done: Campaign = CAMPAIGNS.run("apply", actor=actor, obj=campaign, applied_on=applied_on)
    return done


def filing_unit_of(filing: Filing) -> OrgUnit:
    return filing.unit
