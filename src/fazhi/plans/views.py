"""Plan screens: import (upload → review and correct → confirm), the matrix, a unit's own
tasks, an assignment (progress, evidence, review, 督办), reminders. Thin: reads go through
``selectors``, writes through ``services``; scoping through ``visible_to``."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from fazhi.core.paging import BoundedPaginator, query_int
from fazhi.core.registers import actor_of
from fazhi.core.security_events import audit_download
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, get_visible_or_404, unit_in_scope, visible_to
from fazhi.plans import excel, importing, selectors, services
from fazhi.plans.models import (
    Assignment,
    AssignmentStatus,
    Evidence,
    Plan,
    ProgressReport,
    Reminder,
    SupervisionNotice,
)


def _plan_or_404(request: HttpRequest, pk: int) -> Any:
    """A plan the actor issued (in its subtree) or has tasks in (``selectors.plans_for``)."""
    plan = selectors.plans_for(actor_of(request)).filter(pk=pk).first()
    if plan is None:
        raise Http404("计划不存在或不在您的管辖范围内")
    return plan


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    plans = selectors.plans_for(actor).order_by("-year", "-pk")
    context = {"title": "年度计划与督办", "plans": plans, "can_import": actor.can(Cap.COORDINATE)}
    return render(request, "plans/list.html", context)


@login_required
def plan_import(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require(Cap.COORDINATE)
    form = importing.UploadForm(actor, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        importing.remember(request, form.parsed_upload())
        return redirect("plans:import_review")
    return render(request, "plans/import_upload.html", {"title": "导入工作计划", "form": form})


@login_required
def plan_import_review(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require(Cap.COORDINATE)
    pending = importing.recall(request)
    if pending is None:
        messages.error(request, "没有待确认的计划，请先上传计划文件")
        return redirect("plans:import")
    review = importing.Review(actor, pending, request.POST or None)
    if request.method == "POST" and review.is_valid():
        summary = review.save(request)
        if summary is not None:
            messages.success(request, importing.summary_text(summary))
            return redirect("plans:matrix", summary.plan.pk)
    return render(request, "plans/import_review.html", {"title": "核对计划", "review": review})


@login_required
def plan_matrix(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    plan = _plan_or_404(request, pk)
    filters = _filters(request)
    matrix = selectors.plan_matrix(actor, plan, timezone.localdate(), **filters)
    context = {
        "title": plan.title,
        "plan": plan,
        "matrix": matrix,
        "filters": filters,
        "sections": plan.sections.all(),
        "statuses": AssignmentStatus.choices,
        "chapters": dict(selectors.chapters()),
        "warn_days": settings.FAZHI_PLAN_WARN_DAYS,
        "metrics_link": _metrics_link(actor, plan),
    }
    return render(request, "plans/matrix.html", context)


def _metrics_link(actor: Actor, plan: Plan) -> tuple[str, str]:
    """The 完成情况统计 link: the plan unit's figures by sub-unit for those who see that unit,
    else the actor's own unit's (a 乡镇 sees the matrix of a county plan, not the county)."""
    query = {"year": plan.year, "metric": "plans.on_time_rate"}
    if unit_in_scope(plan.unit, actor):
        query["unit"] = plan.unit.code
        label = "完成情况统计（按期完成率、逾期数，按单位分列）"
    else:
        label = "本单位完成情况统计（按期完成率、逾期数）"
    return f"{reverse('metrics:dashboard')}?{urlencode(query)}", label


def _filters(request: HttpRequest) -> dict[str, Any]:
    status = request.GET.get("status", "")
    return {  # an id out of range is no filter (never a database error)
        "section": query_int(request.GET.get("section")),
        "unit": query_int(request.GET.get("unit")),
        "status": status if status in AssignmentStatus.values else "",
    }


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    today = timezone.localdate()
    rows = [(a, services.light(a, today)) for a in selectors.assignments_of(actor)[:500]]
    context = {"title": "本单位任务", "rows": rows, "today": today}
    return render(request, "plans/mine.html", context)


@login_required
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    qs = Assignment.objects.select_related(
        "task__plan__unit", "task__section", "task__lead_unit", "unit"
    )
    assignment = get_visible_or_404(qs, actor, pk=pk)
    if request.method == "POST" and request.POST.get("action") == "report":
        return _report(request, assignment)
    if request.method == "POST":
        return _act(request, assignment)
    return _detail(request, assignment)


def _detail(
    request: HttpRequest, assignment: Assignment, draft: dict[str, Any] | None = None
) -> HttpResponse:
    """The assignment page; ``draft``: a refused progress report, shown again as typed with
    the reasons next to its fields (status 400)."""
    actor, task = actor_of(request), assignment.task
    can_notice = services.may_coordinate(actor, task.plan)
    reports = list(assignment.reports.prefetch_related("evidence"))
    context = {
        "title": task.title,
        "a": assignment,
        "light": services.light(assignment, timezone.localdate()),
        "reports": [(r, services.may_review(actor, r)) for r in reports],
        "notices": assignment.notices.all(),
        "can_report": services.may_report(actor, assignment),
        "can_notice": can_notice,
        "chapters": selectors.chapters(),
        "indicators": selectors.indicator_names(task.indicator_codes, task.plan.year),
        "indicator_choices": selectors.indicator_choices(task.plan.year) if can_notice else [],
        "max_mb": settings.FAZHI_EVIDENCE_MAX_MB,
        "draft": draft or {},
    }
    return render(request, "plans/assignment.html", context, status=400 if draft else 200)


def _report(request: HttpRequest, assignment: Assignment) -> HttpResponse:
    """报送进展; refused (empty text, a file of the wrong type…), the form keeps what was typed."""
    data = request.POST
    try:
        services.report_submit(
            actor=actor_of(request),
            assignment=assignment,
            text=data.get("text", ""),
            claims_completion=bool(data.get("claims_completion")),
            files=request.FILES.getlist("files"),
        )
    except ValidationError as exc:
        return _detail(request, assignment, _draft(data, exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or "无权执行此操作")
    else:
        messages.success(request, "已报送进展")
    return HttpResponseRedirect(reverse("plans:assignment", args=[assignment.pk]))


def _draft(data: Any, exc: ValidationError) -> dict[str, Any]:
    """What was typed in a refused report, and the reasons by field (``text``, ``files``;
    the rest under ``other``)."""
    by_field = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    errors: dict[str, list[str]] = {}
    for name, reasons in by_field.items():
        errors.setdefault(name if name in ("text", "files") else "other", []).extend(reasons)
    claims = bool(data.get("claims_completion"))
    return {"text": data.get("text", ""), "claims": claims, "errors": errors}


def _act(request: HttpRequest, assignment: Assignment) -> HttpResponse:
    actor, data, action = actor_of(request), request.POST, request.POST.get("action", "")
    done = {
        "approve": "已通过",
        "return": "已退回",
        "notice": "已发出督办单",
    }
    done["task"] = "已修改任务"
    try:
        if action in ("approve", "return"):
            report = get_visible_or_404(
                ProgressReport.objects.filter(assignment=assignment), actor, pk=data.get("report")
            )
            services.report_review(
                actor=actor, report=report, approve=action == "approve", note=data.get("note", "")
            )
        elif action == "notice":
            services.notice_issue(
                actor=actor,
                assignment=assignment,
                content=data.get("content", ""),
                reply_due=_date(data.get("reply_due", ""), "reply_due"),
            )
        elif action == "task":
            chapter = data.get("chapter", "")
            due = data.get("due_on", "").strip()
            services.task_update(
                actor=actor,
                task=assignment.task,
                title=data.get("title", ""),
                due_on=_date(due, "due_on") if due else None,
                chapter=int(chapter) if chapter.isdigit() else None,
                indicator_codes=data.get("indicator_codes", "").replace("，", ",").split(","),
            )
        elif action == "reply":
            notice = get_visible_or_404(
                SupervisionNotice.objects.filter(assignment=assignment),
                actor,
                pk=data.get("notice"),
            )
            services.notice_reply(actor=actor, notice=notice, text=data.get("reply_text", ""))
            done[action] = f"已回复{notice.number}"
        else:
            raise ValidationError("未知的操作")
        messages.success(request, done[action])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or "无权执行此操作")
    return HttpResponseRedirect(reverse("plans:assignment", args=[assignment.pk]))


def _date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        label = {"reply_due": "回复期限", "due_on": "完成时限"}[field]
        raise ValidationError({field: f"请填写{label}（如 2025-06-30）"}) from None


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    reports = visible_to(ProgressReport.objects.all(), actor).values("pk")
    evidence = Evidence.objects.filter(pk=pk, report_id__in=reports).first()
    if evidence is None:
        raise Http404("材料不存在或不在您的管辖范围内")
    audit_download(  # 安全事件审计: which evidence row, not its uploaded name
        actor=actor, action=EVIDENCE_ACTION, target=evidence, label=str(evidence.report)
    )
    return FileResponse(
        evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name
    )


@login_required
def reminders(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    rows = visible_to(Reminder.objects.select_related("unit"), actor)
    if request.method == "POST":
        services.reminders_read(actor=actor)
        return redirect("plans:reminders")
    page = BoundedPaginator(rows, settings.FAZHI_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "title": "提醒",
        "page": page,
        "unread": rows.filter(read_at__isnull=True).count(),
    }
    return render(request, "plans/reminders.html", context)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_ACTION = "plan.export"
EVIDENCE_ACTION = "plan.evidence_download"
EXPORTS = {
    "matrix": (excel.matrix_workbook, "任务分工矩阵"),
    "reports": (excel.reports_workbook, "进展报告"),
}


@login_required
def plan_export(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    plan = _plan_or_404(request, pk)
    if kind not in EXPORTS:
        raise Http404("没有这种导出")
    build, label = EXPORTS[kind]
    filename = f"{plan.year}-{label}-{timezone.localdate():%Y%m%d}.xlsx"
    name = quote(filename)
    response = HttpResponse(build(actor=actor, plan=plan), content_type=XLSX)
    audit_download(actor=actor, action=EXPORT_ACTION, target=plan, filename=filename)
    response["Content-Disposition"] = (
        f"attachment; filename=\"plan-{plan.pk}-{kind}.xlsx\"; filename*=UTF-8''{name}"
    )
    return response
