"""The 备案审查机关's pages (login, scoped): filings received, 审查建议 and the catalogues.

- ``filing-review/filings/``: filings received by a 备案审查机关 in the actor's subtree (never
  the ones it sent), with the 形式审查 and 审查 deadlines computed from the rules
  ``filing_review.form_check`` / ``filing_review.review`` of the receiving government's
  province, filters by result and 逾期; the outcome itself is recorded on the document's own
  filing (normative_docs), linked from the detail page.
- ``filing-review/suggestions/``: the 审查建议 register (收到 → 研究处理 → 答复).
- ``filing-review/catalogue/``: the monthly catalogue of 备案登记 (第10条) and the annual
  catalogue of documents made (第22条, due 1月31日), each exportable as xlsx.
"""

from __future__ import annotations

import datetime as dt
import io
import urllib.parse
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from fazhi.core.registers import (
    Column,
    Deadline,
    Filter,
    Register,
    actor_of,
    transition_steps,
    unit_filter,
    year_filter,
)
from fazhi.core.security_events import audit_download
from fazhi.core.selectors import rules_cache
from fazhi.core.workflow import today
from fazhi.filing_review import selectors as sel
from fazhi.filing_review.models import Status, Suggestion
from fazhi.filing_review.workflow import SUGGESTIONS
from fazhi.normative_docs.models import Document, Filing, FilingResult
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, unit_in_scope


def _form_check_due(filing: Filing) -> dt.date | None:
    if filing.submitted_on is None:
        return None
    return sel.rule(sel.FORM_CHECK, filing.authority).due(filing.submitted_on)


def _review_due(filing: Filing) -> dt.date | None:
    if filing.submitted_on is None:
        return None
    return sel.rule(sel.REVIEW, filing.authority).due(filing.submitted_on)


def _no_filter(qs: models.QuerySet[Filing], value: str) -> models.QuerySet[Filing]:
    return qs


#: Columns the list leaves out (the export and the detail page keep them).
LIST_HIDDEN = ("published_on", "result_on", "authority_name")  # fits 1024 px; the export keeps them


