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
from fazhi.assessments.documents import lost_by_branch
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


#: The largest number a form takes (the widest stored figure has 12 integer digits).
LIMIT = Decimal(10) ** 9


def _dec(text: str | None, label: str, limit: Decimal = LIMIT) -> Decimal | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValidationError(f"{label}“{text}”不是数字") from exc
    if not value.is_finite():
        raise ValidationError(f"{label}“{text}”不是数字")
    if abs(value) > limit:
        raise ValidationError(f"{label}“{text}”超出范围")
    return value


def _int(text: str | None) -> int | None:
    """A positive id or number typed in a form (None for anything else)."""
    text = (text or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        return None
    return int(text) or None


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


def _reader(request: HttpRequest) -> Actor:
    """The signed-in actor, if its role reads business records (not 安全/审计管理员)."""
    actor = actor_of(request)
    if not actor.can(Cap.REVIEW):
        actor.require(Cap.VIEW_RECORDS)
    return actor


def _campaign(request: HttpRequest, pk: int) -> tuple[Actor, Campaign, selectors.Access]:
    actor = _reader(request)
    campaign = get_object_or_404(Campaign.objects.select_related("organiser", "system"), pk=pk)
    access = selectors.access(actor, campaign)
    if not access.any:
        raise Http404("没有找到该考核")
    return actor, campaign, access


# --- list and new ------------------------------------------------------------------------------
@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
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
            year = _int(data.get("year")) or 0
            if not 2000 <= year <= 2100:
                raise ValidationError("请填写考核年度（如 2025）")
            if len(data.get("title", "").strip()) > 200:
                raise ValidationError("考核名称不能超过200个字")
            if data.get("mode", "") not in Mode.values:
                raise ValidationError("请选择督察方式")
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
        except ValidationError as exc:
            errors = exc.messages
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
@login_required
@require_http_methods(["GET", "POST"])
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor, campaign, access = _campaign(request, pk)
    errors: list[str] = []
    if request.method == "POST":
        if not access.organiser:
            raise PermissionDenied("只有组织单位（依法治办）可以进行此项操作")
        try:
            _campaign_step(request, actor, campaign)
        except ValidationError as exc:
            errors = exc.messages
        else:
            return redirect("assessments:detail", campaign.pk)
        campaign.refresh_from_db()
    evaluations = list(
        campaign.evaluations.select_related("unit").order_by("peer_group", "rank", "unit__path")
    )
    shown = [e for e in evaluations if access.may_see_evaluation(e, campaign.is_published)]
    tree = selectors.indicator_tree(campaign.system)
    roots = [i for i in tree if i.parent_id is None and i.kind == IndicatorKind.SCORE]
    show_scores = (access.organiser and campaign.status != Status.DRAFT) or campaign.is_published
    lost = _lost_by_root(tree, [e.pk for e in shown], roots) if show_scores else {}
    reviewed = selectors.reviewed_indicator_ids(access.reviewer) if access.reviewer else set()
    done, findings = services.rectification_figures(campaign)
    context = {
        "title": campaign.title,
        "campaign": campaign,
        "access": access,
        "phases": PHASES,
        "errors": errors,
        "evaluations": shown,
        "roots": roots,
        "rows": [
            (e, [lost.get(e.pk, {}).get(r.pk) for r in roots], _answers_open(access, e))
            for e in shown
        ],
        "own": [e for e in evaluations if e.pk in access.own] if not access.organiser else [],
        "submitted": sum(1 for e in evaluations if e.status != "pending"),
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
        "show_scores": show_scores,
        # the reviewing side: what it reviews and, per unit, what is still to score
        "reviewed": [i for i in tree if i.pk in reviewed and i.rule] if access.reviewer else [],
        "to_score": selectors.pending_reviews(campaign, reviewed) if reviewed else {},
        # the organiser's reviewer assignments (and the form to change them)
        "reviewers": selectors.reviewers_of(campaign) if access.organiser else [],
        "reviewer_units": selectors.reviewer_candidates(campaign) if access.organiser else [],
        "indicators": tree if access.organiser else [],
    }
    return render(request, "assessments/detail.html", context, status=400 if errors else 200)


def _answers_open(access: selectors.Access, evaluation: Evaluation) -> bool:
    """Whether the actor may open the unit's answers (not only its published total)."""
    if access.organiser or evaluation.pk in access.own:
        return True
    return access.reviewer is not None and evaluation.unit_id != access.reviewer.unit_id


def _campaign_step(request: HttpRequest, actor: Actor, campaign: Campaign) -> None:
    """One of the organiser's steps (the button's ``action``), with its message."""
    post = request.POST
    action = post.get("action", "")
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
        due = _date(post.get("objection_due"), "异议截止日期")
        services.campaign_publish(actor=actor, campaign=campaign, objection_due=due)  # type: ignore[arg-type]
        messages.success(request, "考核结果已公示")
    elif action == "freeze":
        services.campaign_freeze(actor=actor, campaign=campaign)
        messages.success(request, "考核结果已定档")
    elif action == "findings":
        made = services.findings_from_deductions(actor=actor, campaign=campaign)
        messages.success(request, f"已生成整改问题 {len(made)} 个")
    elif action == "reviewer":
        units = {str(u.pk): u for u in selectors.reviewer_candidates(campaign)}
        unit = units.get(post.get("unit", ""))
        if unit is None:
            raise ValidationError("请选择评审单位")
        ids = {n for n in (_int(x) for x in post.getlist("indicators")) if n is not None}
        chosen = [i for i in selectors.indicator_tree(campaign.system) if i.pk in ids]
        services.reviewer_set(actor=actor, campaign=campaign, unit=unit, indicators=chosen)
        if chosen:
            messages.success(request, f"已指定{unit.name}评审 {len(chosen)} 项指标（含其下级指标）")
        else:
            messages.success(request, f"已取消{unit.name}的评审指标")
    else:
        raise ValidationError("未知的操作")


def _lost_by_root(
    tree: list[Indicator], evaluation_ids: list[int], roots: list[Indicator]
) -> dict[int, dict[int, Decimal]]:
    """Points lost per (evaluation, first-level indicator), from the stored leaf results in one
    query, added up the tree as the scoring function does."""
    stored: dict[int, dict[int, Decimal]] = {}
    rows = Answer.objects.filter(
        evaluation_id__in=evaluation_ids, applied__gt=0, indicator__kind=IndicatorKind.SCORE
    ).values_list("evaluation_id", "indicator_id", "applied")
    for eid, iid, value in rows:
        stored.setdefault(eid, {})[iid] = value or Decimal(0)
    out: dict[int, dict[int, Decimal]] = {}
    for eid, applied in stored.items():
        lost = lost_by_branch(tree, applied)
        out[eid] = {r.pk: lost.get(r.pk, Decimal(0)) for r in roots}
    return out


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
    own = access.is_unit_side(evaluation) and actor.can(Cap.EDIT_RECORDS)
    reviewing = campaign.status == Status.REVIEW and (
        access.organiser
        or (access.reviewer is not None and bool(visible) and evaluation.pk not in access.own)
    )
    answers = selectors.answers_of(evaluation, visible) if visible != set() else []
    errors: list[str] = []
    refs = _refs_for(evaluation) if own and campaign.status == Status.SELF else []
    if request.method == "POST":
        try:
            _post_evaluation(request, actor, access, evaluation, answers, own, reviewing, refs)
        except ValidationError as exc:
            errors = exc.messages
        else:
            return redirect("assessments:evaluation", campaign.pk, evaluation.pk)
        evaluation.refresh_from_db()
        answers = selectors.answers_of(evaluation, visible) if visible != set() else []
    reviewed = selectors.reviewed_indicator_ids(access.reviewer) if access.reviewer else set()
    rows = [
        {
            "a": a,
            "i": a.indicator,
            "items": list(enumerate((a.indicator.params or {}).get("items", []))),
            "may_review": reviewing and (access.organiser or a.indicator_id in reviewed),
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
            "results_only": visible == set(),
            "may_explain": access.organiser or evaluation.pk in access.own,
            "show_total": access.organiser or campaign.is_published,
        },
        status=400 if errors else 200,
    )


def _post_evaluation(
    request: HttpRequest,
    actor: Actor,
    access: selectors.Access,
    evaluation: Evaluation,
    answers: list[Answer],
    own: bool,
    reviewing: bool,
    refs: list[dict[str, str]],
) -> None:
    """The unit's 保存 / 提交自评, the reviewer's 保存评分 or the organiser's 退回. The wrong
    side is refused (403); each indicator is saved on its own, and every indicator's error is
    listed."""
    post = request.POST
    action = post.get("action", "")
    if action in ("save", "submit") and not own:
        raise PermissionDenied("只能填写、提交本单位的自评")
    if action == "review" and not reviewing:
        raise PermissionDenied("您的单位不是这些指标的评审单位，或考核不在审核评分阶段")
    if action == "return":
        if not access.organiser:
            raise PermissionDenied("只有组织单位可以退回自评")
        services.evaluation_return(
            actor=actor, evaluation=evaluation, reason=post.get("reason", "")
        )
        messages.success(request, "已退回该单位修改自评")
        return
    if action == "submit":
        services.evaluation_submit(actor=actor, evaluation=evaluation, note=post.get("note", ""))
        messages.success(request, "自评已提交")
        return
    if action not in ("save", "review"):
        raise ValidationError("未知的操作")
    by_key = {f"{r['kind']}:{r['id']}": r for r in refs}
    errors: list[str] = []
    for a in answers:
        a.evaluation = evaluation
        try:
            if action == "save":
                _save_answer(request, actor, a, by_key)
            elif f"reviewed_{a.pk}" in post:
                _review_answer(request, actor, a)
        except ValidationError as exc:
            errors += exc.messages
    if errors:
        raise ValidationError(errors)
    messages.success(request, "已保存")


def _named(answer: Answer, exc: ValidationError) -> ValidationError:
    """A service's error with the indicator it is about."""
    i = answer.indicator
    return ValidationError([f"{i.code} {i.name}：{m}" for m in exc.messages])


def _save_answer(
    request: HttpRequest, actor: Actor, a: Answer, refs: dict[str, dict[str, str]]
) -> None:
    post, i, key = request.POST, a.indicator, str(a.pk)
    items = (i.params or {}).get("items", [])
    fields: dict[str, Any] = {}
    if f"note_{key}" in post:
        fields["self_note"] = post.get(f"note_{key}", "")
    if a.source == Source.UNIT and i.rule in ("threshold", "linear", "per_count"):
        value = _dec(post.get(f"value_{key}"), f"“{i.name}”的数值")
        if value is not None:
            fields["value"] = value
    if i.rule == Rule.CHECKLIST:
        fields["checks"] = [post.get(f"check_{key}_{n}") == "1" for n in range(len(items))]
    if i.rule == Rule.REVIEWER and i.kind == IndicatorKind.SCORE:
        deduction = _dec(post.get(f"self_{key}"), f"“{i.name}”的自评扣分")
        if deduction is not None:
            fields["self_deduction"] = deduction
    chosen = post.getlist(f"ref_{key}")
    if chosen or a.refs:
        fields["refs"] = [refs[c] for c in chosen if c in refs]
    files = request.FILES.getlist(f"files_{key}")
    changed = (
        fields.get("self_note", a.self_note) != a.self_note
        or fields.get("value", a.figure) != a.figure
        or fields.get("checks", list(a.checks or [])) != list(a.checks or [])
        or fields.get("self_deduction", a.self_deduction) != a.self_deduction
        or fields.get("refs", a.refs or []) != (a.refs or [])
        or bool(files)
    )
    if changed:
        try:
            services.answer_save(actor=actor, answer=a, files=files, **fields)
        except ValidationError as exc:
            raise _named(a, exc) from exc


def _review_answer(request: HttpRequest, actor: Actor, a: Answer) -> None:
    post, i, key = request.POST, a.indicator, str(a.pk)
    items = (i.params or {}).get("items", [])
    kwargs: dict[str, Any] = {"note": post.get(f"rnote_{key}", "")}
    if i.rule == Rule.REVIEWER and i.kind != IndicatorKind.VETO:
        deduction = _dec(post.get(f"deduction_{key}"), f"“{i.name}”的评审分")
        if deduction is None and a.review_deduction is None:
            return  # not scored yet
        kwargs["deduction"] = a.review_deduction if deduction is None else deduction
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
    given = a.review_checks if a.review_checks is not None else list(a.checks or [])
    changed = (
        kwargs["note"].strip() != a.review_note
        or kwargs.get("deduction", a.review_deduction) != a.review_deduction
        or kwargs.get("checks", given) != given
        or kwargs.get("veto", bool(a.veto_found)) != bool(a.veto_found)
        or kwargs.get("override", a.override) != a.override
        or kwargs.get("override_reason", a.override_reason).strip() != a.override_reason
    )
    if not changed:
        return  # nothing new: no write, no audit entry
    try:
        services.answer_review(actor=actor, answer=a, **kwargs)
    except ValidationError as exc:
        raise _named(a, exc) from exc


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_explain(request: HttpRequest, pk: int, eid: int) -> HttpResponse:
    """Why each point was lost: the rule, the figure (with its records), the missing evidence
    and the reviewer's note; 异议 during 公示."""
    actor, campaign, access, evaluation = _evaluation(request, pk, eid)
    if not (access.organiser or evaluation.pk in access.own):
        raise Http404("没有找到该单位的考核")
    errors: list[str] = []
    unit_side = access.is_unit_side(evaluation) and actor.can(Cap.EDIT_RECORDS)
    if request.method == "POST":
        if not unit_side:
            raise PermissionDenied("只有被考核单位可以对本单位的结果提出异议")
        try:
            chosen = _int(request.POST.get("indicator"))
            if chosen is None:
                raise ValidationError("请选择指标")
            indicator = get_object_or_404(Indicator, pk=chosen, system=campaign.system)
            services.objection_file(
                actor=actor,
                evaluation=evaluation,
                indicator=indicator,
                reason=request.POST.get("reason", ""),
                evidence=request.POST.get("evidence", ""),
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, "异议已提交，等待组织单位答复")
            return redirect("assessments:explain", campaign.pk, evaluation.pk)
    stored = {a.indicator_id: a for a in selectors.answers_of(evaluation)}
    tree = selectors.indicator_tree(campaign.system)
    applied = {
        iid: a.applied
        for iid, a in stored.items()
        if a.applied and a.indicator.kind == IndicatorKind.SCORE
    }
    branches = lost_by_branch(tree, applied)
    lines = [{"i": i, "a": stored.get(i.pk), "lost": branches.get(i.pk)} for i in tree]
    objections = list(evaluation.objections.select_related("indicator"))
    may_object = (
        unit_side
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
            Objection.objects.select_related("evaluation__campaign__system", "indicator"),
            pk=_int(request.POST.get("objection")) or 0,
            evaluation__campaign=campaign,
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
        except ValidationError as exc:
            errors = exc.messages
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
            chosen = _int(request.POST.get("evaluation"))
            if chosen is None:
                raise ValidationError("请选择责任单位")
            evaluation = get_object_or_404(campaign.evaluations.select_related("unit"), pk=chosen)
            evaluation.campaign = campaign
            if request.POST.get("kind") == "opinion":
                lines = [x for x in request.POST.get("findings", "").splitlines() if x.strip()]
                services.opinion_issue(
                    actor=actor,
                    evaluation=evaluation,
                    text=request.POST.get("opinion", ""),
                    findings=lines,
                    visited_on=_date(
                        request.POST.get("visited_on"), "实地督察日期", required=False
                    ),
                    interviews=request.POST.get("interviews", "")[:5000],
                    documents_checked=request.POST.get("documents_checked", "")[:5000],
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
        except ValidationError as exc:
            errors = exc.messages
        else:
            return redirect("assessments:findings", campaign.pk)
    qs = Finding.objects.filter(campaign=campaign).select_related("unit", "indicator", "assignment")
    evaluations = campaign.evaluations.select_related("unit").order_by("unit__path")
    if not access.organiser:
        qs = qs.filter(unit_id__in=campaign.evaluations.filter(pk__in=access.own).values("unit_id"))
        evaluations = evaluations.filter(pk__in=access.own)
    findings = list(qs.order_by("unit__path", "pk"))
    shown = list(evaluations)
    return render(
        request,
        "assessments/findings.html",
        {
            "title": f"整改问题 · {campaign.title}",
            "campaign": campaign,
            "findings": findings,
            "access": access,
            "evaluations": shown if access.organiser else [],
            "opinions": [e for e in shown if e.opinion],
            "errors": errors,
            "done": sum(1 for f in findings if f.done),
            "total": len(findings),
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
    actor = _reader(request)
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
    actor = _reader(request)
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
        except ValidationError as exc:
            errors = exc.messages
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
    actor = _reader(request)
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
            name, kind = request.POST.get("name", ""), request.POST.get("kind", Kind.ANNUAL)
            if len(name.strip()) > 120:
                raise ValidationError("指标体系名称不能超过120个字")
            if kind not in Kind.values:
                raise ValidationError("请选择用途")
            bonus_cap = _dec(request.POST.get("bonus_cap"), "加分上限", Decimal(1000))
            if bonus_cap is not None and bonus_cap < 0:
                raise ValidationError("加分上限不能为负数")
            result = systems_io.system_import(
                actor=actor,
                owner=actor.unit,
                name=name,
                kind=kind,
                data=upload.read(),
                bonus_cap=bonus_cap,
            )
        except ValidationError as exc:
            errors = exc.messages
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
            "data": request.POST if request.method == "POST" else {},
        },
        status=400 if errors or row_errors else 200,
    )


@login_required
def system_template(request: HttpRequest) -> HttpResponse:
    _reader(request)
    response = HttpResponse(systems_io.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = (
        "attachment; filename*=UTF-8''%E6%8C%87%E6%A0%87%E4%BD%93%E7%B3%BB%E6%A8%A1%E6%9D%BF.xlsx"
    )
    return response


__all__ = ["OrgUnit", "require_POST"]
