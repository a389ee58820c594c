"""The 规范性文件 register's screens and the 清理 register, configured on the generic layer.

The 状态 column, filter, detail row, API field and export column show the *displayed* status
(:func:`fazhi.normative_docs.selectors.with_shown`): 失效 from the day after the 有效期, with no
manual step.
"""

from __future__ import annotations

import io
from typing import Any

from django.db import models
from django.utils import timezone

from fazhi.core.registers import (
    Action,
    Column,
    Deadline,
    Filter,
    Register,
    import_action,
    transition_steps,
    unit_filter,
    year_filter,
)
from fazhi.normative_docs import forms as f
from fazhi.normative_docs import services
from fazhi.normative_docs.models import (
    Campaign,
    CampaignItem,
    CampaignStatus,
    Document,
    Filing,
    FilingResult,
    Outcome,
    Shown,
    Status,
)
from fazhi.normative_docs.selectors import (
    expiring_q,
    filing_overdue,
    filing_overdue_q,
    shown_of,
    shown_q,
    with_shown,
)
from fazhi.normative_docs.workflow import CAMPAIGNS, DOCUMENTS
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, unit_in_scope

SYSTEM_STEPS = ("supersede", "record_published")


def _today() -> Any:
    return timezone.localdate()


def shown_label(doc: Document) -> str:
    return str(shown_of(doc, _today()).label)


def _by_shown(qs: models.QuerySet[Document], value: str) -> models.QuerySet[Document]:
    if value not in Shown.values:
        return qs
    return qs.filter(shown_q(value, _today()))


WARNINGS = (
    ("expiring", "6个月内有效期届满"),
    ("filing_overdue", "备案逾期（含暂缓逾期未补正）"),
    ("unfiled", "未报送备案"),
)


def _by_warning(qs: models.QuerySet[Document], value: str) -> models.QuerySet[Document]:
    today = _today()
    if value == "expiring":
        return qs.filter(expiring_q(today))
    if value == "filing_overdue":
        late = Filing.objects.filter(filing_overdue_q(today)).values("document_id")
        return qs.filter(pk__in=late)
    if value == "unfiled":
        return qs.filter(pk__in=Filing.objects.filter(submitted_on=None).values("document_id"))
    return qs


def _yes(value: bool) -> str:
    return "是" if value else "否"


def _link(doc: Document | None) -> str:
    if doc is None:
        return ""
    return f"{doc.doc_number or '（未公布）'}《{doc.title}》"


def _replaced_by(doc: Document) -> Document | None:
    try:
        return doc.replaced_by
    except Document.DoesNotExist:
        return None


