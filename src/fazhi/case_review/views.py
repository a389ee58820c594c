"""Screens of the 案卷评查 app.

Two registers on the generic layer — 评查活动 (``campaigns``: list, detail with the results
per unit, 新建, and the steps 随机抽取案卷 / 指定评查单位 / 选取案卷 / 下发整改通知 / 结束评查) and
评查案卷 (``files``: list, detail with the marks, steps 提交评查结果 / 退回重评) — plus the
standards pages (list, detail with 启用/停用/新版本/分数线, Excel import and export), the scoring
page of one file and the results export.
"""

from __future__ import annotations

import urllib.parse
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fazhi.case_review import excel, selectors, services
from fazhi.case_review import forms as f
from fazhi.case_review.models import (
    Campaign,
    CampaignStatus,
    CaseFile,
    FileStatus,
    Grade,
    Item,
)
from fazhi.core.registers import (
    Action,
    Column,
    Filter,
    Register,
    Step,
    actor_of,
)
from fazhi.core.security_events import audit_download
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, unit_in_scope

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _organiser_only(actor: Actor, campaign: Campaign) -> None:
    if not services.may_organise(actor, campaign):
        raise PermissionDenied("只有评查活动的组织单位可以办理此事项")


def _campaign_blocker(*allowed: str) -> Any:
    def blocker(c: Campaign, today: object) -> str:
        if c.status not in allowed:
            return f"评查活动{c.get_status_display()}"
        return ""

    return blocker


def _draw_blocker(c: Campaign, today: object) -> str:
    if c.status != CampaignStatus.PLANNING:
        return "已抽取案卷"
    if c.per_unit <= 0:
        return "未设定每单位抽取卷数"
    return ""


def _int_filter(lookup: str) -> Any:
    """A filter on an integer column: a value that is not a small positive number finds
    nothing (never a database error)."""

    def apply(qs: models.QuerySet[Any], value: str) -> models.QuerySet[Any]:
        if not value.isdigit() or len(value) > 18:
            return qs.none()
        return qs.filter(**{lookup: int(value)})

    return apply


def _year_choices(actor: Actor) -> list[tuple[str, str]]:
    this = timezone.localdate().year
    return [(str(y), f"{y}年") for y in range(this, this - 10, -1)]


