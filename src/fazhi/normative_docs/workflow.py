"""The 规范性文件 state machine (and the 清理 campaign's), declared once.

起草 —征求意见→ 征求意见 —送合法性审核→ 合法性审核 —集体审议→ 已集体审议 —公布→ 已公布; then
失效 (有效期届满, taken by the daily sweep), 废止, 宣布失效, or 已修改重发 (when the document that
replaces it is published). The 备案 steps (报送, 结果, 补正, 纠错) and the 清理 marks are steps
inside 已公布. The 公布 gate is :func:`fazhi.legality.gates.lawful_review_problem` — the one
place where "no issuing without a 合法 / 修改后合法 conclusion" is written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from fazhi.core import staging
from fazhi.core.workflow import Change, Transition, Workflow, check_date
from fazhi.normative_docs import forms as f
from fazhi.normative_docs import rules
from fazhi.normative_docs.models import (
    AuthorityKind,
    Campaign,
    CampaignEvent,
    CampaignItem,
    CampaignStatus,
    Document,
    DocumentEvent,
    Filing,
    FilingResult,
    Outcome,
    Status,
)
from fazhi.orgs.models import OrgUnit, UnitKind
from fazhi.orgs.scoping import Actor, unit_in_scope

GOVERNMENT_KINDS = (UnitKind.GOVERNMENT, UnitKind.TOWNSHIP)


def authorize(actor: Actor, doc: Document) -> None:
    """The 制定机关's subtree moves its documents; a 备案机关 records the filing steps (the
    capability is the transition's)."""
    if unit_in_scope(doc.unit, actor):
        return
    received = Filing.objects.filter(document=doc, authority__path__startswith=actor.unit.path)
    if not received.exists():
        raise PermissionDenied(f"规范性文件“{doc.title}”不在您的管辖范围内")


# --- 征求意见 -------------------------------------------------------------------------------
def consult(
    doc: Document,
    *,
    actor: Actor,
    consult_start: dt.date,
    consult_end: dt.date,
    consult_method: str = "",
    consult_short_reason: str = "",
) -> Change:
    check_date(
        consult_start,
        "征求意见开始日期",
        not_before=doc.drafted_on,
        after_label="起草日期",
        field="consult_start",
    )
    if consult_end <= consult_start:
        raise ValidationError({"consult_end": "征求意见截止日期应晚于开始日期"})
    min_end = rules.due(rules.CONSULTATION, doc.unit, consult_start)
    reason = consult_short_reason.strip()
    if doc.affects_rights and consult_end < min_end and not reason:
        days = rules.rule_days(rules.CONSULTATION, doc.unit)
        raise ValidationError(
            {
                "consult_short_reason": "涉及公民、法人和其他组织权利义务的文件，"
                f"征求意见期一般不少于{days}日（应至 {min_end:%Y-%m-%d}）；期限更短的须说明理由"
            }
        )
    doc.consult_start, doc.consult_end, doc.consult_min_end = consult_start, consult_end, min_end
    doc.consult_method = consult_method.strip()
    doc.consult_short_reason = reason
    note = f"{consult_start:%Y-%m-%d} 至 {consult_end:%Y-%m-%d}"
    return Change(consult_start, f"{note}（期限较短：{reason}）" if reason else note)


# --- 送合法性审核 -----------------------------------------------------------------------------
def send_review_problem(doc: Document, today: dt.date) -> str:
    if doc.status == Status.DRAFTING and doc.affects_rights:
        return "涉及公民、法人和其他组织权利义务的文件，应当先公开征求意见"
    if doc.status == Status.CONSULTING and doc.consult_end and today < doc.consult_end:
        return f"征求意见期至 {doc.consult_end:%Y-%m-%d}，尚未结束"
    return ""


def default_review_unit(unit: OrgUnit) -> OrgUnit:
    """Who reviews by default: a government's 司法局 (a department child whose name has 司法局),
    a department's own 法制机构 (itself), a township's 司法所 (the township unit)."""
    if unit.kind == UnitKind.GOVERNMENT:
        found = OrgUnit.objects.filter(
            parent=unit, kind=UnitKind.DEPARTMENT, name__contains="司法局"
        ).first()
        if found is not None:
            return found
    return unit