class ReceivedFilingRegister(Register[Filing]):
    key = "filings_received"
    url_prefix = "filings"
    title = "收到备案的规范性文件"
    model = Filing
    columns = (
        Column("document.title", "文件名称", link=True),
        Column("document.doc_number", "文号"),
        Column("unit.name", "报送单位"),
        Column("authority_name", "备案机关"),
        Column("published_on", "公布日期"),
        Column("submitted_on", "报送备案日期"),
        Column("form_check_due", "形式审查期限", value=_form_check_due),
        Column("review_due", "审查期限", value=_review_due),
        Column("result", "备案结果"),
        Column("result_on", "结果日期"),
        Column("correction_due", "补正期限"),
    )
    filters = (
        Filter(
            "result",
            "备案结果",
            "result",
            [("pending", "待审查"), *FilingResult.choices[1:]],
            apply=lambda qs, v: qs.filter(result="" if v == "pending" else v),
        ),
        # applied in filtered(): 逾期 depends on the actor's province rules
        Filter("overdue", "逾期", choices=[("1", "形式审查或补正逾期")], apply=_no_filter),
        unit_filter("unit", "报送单位", "unit__path"),
        year_filter("year", "报送年度", "submitted_on"),
    )
    search_fields = ("document__title", "document__doc_number")
    search_placeholder = "文件名称、文号"
    detail_fields = (
        "document",
        Column("document.doc_number", "文号"),
        "unit",
        "authority_name",
        "published_on",
        "due_on",
        "submitted_on",
        "result",
        "result_on",
        "result_note",
        "correction_due",
        "corrected_on",
        "rectification",
        "rectified_on",
    )
    detail_template = "filing_review/filing_detail.html"

    def queryset(self, actor: Actor) -> models.QuerySet[Filing]:
        return sel.filings_received(actor)

    def filtered(
        self, actor: Actor, params: Any, term: str | None = None
    ) -> models.QuerySet[Filing]:
        qs = super().filtered(actor, params, term)
        if (params.get("overdue") or "").strip() == "1":
            qs = sel.overdue(qs, actor, today())
        return qs

    def list_columns(self, actor: Actor) -> Sequence[Column]:
        return [c for c in self.columns if c.name not in LIST_HIDDEN]

    def get_object(self, actor: Actor, pk: int) -> Filing:
        from django.http import Http404

        found = self.queryset(actor).filter(pk=pk).first()
        if found is None:
            raise Http404("记录不存在或不在您的管辖范围内")
        return found

    def can_edit(self, actor: Actor, obj: Filing) -> bool:
        return False

    def deadlines(self, obj: Filing) -> list[Deadline]:
        """形式审查 ends with any result; 审查 with 备案登记 or 不予备案登记 (a 暂缓 filing is
        reviewed again once corrected); 补正 with the corrected filing."""
        rows: list[Deadline] = []
        if obj.submitted_on is None:
            return rows
        concluded = obj.result in (FilingResult.REGISTERED, FilingResult.REJECTED)
        form_check = sel.rule(sel.FORM_CHECK, obj.authority)
        review = sel.rule(sel.REVIEW, obj.authority)
        rows.append(
            _deadline(
                "形式审查（备案登记或暂缓）",
                form_check.due(obj.submitted_on),
                obj.result_on,
                form_check.basis,
            )
        )
        rows.append(
            _deadline(
                "审查",
                review.due(obj.submitted_on),
                obj.result_on if concluded else None,
                review.basis,
            )
        )
        if obj.correction_due is not None:
            rows.append(
                _deadline(
                    "补正（暂缓办理备案登记后）",
                    obj.correction_due,
                    obj.corrected_on,
                    "法规规章备案审查条例第九条（15日）",
                )
            )
        return rows

    def detail_context(self, actor: Actor, obj: Filing) -> dict[str, Any]:
        now = today()
        return {
            "deadlines": [d.as_dict(now) for d in self.deadlines(obj)],
            "document_url": obj.document.get_absolute_url(),
        }

    def export_name(self, params: Any) -> str:
        return f"收到备案的规范性文件-{self.export_period(params)}.xlsx"

    def list_view(self, request: HttpRequest) -> HttpResponse:
        with rules_cache():
            return super().list_view(request)

    def export_view(self, request: HttpRequest) -> HttpResponse:
        with rules_cache():
            return super().export_view(request)

    def detail_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        with rules_cache():
            return super().detail_view(request, pk)


def _deadline(label: str, due: dt.date, done: dt.date | None, basis: str) -> Deadline:
    return Deadline(label=label, due=due, basis=basis, done_on=done, running=done is None)


class SuggestionRegister(Register[Suggestion]):
    key = "review_suggestions"
    url_prefix = "suggestions"
    title = "审查建议"
    model = Suggestion
    columns = (
        Column("number", "编号", link=True, css="nowrap"),
        Column("document.title", "规范性文件"),
        Column("unit.name", "备案审查机关"),
        Column("applicant_name", "建议人", personal=True),
        Column("received_on", "收到日期"),
        Column("due_on", "答复期限"),
        Column("status", "状态"),
        Column("answered_on", "答复日期"),
        Column("result", "处理结果"),
    )
    filters = (
        Filter("status", "状态", "status", Status.choices),
        Filter(
            "overdue",
            "逾期",
            choices=[("1", "超过答复期限未答复")],
            apply=lambda qs, v: (
                qs.filter(status__in=(Status.RECEIVED, Status.STUDYING), due_on__lt=today())
                if v == "1"
                else qs
            ),
        ),
        unit_filter("unit", "备案审查机关", "unit__path"),
        year_filter("year", "收到年度", "received_on"),
    )
    search_fields = ("number", "document__title")
    search_placeholder = "编号、文件名称"
    detail_fields = (
        "number",
        "document",
        "unit",
        "channel",
        "received_on",
        "due_on",
        Column("applicant_name", "建议人", personal=True),
        Column("contact_phone", "联系方式", personal=True),
        Column("text", "建议内容", personal=True),
        "status",
        "studied_on",
        "answered_on",
        "result",
        "reply",
    )
    handler_unmasked = ("applicant_name", "contact_phone", "text")
    ordering = ("-received_on", "-id")
    steps = transition_steps(SUGGESTIONS)

    def base_queryset(self) -> models.QuerySet[Suggestion]:
        return Suggestion.objects.select_related("unit", "document")

    def list_columns(self, actor: Actor) -> Sequence[Column]:
        """The list leaves out 答复日期 (fits 1024 px; the export keeps it)."""
        return [c for c in self.columns if c.name != "answered_on"]

    def can_edit(self, actor: Actor, obj: Suggestion) -> bool:
        return actor.can(Cap.EDIT_RECORDS) and unit_in_scope(obj.unit, actor)

    def export_name(self, params: Any) -> str:
        return f"审查建议-{self.export_period(params)}.xlsx"


