"""Pages of the 考核督察 module (thin: reads from selectors, writes through services).

* ``/assessments/`` — the campaigns the actor has a side in; 新建考核; 指标体系;
* ``/assessments/<pk>/`` — overview: phase, the organiser's steps, units × first-level
  indicators with totals, grades, ranks and the 减负 counts (organiser; units once published);
* ``/assessments/<pk>/units/<eid>/`` — one unit's evaluation: its self-evaluation (the unit),
  the reviewer's scoring (the indicators the actor's unit reviews);
* ``/assessments/<pk>/units/<eid>/explain/`` — every point lost with its rule, figure, records
  and review note; 异议 during 公示;
* ``/assessments/<pk>/objections/`` and ``/findings/`` — 异议 answers and 问题 → 整改;
* ``/assessments/systems/…`` — indicator systems: list, tree, copy, freeze, Excel in and out.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from fazhi.assessments import selectors, services, systems_io
from fazhi.assessments.models import (
    Answer,
    Campaign,
    Evaluation,
    Finding,
    Indicator,
    IndicatorKind,
    IndicatorSystem,
    Kind,
    Mode,
    Objection,
    ObjectionStatus,
    Rule,
    Source,
    Status,
)
from fazhi.core.registers import actor_of
from fazhi.core.security_events import audit_download
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PHASES = [(s.value, s.label) for s in Status]


def _dec(text: str | None, label: str) -> Decimal | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValidationError(f"{label}“{text}”不是数字") from exc
    if not value.is_finite():
        raise ValidationError(f"{label}“{text}”不是数字")
    return value


def _date(text: str | None, label: str, required: bool = True) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        if required:
            raise ValidationError(f"请填写{label}")
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationError(f"{label}“{text}”不是有效日期（如 2026-03-31）") from exc


def _campaign(request: HttpRequest, pk: int) -> tuple[Actor, Campaign, selectors.Access]:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS) if not actor.can(Cap.REVIEW) else None
    campaign = get_object_or_404(Campaign.objects.select_related("organiser", "system"), pk=pk)
    access = selectors.access(actor, campaign)
    if not access.any:
        raise Http404("没有找到该考核")
    return actor, campaign, access


def _errors(exc: ValidationError | PermissionDenied) -> list[str]:
    if isinstance(exc, PermissionDenied):
        return [str(exc) or "无权限"]
    return exc.messages


# --- list and new ------------------------------------------------------------------------------
@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    campaigns = list(selectors.campaigns_for(actor).order_by("-year", "-pk")[:200])
    organiser = actor.can(Cap.COORDINATE)
    return render(
        request,
        "assessments/list.html",
        {"title": "考核督察", "campaigns": campaigns, "may_create": organiser},
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require(Cap.COORDINATE)
    systems = list(selectors.systems_for(actor).order_by("name", "-version"))
    errors: list[str] = []
    today = timezone.localdate()
    data = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            system = next((s for s in systems if str(s.pk) == data.get("system")), None)
            if system is None:
                raise ValidationError("请选择指标体系")
            year = int(data.get("year") or 0)
            if not 2000 <= year <= 2100:
                raise ValidationError("请填写考核年度")
            campaign = services.campaign_create(
                actor=actor,
                organiser=actor.unit,
                system=system,
                year=year,
                title=data.get("title", ""),
                kind=data.get("kind", Kind.ANNUAL),
                self_due=_date(data.get("self_due"), "自评截止日期"),  # type: ignore[arg-type]
                review_due=_date(data.get("review_due"), "评分截止日期"),  # type: ignore[arg-type]
                mode=data.get("mode", ""),
                visit_from=_date(data.get("visit_from"), "实地督察开始", required=False),
                visit_to=_date(data.get("visit_to"), "实地督察结束", required=False),
            )
        except (ValidationError, PermissionDenied) as exc:
            errors = _errors(exc)
        else:
            messages.success(
                request, f"已创建“{campaign.title}”，被考核单位 {campaign.evaluations.count()} 个"
            )
            return redirect("assessments:detail", campaign.pk)
    return render(
        request,
        "assessments/new.html",
        {
            "title": "新建考核",
            "systems": systems,
            "kinds": Kind.choices,
            "modes": [m for m in Mode.choices if m[0]],
            "data": data,
            "errors": errors,
            "default_year": today.year - 1 if today.month < 7 else today.year,
            "units": services.default_units(actor.unit),
        },
        status=400 if errors else 200,
    )


# --- overview --------------------------------------------------------------------------------
ACTIONS = {
    "open": ("开始自评", Status.DRAFT),
    "refresh": ("重新从台账取数", Status.SELF),
    "review": ("进入审核评分", Status.SELF),
    "publish": ("公示结果", Status.REVIEW),
    "freeze": ("定档", Status.PUBLICITY),
    "findings": ("扣分项生成整改问题", Status.REVIEW),
}


@login_required
@require_http_methods(["GET", "POST"])
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor, campaign, access = _campaign(request, pk)
    errors: list[str] = []
    if request.method == "POST":
        if not access.organiser:
            raise PermissionDenied("只有组织单位（依法治办）可以进行此项操作")
        action = request.POST.get("action", "")
        try:
            if action == "open":
                services.campaign_open(actor=actor, campaign=campaign)
                messages.success(request, "已开始自评，系统台账数据已预填")
            elif action == "refresh":
                n = services.prefill_refresh(actor=actor, campaign=campaign)
                messages.success(request, f"已重新取数 {n} 项")
            elif action == "review":
                services.campaign_start_review(actor=actor, campaign=campaign)
                messages.success(request, "已进入审核评分")
            elif action == "publish":
                due = _date(request.POST.get("objection_due"), "异议截止日期")
                services.campaign_publish(actor=actor, campaign=campaign, objection_due=due)  # type: ignore[arg-type]
                messages.success(request, "考核结果已公示")
            elif action == "freeze":
                services.campaign_freeze(actor=actor, campaign=campaign)
                messages.success(request, "考核结果已定档")
            elif action == "findings":
                made = services.findings_from_deductions(actor=actor, campaign=campaign)
                messages.success(request, f"已生成整改问题 {len(made)} 个")
            else:
                raise ValidationError("未知的操作")
        except (ValidationError, PermissionDenied) as exc:
            errors = _errors(exc)
        else:
            return redirect("assessments:detail", campaign.pk)
        campaign.refresh_from_db()
    from fazhi.assessments.documents import results

    all_roots, by_unit = results(campaign)
    roots = [r for r in all_roots if r.kind == IndicatorKind.SCORE]  # bonus has its column
    evaluations = [e for e, _ in by_unit]
    shown_rows = [
        (e, [per.get(r.pk) for r in roots])
        for e, per in by_unit
        if access.may_see_evaluation(e, campaign.is_published)
    ]
    shown = [e for e, _ in shown_rows]
    done, findings = services.rectification_figures(campaign)
    context = {
        "title": campaign.title,
        "campaign": campaign,
        "access": access,
        "phases": PHASES,
        "errors": errors,
        "evaluations": shown,
        "roots": roots,
        "rows": shown_rows if access.organiser or campaign.is_published else [],
        "own": [e for e in evaluations if e.pk in access.own],
        "burden": {
            "prefilled": sum(e.prefilled for e in shown),
            "typed": sum(e.typed_fields for e in shown),
            "files": sum(e.uploaded_files for e in shown),
            "reused": sum(e.reused for e in shown),
        },
        "findings": (done, findings),
        "objections": Objection.objects.filter(
            evaluation__campaign=campaign, status=ObjectionStatus.FILED
        ).count()
        if access.organiser
        else 0,
        "today": timezone.localdate(),
        "show_scores": access.organiser or campaign.is_published,
    }
    return render(request, "assessments/detail.html", context, status=400 if errors else 200)


# --- one unit: self-evaluation and review -------------------------------------------------------
def _evaluation(
    request: HttpRequest, pk: int, eid: int
) -> tuple[Actor, Campaign, selectors.Access, Evaluation]:
    actor, campaign, access = _campaign(request, pk)
    evaluation = get_object_or_404(campaign.evaluations.select_related("unit"), pk=eid)
    if not access.may_see_evaluation(evaluation, campaign.is_published):
        raise Http404("没有找到该单位的考核")
    evaluation.campaign = campaign
    return actor, campaign, access, evaluation


def _visible_ids(access: selectors.Access, evaluation: Evaluation) -> set[int] | None:
    """The indicators the actor may see of this evaluation (None: all)."""
    if access.organiser or evaluation.pk in access.own:
        return None
    if access.reviewer is not None and evaluation.unit_id != access.reviewer.unit_id:
        return selectors.reviewed_indicator_ids(access.reviewer)
    return set()  # published results only: totals, no answers


def _refs_for(evaluation: Evaluation) -> list[dict[str, str]]:
    """Material already in the platform the unit may cite instead of uploading again: its plan
    progress reports with evidence and its study sessions of the year."""
    from fazhi.plans.models import ProgressReport

    year = evaluation.campaign.year
    out: list[dict[str, str]] = []
    reports = ProgressReport.objects.filter(
        assignment__unit=evaluation.unit, submitted_at__year=year
    ).select_related("assignment__task")[:30]
    for r in reports:
        out.append(
            {
                "kind": "plan_report",
                "id": str(r.pk),
                "label": f"工作任务进展：{r.assignment.task.title}（{r.submitted_at:%Y-%m-%d}）",
                "url": f"/plans/assignments/{r.assignment_id}/",
            }
        )
    try:
        from fazhi.study.models import StudySession as Session

        for s in Session.objects.filter(unit=evaluation.unit, held_on__year=year)[:30]:
            out.append(
                {
                    "kind": "study",
                    "id": str(s.pk),
                    "label": f"学法：{s.subject}（{s.held_on:%Y-%m-%d}）",
                    "url": f"/study/sessions/{s.pk}/",
                }
            )
    except (ImportError, LookupError):  # pragma: no cover - study not installed
        pass
    return out


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_detail(request: HttpRequest, pk: int, eid: int) -> HttpResponse:
    actor, campaign, access, evaluation = _evaluation(request, pk, eid)
    visible = _visible_ids(access, evaluation)
    own = evaluation.pk in access.own and actor.can(Cap.EDIT_RECORDS)
    reviewing = (
        campaign.status == Status.REVIEW
        and (access.organiser or (access.reviewer is not None and visible))
        and evaluation.pk not in access.own
    ) or (access.organiser and campaign.status == Status.REVIEW)
    answers = selectors.answers_of(evaluation, visible) if visible != set() else []
    errors: list[str] = []
    refs = _refs_for(evaluation) if own and campaign.status == Status.SELF else []
    if request.method == "POST":
        try:
            _post_evaluation(request, actor, evaluation, answers, own, reviewing, refs)
        except (ValidationError, PermissionDenied) as exc:
            errors = _errors(exc)
        else:
            return redirect("assessments:evaluation", campaign.pk, evaluation.pk)
        answers = selectors.answers_of(evaluation, visible) if visible != set() else []
    reviewed = selectors.reviewed_indicator_ids(access.reviewer) if access.reviewer else set()
    rows = [
        {
            "a": a,
            "i": a.indicator,
            "items": list(enumerate((a.indicator.params or {}).get("items", []))),
            "may_review": reviewing and (access.organiser or a.indicator_id in reviewed),
            "refs": {r.get("id") + r.get("kind", "") for r in a.refs or []},
        }
        for a in answers
    ]
    return render(
        request,
        "assessments/evaluation.html",
        {
            "title": f"{evaluation.unit.name} · {campaign.title}",
            "campaign": campaign,
            "evaluation": evaluation,
            "rows": rows,
            "own": own and campaign.status == Status.SELF and evaluation.status == "pending",
            "reviewing": reviewing,
            "access": access,
            "errors": errors,
            "refs": refs,
            "Source": Source,
            "Rule": Rule,
        },
        status=400 if errors else 200,
    )


def _post_evaluation(
    request: HttpRequest,
    actor: Actor,
    evaluation: Evaluation,
    answers: list[Answer],
    own: bool,
    reviewing: bool,
    refs: list[dict[str, str]],
) -> None:
    post = request.POST
    action = post.get("action", "save")
    if action == "submit":
        if not own:
            raise PermissionDenied("只能提交本单位的自评")
        services.evaluation_submit(actor=actor, evaluation=evaluation, note=post.get("note", ""))
        messages.success(request, "自评已提交")
        return
    by_key = {f"{r['kind']}:{r['id']}": r for r in refs}
    for a in answers:
        i, key = a.indicator, str(a.pk)
        a.evaluation = evaluation
        if action == "save" and own:
            items = (i.params or {}).get("items", [])
            fields: dict[str, Any] = {}
            if f"note_{key}" in post:
                fields["self_note"] = post.get(f"note_{key}", "")
            if a.source == Source.UNIT and i.rule in ("threshold", "linear", "per_count"):
                fields["value"] = _dec(post.get(f"value_{key}"), f"“{i.name}”的数值")
            if i.rule == Rule.CHECKLIST:
                fields["checks"] = [post.get(f"check_{key}_{n}") == "1" for n in range(len(items))]
            if i.rule == Rule.REVIEWER and i.kind == IndicatorKind.SCORE:
                fields["self_deduction"] = _dec(post.get(f"self_{key}"), f"“{i.name}”的自评扣分")
            chosen = post.getlist(f"ref_{key}")
            if chosen or a.refs:
                fields["refs"] = [by_key[c] for c in chosen if c in by_key]
            files = request.FILES.getlist(f"files_{key}")
            changed = (
                fields.get("self_note", a.self_note) != a.self_note
                or (fields.get("value") is not None and fields.get("value") != a.figure)
                or ("checks" in fields and fields["checks"] != list(a.checks or []))
                or (
                    fields.get("self_deduction") is not None
                    and fields["self_deduction"] != a.self_deduction
                )
                or ("refs" in fields and fields["refs"] != (a.refs or []))
                or files
            )
            if changed:
                if fields.get("value") is None:
                    fields.pop("value", None)
                if fields.get("self_deduction") is None:
                    fields.pop("self_deduction", None)
                services.answer_save(actor=actor, answer=a, files=files, **fields)
        elif action == "review" and reviewing and f"reviewed_{key}" in post:
            items = (i.params or {}).get("items", [])
            kwargs: dict[str, Any] = {"note": post.get(f"rnote_{key}", "")}
            if i.rule == Rule.REVIEWER and i.kind != IndicatorKind.VETO:
                kwargs["deduction"] = _dec(post.get(f"deduction_{key}"), f"“{i.name}”的评审分")
                if kwargs["deduction"] is None and a.review_deduction is None:
                    continue  # not scored yet
                if kwargs["deduction"] is None:
                    kwargs["deduction"] = a.review_deduction
            if i.rule == Rule.CHECKLIST:
                kwargs["checks"] = [post.get(f"rcheck_{key}_{n}") == "1" for n in range(len(items))]
            if i.kind == IndicatorKind.VETO:
                kwargs["veto"] = post.get(f"veto_{key}") == "1"
            override = _dec(post.get(f"override_{key}"), f"“{i.name}”的复核分")
            if override is not None or post.get(f"oreason_{key}", "").strip():
                kwargs["override"] = override
                kwargs["override_reason"] = post.get(f"oreason_{key}", "")
            elif a.override is not None:
                kwargs["override"], kwargs["override_reason"] = a.override, a.override_reason
            services.answer_review(actor=actor, answer=a, **kwargs)
    messages.success(request, "已保存")


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_explain(request: HttpRequest, pk: int, eid: int) -> HttpResponse:
    """Why each point was lost: the rule, the figure (with its records), the missing evidence
    and the reviewer's note; 异议 during 公示."""
    actor, campaign, access, evaluation = _evaluation(request, pk, eid)
    if not (access.organiser or evaluation.pk in access.own):
        raise Http404("没有找到该单位的考核")
    errors: list[str] = []
    if request.method == "POST":
        try:
            indicator = get_object_or_404(
                Indicator, pk=int(request.POST.get("indicator") or 0), system=campaign.system
            )
            services.objection_file(
                actor=actor,
                evaluation=evaluation,
                indicator=indicator,
                reason=request.POST.get("reason", ""),
                evidence=request.POST.get("evidence", ""),
            )
        except (ValidationError, PermissionDenied) as exc:
            errors = _errors(exc)
        except ValueError:
            errors = ["请选择指标"]
        else:
            messages.success(request, "异议已提交，等待组织单位答复")
            return redirect("assessments:explain", campaign.pk, evaluation.pk)
    answers = {a.indicator_id: a for a in selectors.answers_of(evaluation)}
    indicators = selectors.indicator_tree(campaign.system)
    lines = []
    stored = {a.indicator_id: a for a in answers.values()}
    for ind in indicators:
        a = stored.get(ind.pk)
        lines.append({"i": ind, "a": a})
    objections = list(evaluation.objections.select_related("indicator"))
    may_object = (
        evaluation.pk in access.own
        and campaign.status == Status.PUBLICITY
        and (campaign.objection_due is None or timezone.localdate() <= campaign.objection_due)
    )
    return render(
        request,
        "assessments/explain.html",
        {
            "title": f"得分说明 · {evaluation.unit.name}",
            "campaign": campaign,
            "evaluation": evaluation,
            "lines": lines,
            "objections": objections,
            "may_object": may_object,
            "errors": errors,
            "show_scores": access.organiser
            or campaign.is_published
            or campaign.status == Status.REVIEW,
        },
        status=400 if errors else 200,
    )