def send_review(
    doc: Document,
    *,
    actor: Actor,
    sent_on: dt.date,
    review_unit: OrgUnit | None = None,
    review: Any = None,
) -> Change:
    from fazhi.legality.services import review_register

    check_date(
        sent_on, "送审日期", not_before=doc.drafted_on, after_label="起草日期", field="sent_on"
    )
    if review is not None:
        if review.category.code != "normative_doc":
            raise ValidationError({"review": "只能关联类别为“规范性文件”的合法性审查"})
        doc.legality_review = review
        return Change(sent_on, f"关联合法性审查 {review.number}".strip())
    reviewer = review_unit or default_review_unit(doc.unit)
    made = review_register(
        actor=actor,
        unit=reviewer,
        submitter=doc.unit,
        title=doc.title,
        category="normative_doc",
        received_on=sent_on,
    )
    doc.legality_review = made
    return Change(sent_on, f"送{reviewer.name}合法性审核")


# --- 集体审议 ---------------------------------------------------------------------------------
def deliberate_problem(doc: Document, today: dt.date) -> str:
    review = doc.legality_review
    if review is None:
        return "尚未送合法性审核，不能提交集体审议"
    if not review.conclusion:  # pending: the legality gate's own wording (number, period)
        from fazhi.legality.gates import lawful_review_problem

        return lawful_review_problem(review, action="提交集体审议")
    return ""


def deliberate(doc: Document, *, actor: Actor, meeting: str, deliberated_on: dt.date) -> Change:
    review = doc.legality_review
    after = review.completed_on if review is not None else None
    check_date(
        deliberated_on,
        "集体审议日期",
        not_before=after or doc.drafted_on,
        after_label="合法性审核完成日期" if after else "起草日期",
        field="deliberated_on",
    )
    if not meeting.strip():
        raise ValidationError({"meeting": "请填写集体审议会议"})
    doc.meeting, doc.deliberated_on = meeting.strip(), deliberated_on
    return Change(deliberated_on, doc.meeting)


# --- 公布（三统一）和备案 ---------------------------------------------------------------------
def publish_problem(doc: Document, today: dt.date) -> str:
    from fazhi.legality.gates import lawful_review_problem

    return lawful_review_problem(doc.legality_review, action="公布")


def government_above(unit: OrgUnit) -> OrgUnit | None:
    """The nearest government (人民政府 or 乡镇) above ``unit``."""
    ancestors = OrgUnit.objects.filter(pk__in=unit.ancestor_ids, kind__in=GOVERNMENT_KINDS)
    return ancestors.order_by("-depth").first()


def congress_name(unit: OrgUnit) -> str:
    base = (unit.short_name or unit.name).removesuffix("人民政府")
    if unit.kind == UnitKind.TOWNSHIP:
        return f"{base}人民代表大会主席团"
    return f"{base}人大常委会"


def filing_targets(unit: OrgUnit) -> list[tuple[str, OrgUnit | None, str]]:
    """(kind, receiving unit or None, name) of each 备案机关 of a document made by ``unit``:
    a government files with the next government up and the 本级人大常委会; a department with
    its own government."""
    above = government_above(unit)
    if unit.kind in GOVERNMENT_KINDS:
        gov_name = above.name if above is not None else "上一级人民政府"
        return [
            (AuthorityKind.GOVERNMENT, above, gov_name),
            (AuthorityKind.CONGRESS, None, congress_name(unit)),
        ]
    return [(AuthorityKind.GOVERNMENT, above, above.name if above else "本级人民政府")]