received_filings = ReceivedFilingRegister()
suggestions = SuggestionRegister()


# --- catalogues ----------------------------------------------------------------------------
CATALOGUE_EXPORT = "filing_review.catalogue_export"
MONTHLY_HEADERS = (
    "序号",
    "文件名称",
    "文号",
    "制定机关",
    "公布日期",
    "报送备案日期",
    "备案登记日期",
)
ANNUAL_HEADERS = (
    "序号",
    "文件名称",
    "文号",
    "统一登记号",
    "制定机关",
    "公布日期",
    "施行日期",
    "有效期至",
)


def monthly_rows(qs: models.QuerySet[Filing]) -> list[list[object]]:
    return [
        [
            i,
            f.document.title,
            f.document.doc_number,
            f.unit.name,
            f.published_on,
            f.submitted_on,
            f.result_on,
        ]
        for i, f in enumerate(qs, start=1)
    ]


def annual_rows(qs: models.QuerySet[Document]) -> list[list[object]]:
    return [
        [
            i,
            d.title,
            d.doc_number,
            d.register_no,
            d.unit.name,
            d.published_on,
            d.effective_from,
            d.valid_until,
        ]
        for i, d in enumerate(qs, start=1)
    ]


def _int(text: str | None, default: int, low: int, high: int) -> int:
    value = int(text) if text and text.isdigit() else default
    return value if low <= value <= high else default


def _xlsx(title: str, headers: tuple[str, ...], rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append([title])
    sheet.append(list(headers))
    for row in rows:
        sheet.append([v.strftime("%Y-%m-%d") if isinstance(v, dt.date) else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    now = today()
    last_month = now.replace(day=1) - dt.timedelta(days=1)
    year = _int(request.GET.get("year"), last_month.year, 2000, 2100)
    month = _int(request.GET.get("month"), last_month.month, 1, 12)
    annual_year = _int(request.GET.get("annual"), now.year - 1, 2000, 2100)
    monthly = sel.monthly_catalogue(actor, year, month).select_related("document", "unit")
    annual = sel.annual_catalogue(actor, annual_year)
    kind = request.GET.get("export", "")
    if kind in ("monthly", "annual"):
        if kind == "monthly":
            title = f"{actor.unit.name}{year}年{month}月备案登记的规范性文件目录"
            content = _xlsx(title, MONTHLY_HEADERS, monthly_rows(monthly))
            count = len(monthly)
        else:
            title = f"{actor.unit.name}{annual_year}年制定的规范性文件目录"
            content = _xlsx(title, ANNUAL_HEADERS, annual_rows(annual))
            count = len(annual)
        name = f"{title}.xlsx"
        audit_download(
            actor=actor,
            action=CATALOGUE_EXPORT,
            target=Filing if kind == "monthly" else Document,
            filename=name,
            count=count,
        )
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="catalogue-{kind}.xlsx"; '
            f"filename*=UTF-8''{urllib.parse.quote(name)}"
        )
        return response
    context = {
        "title": "规范性文件目录",
        "year": year,
        "month": month,
        "annual_year": annual_year,
        "monthly": monthly_rows(monthly),
        "annual": annual_rows(annual),
        "monthly_headers": MONTHLY_HEADERS,
        "annual_headers": ANNUAL_HEADERS,
        "annual_due": sel.annual_catalogue_due(annual_year, actor.unit if actor.unit.pk else None),
        "months": range(1, 13),
    }
    return render(request, "filing_review/catalogue.html", context)


urlpatterns = [
    *received_filings.urls(),
    *suggestions.urls(),
    path("catalogue/", catalogue, name="filing_review_catalogue"),
]