class CampaignRegister(Register[Campaign]):
    key = "case_review_campaigns"
    url_prefix = "campaigns"
    title = "案卷评查活动"
    model = Campaign
    columns = (
        Column("title", "评查活动", link=True),
        Column("year", "年度"),
        Column("organiser.name", "组织单位"),
        Column("standard", "评查标准", value=lambda c: str(c.standard)),
        Column("n_files", "抽取卷数", value=lambda c: getattr(c, "n_files", "")),
        Column("n_done", "评查完成", value=lambda c: getattr(c, "n_done", "")),
        Column("status", "状态"),
    )
    filters = (
        Filter("year", "年度", choices=_year_choices, apply=_int_filter("year"), param_type=int),
        Filter("status", "状态", "status", CampaignStatus.choices),
    )
    search_fields = ("title",)
    search_placeholder = "评查活动名称"
    ordering = ("-year", "-pk")
    detail_fields = (
        "title",
        "year",
        "organiser",
        "standard",
        "per_unit",
        "seed",
        "drawn_on",
        "status",
    )
    create_form_class = f.CampaignForm
    create_label = "新建评查活动"
    detail_template = "case_review/campaign_detail.html"
    steps = (
        Step(
            "draw",
            "随机抽取案卷",
            f.DrawForm,
            run=lambda actor, c, data: services.files_draw(actor=actor, campaign=c, **data),
            blocker=_draw_blocker,
            offered=lambda c: c.status == CampaignStatus.PLANNING,
            permission=_organiser_only,
            confirm="抽取后不能重新抽取，确定吗？",
        ),
        Step(
            "assign",
            "指定评查单位",
            f.AssignForm,
            run=lambda actor, c, data: services.reviewer_assign(actor=actor, campaign=c, **data),
            blocker=_campaign_blocker(CampaignStatus.PLANNING, CampaignStatus.REVIEWING),
            offered=lambda c: c.status != CampaignStatus.CLOSED,
            permission=_organiser_only,
        ),
        Step(
            "add_file",
            "选取案卷",
            f.AddFileForm,
            run=lambda actor, c, data: services.file_add(actor=actor, campaign=c, **data),
            blocker=_campaign_blocker(CampaignStatus.PLANNING, CampaignStatus.REVIEWING),
            offered=lambda c: c.status != CampaignStatus.CLOSED,
            permission=_organiser_only,
        ),
        Step(
            "rectify",
            "下发整改通知",
            f.RectifyForm,
            run=lambda actor, c, data: services.rectification_issue(
                actor=actor, campaign=c, **data
            ),
            blocker=_campaign_blocker(CampaignStatus.REVIEWING, CampaignStatus.CLOSED),
            permission=_organiser_only,
            help="整改通知作为“整改任务”进入年度计划与督办：被评查单位在“本单位任务”中报送整改情况和佐证材料，组织单位审核，逾期亮红灯，可发督办单。",
        ),
        Step(
            "close",
            "结束评查",
            f.CloseForm,
            run=lambda actor, c, data: services.campaign_close(actor=actor, campaign=c),
            blocker=_campaign_blocker(CampaignStatus.REVIEWING),
            offered=lambda c: c.status == CampaignStatus.REVIEWING,
            permission=_organiser_only,
            confirm="确定结束本次评查吗？",
        ),
    )

    def base_queryset(self) -> models.QuerySet[Campaign]:
        return Campaign.objects.select_related("organiser", "standard").annotate(
            n_files=Count("files"), n_done=Count("files", filter=Q(files__status=FileStatus.DONE))
        )

    def can_edit(self, actor: Actor, obj: Campaign) -> bool:
        return services.may_organise(actor, obj)

    def list_actions(self, actor: Actor) -> list[Action]:
        actions = [Action("评查标准", reverse("case_review_standards"))]
        if self.can_create(actor):
            actions.insert(0, Action("新建评查活动", self.url("create")))
        return actions

    def create(self, actor: Actor, data: dict[str, Any]) -> Campaign:
        return services.campaign_create(actor=actor, **data)

    def detail_context(self, actor: Actor, obj: Campaign) -> dict[str, Any]:
        from fazhi.plans.services import light

        visible = files.queryset(actor).filter(campaign=obj)
        by_unit, whole = selectors.results(obj, visible)
        today = timezone.localdate()
        lights = {
            r.unit_code: light(r.rectification.assignment, today)  # type: ignore[attr-defined]
            for r in by_unit
            if r.rectification is not None
        }
        return {
            "results": by_unit,
            "whole": whole,
            "lights": lights,
            "files_url": f"{files.url('list')}?campaign={obj.pk}",
            "export_url": reverse("case_review_results_export", args=[obj.pk]),
        }


def _campaign_choices(actor: Actor) -> list[tuple[str, str]]:
    rows = files.queryset(actor).values_list("campaign_id", "campaign__title").distinct()
    return sorted({(str(pk), title) for pk, title in rows[:500]}, reverse=True)


def _score_cell(c: CaseFile) -> object:
    return "" if c.score is None else c.score


def _submit_permission(actor: Actor, c: CaseFile) -> None:
    problem = services.score_problem(actor, c)
    if problem and c.status == FileStatus.PENDING:
        raise PermissionDenied(problem)
    if c.status != FileStatus.PENDING and (
        not actor.can(Cap.REVIEW)
        or c.reviewer_unit is None
        or not unit_in_scope(c.reviewer_unit, actor)
    ):
        raise PermissionDenied("只有评查单位可以提交评查结果")


def _return_permission(actor: Actor, c: CaseFile) -> None:
    _organiser_only(actor, c.campaign)


