"""Annual-report screens: list and start a draft, the report (preview with figure provenance,
completeness check, deadlines, the workflow's next step), editing the five parts, the .docx,
and the 依法治办's overview with its batch drafting (a background job). Thin: reads through
``selectors``, writes through ``services``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fazhi.core.registers import actor_of
from fazhi.core.security_events import audit_download
from fazhi.core.selectors import history_of
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, get_visible_or_404
from fazhi.reports import job_kinds, rules, selectors, services, tokens
from fazhi.reports.docx import render_docx
from fazhi.reports.html import html_blocks
from fazhi.reports.models import PART_NUMBERS, STEPS, AnnualReport, ReportState


def _year(text: str | None, default: int) -> int:
    return int(text) if text and text.isdigit() and 2000 <= int(text) <= 2100 else default


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    today = timezone.localdate()
    reports = list(selectors.reports_for(actor).order_by("-year", "unit__path")[:500])
    year = _year(request.GET.get("year"), today.year - 1)
    groups: list[tuple[str, list[OrgUnit]]] = []
    chosen: int | None = None
    if actor.can(Cap.EDIT_RECORDS):
        units = selectors.reporting_units(actor)
        done = set(
            AnnualReport.objects.filter(unit__in=units, year=year).values_list("unit_id", flat=True)
        )
        wanted = request.GET.get("unit", "")
        chosen = next((u.pk for u in units if str(u.pk) == wanted), None) or next(
            (u.pk for u in units if u.pk not in done), None
        )
        for unit in units:
            label = unit.get_kind_display()
            if not groups or groups[-1][0] != label:
                groups.append((label, []))
            groups[-1][1].append(unit)
    context = {
        "title": "法治政府建设年度报告",
        "reports": reports,
        "unit_groups": groups,
        "chosen_unit": chosen,
        "default_year": year,
        "years": list(range(today.year, today.year - 6, -1)),
        "can_overview": actor.can(Cap.COORDINATE),
    }
    return render(request, "reports/list.html", context)


@login_required
@require_POST
def report_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require(Cap.EDIT_RECORDS)
    unit_id = request.POST.get("unit", "")
    if not unit_id.isdigit():
        messages.error(request, "请选择报告单位")
        return HttpResponseRedirect(reverse("reports:list"))
    unit = get_visible_or_404(OrgUnit.objects.all(), actor, pk=int(unit_id))
    year = _year(request.POST.get("year"), 0)
    existing = selectors.reports_for(actor).filter(unit=unit, year=year).first()
    if existing is not None:
        messages.info(request, f"{unit.name}{year}年度的报告已经存在，已为您打开")
        return HttpResponseRedirect(existing.get_absolute_url())
    try:
        report = services.report_create(
            actor=actor, unit=unit, year=year, name_units=request.POST.get("name_units") == "1"
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return HttpResponseRedirect(reverse("reports:list"))
    messages.success(request, "已从台账和工作计划生成草稿，请补充标黄的待填写提示")
    return HttpResponseRedirect(report.get_absolute_url())


def _report_or_404(request: HttpRequest, pk: int) -> AnnualReport:
    return get_visible_or_404(AnnualReport.objects.select_related("unit"), actor_of(request), pk=pk)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    return _detail(request, actor, _report_or_404(request, pk))


#: The fields of the step forms on the report page (kept when a step is refused).
FORM_FIELDS = (
    "reviewer",
    "reviewed_on",
    "opinion",
    "meeting",
    "meeting_on",
    "reason",
    "recipients",
    "copy_to",
    "submitted_on",
    "url",
    "published_on",
)


def _detail(
    request: HttpRequest, actor: Actor, report: AnnualReport, error: str = "", status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    parts, figures = selectors.parts_of(report), selectors.figures_of(report)
    issues = selectors.report_issues(actor=actor, report=report)
    recipients, copy_to = rules.recipients(report.unit)
    form = dict.fromkeys(FORM_FIELDS, "") | {
        "reviewer": actor.name,
        "recipients": "\n".join(report.recipients or recipients),
        "copy_to": "\n".join(report.copy_to or copy_to),
    }
    form |= {f: today.isoformat() for f in FORM_FIELDS if f.endswith("_on")}
    if error:
        form |= {f: request.POST.get(f, "") for f in FORM_FIELDS if f in request.POST}
    context = {
        "title": report.title,
        "report": report,
        "blocks": html_blocks(report, parts, figures, links=True),
        "figures": figures,
        "errors": [i for i in issues if i.is_error],
        "warnings": [i for i in issues if not i.is_error],
        "deadlines": [
            (d, d.state(today), d.text(today))
            for d in selectors.deadline_status(report.unit, report.year, report)
        ],
        "steps": [label for _, label in STEPS],
        "step_index": list(ReportState).index(ReportState(report.state)),
        "can_edit": services.may_edit(actor, report),
        "can_review": services.may_review(actor, report),
        "can_record": services.may_record(actor, report),
        "form": form,
        "step_error": error,
        "default_meeting": rules.meeting(report.unit),
        "part_headings": [(n, rules.part_heading(n)) for n in PART_NUMBERS],
        "history": history_of("reports.annualreport", str(report.pk)),
    }
    return render(request, "reports/detail.html", context, status=status)


@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    actor.require(Cap.EDIT_RECORDS)
    report = _report_or_404(request, pk)
    if not services.may_edit(actor, report):
        messages.error(request, "报告已提交审查，不能再修改；如需修改，请由审查或审议环节退回")
        return HttpResponseRedirect(report.get_absolute_url())
    parts = selectors.parts_of(report)
    error, conflict, revision = "", False, report.revision
    if request.method == "POST":
        data = request.POST
        try:
            services.report_edit(
                actor=actor,
                report=report,
                revision=int(data["revision"]) if data.get("revision", "").isdigit() else 0,
                title=data.get("title", ""),
                preamble=data.get("preamble", ""),
                bodies={p.number: data.get(f"part{p.number}", p.body) for p in parts},
            )
        except ValidationError as exc:
            error = "；".join(exc.messages)
            # Keep the revision the user started from: saving again must not overwrite.
            conflict = services.EDIT_CONFLICT in error
            posted = data.get("revision", "")
            revision = int(posted) if posted.isdigit() else 0
        else:
            messages.success(request, "已保存")
            if data.get("then") == "stay":
                return HttpResponseRedirect(reverse("reports:edit", args=[report.pk]))
            return HttpResponseRedirect(report.get_absolute_url())
        for p in parts:
            p.body = data.get(f"part{p.number}", p.body)
        report.title, report.preamble = data.get("title", ""), data.get("preamble", "")
    context = {
        "title": f"编辑：{report.title}",
        "report": report,
        "parts": parts,
        "part_rows": [(p, f"id_part{p.number}", tokens.prompts_in(p.body)) for p in parts],
        "preamble_prompts": tokens.prompts_in(report.preamble),
        "figures": selectors.figures_of(report),
        "error": error,
        "conflict": conflict,
        "revision": revision,
    }
    return render(request, "reports/edit.html", context, status=400 if error else 200)


def _date(text: str | None, field: str, label: str) -> dt.date | None:
    if not text or not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError({field: f"{label}格式不对，应为 2026-03-20 这样的日期"}) from None


def _lines(text: str | None) -> list[str]:
    return [x.strip() for x in (text or "").replace("；", "\n").splitlines()]


Step = Callable[[Actor, AnnualReport, QueryDict], str]


def _refresh(actor: Actor, report: AnnualReport, data: QueryDict) -> str:
    services.report_refresh(actor=actor, report=report)
    return "已按台账重新计算报告中的全部数据"


def _regenerate(actor: Actor, report: AnnualReport, data: QueryDict) -> str:
    parts = [int(n) for n in data.getlist("parts") if n.isdigit()]
    if not parts:
        raise ValidationError("请选择要重新生成的部分")
    services.report_refresh(
        actor=actor, report=report, parts=parts, name_units=data.get("name_units") == "1"
    )
    return "已更新数据并重新生成所选部分"


def _send(actor: Actor, report: AnnualReport, data: QueryDict) -> str:
    services.report_send_to_review(actor=actor, report=report)
    return "已提交保密审查"


def _secrecy(approve: bool) -> Step:
    def step(actor: Actor, report: AnnualReport, data: QueryDict) -> str:
        services.report_secrecy_review(
            actor=actor,
            report=report,
            approve=approve,
            reviewer=data.get("reviewer", ""),
            reviewed_on=_date(data.get("reviewed_on"), "reviewed_on", "保密审查日期"),
            opinion=data.get("opinion", ""),
        )
        return "保密审查已通过" if approve else "已退回修改"

    return step


def _deliberate(approve: bool) -> Step:
    def step(actor: Actor, report: AnnualReport, data: QueryDict) -> str:
        services.report_deliberate(
            actor=actor,
            report=report,
            approve=approve,
            meeting=data.get("meeting", ""),
            meeting_on=_date(data.get("meeting_on"), "meeting_on", "审议日期"),
            reason=data.get("reason", ""),
        )
        return "已登记审议通过" if approve else "已退回修改"

    return step


def _submit(actor: Actor, report: AnnualReport, data: QueryDict) -> str:
    services.report_submit(
        actor=actor,
        report=report,
        submitted_on=_date(data.get("submitted_on"), "submitted_on", "报送日期"),
        recipients=_lines(data.get("recipients")),
        copy_to=_lines(data.get("copy_to")),
    )
    return "已登记报送"


def _publish(actor: Actor, report: AnnualReport, data: QueryDict) -> str:
    services.report_publish(
        actor=actor,
        report=report,
        published_on=_date(data.get("published_on"), "published_on", "公开日期"),
        url=data.get("url", ""),
    )
    return "已登记公开，报告已在门户网站发布"


def _return(actor: Actor, report: AnnualReport, data: QueryDict) -> str:
    services.report_return(actor=actor, report=report, reason=data.get("reason", ""))
    return "已退回起草"


#: The buttons of the report page: ``action`` value → what it does (returns the message).
STEPS_BY_ACTION: dict[str, Step] = {
    "refresh": _refresh,
    "regenerate": _regenerate,
    "send_review": _send,
    "secrecy_pass": _secrecy(True),
    "secrecy_return": _secrecy(False),
    "deliberate_pass": _deliberate(True),
    "deliberate_return": _deliberate(False),
    "submit": _submit,
    "publish": _publish,
    "return": _return,
}


@login_required
def report_act(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    report = _report_or_404(request, pk)
    if request.method != "POST":  # a refused step left the browser here: back to the report
        return HttpResponseRedirect(report.get_absolute_url())
    step = STEPS_BY_ACTION.get(request.POST.get("action", ""))
    try:
        if step is None:
            raise ValidationError("未知的操作")
        messages.success(request, step(actor, report, request.POST))
    except ValidationError as exc:
        # The page again, with what was typed and the reason next to the form.
        report.refresh_from_db()
        return _detail(request, actor, report, "；".join(exc.messages), status=400)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or "无权执行此操作")
    return HttpResponseRedirect(report.get_absolute_url())


DOCX_ACTION = "report.docx_download"


def docx_response(report: AnnualReport, *, public: bool = False) -> HttpResponse:
    data = render_docx(selectors.document_for(report, public=public))
    response = HttpResponse(
        data,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    name = f"{report.title}.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    report = _report_or_404(request, pk)
    response = docx_response(report)
    audit_download(actor=actor, action=DOCX_ACTION, target=report, filename=f"{report.title}.docx")
    return response


@login_required
def report_overview(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require(Cap.COORDINATE)
    today = timezone.localdate()
    year = _year(request.GET.get("year"), today.year - 1)
    rows = [(row, row.flags(today)) for row in selectors.overview(actor=actor, year=year)]
    show = request.GET.get("show", "")
    counts = {flag: sum(flag in flags for _, flags in rows) for flag in selectors.OVERVIEW_FLAGS}
    table = [
        {
            "row": row,
            "submit": (row.submit.state(today), row.submit.text(today)),
            "publish": (row.publish.state(today), row.publish.text(today)),
        }
        for row, flags in rows
        if show not in selectors.OVERVIEW_FLAGS or show in flags
    ]
    context = {
        "title": f"{year}年度法治政府建设年度报告报送和公开情况",
        "year": year,
        "years": list(range(today.year, today.year - 6, -1)),
        "table": table,
        "total": len(rows),
        "counts": counts,
        "show": show,
        "today": today,
        "undrafted": sum(1 for row, _ in rows if row.report is None),
        "can_draft": actor.can(Cap.EDIT_RECORDS),
    }
    return render(request, "reports/overview.html", context)


@login_required
def report_drafts(request: HttpRequest) -> HttpResponse:
    """为未起草的单位批量生成草稿: GET asks to confirm (the units listed), POST queues the
    background job (``job_kinds.py``) and goes to its progress page."""
    actor = actor_of(request)
    actor.require(Cap.COORDINATE)
    actor.require(Cap.EDIT_RECORDS)
    today = timezone.localdate()
    year = _year(request.POST.get("year") or request.GET.get("year"), today.year - 1)
    if request.method == "POST":
        name_units = request.POST.get("name_units") == "1"
        try:
            job = job_kinds.drafts_submit(actor=actor, year=year, name_units=name_units)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return HttpResponseRedirect(f"{reverse('reports:overview')}?year={year}")
        return HttpResponseRedirect(reverse("jobs:detail", args=[job.pk]))
    units = job_kinds.undrafted_units(actor, year)
    context = {"title": f"批量起草{year}年度报告", "year": year, "units": units}
    return render(request, "reports/drafts_confirm.html", context)