class DocumentRegister(Register[Document]):
    key = "normative_docs"
    url_prefix = "documents"
    title = "规范性文件"
    model = Document
    columns = (
        Column("title", "文件名称", link=True),
        Column("doc_number", "文号", css="nowrap"),
        Column("unit.name", "制定机关"),
        Column("published_on", "公布日期"),
        Column("effective_from", "施行日期"),
        Column("valid_until", "有效期至"),
        Column("shown", "状态", value=shown_label, css="nowrap"),
    )
    filters = (
        Filter("status", "状态", choices=Shown.choices, apply=_by_shown),
        Filter("warning", "提示", choices=WARNINGS, apply=_by_warning),
        unit_filter("unit", "制定机关", "unit__path"),
        year_filter("year", "公布年度", "published_on"),
    )
    search_fields = ("title", "doc_number", "register_no")
    search_placeholder = "文件名称、文号、登记号"
    detail_fields = (
        "title",
        "unit",
        Column("shown", "状态", value=shown_label),
        "doc_number",
        "register_no",
        Column("unified_print", "统一印发", value=lambda d: _yes(d.unified_print)),
        "published_on",
        "effective_from",
        "valid_until",
        Column("trial", "暂行或试行", value=lambda d: _yes(d.trial)),
        Column("affects_rights", "涉及权利义务", value=lambda d: _yes(d.affects_rights)),
        "drafted_on",
        "drafting_office",
        "consult_start",
        "consult_end",
        "consult_short_reason",
        Column("review", "合法性审核", value=lambda d: _review_text(d)),
        "meeting",
        "deliberated_on",
        Column("replaces", "替代的文件", value=lambda d: _link(d.replaces)),
        Column("replaced_by", "被以下文件替代", value=lambda d: _link(_replaced_by(d))),
        "ended_on",
        "end_reason",
    )
    create_form_class = f.DocumentForm
    create_label = "登记文件"
    detail_template = "normative_docs/document_detail.html"
    steps = tuple(s for s in transition_steps(DOCUMENTS) if s.name not in SYSTEM_STEPS)

    def base_queryset(self) -> models.QuerySet[Document]:
        return with_shown(
            Document.objects.select_related("unit", "replaces", "replaced_by").prefetch_related(
                "filings"
            ),
            _today(),
        )

    def can_edit(self, actor: Actor, obj: Document) -> bool:
        return actor.can(Cap.EDIT_RECORDS) and unit_in_scope(obj.unit, actor)

    def list_actions(self, actor: Actor) -> list[Action]:
        if not self.can_create(actor):
            return []
        return [
            Action("登记规范性文件", self.url("create")),
            Action("文件清理", "/normative/cleanups/"),
            *import_action(self.key),
        ]

    def create(self, actor: Actor, data: dict[str, Any]) -> Document:
        return services.document_register(actor=actor, **data)

    def deadlines(self, obj: Document) -> list[Deadline]:
        rows: list[Deadline] = []
        if obj.consult_end:
            rows.append(
                Deadline(
                    "征求意见截止",
                    obj.consult_end,
                    "国办发〔2018〕37号",
                    running=obj.status == Status.CONSULTING,
                    done_on=obj.consult_end if obj.status != Status.CONSULTING else None,
                    note=f"法定最早截止 {obj.consult_min_end:%Y-%m-%d}"
                    if obj.consult_min_end
                    else "",
                )
            )
        for filing in obj.filings.all():
            rows.append(
                Deadline(
                    f"报送{filing.authority_name}备案",
                    filing.due_on,
                    "规范性文件备案规定",
                    done_on=filing.submitted_on,
                    running=filing.submitted_on is None,
                )
            )
            if filing.correction_due:
                rows.append(
                    Deadline(
                        f"暂缓备案登记后补正（{filing.authority_name}）",
                        filing.correction_due,
                        "法规规章备案审查条例第九条",
                        done_on=filing.corrected_on,
                        running=filing.corrected_on is None,
                    )
                )
        if obj.valid_until:
            rows.append(
                Deadline(
                    "有效期届满",
                    obj.valid_until,
                    "有效期",
                    running=obj.status == Status.PUBLISHED,
                    lapsed="已失效",
                )
            )
        return rows

    def detail_context(self, actor: Actor, obj: Document) -> dict[str, Any]:
        deadlines = self.deadlines(obj)
        today = _today()
        filings = [
            {
                "filing": x,
                "overdue": filing_overdue(x, today),
            }
            for x in obj.filings.all()
        ]
        return {
            "timeline": self.timeline(obj, deadlines),
            "deadlines": [d.as_dict(today) for d in deadlines],
            "filings": filings,
            "replaces": obj.replaces,
            "replaced_by": _replaced_by(obj),
        }


def _review_text(doc: Document) -> str:
    review = doc.legality_review
    if review is None:
        return ""
    conclusion = review.get_conclusion_display() if review.conclusion else "审查中"
    return (
        f"{review.number or ''} {review.unit.name if review.unit_id else ''}：{conclusion}".strip()
    )


class DocumentImportRegister(DocumentRegister):
    """The Excel import's view of the register: a row is an already-published document."""

    def create(self, actor: Actor, data: dict[str, Any]) -> Document:
        return services.document_import(actor=actor, **data)


