"""The 三项制度 screens (under /enforcement-oversight/): six registers on the generic register
layer, and three pages of their own — the hub, the 涉企重复检查 alerts and the 数据公开
overview (each with its Excel export).
"""

from __future__ import annotations

import datetime as dt
import io
import urllib.parse
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import models
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html

from fazhi.core.registers import (
    Action,
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
from fazhi.core.selectors import province_code_of, rule_for
from fazhi.enforcement.models import Category, Subject
from fazhi.enforcement_oversight import forms as f
from fazhi.enforcement_oversight import selectors as sel
from fazhi.enforcement_oversight import services
from fazhi.enforcement_oversight.models import (
    ChangeKind,
    Disclosure,
    DisclosureItem,
    MajorCase,
    MajorDecision,
    MajorStatus,
    Publication,
    PublicationStatus,
    RecordingItem,
    RecordingMethod,
    Withdrawal,
    WithdrawalStatus,
)
from fazhi.enforcement_oversight.rules import PUBLICATION_RULE, WITHDRAWAL_RULE
from fazhi.enforcement_oversight.workflow import MAJORS, PUBLICATIONS, WITHDRAWALS
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, unit_in_scope

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _categories_text(subject: Subject) -> str:
    labels = dict(Category.choices)
    return "、".join(labels.get(c, c) for c in subject.categories or [])


class _SubjectRows(Register[Any]):
    """Common parts of the registers whose rows belong to a 执法主体's unit."""

    def can_edit(self, actor: Actor, obj: Any) -> bool:
        return actor.can(Cap.EDIT_RECORDS) and unit_in_scope(obj.unit, actor)

    def list_actions(self, actor: Actor) -> list[Action]:
        if not self.can_create(actor):
            return []
        return [Action(self.create_label, self.url("create"))]


# --- 执法主体 (三项制度 per subject) -----------------------------------------------------------
class SubjectRegister(Register[Subject]):
    key = "eo_subjects"
    url_prefix = "subjects"
    title = "执法主体三项制度"
    model = Subject
    columns = (
        Column("name", "执法主体", link=True),
        Column("unit.name", "所属单位"),
        Column("categories", "执法类别", value=_categories_text),
        Column("n_disclosures", "事前公示事项", value=lambda s: f"{s.n_disclosures}/10"),
        Column("n_recordings", "音像记录事项", value=lambda s: s.n_recordings),
    )
    filters = (unit_filter("unit", "所属单位", "unit__path"),)
    search_fields = ("name",)
    search_placeholder = "执法主体名称"
    detail_fields = (
        "name",
        "unit",
        "kind",
        Column("categories", "执法类别", value=_categories_text),
    )
    detail_template = "enforcement_oversight/subject_detail.html"

    def base_queryset(self) -> models.QuerySet[Subject]:
        return (
            Subject.objects.filter(active=True)
            .select_related("unit")
            .annotate(
                n_disclosures=Count("disclosures", distinct=True),
                n_recordings=Count("recording_items", distinct=True),
            )
            .order_by("unit__path", "name", "pk")
        )

    def can_edit(self, actor: Actor, obj: Subject) -> bool:
        return False

    def detail_context(self, actor: Actor, obj: Subject) -> dict[str, Any]:
        can = actor.can(Cap.EDIT_RECORDS) and unit_in_scope(obj.unit, actor)
        return {
            "checklist": sel.disclosure_checklist(obj),
            "recordings": list(RecordingItem.objects.filter(subject=obj).order_by("id")),
            "publications": list(Publication.objects.filter(subject=obj).order_by("-year")),
            "majors": list(MajorDecision.objects.filter(subject=obj).order_by("-registered_on")),
            "can_add": can,
        }


# --- 事前公示 ---------------------------------------------------------------------------------
class DisclosureRegister(_SubjectRows):
    key = "eo_disclosures"
    url_prefix = "disclosures"
    title = "事前公示"
    model = Disclosure
    columns = (
        Column("subject.name", "执法主体", link=True),
        Column("unit.name", "所属单位"),
        Column("item", "公示事项"),
        Column("published_on", "公示日期"),
        Column("place", "公示载体（网址）"),
    )
    filters = (
        Filter("item", "公示事项", "item", DisclosureItem.choices),
        unit_filter("unit", "所属单位", "unit__path"),
        year_filter("year", "公示年度", "published_on"),
    )
    search_fields = ("subject__name", "place")
    search_placeholder = "执法主体、公示载体"
    detail_fields = ("subject", "unit", "item", "published_on", "place", "note")
    create_form_class = f.DisclosureForm
    create_label = "登记公示事项"

    def base_queryset(self) -> models.QuerySet[Disclosure]:
        return Disclosure.objects.select_related("unit", "subject")

    def create(self, actor: Actor, data: dict[str, Any]) -> Disclosure:
        return services.disclosure_register(actor=actor, **data)


# --- 音像记录事项清单 ---------------------------------------------------------------------------
class RecordingRegister(_SubjectRows):
    key = "eo_recordings"
    url_prefix = "recording-items"
    title = "音像记录事项清单"
    model = RecordingItem
    columns = (
        Column("matter", "执法事项", link=True),
        Column("subject.name", "执法主体"),
        Column("unit.name", "所属单位"),
        Column("category", "执法类别"),
        Column("method", "记录方式"),
        Column("basis", "依据"),
    )
    filters = (
        Filter("method", "记录方式", "method", RecordingMethod.choices),
        Filter("category", "执法类别", "category", Category.choices),
        unit_filter("unit", "所属单位", "unit__path"),
    )
    search_fields = ("matter", "subject__name")
    search_placeholder = "执法事项、执法主体"
    detail_fields = ("matter", "subject", "unit", "category", "method", "basis")
    create_form_class = f.RecordingItemForm
    create_label = "登记音像记录事项"

    def base_queryset(self) -> models.QuerySet[RecordingItem]:
        return RecordingItem.objects.select_related("unit", "subject")

    def create(self, actor: Actor, data: dict[str, Any]) -> RecordingItem:
        return services.recording_item_register(actor=actor, **data)


# --- 公示撤回 --------------------------------------------------------------------------------
def _withdrawal_due(w: Withdrawal) -> object:
    if w.is_overdue(timezone.localdate()):
        return format_html('{}<br><span class="badge error">逾期</span>', w.due_on.isoformat())
    return w.due_on.isoformat()


def _withdrawal_overdue(qs: models.QuerySet[Withdrawal], value: str) -> Any:
    today = timezone.localdate()
    late = models.Q(due_on__lt=today) & ~models.Q(status=WithdrawalStatus.WITHDRAWN)
    if value == "1":
        return qs.filter(late)
    return qs.exclude(late) if value == "0" else qs


class WithdrawalRegister(_SubjectRows):
    key = "eo_withdrawals"
    url_prefix = "withdrawals"
    title = "公示撤回"
    model = Withdrawal
    columns = (
        Column("document_number", "决定文书号", link=True, css="nowrap"),
        Column("subject.name", "执法主体"),
        Column("decision_kind", "决定类别"),
        Column("change_kind", "变动情形"),
        Column("changed_on", "变动日期"),
        Column("due_on", "撤回期限", value=_withdrawal_due, css="date"),
        Column("withdrawn_on", "撤回日期"),
        Column("status", "状态"),
    )
    filters = (
        Filter("status", "状态", "status", WithdrawalStatus.choices),
        Filter("change_kind", "变动情形", "change_kind", ChangeKind.choices),
        Filter(
            "overdue", "逾期", choices=(("1", "逾期未撤回"), ("0", "否")), apply=_withdrawal_overdue
        ),
        unit_filter("unit", "所属单位", "unit__path"),
        year_filter("year", "变动年度", "changed_on"),
    )
    search_fields = ("document_number", "subject__name")
    search_placeholder = "文书号、执法主体"
    detail_fields = (
        "document_number", "subject", "unit", "decision_kind", "change_kind", "changed_on",
        "due_on", "withdrawn_on", "explanation",
        Column("on_time", "按时撤回", value=lambda w: {True: "是", False: "否"}.get(w.on_time, "")),
        "status", "note",
    )  # fmt: skip
    create_form_class = f.WithdrawalForm
    create_label = "登记公示撤回事项"
    detail_template = "enforcement_oversight/timeline_detail.html"
    steps = transition_steps(WITHDRAWALS)

    def base_queryset(self) -> models.QuerySet[Withdrawal]:
        return Withdrawal.objects.select_related("unit", "subject")

    def create(self, actor: Actor, data: dict[str, Any]) -> Withdrawal:
        return services.withdrawal_register(actor=actor, **data)

    def deadlines(self, obj: Withdrawal) -> list[Deadline]:
        rule = rule_for(WITHDRAWAL_RULE, province=province_code_of(obj.unit))
        return [
            Deadline(
                "撤回期限",
                obj.due_on,
                f"{rule.basis} · {rule.days}个{'工作日' if rule.counting == 'working' else '日'}",
                done_on=obj.withdrawn_on,
                running=obj.status != WithdrawalStatus.WITHDRAWN,
                note=f"自{obj.changed_on:%Y-%m-%d}决定{obj.get_change_kind_display()}起算",
            )
        ]

    def detail_context(self, actor: Actor, obj: Withdrawal) -> dict[str, Any]:
        deadlines = self.deadlines(obj)
        today = timezone.localdate()
        return {
            "timeline": self.timeline(obj, deadlines),
            "deadlines": [d.as_dict(today) for d in deadlines],
        }


# --- 重大执法决定法制审核 ---------------------------------------------------------------------
def _review_cell(d: MajorDecision) -> object:
    review = d.legality_review
    if review is None:
        return "未送审"
    label = review.get_conclusion_display() if review.conclusion else review.get_status_display()
    return format_html('<a href="{}">{}</a>（{}）', review.get_absolute_url(), review.number, label)


class MajorRegister(_SubjectRows):
    key = "eo_major"
    url_prefix = "major-decisions"
    title = "重大执法决定法制审核"
    model = MajorDecision
    columns = (
        Column("case_number", "文书号/案号", link=True, css="nowrap"),
        Column("title", "案件名称"),
        Column("subject.name", "执法主体"),
        Column("major_case", "法制审核情形"),
        Column("registered_on", "登记日期"),
        Column("legality_review", "合法性审查", value=_review_cell),
        Column("decided_on", "决定日期"),
        Column("status", "状态"),
    )
    filters = (
        Filter("status", "状态", "status", MajorStatus.choices),
        Filter("major_case", "法制审核情形", "major_case", MajorCase.choices),
        unit_filter("unit", "所属单位", "unit__path"),
        year_filter("year", "登记年度", "registered_on"),
    )
    search_fields = ("case_number", "title")
    search_placeholder = "文书号、案件名称"
    detail_fields = (
        "case_number", "title", "subject", "unit", "category", "major_case", "proposal",
        "registered_on", "submitted_on",
        Column("legality_review", "合法性审查", value=_review_cell),
        "decided_on", "decision", "status", "note",
    )  # fmt: skip
    create_form_class = f.MajorDecisionForm
    create_label = "登记重大执法决定"
    detail_template = "enforcement_oversight/timeline_detail.html"
    steps = transition_steps(MAJORS)

    def base_queryset(self) -> models.QuerySet[MajorDecision]:
        return MajorDecision.objects.select_related("unit", "subject", "legality_review")

    def create(self, actor: Actor, data: dict[str, Any]) -> MajorDecision:
        return services.major_register(actor=actor, **data)

    def detail_context(self, actor: Actor, obj: MajorDecision) -> dict[str, Any]:
        return {"timeline": self.timeline(obj, []), "deadlines": []}


# --- 行政执法数据公开 --------------------------------------------------------------------------
def _publication_due(p: Publication) -> object:
    late = not p.is_out and p.due_on < timezone.localdate()
    if late:
        return format_html('{}<br><span class="badge error">逾期</span>', p.due_on.isoformat())
    return p.due_on.isoformat()


def _data_years(actor: Actor) -> list[tuple[str, str]]:
    this = timezone.localdate().year
    return [(str(y), f"{y}年度") for y in range(this, this - 8, -1)]


class PublicationRegister(_SubjectRows):
    key = "eo_publications"
    url_prefix = "publications"
    title = "行政执法数据公开"
    model = Publication
    columns = (
        Column("subject.name", "执法主体", link=True),
        Column("unit.name", "所属单位"),
        Column("year", "数据年度"),
        Column("due_on", "公开期限", value=_publication_due, css="date"),
        Column("published_on", "公开日期"),
        Column("place", "公开载体"),
        Column("reported_on", "报送日期"),
        Column("status", "状态"),
    )
    filters = (
        Filter("year", "数据年度", "year", _data_years, param_type=int),
        Filter("status", "状态", "status", PublicationStatus.choices),
        unit_filter("unit", "所属单位", "unit__path"),
    )
    search_fields = ("subject__name",)
    search_placeholder = "执法主体"
    detail_fields = (
        "subject", "unit", "year", "due_on", "published_on", "place", "explanation",
        Column("on_time", "按时公开", value=lambda p: {True: "是", False: "否"}.get(p.on_time, "")),
        "reported_on", "reported_to", "status",
    )  # fmt: skip
    create_form_class = f.PublicationForm
    create_label = "填报数据公开"
    detail_template = "enforcement_oversight/publication_detail.html"
    steps = transition_steps(PUBLICATIONS)

    def base_queryset(self) -> models.QuerySet[Publication]:
        return Publication.objects.select_related("unit", "subject")

    def list_actions(self, actor: Actor) -> list[Action]:
        return [
            *super().list_actions(actor),
            Action("公开情况总览", "/enforcement-oversight/publication-overview/"),
        ]

    def create(self, actor: Actor, data: dict[str, Any]) -> Publication:
        return services.publication_open(actor=actor, **data)

    def deadlines(self, obj: Publication) -> list[Deadline]:
        rule = rule_for(PUBLICATION_RULE, province=province_code_of(obj.unit))
        return [
            Deadline(
                "公开期限",
                obj.due_on,
                rule.basis,
                done_on=obj.published_on,
                running=not obj.is_out,
                note=f"{obj.year}年度数据，次年公开并报本级人民政府和上级主管部门",
            )
        ]

    def detail_context(self, actor: Actor, obj: Publication) -> dict[str, Any]:
        deadlines = self.deadlines(obj)
        today = timezone.localdate()
        return {
            "table": sel.table_rows(obj),
            "frozen": obj.is_out,
            "timeline": self.timeline(obj, deadlines),
            "deadlines": [d.as_dict(today) for d in deadlines],
        }


subjects = SubjectRegister()
disclosures = DisclosureRegister()
recordings = RecordingRegister()
withdrawals = WithdrawalRegister()
majors = MajorRegister()
publications = PublicationRegister()
REGISTERS = (subjects, disclosures, recordings, withdrawals, majors, publications)


# --- pages of their own -----------------------------------------------------------------------
def _xlsx(title: str, header: list[str], rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _download(request: HttpRequest, actor: Actor, model: type[models.Model], name: str,
              ascii_name: str, content: bytes, count: int) -> HttpResponse:  # fmt: skip
    audit_download(
        actor=actor, action="enforcement_oversight.export", target=model, filename=name, count=count
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{urllib.parse.quote(name)}"
    )
    return response


@login_required
def hub(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    counts = sel.todo_counts(actor, timezone.localdate())
    links = [
        (
            "事前公示",
            disclosures.url("list"),
            "执法主体、人员、职责、权限、依据、程序、救济渠道等事前公示事项",
        ),
        (
            "执法主体三项制度",
            subjects.url("list"),
            "每个执法主体的公示缺项、音像记录事项清单和数据公开",
        ),
        (
            "音像记录事项清单",
            recordings.url("list"),
            "全过程记录：全程音像记录和文字记录的执法事项",
        ),
        (
            "公示撤回",
            withdrawals.url("list"),
            "已公示决定被变更、撤销、确认违法或确认无效的，3个工作日内撤回",
        ),
        (
            "重大执法决定法制审核",
            majors.url("list"),
            "第五十八条的四种情形，未经法制审核不得作出决定",
        ),
        ("行政执法数据公开", publications.url("list"), "每年1月31日前公开上年度六类执法数据并报送"),
        (
            "数据公开总览",
            "/enforcement-oversight/publication-overview/",
            "各执法主体按时、逾期、未公开情况",
        ),
        (
            "涉企重复检查预警",
            "/enforcement-oversight/alerts/",
            "同一企业在时间窗内被不同执法单位检查",
        ),
    ]
    return render(
        request,
        "enforcement_oversight/hub.html",
        {"title": "三项制度", "links": links, "counts": counts},
    )


def _year_param(request: HttpRequest, default: int) -> int:
    try:
        year = int(request.GET.get("year") or default)
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


def _overview(request: HttpRequest) -> tuple[Actor, int, list[sel.OverviewRow]]:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    today = timezone.localdate()
    year = _year_param(request, today.year - 1)
    return actor, year, sel.publication_overview(actor, year, today)


@login_required
def publication_overview(request: HttpRequest) -> HttpResponse:
    actor, year, rows = _overview(request)
    summary = {
        s: sum(1 for r in rows if r.state == s)
        for s in ("按时公开", "逾期公开", "未公开", "逾期未公开")
    }
    return render(
        request,
        "enforcement_oversight/overview.html",
        {
            "title": f"{year}年度行政执法数据公开总览",
            "rows": rows,
            "year": year,
            "years": [y for y, _ in _data_years(actor)],
            "summary": summary,
        },
    )


@login_required
def publication_overview_export(request: HttpRequest) -> HttpResponse:
    actor, year, rows = _overview(request)
    header = [
        "执法主体",
        "所属单位",
        "数据年度",
        "公开期限",
        "公开日期",
        "公开载体",
        "报送日期",
        "情况",
    ]
    data: list[list[object]] = []
    for r in rows:
        p = r.publication
        due = p.due_on if p is not None else None
        data.append([
            r.subject.name, r.subject.unit.name, year, due,
            p.published_on if p else None, p.place if p else "", p.reported_on if p else None,
            r.state,
        ])  # fmt: skip
    name = f"行政执法数据公开总览-{year}.xlsx"
    content = _xlsx(f"{year}年度数据公开", header, data)
    return _download(
        request, actor, Publication, name, f"eo-overview-{year}.xlsx", content, len(rows)
    )


#: Alerts shown on the page and written to the export (the count says how many in all).
ALERT_LIMIT = 2000


def _alerts(request: HttpRequest) -> tuple[Actor, dt.date, dt.date, list[sel.Alert], int]:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    today = timezone.localdate()
    year = _year_param(request, today.year)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    found, total = sel.stored_alerts(actor=actor, year=year, limit=ALERT_LIMIT)
    return actor, start, end, found, total


@login_required
def alerts(request: HttpRequest) -> HttpResponse:
    actor, start, _, found, total = _alerts(request)
    records = sel.alert_records(found)
    rows = [(a, records.get(a.first_id), records.get(a.second_id)) for a in found]
    window = sel_window(actor)
    return render(
        request,
        "enforcement_oversight/alerts.html",
        {
            "title": "涉企重复检查预警",
            "rows": rows,
            "total": total,
            "limit": ALERT_LIMIT,
            "year": start.year,
            "years": [y for y, _ in _data_years(actor)],
            "window": window,
        },
    )


def sel_window(actor: Actor) -> int:
    from fazhi.enforcement_oversight.rules import inspection_window

    return inspection_window(actor.unit if actor.unit.pk else None)


@login_required
def alerts_export(request: HttpRequest) -> HttpResponse:
    actor, start, _, found, _total = _alerts(request)
    records = sel.alert_records(found)
    header = ["统一社会信用代码", "前次检查单位", "前次检查日期", "前次文书号", "本次检查单位",
              "本次检查日期", "本次文书号", "间隔天数"]  # fmt: skip
    data: list[list[object]] = []
    for a in found:
        one, two = records[a.first_id], records[a.second_id]
        data.append([a.credit_code, one.unit.name, a.first_on, one.case_number, two.unit.name,
                     a.second_on, two.case_number, a.days])  # fmt: skip
    name = f"涉企重复检查预警-{start.year}.xlsx"
    content = _xlsx("涉企重复检查预警", header, data)
    from fazhi.enforcement_data.models import Record

    return _download(
        request, actor, Record, name, f"eo-alerts-{start.year}.xlsx", content, len(found)
    )


urlpatterns = [
    path("", hub, name="eo_hub"),
    path("alerts/", alerts, name="eo_alerts"),
    path("alerts/export.xlsx", alerts_export, name="eo_alerts_export"),
    path("publication-overview/", publication_overview, name="eo_overview"),
    path(
        "publication-overview/export.xlsx", publication_overview_export, name="eo_overview_export"
    ),
    *(p for r in REGISTERS for p in r.urls()),
]