class FileRegister(Register[CaseFile]):
    key = "case_review_files"
    url_prefix = "files"
    title = "评查案卷"
    model = CaseFile
    columns = (
        Column("case_number", "文书号", link=True, css="nowrap"),
        Column("campaign.title", "评查活动"),
        Column("unit.name", "被评查单位"),
        Column("subject_name", "执法主体"),
        Column("kind_label", "执法类别"),
        Column("reviewer_unit.name", "评查单位"),
        Column("status", "状态", css="nowrap"),
        Column("score", "得分", value=_score_cell),
        Column("grade", "等次", css="nowrap"),
    )
    filters = (
        Filter("campaign", "评查活动", choices=_campaign_choices, apply=_int_filter("campaign_id")),
        Filter("status", "状态", "status", FileStatus.choices),
        Filter("grade", "等次", "grade", Grade.choices),
    )
    search_fields = ("case_number", "subject_name")
    search_placeholder = "文书号、执法主体"
    detail_fields = (
        "case_number",
        Column("campaign.title", "评查活动"),
        "unit",
        "subject_name",
        Column("kind", "执法类别", value=lambda c: c.kind_label),
        "decided_on",
        "reviewer_unit",
        "status",
        "score",
        "grade",
        Column("veto", "否决", value=lambda c: "是" if c.veto else "否"),
        "reviewed_by",
        "submitted_on",
        "return_note",
    )
    detail_template = "case_review/file_detail.html"
    steps = (
        Step(
            "submit",
            "提交评查结果",
            f.SubmitForm,
            run=lambda actor, c, data: services.file_submit(actor=actor, case_file=c),
            blocker=lambda c, today: "" if c.status == FileStatus.PENDING else "已评查完成",
            offered=lambda c: c.status == FileStatus.PENDING,
            permission=_submit_permission,
            confirm="提交后不能再修改评分，确定提交吗？",
        ),
        Step(
            "return",
            "退回重评",
            f.ReturnForm,
            run=lambda actor, c, data: services.file_return(actor=actor, case_file=c, **data),
            blocker=services.return_problem,
            offered=lambda c: c.status == FileStatus.DONE,
            permission=_return_permission,
        ),
    )

    def base_queryset(self) -> models.QuerySet[CaseFile]:
        return CaseFile.objects.select_related("campaign__organiser", "unit", "reviewer_unit")

    def can_edit(self, actor: Actor, obj: CaseFile) -> bool:
        return False

    def list_actions(self, actor: Actor) -> list[Action]:
        return []

    def detail_context(self, actor: Actor, obj: CaseFile) -> dict[str, Any]:
        marks = obj.marks.select_related("item__part")
        return {
            "marks": marks,
            "can_score": not services.score_problem(actor, obj),
            "score_url": reverse("case_review_score", args=[obj.pk]),
        }


campaigns = CampaignRegister()
files = FileRegister()