documents = DocumentRegister()
documents_import = DocumentImportRegister()


# --- 清理 ------------------------------------------------------------------------------------
def _counts(campaign: Campaign) -> str:
    found: dict[str, int] = {}
    for item in campaign.items.all():
        found[item.outcome] = found.get(item.outcome, 0) + 1
    return "，".join(f"{Outcome(o).label} {n}" for o, n in sorted(found.items()))


class CampaignRegister(Register[Campaign]):
    key = "normative_cleanups"
    url_prefix = "cleanups"
    title = "规范性文件清理"
    model = Campaign
    columns = (
        Column("name", "清理名称", link=True),
        Column("unit.name", "组织清理单位"),
        Column("held_on", "清理日期"),
        Column("applied_on", "结果公布日期"),
        Column("status", "状态", css="nowrap"),
        Column("counts", "清理结果", value=_counts),
    )
    filters = (
        Filter("status", "状态", "status", CampaignStatus.choices),
        unit_filter("unit", "组织清理单位", "unit__path"),
        year_filter("year", "清理年度", "held_on"),
    )
    search_fields = ("name",)
    search_placeholder = "清理名称"
    detail_fields = ("name", "unit", "held_on", "status", "applied_on")
    create_form_class = f.CampaignForm
    create_label = "启动清理"
    detail_template = "normative_docs/campaign_detail.html"
    steps = transition_steps(CAMPAIGNS)

    def base_queryset(self) -> models.QuerySet[Campaign]:
        return Campaign.objects.select_related("unit").prefetch_related("items")

    def can_edit(self, actor: Actor, obj: Campaign) -> bool:
        return actor.can(Cap.EDIT_RECORDS) and unit_in_scope(obj.unit, actor)

    def list_actions(self, actor: Actor) -> list[Action]:
        if not self.can_create(actor):
            return []
        return [Action("启动清理", self.url("create"))]

    def create(self, actor: Actor, data: dict[str, Any]) -> Campaign:
        return services.campaign_create(actor=actor, **data)

    def detail_context(self, actor: Actor, obj: Campaign) -> dict[str, Any]:
        items = list(CampaignItem.objects.filter(campaign=obj).select_related("document", "unit"))
        lists = [
            (label, [i for i in items if i.outcome == value]) for value, label in Outcome.choices
        ]
        return {
            "timeline": self.timeline(obj),
            "deadlines": [],
            "lists": [(label, rows) for label, rows in lists if rows],
        }

    def export_xlsx(self, qs: models.QuerySet[Campaign]) -> bytes:
        """The campaigns, then the three lists (继续有效 / 宣布失效或废止 / 修改后重新发布) of
        their documents, one sheet each."""
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(self.title[:31])
        sheet.append([c.label for c in self.columns])
        ids = []
        for obj in qs:
            ids.append(obj.pk)
            sheet.append([_plain(c.render(obj)) for c in self.columns])
        items = (
            CampaignItem.objects.filter(campaign_id__in=ids)
            .select_related("campaign", "document", "unit")
            .order_by("campaign__held_on", "id")
        )
        header = ["清理名称", "文件名称", "文号", "制定机关", "公布日期", "理由"]
        for value, label in Outcome.choices:
            if not value:
                continue
            part = book.create_sheet(f"{label}目录"[:31])
            part.append(header)
            for item in items:
                if item.outcome != value:
                    continue
                doc = item.document
                part.append(
                    [
                        item.campaign.name,
                        doc.title,
                        doc.doc_number,
                        item.unit.name,
                        doc.published_on,
                        item.reason,
                    ]
                )
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


def _plain(value: object) -> object:
    return value if isinstance(value, (str, int, float)) or value is None else str(value)


cleanups = CampaignRegister()

REGISTERS = [documents, cleanups]
__all__ = ["REGISTERS", "FilingResult", "cleanups", "documents", "documents_import"]