def publish(
    doc: Document,
    *,
    actor: Actor,
    register_no: str,
    doc_number: str,
    published_on: dt.date,
    unified_print: bool = True,
    effective_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> Change:
    after = doc.deliberated_on or doc.drafted_on
    check_date(
        published_on, "公布日期", not_before=after, after_label="集体审议日期", field="published_on"
    )
    if not register_no.strip():
        raise ValidationError({"register_no": "请填写统一登记号"})
    if not doc_number.strip():
        raise ValidationError({"doc_number": "请填写文号"})
    if staging.exists(Document, unit=doc.unit, doc_number=doc_number.strip()):
        raise ValidationError({"doc_number": f"文号“{doc_number.strip()}”已被本单位其他文件使用"})
    effective_from = effective_from or rules.default_effective_from(published_on)
    if effective_from < published_on:
        raise ValidationError({"effective_from": "施行日期不能早于公布日期"})
    trial = doc.trial
    valid_until = valid_until or rules.default_valid_until(doc.unit, effective_from, trial=trial)
    if valid_until < effective_from:
        raise ValidationError({"valid_until": "有效期至不能早于施行日期"})
    doc.register_no, doc.doc_number = register_no.strip(), doc_number.strip()
    doc.unified_print = unified_print
    doc.published_on, doc.effective_from, doc.valid_until = (
        published_on,
        effective_from,
        valid_until,
    )
    open_filings(doc)
    old = doc.replaces

    def supersede() -> None:
        if old is not None and old.status == Status.PUBLISHED:
            DOCUMENTS.run("supersede", actor=actor, obj=old, by=doc)

    return Change(
        published_on,
        f"{doc.doc_number}（统一登记号 {doc.register_no}），{effective_from:%Y-%m-%d} 起施行",
        after=supersede if old is not None else None,
    )


def open_filings(doc: Document) -> list[Filing]:
    """One Filing per 备案机关, due by the province's window from 公布."""
    assert doc.published_on is not None
    due_on = rules.due(rules.FILING, doc.unit, doc.published_on)
    return [
        staging.create(
            Filing,
            document=doc,
            unit=doc.unit,
            authority_kind=kind,
            authority=authority,
            authority_name=name,
            published_on=doc.published_on,
            due_on=due_on,
        )
        for kind, authority, name in filing_targets(doc.unit)
    ]


def _filing(doc: Document, filing: Filing) -> Filing:
    if filing.document_id != doc.pk:
        raise ValidationError({"filing": "该备案不属于本文件"})
    return filing


def _filings(doc: Document) -> list[Filing]:
    return staging.children(doc, Filing, "document", "filings")


def submit_problem(doc: Document, today: dt.date) -> str:
    if not any(x.submitted_on is None for x in _filings(doc)):
        return "各备案机关均已报送备案"
    return ""


def submit_filing(doc: Document, *, actor: Actor, filing: Filing, submitted_on: dt.date) -> Change:
    filing = _filing(doc, filing)
    assert doc.published_on is not None
    check_date(
        submitted_on,
        "报送备案日期",
        not_before=doc.published_on,
        after_label="公布日期",
        field="submitted_on",
    )
    if filing.submitted_on is not None:
        raise ValidationError(
            {"filing": f"已于 {filing.submitted_on:%Y-%m-%d} 报送{filing.authority_name}"}
        )
    filing.submitted_on = submitted_on
    filing.submitted_on_time = submitted_on <= filing.due_on
    staging.save(filing, update_fields=["submitted_on", "submitted_on_time"])
    late = "（逾期）" if submitted_on > filing.due_on else ""
    return Change(submitted_on, f"报送{filing.authority_name}备案{late}", event_kind="报送备案")


def result_problem(doc: Document, today: dt.date) -> str:
    waiting = [
        x
        for x in _filings(doc)
        if x.submitted_on is not None
        and (
            x.result == FilingResult.PENDING
            or (x.result == FilingResult.SUSPENDED and x.corrected_on is not None)
        )
    ]
    return "" if waiting else "没有等待审查结果的备案"


def record_result(
    doc: Document,
    *,
    actor: Actor,
    filing: Filing,
    result: str,
    result_on: dt.date,
    result_note: str = "",
) -> Change:
    filing = _filing(doc, filing)
    if filing.submitted_on is None:
        raise ValidationError({"filing": "尚未报送备案"})
    if result not in (FilingResult.REGISTERED, FilingResult.SUSPENDED, FilingResult.REJECTED):
        raise ValidationError({"result": "请选择备案结果"})
    start = filing.corrected_on or filing.submitted_on
    check_date(result_on, "结果日期", not_before=start, after_label="报送日期", field="result_on")
    if filing.result and not (
        filing.result == FilingResult.SUSPENDED and filing.corrected_on is not None
    ):
        raise ValidationError({"filing": f"已有备案结果：{filing.get_result_display()}"})
    if result == FilingResult.REJECTED and not result_note.strip():
        raise ValidationError({"result_note": "不予备案登记的，请填写审查意见（纠错要求）"})
    filing.result, filing.result_on, filing.result_note = result, result_on, result_note.strip()
    filing.correction_due = None
    if result == FilingResult.SUSPENDED:
        filing.correction_due = rules.due(rules.CORRECTION, doc.unit, result_on)
        filing.corrected_on = None
    staging.save(
        filing,
        update_fields=["result", "result_on", "result_note", "correction_due", "corrected_on"],
    )
    label = FilingResult(result).label
    note = f"{filing.authority_name}：{label}"
    if filing.correction_due:
        note += f"，{filing.correction_due:%Y-%m-%d} 前补正"
    return Change(result_on, note, event_kind=label)


def correct_problem(doc: Document, today: dt.date) -> str:
    if not any(
        x.result == FilingResult.SUSPENDED and x.corrected_on is None for x in _filings(doc)
    ):
        return "没有暂缓备案登记待补正的备案"
    return ""


def correct_filing(doc: Document, *, actor: Actor, filing: Filing, corrected_on: dt.date) -> Change:
    filing = _filing(doc, filing)
    if filing.result != FilingResult.SUSPENDED or filing.corrected_on is not None:
        raise ValidationError({"filing": "该备案不是待补正的暂缓备案登记"})
    assert filing.result_on is not None
    check_date(
        corrected_on,
        "补正报送日期",
        not_before=filing.result_on,
        after_label="暂缓通知日期",
        field="corrected_on",
    )
    filing.corrected_on = corrected_on
    staging.save(filing, update_fields=["corrected_on"])
    late = "（逾期）" if filing.correction_due and corrected_on > filing.correction_due else ""
    return Change(corrected_on, f"向{filing.authority_name}补正报送{late}")


def rectify_problem(doc: Document, today: dt.date) -> str:
    if not any(x.result == FilingResult.REJECTED and x.rectified_on is None for x in _filings(doc)):
        return "没有不予备案登记待纠错的备案"
    return ""


def rectify(
    doc: Document, *, actor: Actor, filing: Filing, rectified_on: dt.date, rectification: str
) -> Change:
    filing = _filing(doc, filing)
    if filing.result != FilingResult.REJECTED:
        raise ValidationError({"filing": "该备案不是不予备案登记"})
    assert filing.result_on is not None
    check_date(
        rectified_on,
        "纠错完成日期",
        not_before=filing.result_on,
        after_label="审查结果日期",
        field="rectified_on",
    )
    if not rectification.strip():
        raise ValidationError({"rectification": "请填写纠错情况"})
    filing.rectified_on, filing.rectification = rectified_on, rectification.strip()
    staging.save(filing, update_fields=["rectified_on", "rectification"])
    return Change(rectified_on, filing.rectification, event_kind="纠错")


# --- 失效、废止、宣布失效、修改重发 -----------------------------------------------------------
def expire_problem(doc: Document, today: dt.date) -> str:
    if doc.valid_until is None:
        return "文件没有有效期"
    if doc.valid_until >= today:
        return f"有效期至 {doc.valid_until:%Y-%m-%d}，尚未届满"
    return ""


def expire(doc: Document, *, actor: Actor) -> Change:
    assert doc.valid_until is not None
    doc.ended_on = doc.valid_until + dt.timedelta(days=1)
    doc.end_reason = "有效期届满"
    return Change(doc.ended_on, f"有效期至 {doc.valid_until:%Y-%m-%d}，届满失效")


def _end(doc: Document, ended_on: dt.date, reason: str) -> None:
    assert doc.published_on is not None
    check_date(
        ended_on, "日期", not_before=doc.published_on, after_label="公布日期", field="ended_on"
    )
    if not reason.strip():
        raise ValidationError({"reason": "请填写理由"})
    doc.ended_on, doc.end_reason = ended_on, reason.strip()


def repeal(doc: Document, *, actor: Actor, ended_on: dt.date, reason: str) -> Change:
    _end(doc, ended_on, reason)
    return Change(ended_on, doc.end_reason)


def invalidate(doc: Document, *, actor: Actor, ended_on: dt.date, reason: str) -> Change:
    _end(doc, ended_on, reason)
    return Change(ended_on, doc.end_reason)


def supersede(doc: Document, *, actor: Actor, by: Document) -> Change:
    assert by.published_on is not None
    doc.ended_on = by.effective_from or by.published_on
    doc.end_reason = f"修改后重新发布：{by.doc_number}《{by.title}》"
    return Change(by.published_on, doc.end_reason)


def confirm(doc: Document, *, actor: Actor, on: dt.date, reason: str) -> Change:
    check_date(on, "日期", field="on")
    return Change(on, f"继续有效：{reason.strip()}" if reason.strip() else "继续有效")


def mark_revision(doc: Document, *, actor: Actor, on: dt.date, reason: str) -> Change:
    check_date(on, "日期", field="on")
    return Change(on, f"需修改后重新发布：{reason.strip()}" if reason.strip() else "需修改")


def _published_help(doc: Document) -> str:
    return "修改后重新发布的，登记新文件并选择被替代的文件；新文件公布时本文件自动记为已修改重发"


def _never(doc: Document) -> bool:
    return False


def import_only_problem(doc: Document, today: dt.date) -> str:
    return "“登记已公布文件”只用于导入已公布的历史文件"


def record_published(doc: Document, *, actor: Actor) -> Change:
    raise ValidationError(import_only_problem(doc, doc.drafted_on))


PUB = (Status.PUBLISHED,)

DOCUMENTS: Workflow[Document] = Workflow(
    model=Document,
    audit_prefix="normative_docs",
    event_model=DocumentEvent,
    event_fk="document",
    noun="规范性文件",
    authorize=authorize,
    transitions=(
        Transition(
            "consult",
            "征求意见",
            (Status.DRAFTING,),
            consult,
            target=Status.CONSULTING,
            form_class=f.ConsultForm,
        ),
        Transition(
            "send_review",
            "送合法性审核",
            (Status.DRAFTING, Status.CONSULTING),
            send_review,
            target=Status.REVIEWING,
            form_class=f.SendReviewForm,
            problem=send_review_problem,
        ),
        Transition(
            "deliberate",
            "集体审议",
            (Status.REVIEWING,),
            deliberate,
            target=Status.DELIBERATED,
            form_class=f.DeliberateForm,
            problem=deliberate_problem,
        ),
        Transition(
            "publish",
            "签署公布",
            (Status.DELIBERATED,),
            publish,
            target=Status.PUBLISHED,
            form_class=f.PublishForm,
            problem=publish_problem,
            confirm="公布后即按规定报送备案。确定公布吗？",
        ),
        Transition(
            "submit_filing",
            "报送备案",
            PUB,
            submit_filing,
            form_class=f.SubmitFilingForm,
            problem=submit_problem,
        ),
        Transition(
            "record_result",
            "登记备案审查结果",
            PUB,
            record_result,
            form_class=f.FilingResultForm,
            problem=result_problem,
        ),
        Transition(
            "correct_filing",
            "补正报送",
            PUB,
            correct_filing,
            form_class=f.CorrectFilingForm,
            problem=correct_problem,
        ),
        Transition(
            "rectify", "纠错", PUB, rectify, form_class=f.RectifyForm, problem=rectify_problem
        ),
        Transition("confirm", "清理：继续有效", PUB, confirm, form_class=f.NoteForm),
        Transition(
            "mark_revision",
            "清理：需修改后重新发布",
            PUB,
            mark_revision,
            form_class=f.NoteForm,
            help=_published_help,
        ),
        Transition(
            "repeal",
            "废止",
            PUB,
            repeal,
            target=Status.REPEALED,
            form_class=f.EndForm,
            confirm="确定废止该文件吗？",
        ),
        Transition(
            "invalidate",
            "宣布失效",
            PUB,
            invalidate,
            target=Status.INVALIDATED,
            form_class=f.EndForm,
            confirm="确定宣布该文件失效吗？",
        ),
        Transition(
            "expire",
            "有效期届满失效",
            PUB,
            expire,
            target=Status.EXPIRED,
            form_class=f.ExpireForm,
            problem=expire_problem,
            by_system=True,
            help="有效期届满的，每日期限扫描自动办理；列表和门户自届满次日起即显示失效",
        ),
        Transition(
            "supersede",
            "修改后重新发布",
            PUB,
            supersede,
            target=Status.REPLACED,
            offered=_never,
            help="新文件公布时自动办理",
            form_class=f.SystemStepForm,
        ),
        # Only the import moves a new in-memory record along it (Workflow.advance): the
        # problem refuses it everywhere else, so the 公布 gate cannot be bypassed.
        Transition(
            "record_published",
            "登记已公布文件",
            (Status.DRAFTING,),
            record_published,
            target=Status.PUBLISHED,
            problem=import_only_problem,
            offered=_never,
            form_class=f.SystemStepForm,
        ),
    ),
)


# --- 清理 ------------------------------------------------------------------------------------
def authorize_campaign(actor: Actor, campaign: Campaign) -> None:
    if not unit_in_scope(campaign.unit, actor):
        raise PermissionDenied(f"清理“{campaign.name}”不在您的管辖范围内")


def decide(
    campaign: Campaign, *, actor: Actor, item: CampaignItem, outcome: str, reason: str
) -> Change:
    if item.campaign_id != campaign.pk:
        raise ValidationError({"item": "该文件不在本次清理范围内"})
    if outcome not in (Outcome.KEEP, Outcome.REPEAL, Outcome.REVISE):
        raise ValidationError({"outcome": "请选择清理结果"})
    if not reason.strip():
        raise ValidationError({"reason": "请填写理由"})
    item.outcome, item.reason = outcome, reason.strip()
    staging.save(item, update_fields=["outcome", "reason"])
    return Change(campaign.held_on, f"{item.document.title}：{Outcome(outcome).label}", event=False)


def apply_problem(campaign: Campaign, today: dt.date) -> str:
    undecided = CampaignItem.objects.filter(campaign=campaign, outcome="").count()
    if undecided:
        return f"尚有 {undecided} 件文件未确定清理结果"
    return ""


def apply_campaign(campaign: Campaign, *, actor: Actor, applied_on: dt.date) -> Change:
    check_date(
        applied_on,
        "清理结果公布日期",
        not_before=campaign.held_on,
        after_label="清理日期",
        field="applied_on",
    )
    campaign.applied_on = applied_on
    items = list(
        CampaignItem.objects.filter(campaign=campaign).select_related("document", "document__unit")
    )

    def move() -> None:
        reason = f"{campaign.name}"
        for item in items:
            doc = item.document
            if doc.status != Status.PUBLISHED:
                continue
            why = f"{reason}：{item.reason}"
            if item.outcome == Outcome.KEEP:
                DOCUMENTS.run("confirm", actor=actor, obj=doc, on=applied_on, reason=why)
            elif item.outcome == Outcome.REVISE:
                DOCUMENTS.run("mark_revision", actor=actor, obj=doc, on=applied_on, reason=why)
            else:
                DOCUMENTS.run("invalidate", actor=actor, obj=doc, ended_on=applied_on, reason=why)

    counts = {o: sum(1 for i in items if i.outcome == o) for o in Outcome.values if o}
    note = "，".join(f"{Outcome(o).label} {n} 件" for o, n in counts.items())
    return Change(applied_on, note, after=move)


CAMPAIGNS: Workflow[Campaign] = Workflow(
    model=Campaign,
    audit_prefix="normative_docs.cleanup",
    event_model=CampaignEvent,
    event_fk="campaign",
    noun="清理",
    authorize=authorize_campaign,
    transitions=(
        Transition(
            "decide", "确定清理结果", (CampaignStatus.OPEN,), decide, form_class=f.DecideForm
        ),
        Transition(
            "apply",
            "公布清理结果",
            (CampaignStatus.OPEN,),
            apply_campaign,
            target=CampaignStatus.APPLIED,
            form_class=f.ApplyForm,
            problem=apply_problem,
            confirm="公布后，宣布失效或废止的文件即记为失效。确定吗？",
        ),
    ),
)