# --- standards -------------------------------------------------------------------------------
@login_required
def standard_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    return render(
        request,
        "case_review/standards.html",
        {
            "title": "评查标准",
            "standards": selectors.standards(),
            "can_import": actor.can(Cap.EDIT_RECORDS),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def standard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    standard = get_object_or_404(selectors.standards(), pk=pk)
    threshold_form = f.ThresholdForm(
        request.POST if request.POST.get("action") == "thresholds" else None,
        initial={"excellent_min": standard.excellent_min, "pass_min": standard.pass_min},
    )
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "activate":
                services.standard_activate(actor=actor, standard=standard)
                messages.success(request, "已启用")
            elif action == "retire":
                services.standard_retire(actor=actor, standard=standard)
                messages.success(request, "已停用")
            elif action == "new_version":
                copy = services.standard_new_version(actor=actor, standard=standard)
                messages.success(request, f"已建立新版本：{copy}")
                return redirect(copy.get_absolute_url())
            elif action == "thresholds" and threshold_form.is_valid():
                services.standard_thresholds(
                    actor=actor, standard=standard, **threshold_form.cleaned_data
                )
                messages.success(request, "已修改等次分数线")
            else:
                messages.error(request, "请检查填写的内容")
            return redirect(standard.get_absolute_url())
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect(standard.get_absolute_url())
    parts = standard.parts.prefetch_related("items")
    return render(
        request,
        "case_review/standard_detail.html",
        {
            "title": str(standard),
            "standard": standard,
            "parts": parts,
            "can_edit": services.may_edit_standard(actor, standard),
            "used": standard.used,
            "threshold_form": threshold_form,
        },
    )


@login_required
def standard_export(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    standard = get_object_or_404(selectors.standards(), pk=pk)
    name = f"{standard.name}-第{standard.version}版.xlsx"
    audit_download(
        actor=actor, action="case_review.standard_export", target=standard, filename=name
    )
    response = HttpResponse(excel.standard_xlsx(standard), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="standard-{standard.pk}.xlsx"; '
        f"filename*=UTF-8''{urllib.parse.quote(name)}"
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def standard_import(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require(Cap.EDIT_RECORDS)
    form = f.StandardImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            standard = excel.standard_import(
                actor=actor,
                owner=actor.unit if not actor.is_command_line else None,
                name=form.cleaned_data["name"],
                province_code=form.cleaned_data["province_code"] or "",
                content=upload.read(),
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, f"已导入：{standard}（草稿，核对后启用）")
            return redirect(standard.get_absolute_url())
    return render(
        request,
        "case_review/standard_import.html",
        {"title": "导入评查标准", "form": form, "errors": errors},
        status=400 if errors else 200,
    )


# --- results and scoring ---------------------------------------------------------------------
@login_required
def results_export(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    campaign = campaigns.get_object(actor, pk)
    rows = list(
        files.queryset(actor).filter(campaign=campaign).order_by("unit__path", "case_number")
    )
    name = f"{campaign.title}-评查结果.xlsx"
    audit_download(
        actor=actor, action="case_review.export", target=CaseFile, filename=name, count=len(rows)
    )
    response = HttpResponse(excel.results_xlsx(campaign, rows), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="case-review-{campaign.pk}.xlsx"; '
        f"filename*=UTF-8''{urllib.parse.quote(name)}"
    )
    return response


def _mark_rows(case_file: CaseFile, marks: dict[int, services.MarkInput]) -> list[dict[str, Any]]:
    items = Item.objects.filter(part__standard=case_file.campaign.standard).select_related("part")
    return [{"item": i, "mark": marks.get(i.pk)} for i in items]


def _posted_marks(case_file: CaseFile, post: Any) -> dict[int, services.MarkInput]:
    found: dict[int, services.MarkInput] = {}
    errors: dict[str, str] = {}
    for item in Item.objects.filter(part__standard=case_file.campaign.standard):
        key = str(item.pk)
        note = post.get(f"note_{key}", "")
        instances, amount, veto = 0, Decimal("0"), False
        if item.kind == "veto":
            veto = post.get(f"veto_{key}") == "1"
        elif item.kind == "fixed":
            instances = 1 if post.get(f"hit_{key}") == "1" else 0
        elif item.kind == "per_instance":
            text = post.get(f"instances_{key}", "").strip() or "0"
            if not text.isdigit() or int(text) > 999:
                errors[f"item_{key}"] = f"“{item.name}”的处数应为0～999的整数"
                continue
            instances = int(text)
        else:
            text = post.get(f"amount_{key}", "").strip() or "0"
            try:
                amount = Decimal(text)
            except InvalidOperation:
                errors[f"item_{key}"] = f"“{item.name}”的扣分应为数字"
                continue
        mark = services.MarkInput(instances, amount, veto, note)
        if not mark.empty or note.strip():
            found[item.pk] = mark
    if errors:
        raise ValidationError(errors)
    return found


@login_required
@require_http_methods(["GET", "POST"])
def file_score(request: HttpRequest, pk: int) -> HttpResponse:
    """评分: one row per item of the standard; the score and grade are computed on save."""
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    case_file = files.get_object(actor, pk)
    problem = services.score_problem(actor, case_file)
    if problem:
        raise PermissionDenied(problem)
    marks = services.saved_marks(case_file)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            marks = _posted_marks(case_file, request.POST)
            services.file_score(actor=actor, case_file=case_file, marks=marks)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        else:
            if request.POST.get("submit") == "1":
                services.file_submit(actor=actor, case_file=case_file)
                messages.success(request, "已提交评查结果")
            else:
                messages.success(request, "已保存评分")
            return redirect(files.url("detail", case_file))
    case_file.refresh_from_db()
    return render(
        request,
        "case_review/score.html",
        {
            "title": f"评分 · {case_file.case_number}",
            "obj": case_file,
            "rows": _mark_rows(case_file, marks),
            "errors": [m for ms in errors.values() for m in ms],
            "standard": case_file.campaign.standard,
        },
        status=400 if errors else 200,
    )