# --- objections and findings ---------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def objection_list(request: HttpRequest, pk: int) -> HttpResponse:
    actor, campaign, access = _campaign(request, pk)
    if not access.organiser:
        raise Http404("没有找到该页面")
    errors: list[str] = []
    if request.method == "POST":
        objection = get_object_or_404(
            Objection, pk=int(request.POST.get("objection") or 0), evaluation__campaign=campaign
        )
        try:
            upheld = request.POST.get("upheld") == "1"
            services.objection_answer(
                actor=actor,
                objection=objection,
                upheld=upheld,
                answer=request.POST.get("answer", ""),
                new_value=_dec(request.POST.get("new_value"), "改正后的扣分") if upheld else None,
            )
        except (ValidationError, PermissionDenied) as exc:
            errors = _errors(exc)
        else:
            messages.success(request, "已答复异议")
            return redirect("assessments:objections", campaign.pk)
    objections = list(
        Objection.objects.filter(evaluation__campaign=campaign)
        .select_related("evaluation__unit", "indicator")
        .order_by("status", "-filed_at")
    )
    return render(
        request,
        "assessments/objections.html",
        {
            "title": f"异议处理 · {campaign.title}",
            "campaign": campaign,
            "objections": objections,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def finding_list(request: HttpRequest, pk: int) -> HttpResponse:
    actor, campaign, access = _campaign(request, pk)
    errors: list[str] = []
    if request.method == "POST":
        if not access.organiser:
            raise PermissionDenied("只有组织单位可以下发整改问题")
        try:
            evaluation = get_object_or_404(
                campaign.evaluations.select_related("unit"),
                pk=int(request.POST.get("evaluation") or 0),
            )
            if request.POST.get("kind") == "opinion":
                lines = [x for x in request.POST.get("findings", "").splitlines() if x.strip()]
                services.opinion_issue(
                    actor=actor,
                    evaluation=evaluation,
                    text=request.POST.get("opinion", ""),
                    findings=lines,
                )
                messages.success(request, f"已出具督察意见，下发整改问题 {len(lines)} 个")
            else:
                services.finding_create(
                    actor=actor,
                    campaign=campaign,
                    unit=evaluation.unit,
                    text=request.POST.get("text", ""),
                    due_on=_date(request.POST.get("due_on"), "整改期限", required=False),
                )
                messages.success(request, "已下发整改问题")
        except (ValidationError, PermissionDenied) as exc:
            errors = _errors(exc)
        except ValueError:
            errors = ["请选择责任单位"]
        else:
            return redirect("assessments:findings", campaign.pk)
    qs = Finding.objects.filter(campaign=campaign).select_related("unit", "indicator", "assignment")
    if not access.organiser:
        qs = qs.filter(unit_id__in=campaign.evaluations.filter(pk__in=access.own).values("unit_id"))
    findings = list(qs.order_by("unit__path", "pk"))
    done, total = services.rectification_figures(campaign)
    return render(
        request,
        "assessments/findings.html",
        {
            "title": f"整改问题 · {campaign.title}",
            "campaign": campaign,
            "findings": findings,
            "access": access,
            "evaluations": list(campaign.evaluations.select_related("unit"))
            if access.organiser
            else [],
            "errors": errors,
            "done": done,
            "total": total,
            "today": timezone.localdate(),
        },
        status=400 if errors else 200,
    )


# --- results out -----------------------------------------------------------------------------
def _results_allowed(campaign: Campaign, access: selectors.Access) -> None:
    if not (access.organiser or (campaign.is_published and access.own)):
        raise Http404("考核结果尚未公示")


@login_required
def results_export(request: HttpRequest, pk: int) -> HttpResponse:
    from urllib.parse import quote

    from fazhi.assessments.documents import results_xlsx

    actor, campaign, access = _campaign(request, pk)
    _results_allowed(campaign, access)
    filename = f"{campaign.title}结果.xlsx"
    audit_download(
        actor=actor, action="assessment.results_export", target=campaign, filename=filename
    )
    response = HttpResponse(results_xlsx(campaign), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def notice_export(request: HttpRequest, pk: int) -> HttpResponse:
    from urllib.parse import quote

    from fazhi.assessments.documents import notice_docx

    actor, campaign, access = _campaign(request, pk)
    _results_allowed(campaign, access)
    if not campaign.is_published:
        raise Http404("考核结果尚未公示")
    filename = f"关于{campaign.title}结果的通报.docx"
    audit_download(
        actor=actor, action="assessment.notice_export", target=campaign, filename=filename
    )
    response = HttpResponse(
        notice_docx(campaign),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# --- indicator systems ------------------------------------------------------------------------
@login_required
def system_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    systems = list(
        selectors.systems_for(actor).select_related("owner").order_by("name", "-version")
    )
    return render(
        request,
        "assessments/systems.html",
        {"title": "指标体系", "systems": systems, "may_edit": actor.can(Cap.COORDINATE)},
    )


def _system(actor: Actor, pk: int) -> IndicatorSystem:
    system = selectors.systems_for(actor).filter(pk=pk).first()
    if system is None:
        raise Http404("没有找到该指标体系")
    return system


@login_required
@require_http_methods(["GET", "POST"])
def system_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    system = _system(actor, pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            if request.POST.get("action") == "copy":
                copy = services.system_copy(actor=actor, system=system, owner=actor.unit)
                messages.success(request, f"已复制为 {copy}（草稿，可修改后冻结使用）")
                return redirect("assessments:system", copy.pk)
            if request.POST.get("action") == "freeze":
                services.system_freeze(actor=actor, system=system)
                messages.success(request, "已冻结")
                return redirect("assessments:system", system.pk)
            raise ValidationError("未知的操作")
        except (ValidationError, PermissionDenied) as exc:
            errors = _errors(exc)
    indicators = selectors.indicator_tree(system)
    spec = services.system_spec(system, indicators)
    return render(
        request,
        "assessments/system.html",
        {
            "title": str(system),
            "system": system,
            "indicators": indicators,
            "full_marks": spec.full_marks,
            "errors": errors,
            "may_edit": actor.can(Cap.COORDINATE),
            "campaigns": system.campaigns.count(),
        },
        status=400 if errors else 200,
    )


@login_required
def system_export(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    system = _system(actor, pk)
    content = systems_io.system_xlsx(system)
    filename = f"{system.name}（第{system.version}版）.xlsx"
    audit_download(actor=actor, action="assessment_system.export", target=system, filename=filename)
    response = HttpResponse(content, content_type=XLSX)
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def system_import(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require(Cap.COORDINATE)
    errors: list[str] = []
    row_errors: list[Any] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError("请选择 .xlsx 文件")
            result = systems_io.system_import(
                actor=actor,
                owner=actor.unit,
                name=request.POST.get("name", ""),
                kind=request.POST.get("kind", Kind.ANNUAL),
                data=upload.read(),
                bonus_cap=_dec(request.POST.get("bonus_cap"), "加分上限"),
            )
        except (ValidationError, PermissionDenied) as exc:
            errors = _errors(exc)
        else:
            if result.ok and result.system is not None:
                messages.success(request, f"已导入 {result.system}（草稿，核对后冻结使用）")
                return redirect("assessments:system", result.system.pk)
            row_errors = result.errors
    return render(
        request,
        "assessments/system_import.html",
        {
            "title": "导入指标体系",
            "errors": errors,
            "row_errors": row_errors,
            "kinds": Kind.choices,
        },
        status=400 if errors or row_errors else 200,
    )


@login_required
def system_template(request: HttpRequest) -> HttpResponse:
    actor_of(request)
    response = HttpResponse(systems_io.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = (
        "attachment; filename*=UTF-8''%E6%8C%87%E6%A0%87%E4%BD%93%E7%B3%BB%E6%A8%A1%E6%9D%BF.xlsx"
    )
    return response


__all__ = ["OrgUnit", "require_POST"]


@login_required
@require_http_methods(["GET", "POST"])
def reviewer_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The reviewing units and the indicators each scores (organiser); a reviewer never scores
    its own unit, whatever it is assigned."""
    actor, campaign, access = _campaign(request, pk)
    if not access.organiser:
        raise Http404("没有找到该页面")
    errors: list[str] = []
    indicators = selectors.indicator_tree(campaign.system)
    if request.method == "POST":
        try:
            code = (request.POST.get("unit") or "").strip()
            unit = OrgUnit.objects.filter(
                code=code, path__startswith=campaign.organiser.path
            ).first()
            if unit is None:
                raise ValidationError("请选择评审单位（组织单位或其下级单位）")
            wanted = {int(x) for x in request.POST.getlist("indicators") if x.isdigit()}
            chosen = [i for i in indicators if i.pk in wanted]
            services.reviewer_set(actor=actor, campaign=campaign, unit=unit, indicators=chosen)
        except (ValidationError, PermissionDenied) as exc:
            errors = _errors(exc)
        else:
            messages.success(request, "已保存评审单位")
            return redirect("assessments:reviewers", campaign.pk)
    reviewers = list(
        campaign.reviewers.select_related("unit")
        .prefetch_related("indicators")
        .order_by("unit__path")
    )
    units = list(
        OrgUnit.objects.filter(path__startswith=campaign.organiser.path, is_active=True)
        .exclude(kind="external")
        .order_by("path")[:500]
    )
    return render(
        request,
        "assessments/reviewers.html",
        {
            "title": f"评审单位 · {campaign.title}",
            "campaign": campaign,
            "reviewers": reviewers,
            "units": units,
            "indicators": [i for i in indicators if i.level <= 2],
            "errors": errors,
            "editable": campaign.status in (Status.DRAFT, Status.SELF, Status.REVIEW),
        },
        status=400 if errors else 200,
    )
