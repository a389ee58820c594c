"""Writes of the 考核 module: systems (copy, freeze), campaigns through their phases, answers,
reviews, objections and 问题 → 整改. Every write is atomic and audited; every phase check
names the phase in Chinese.

Phases: 筹备中 → (open) 单位自评 → (start review) 审核评分 → (publish) 结果公示（异议期）→
(freeze) 已定档. After 定档 nothing of the campaign's results changes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from fazhi.assessments import scoring
from fazhi.assessments.models import (
    Answer,
    Answerer,
    AnswerFile,
    Campaign,
    EvalStatus,
    Evaluation,
    Finding,
    Indicator,
    IndicatorKind,
    IndicatorSystem,
    Kind,
    Mode,
    Objection,
    ObjectionStatus,
    PeerGroup,
    Reviewer,
    Rule,
    Source,
    Status,
    SystemStatus,
)
from fazhi.assessments.selectors import (
    access,
    is_organiser,
    reviewed_indicator_ids,
    reviewer_of,
)
from fazhi.core.audit import snapshot
from fazhi.core.services import record_write
from fazhi.orgs.models import OrgUnit, UnitKind
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope, unit_in_scope

D = Decimal
#: Figures are stored with 12 integer digits (Answer.figure).
MAX_FIGURE = Decimal("1e12")
#: How a 考核 or 督察 names itself as the source of its 整改 tasks (``Assignment.assigned_as``,
#: which the 整改完成率 metric reads).
SOURCE_PREFIX = "考核督察："


def _today() -> dt.date:
    return timezone.localdate()


def _on(on: dt.date | None) -> dt.date:
    """The day an act is recorded for: today, or an earlier day given for back-filling."""
    today = _today()
    if on is not None and on > today:
        raise ValidationError({"on": "日期不能晚于今天"})
    return on or today


# --- systems ----------------------------------------------------------------------------------
def system_spec(
    system: IndicatorSystem, indicators: Sequence[Indicator] | None = None
) -> scoring.SystemSpec:
    """The system as the scoring function reads it."""
    rows = list(indicators if indicators is not None else system.indicators.order_by("order", "pk"))
    kids: dict[int | None, list[Indicator]] = {}
    for ind in rows:
        kids.setdefault(ind.parent_id, []).append(ind)

    def spec(ind: Indicator) -> scoring.IndicatorSpec:
        return scoring.IndicatorSpec(
            key=str(ind.pk),
            code=ind.code,
            name=ind.name,
            points=ind.points,
            kind=ind.kind,
            rule=ind.rule,
            params=ind.params or {},
            cap=ind.cap,
            figure_name=str((ind.params or {}).get("figure_name", "")),
            figure_unit=str((ind.params or {}).get("figure_unit", "")),
            children=tuple(spec(c) for c in kids.get(ind.pk, [])),
        )

    grades = tuple((str(g), D(str(m))) for g, m in (system.grades or [])) or (
        scoring.SystemSpec(
            (),
        ).grades
    )
    return scoring.SystemSpec(
        roots=tuple(spec(r) for r in kids.get(None, [])),
        grades=grades,
        bonus_cap=system.bonus_cap,
    )


def system_check(system: IndicatorSystem) -> None:
    """ValidationError naming the first indicator whose rule does not fit."""
    for ind in system_spec(system).indicators():
        try:
            scoring.check_spec(ind)
        except scoring.ScoringError as exc:
            raise ValidationError(f"{ind.code}：{exc}") from exc


@transaction.atomic
def system_freeze(*, actor: Actor, system: IndicatorSystem) -> IndicatorSystem:
    """Freeze a version: from now on it is only read (past campaigns keep their scores)."""
    _require_system_owner(actor, system)
    if system.is_frozen:
        return system
    system_check(system)
    system.status, system.frozen_at = SystemStatus.FROZEN, timezone.now()
    system.save(update_fields=["status", "frozen_at"])
    record_write(
        actor=actor,
        action="assessment_system.freeze",
        obj=system,
        before=None,
        after={"status": system.status},
        summary=f"冻结指标体系{system}",
    )
    return system


def _require_system_owner(actor: Actor, system: IndicatorSystem) -> None:
    if actor.is_command_line:
        return
    actor.require(Cap.COORDINATE)
    if system.owner is None or not unit_in_scope(system.owner, actor):
        raise PermissionDenied("只能修改本单位（或下级单位）制定的指标体系；内置指标体系请先复制")


@transaction.atomic
def system_copy(
    *, actor: Actor, system: IndicatorSystem, owner: OrgUnit, name: str = ""
) -> IndicatorSystem:
    """A new editable version (the next number of the same name and owner) with every
    indicator copied; the original stays as it is."""
    actor.require(Cap.COORDINATE)
    require_unit_in_scope(owner, actor)
    name = (name or system.name).strip()
    latest = IndicatorSystem.objects.filter(owner=owner, name=name).order_by("-version").first()
    copy = IndicatorSystem.objects.create(
        owner=owner,
        name=name,
        kind=system.kind,
        version=(latest.version + 1) if latest else 1,
        based_on=system,
        status=SystemStatus.DRAFT,
        province_code=system.province_code,
        source=system.source,
        confidence=system.confidence,
        grades=system.grades,
        bonus_cap=system.bonus_cap,
    )
    mapping: dict[int, Indicator] = {}
    for ind in system.indicators.order_by("level", "order", "pk"):
        old_pk = ind.pk
        parent = mapping.get(ind.parent_id) if ind.parent_id else None
        ind.pk, ind.id, ind.system, ind.parent = None, None, copy, parent
        ind.save()
        mapping[old_pk] = ind
    record_write(
        actor=actor,
        action="assessment_system.copy",
        obj=copy,
        before=None,
        after={"based_on": system.pk, "version": copy.version},
        summary=f"复制指标体系{system}为新版本",
    )
    return copy


# --- campaigns --------------------------------------------------------------------------------
def peer_group_of(unit: OrgUnit) -> str:
    if unit.kind == UnitKind.DEPARTMENT:
        return PeerGroup.DEPARTMENT
    if unit.kind == UnitKind.TOWNSHIP:
        return PeerGroup.TOWNSHIP
    return PeerGroup.OTHER


def default_units(organiser: OrgUnit) -> list[OrgUnit]:
    """The organiser's departments and townships (the usual 考核 scope of a county)."""
    kinds = (UnitKind.DEPARTMENT, UnitKind.TOWNSHIP)
    return list(
        OrgUnit.objects.filter(parent=organiser, kind__in=kinds, is_active=True).order_by(
            "sort_order", "pk"
        )
    )


@transaction.atomic
def campaign_create(
    *,
    actor: Actor,
    organiser: OrgUnit,
    system: IndicatorSystem,
    year: int,
    title: str,
    self_due: dt.date,
    review_due: dt.date,
    kind: str = Kind.ANNUAL,
    units: Iterable[OrgUnit] | None = None,
    reviewers: Mapping[OrgUnit, Iterable[Indicator]] | None = None,
    mode: str = "",
    visit_from: dt.date | None = None,
    visit_to: dt.date | None = None,
    rectify_days: int = 60,
) -> Campaign:
    """A campaign in 筹备: the assessed units (default: the organiser's departments and
    townships) and the reviewing units with the indicators each scores."""
    actor.require(Cap.COORDINATE)
    require_unit_in_scope(organiser, actor)
    if not title.strip():
        raise ValidationError({"title": "请填写考核名称"})
    if kind not in Kind.values:
        raise ValidationError({"kind": "请选择考核类别"})
    if review_due < self_due:
        raise ValidationError({"review_due": "评分截止日期不能早于自评截止日期"})
    if kind == Kind.INSPECTION and mode not in (Mode.WRITTEN, Mode.ONSITE):
        raise ValidationError({"mode": "督察须选择书面督察或实地督察"})
    if mode not in Mode.values:
        raise ValidationError({"mode": "请选择督察方式"})
    if mode == Mode.ONSITE and (visit_from is None or visit_to is None or visit_to < visit_from):
        raise ValidationError({"visit_from": "实地督察须填写起止日期（结束不早于开始）"})
    if system.owner is not None and not (
        unit_in_scope(system.owner, actor) or organiser.path.startswith(system.owner.path)
    ):
        raise PermissionDenied("不能使用其他单位的指标体系")
    assessed = list(units) if units is not None else default_units(organiser)
    if not assessed:
        raise ValidationError({"units": "请选择被考核单位"})
    for unit in assessed:
        if not unit.path.startswith(organiser.path) or unit.pk == organiser.pk:
            raise ValidationError({"units": f"“{unit.name}”不是{organiser.name}的下级单位"})
    campaign = Campaign.objects.create(
        organiser=organiser,
        kind=kind,
        year=year,
        title=title.strip(),
        system=system,
        self_due=self_due,
        review_due=review_due,
        mode=mode,
        visit_from=visit_from,
        visit_to=visit_to,
        rectify_days=rectify_days,
        created_by=actor.name,
    )
    for unit in assessed:
        Evaluation.objects.create(
            campaign=campaign,
            unit=unit,
            peer_group=peer_group_of(unit),
            year_on=dt.date(year, 1, 1),
        )
    for unit, indicators in (reviewers or {}).items():
        reviewer_set(actor=actor, campaign=campaign, unit=unit, indicators=indicators)
    record_write(
        actor=actor,
        action="assessment.create",
        obj=campaign,
        before=None,
        after=snapshot(campaign),
        summary=f"创建{campaign.get_kind_display()}“{campaign.title}”（{len(assessed)}个单位）",
    )
    return campaign


def _require_organiser(actor: Actor, campaign: Campaign) -> None:
    if not is_organiser(actor, campaign):
        raise PermissionDenied("只有组织单位（依法治办）可以进行此项操作")


def _require_phase(campaign: Campaign, *phases: str) -> None:
    if campaign.status not in phases:
        wanted = "、".join(str(Status(p).label) for p in phases)
        raise ValidationError(
            f"考核当前处于“{campaign.get_status_display()}”阶段，此项操作只能在“{wanted}”阶段进行"
        )


@transaction.atomic
def reviewer_set(
    *, actor: Actor, campaign: Campaign, unit: OrgUnit, indicators: Iterable[Indicator]
) -> Reviewer:
    """The reviewing unit and the indicators it scores (replacing what it had)."""
    _require_organiser(actor, campaign)
    _require_phase(campaign, Status.DRAFT, Status.SELF, Status.REVIEW)
    if not unit.path.startswith(campaign.organiser.path):
        raise ValidationError({"unit": f"评审单位“{unit.name}”须为组织单位或其下级单位"})
    chosen = list(indicators)
    if any(i.system_id != campaign.system_id for i in chosen):
        raise ValidationError({"indicators": "评审的指标须属于本次考核的指标体系"})
    reviewer, _ = Reviewer.objects.get_or_create(campaign=campaign, unit=unit)
    reviewer.indicators.set(chosen)
    record_write(
        actor=actor,
        action="assessment.reviewer",
        obj=campaign,
        before=None,
        after={"评审单位": unit.code, "评审的指标": [i.code for i in chosen]},
        summary=f"指定评审单位{unit.name}（{len(chosen)}项指标）",
    )
    return reviewer


def _source_of(ind: Indicator) -> str:
    if ind.answered_by == Answerer.REGISTER and ind.metric_code:
        return Source.REGISTER
    if ind.answered_by == Answerer.UNIT:
        return Source.UNIT
    return Source.REVIEWER


@transaction.atomic
def campaign_open(*, actor: Actor, campaign: Campaign) -> Campaign:
    """自评 starts: the system version is frozen (if it was not), every unit gets one answer
    per scored indicator, register figures are prefilled, the units are reminded."""
    _require_organiser(actor, campaign)
    _require_phase(campaign, Status.DRAFT)
    system = campaign.system
    if not system.is_frozen:
        system_freeze(actor=Actor.command_line(), system=system)
    leaves = [i for i in system.indicators.order_by("order", "pk") if i.rule]
    evaluations = list(campaign.evaluations.select_related("unit"))
    Answer.objects.bulk_create(
        Answer(evaluation=e, indicator=i, source=_source_of(i)) for e in evaluations for i in leaves
    )
    campaign.status = Status.SELF
    campaign.save(update_fields=["status"])
    prefill(campaign=campaign)
    from fazhi.plans.services import remind

    for evaluation in evaluations:
        remind(
            unit=evaluation.unit,
            key=f"assessment:{campaign.pk}:{evaluation.unit_id}",
            text=(
                f"{campaign.organiser.name}“{campaign.title}”已开始自评，"
                f"请于 {campaign.self_due} 前提交"
            ),
            link=f"/assessments/{campaign.pk}/units/{evaluation.pk}/",
        )
    record_write(
        actor=actor,
        action="assessment.open",
        obj=campaign,
        before=None,
        after={
            "status": campaign.status,
            "被考核单位数": len(evaluations),
            "计分指标数": len(leaves),
        },
        summary="开始单位自评（系统台账数据已预填）",
    )
    return campaign


def prefill(*, campaign: Campaign) -> int:
    """Fill every register-answered indicator of every evaluation with the metric engine's
    figure for that unit and year (numerator, denominator, drill-down link): one breakdown of
    the organiser for all its units. Returns the number of answers filled."""
    from fazhi.metrics.periods import Period
    from fazhi.metrics.selectors import (
        UnknownMetric,
        definitions_for_year,
        metric_breakdown,
        metric_values,
    )

    answers = list(
        Answer.objects.filter(evaluation__campaign=campaign, source=Source.REGISTER).select_related(
            "indicator", "evaluation__unit"
        )
    )
    if not answers:
        return 0
    period = Period.for_year(campaign.year)
    codes = sorted({a.indicator.metric_code for a in answers})
    definitions = definitions_for_year(campaign.year, codes)
    known = {d.code for d in definitions}
    missing = [c for c in codes if c not in known]
    if missing:
        raise UnknownMetric(f"统计指标“{missing[0]}”在{campaign.year}年没有定义")
    actor = Actor.command_line(campaign.organiser)
    units = {a.evaluation.unit_id: a.evaluation.unit for a in answers}
    by_unit: dict[int, dict[str, Any]] = {}
    if all(u.parent_id == campaign.organiser_id for u in units.values()):
        # the usual case (a county's departments and townships): one breakdown for them all
        found = metric_breakdown(
            actor=actor, unit=campaign.organiser, period=period, definitions=definitions
        )
        by_unit = {child.pk: {v.code: v for v in vals} for child, vals in found.children}
    for unit_id, unit in units.items():
        if unit_id not in by_unit:
            values = metric_values(actor=actor, unit=unit, period=period, definitions=definitions)
            by_unit[unit_id] = {v.code: v for v in values}
    now = timezone.now()
    for answer in answers:
        value = by_unit[answer.evaluation.unit_id][answer.indicator.metric_code]
        answer.figure = value.value
        answer.numerator = D(str(value.numerator))
        answer.denominator = value.denominator
        answer.display = value.display
        answer.metric_version = value.version
        answer.drill_url = value.numerator_url
        answer.prefilled_at = now
    Answer.objects.bulk_update(
        answers,
        [
            "figure",
            "numerator",
            "denominator",
            "display",
            "metric_version",
            "drill_url",
            "prefilled_at",
        ],
    )
    counts: dict[int, int] = {}
    for answer in answers:
        counts[answer.evaluation_id] = counts.get(answer.evaluation_id, 0) + 1
    for evaluation in campaign.evaluations.all():
        evaluation.prefilled = counts.get(evaluation.pk, 0)
        evaluation.save(update_fields=["prefilled"])
        rescore(evaluation)
    return len(answers)


@transaction.atomic
def prefill_refresh(*, actor: Actor, campaign: Campaign) -> int:
    """Take the registers' figures again (records added since opening) until publication."""
    _require_organiser(actor, campaign)
    _require_phase(campaign, Status.SELF, Status.REVIEW)
    n = prefill(campaign=campaign)
    record_write(
        actor=actor,
        action="assessment.prefill",
        obj=campaign,
        before=None,
        after={"取数项数": n},
        summary=f"重新从系统台账取数（{n}项）",
    )
    _rank(campaign)
    return n


# --- the unit's side --------------------------------------------------------------------------
def _require_own(actor: Actor, evaluation: Evaluation) -> None:
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(evaluation.unit, actor)


@transaction.atomic
def answer_save(
    *,
    actor: Actor,
    answer: Answer,
    self_note: str | None = None,
    value: Decimal | None = None,
    self_deduction: Decimal | None = None,
    checks: Sequence[bool] | None = None,
    refs: Sequence[Mapping[str, Any]] | None = None,
    files: Sequence[UploadedFile] = (),
) -> Answer:
    """The unit's self-evaluation of one indicator. A figure that a register holds is never
    typed (refused); the fields typed and files uploaded are counted (the 减负 figure)."""
    evaluation = answer.evaluation
    _require_own(actor, evaluation)
    _require_phase(evaluation.campaign, Status.SELF)
    if evaluation.status != EvalStatus.PENDING:
        raise ValidationError("自评已提交，不能再修改；如需修改请联系组织单位退回")
    ind = answer.indicator
    before = snapshot(answer)
    typed = 0
    if value is not None:
        if answer.source == Source.REGISTER:
            raise ValidationError(
                {"value": f"“{ind.name}”的数值由系统台账（{ind.metric_code}）提供，无需填写"}
            )
        if ind.rule not in scoring.FIGURE_RULES:
            raise ValidationError({"value": f"“{ind.name}”不需要填写数值"})
        if answer.source != Source.UNIT:
            raise ValidationError({"value": f"“{ind.name}”的数值由评审填写，单位无需填写"})
        if not value.is_finite() or value >= MAX_FIGURE:
            raise ValidationError({"value": "数值不能超过999999999999"})
        if value < 0:
            raise ValidationError({"value": "数值不能为负数"})
        if answer.figure != value:
            typed += 1
        answer.figure, answer.display = (
            value,
            f"{scoring.num(value)}{ind.params.get('figure_unit', '')}",
        )
    if self_note is not None and self_note.strip() != answer.self_note:
        typed += 1 if self_note.strip() else 0
        answer.self_note = self_note.strip()
    if self_deduction is not None:
        limit = ind.cap if ind.cap is not None else ind.points
        if self_deduction < 0 or (limit and self_deduction > limit):
            raise ValidationError(
                {"self_deduction": f"自评扣分应在 0～{scoring.num(limit)} 分之间"}
            )
        if answer.self_deduction != self_deduction:
            typed += 1
        answer.self_deduction = self_deduction
    if checks is not None:
        items = (ind.params or {}).get("items", [])
        if ind.rule != Rule.CHECKLIST or len(checks) != len(items):
            raise ValidationError({"checks": "佐证清单项数不符"})
        answer.checks = [bool(c) for c in checks]
    new_refs = 0
    if refs is not None:
        clean = [
            {k: str(r.get(k, ""))[:300] for k in ("kind", "id", "label", "url")}
            for r in refs
            if r.get("label")
        ]
        new_refs = len([r for r in clean if r not in (answer.refs or [])])
        answer.refs = clean
    answer.save()
    uploaded = 0
    if files:
        from fazhi.plans.evidence import check_uploads

        for upload, digest in check_uploads(files):
            AnswerFile.objects.create(
                answer=answer,
                file=upload,
                original_name=(upload.name or "附件")[:200],
                size=upload.size or 0,
                content_type=(upload.content_type or "")[:100],
                sha256=digest,
                uploaded_by=actor.name,
            )
            uploaded += 1
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    evaluation.typed_fields += typed
    evaluation.uploaded_files += uploaded
    evaluation.reused += new_refs
    evaluation.save(update_fields=["typed_fields", "uploaded_files", "reused"])
    answer.evaluation = evaluation
    record_write(
        actor=actor,
        action="assessment.answer",
        obj=answer,
        before=before,
        after=snapshot(answer),
        summary=f"自评：{ind.code} {ind.name}",
    )
    rescore(evaluation)
    return answer


@transaction.atomic
def evaluation_submit(*, actor: Actor, evaluation: Evaluation, note: str = "") -> Evaluation:
    """提交自评. Figures the unit had to give and did not are marked missing (they score as
    such)."""
    _require_own(actor, evaluation)
    _require_phase(evaluation.campaign, Status.SELF)
    if evaluation.status != EvalStatus.PENDING:
        raise ValidationError("自评已提交")
    before = snapshot(evaluation)
    evaluation.status, evaluation.submitted_at = EvalStatus.SUBMITTED, timezone.now()
    evaluation.self_note = note.strip()
    evaluation.save(update_fields=["status", "submitted_at", "self_note"])
    record_write(
        actor=actor,
        action="assessment.submit",
        obj=evaluation,
        before=before,
        after=snapshot(evaluation),
        summary="提交自评",
    )
    rescore(evaluation)
    return evaluation


@transaction.atomic
def evaluation_return(*, actor: Actor, evaluation: Evaluation, reason: str) -> Evaluation:
    """The organiser sends a submitted self-evaluation back for changes (自评阶段)."""
    _require_organiser(actor, evaluation.campaign)
    _require_phase(evaluation.campaign, Status.SELF)
    if not reason.strip():
        raise ValidationError({"reason": "请填写退回理由"})
    if evaluation.status != EvalStatus.SUBMITTED:
        raise ValidationError(f"{evaluation.unit.name}尚未提交自评，无需退回")
    from fazhi.plans.services import remind

    remind(
        unit=evaluation.unit,
        key=f"assessment:return:{evaluation.pk}:{timezone.now():%Y%m%d%H%M%S}",
        text=f"“{evaluation.campaign.title}”自评被退回：{reason.strip()[:200]}",
        link=f"/assessments/{evaluation.campaign_id}/units/{evaluation.pk}/",
    )
    evaluation.status = EvalStatus.PENDING
    evaluation.save(update_fields=["status"])
    record_write(
        actor=actor,
        action="assessment.return",
        obj=evaluation,
        before=None,
        after={"退回理由": reason.strip()},
        summary=f"退回自评：{reason.strip()}",
    )
    return evaluation


# --- review -----------------------------------------------------------------------------------
@transaction.atomic
def campaign_start_review(*, actor: Actor, campaign: Campaign) -> Campaign:
    """审核评分 starts; units that did not submit are scored on what they gave."""
    _require_organiser(actor, campaign)
    _require_phase(campaign, Status.SELF)
    campaign.status = Status.REVIEW
    campaign.save(update_fields=["status"])
    for evaluation in campaign.evaluations.all():
        rescore(evaluation)
    record_write(
        actor=actor,
        action="assessment.review",
        obj=campaign,
        before=None,
        after={"status": campaign.status},
        summary="进入审核评分",
    )
    return campaign


def _require_reviewer(actor: Actor, answer: Answer) -> None:
    campaign = answer.evaluation.campaign
    if is_organiser(actor, campaign):
        return
    reviewer = reviewer_of(actor, campaign)
    if reviewer is None or answer.indicator_id not in reviewed_indicator_ids(reviewer):
        raise PermissionDenied("您的单位不是该指标的评审单位")
    if answer.evaluation.unit_id == reviewer.unit_id or unit_in_scope(
        answer.evaluation.unit, actor
    ):
        raise PermissionDenied("评审单位不能评审本单位")


@transaction.atomic
def answer_review(
    *,
    actor: Actor,
    answer: Answer,
    note: str = "",
    deduction: Decimal | None = None,
    checks: Sequence[bool] | None = None,
    veto: bool | None = None,
    override: Decimal | None = None,
    override_reason: str = "",
    value: Decimal | None = None,
) -> Answer:
    """A reviewer's verdict on one indicator: the figure of a rule-scored item that the
    reviewers (a third party, a survey) supply, the deduction (award) of a reviewer-scored item,
    the checklist items accepted, a veto finding, or an override of a computed result. Every
    deduction needs a note; an override needs its reason (both kept)."""
    _require_reviewer(actor, answer)
    campaign = answer.evaluation.campaign
    _require_phase(campaign, Status.REVIEW)
    ind = answer.indicator
    before = snapshot(answer)
    if value is not None:
        if answer.source != Source.REVIEWER or ind.rule not in scoring.FIGURE_RULES:
            raise ValidationError({"value": f"“{ind.name}”的数值不由评审填写"})
        if not value.is_finite() or value < 0 or value >= MAX_FIGURE:
            raise ValidationError({"value": "数值不能为负数，也不能超过999999999999"})
        unit = (ind.params or {}).get("figure_unit", "")
        answer.figure, answer.display = value, f"{scoring.num(value)}{unit}"
    if ind.rule == Rule.REVIEWER and ind.kind != IndicatorKind.VETO:
        if deduction is None:
            raise ValidationError({"deduction": "请填写评审分"})
        answer.review_deduction = deduction
    elif deduction is not None:
        raise ValidationError({"deduction": f"“{ind.name}”按规则计分，如需调整请填写复核分和理由"})
    if ind.rule == Rule.CHECKLIST and checks is not None:
        if len(checks) != len((ind.params or {}).get("items", [])):
            raise ValidationError({"checks": "佐证清单项数不符"})
        answer.review_checks = [bool(c) for c in checks]
    if ind.kind == IndicatorKind.VETO:
        if veto is None:
            raise ValidationError({"veto": "请认定是否一票否决"})
        answer.veto_found = veto
        if veto and not note.strip():
            raise ValidationError({"note": "认定一票否决须写明事实和依据"})
    if override is not None:
        if not override_reason.strip():
            raise ValidationError({"override_reason": "调整按规则计算的结果须写明理由"})
        answer.override, answer.override_reason = override, override_reason.strip()
    elif override_reason.strip():
        raise ValidationError({"override": "填写了复核理由的，请同时填写复核分"})
    answer.review_note = note.strip()
    answer.reviewed_by, answer.reviewed_at = actor.name, timezone.now()
    result = _line_of(answer)
    if ind.kind != IndicatorKind.BONUS and result.applied > 0 and not answer.review_note:
        raise ValidationError({"note": f"该项扣{scoring.num(result.applied)}分，请填写扣分理由"})
    answer.save()
    record_write(
        actor=actor,
        action="assessment.score",
        obj=answer,
        before=before,
        after=snapshot(answer),
        summary=f"评分：{ind.code} {ind.name}",
    )
    rescore(answer.evaluation)
    return answer


def _line_of(answer: Answer) -> scoring.Line:
    """The scored line of one answer, alone (for the review's checks)."""
    spec = next(
        s
        for s in system_spec(answer.evaluation.campaign.system).indicators()
        if s.key == str(answer.indicator_id)
    )
    leaf = dataclasses.replace(spec, children=())
    try:
        out = scoring.score(scoring.SystemSpec((leaf,)), {leaf.key: answer_spec(answer)})
    except scoring.ScoringError as exc:
        raise ValidationError(str(exc)) from exc
    return out.line(leaf.key)


def answer_spec(answer: Answer, *, submitted: bool | None = None) -> scoring.Answer:
    """What the scoring function knows of an answer. A figure the unit had to give is
    missing once its self-evaluation is submitted (or the review started)."""
    evaluation = answer.evaluation
    if submitted is None:
        submitted = evaluation.status != EvalStatus.PENDING or evaluation.campaign.status not in (
            Status.DRAFT,
            Status.SELF,
        )
    ind = answer.indicator
    missing = (
        answer.source == Source.UNIT
        and ind.rule in scoring.FIGURE_RULES
        and answer.figure is None
        and submitted
    )
    checks = answer.review_checks if answer.review_checks is not None else answer.checks
    return scoring.Answer(
        value=answer.figure,
        display=answer.display,
        missing=missing,
        checks=tuple(bool(c) for c in (checks or [])),
        reviewer=answer.review_deduction,
        veto=answer.veto_found,
        override=answer.override,
    )


def rescore(evaluation: Evaluation) -> scoring.Outcome:
    """Score an evaluation from its answers and store each line and the totals (rank is set
    by :func:`_rank` for the whole campaign)."""
    campaign = evaluation.campaign
    system = campaign.system
    indicators = list(system.indicators.order_by("order", "pk"))
    answers = list(evaluation.answers.select_related("indicator"))
    for a in answers:
        a.evaluation = evaluation
    outcome = scoring.score(
        system_spec(system, indicators), {str(a.indicator_id): answer_spec(a) for a in answers}
    )
    changed = []
    for a in answers:
        line = outcome.line(str(a.indicator_id))
        if (a.applied, a.reason) != (line.applied, line.reason):
            a.applied, a.reason = line.applied, line.reason
            changed.append(a)
    if changed:
        Answer.objects.bulk_update(changed, ["applied", "reason"])
    evaluation.total, evaluation.base, evaluation.bonus = outcome.total, outcome.base, outcome.bonus
    evaluation.vetoed, evaluation.grade, evaluation.pending = (
        outcome.vetoed,
        outcome.grade,
        outcome.pending,
    )
    if campaign.status != Status.SELF and evaluation.status != EvalStatus.PENDING:
        evaluation.status = EvalStatus.REVIEWED if not outcome.pending else evaluation.status
    evaluation.save(
        update_fields=["total", "base", "bonus", "vetoed", "grade", "pending", "status"]
    )
    return outcome


def outcome_of(evaluation: Evaluation) -> scoring.Outcome:
    """The evaluation's outcome with every line (for the explanation page), not stored."""
    system = evaluation.campaign.system
    answers = list(evaluation.answers.select_related("indicator"))
    for a in answers:
        a.evaluation = evaluation
    return scoring.score(
        system_spec(system), {str(a.indicator_id): answer_spec(a) for a in answers}
    )


def _rank(campaign: Campaign) -> None:
    evaluations = list(campaign.evaluations.all())
    for group in {e.peer_group for e in evaluations}:
        members = [e for e in evaluations if e.peer_group == group]
        ranks = scoring.rank([(e.pk, e.total or D(0), e.vetoed) for e in members])
        for e in members:
            if e.rank != ranks[e.pk]:
                e.rank = ranks[e.pk]
                e.save(update_fields=["rank"])  # signals keep the monthly facts current


# --- results ----------------------------------------------------------------------------------
@transaction.atomic
def campaign_publish(
    *, actor: Actor, campaign: Campaign, objection_due: dt.date, on: dt.date | None = None
) -> Campaign:
    """结果公示: totals, grades and ranks become visible to the assessed units, which may file
    异议 until ``objection_due``. Every indicator must have been scored. ``on`` back-dates the
    公示 (records kept elsewhere, the demo data; never later than today)."""
    _require_organiser(actor, campaign)
    _require_phase(campaign, Status.REVIEW)
    today = _on(on)
    if objection_due < today:
        raise ValidationError({"objection_due": "异议截止日期不能早于今天"})
    for evaluation in campaign.evaluations.select_related("unit"):
        outcome = rescore(evaluation)
        if outcome.pending:
            raise ValidationError(
                f"{evaluation.unit.name}还有 {outcome.pending} 项指标未评分，不能公示"
            )
    _rank(campaign)
    campaign.status, campaign.published_on, campaign.objection_due = (
        Status.PUBLICITY,
        today,
        objection_due,
    )
    campaign.save(update_fields=["status", "published_on", "objection_due"])
    record_write(
        actor=actor,
        action="assessment.publish",
        obj=campaign,
        before=None,
        after={"status": campaign.status, "objection_due": objection_due.isoformat()},
        summary=f"公示考核结果，异议截止 {objection_due}",
    )
    return campaign


@transaction.atomic
def objection_file(
    *,
    actor: Actor,
    evaluation: Evaluation,
    indicator: Indicator,
    reason: str,
    evidence: str = "",
    on: dt.date | None = None,
) -> Objection:
    """异议 on one indicator of the unit's own result, within the 公示 window (``on``: the day
    it was filed, for back-filling)."""
    _require_own(actor, evaluation)
    campaign = evaluation.campaign
    _require_phase(campaign, Status.PUBLICITY)
    if campaign.objection_due is not None and _on(on) > campaign.objection_due:
        raise ValidationError(f"异议期已于 {campaign.objection_due} 截止")
    if indicator.system_id != campaign.system_id or not indicator.rule:
        raise ValidationError({"indicator": "请选择本次考核的具体指标"})
    if not reason.strip():
        raise ValidationError({"reason": "请写明异议理由"})
    if evaluation.objections.filter(indicator=indicator, status=ObjectionStatus.FILED).exists():
        raise ValidationError({"indicator": "该指标已有待答复的异议"})
    answer = evaluation.answers.get(indicator=indicator)
    objection = Objection.objects.create(
        evaluation=evaluation,
        indicator=indicator,
        reason=reason.strip(),
        evidence=evidence.strip(),
        filed_by=actor.name,
        before=answer.applied,
    )
    record_write(
        actor=actor,
        action="assessment.objection",
        obj=objection,
        before=None,
        after=snapshot(objection),
        summary=f"对“{indicator.code} {indicator.name}”提出异议",
    )
    return objection


@transaction.atomic
def objection_answer(
    *,
    actor: Actor,
    objection: Objection,
    upheld: bool,
    answer: str,
    new_value: Decimal | None = None,
) -> Objection:
    """The organiser answers an 异议: upheld → the indicator is rescored with ``new_value`` as a
    kept override (its reason is the objection), totals and ranks updated; rejected → the
    reason is given. Audited either way."""
    evaluation = objection.evaluation
    campaign = evaluation.campaign
    _require_organiser(actor, campaign)
    _require_phase(campaign, Status.PUBLICITY)
    if objection.status != ObjectionStatus.FILED:
        raise ValidationError("该异议已答复")
    if not answer.strip():
        raise ValidationError({"answer": "请填写答复意见"})
    before = snapshot(objection)
    item = evaluation.answers.select_related("indicator").get(indicator=objection.indicator)
    if upheld:
        if new_value is None:
            raise ValidationError({"new_value": "异议成立的，请填写改正后的扣分（加分）"})
        old_total = evaluation.total
        item.override = new_value
        item.override_reason = f"异议成立：{answer.strip()}"
        item.evaluation = evaluation
        _line_of(item)  # within the cap, or a clear error
        item.save(update_fields=["override", "override_reason"])
        outcome = rescore(evaluation)
        _rank(campaign)
        objection.after = outcome.line(str(item.indicator_id)).applied
        record_write(
            actor=actor,
            action="assessment.rescore",
            obj=evaluation,
            before={"total": str(old_total)},
            after={"total": str(outcome.total), "指标": objection.indicator.code},
            summary=f"异议成立，{objection.indicator.code}改分，总分 {old_total} → {outcome.total}",
        )
    objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.REJECTED
    objection.answer, objection.answered_by, objection.answered_at = (
        answer.strip(),
        actor.name,
        timezone.now(),
    )
    objection.save()
    record_write(
        actor=actor,
        action="assessment.objection_answer",
        obj=objection,
        before=before,
        after=snapshot(objection),
        summary=f"答复异议：{objection.get_status_display()}",
    )
    return objection


@transaction.atomic
def campaign_freeze(*, actor: Actor, campaign: Campaign, on: dt.date | None = None) -> Campaign:
    """定档: results are final (no later write changes them). Every 异议 must be answered."""
    _require_organiser(actor, campaign)
    _require_phase(campaign, Status.PUBLICITY)
    open_ = Objection.objects.filter(
        evaluation__campaign=campaign, status=ObjectionStatus.FILED
    ).count()
    if open_:
        raise ValidationError(f"还有 {open_} 件异议未答复，不能定档")
    campaign.status, campaign.frozen_on = Status.FROZEN, _on(on)
    campaign.save(update_fields=["status", "frozen_on"])
    record_write(
        actor=actor,
        action="assessment.freeze",
        obj=campaign,
        before=None,
        after={"status": campaign.status},
        summary="考核结果定档",
    )
    return campaign


# --- 问题 → 整改 --------------------------------------------------------------------------------
@transaction.atomic
def finding_create(
    *,
    actor: Actor,
    campaign: Campaign,
    unit: OrgUnit,
    text: str,
    due_on: dt.date | None = None,
    indicator: Indicator | None = None,
    issued_on: dt.date | None = None,
) -> Finding:
    """A 问题 for ``unit`` to 整改, tracked as a plans task of kind 整改 (reports, evidence,
    review, traffic lights, 督办单 and the sweep as any task)."""
    from fazhi.plans.services import rectification_create

    _require_organiser(actor, campaign)
    _require_phase(campaign, Status.REVIEW, Status.PUBLICITY, Status.FROZEN)
    if not campaign.evaluations.filter(unit=unit).exists():
        raise ValidationError({"unit": f"{unit.name}不是本次考核的被考核单位"})
    if not text.strip():
        raise ValidationError({"text": "请写明问题"})
    start = issued_on or _today()
    due = due_on or start + dt.timedelta(days=campaign.rectify_days)
    title = f"{campaign.title}：{indicator.name if indicator else text.strip()[:30]}"
    assignment = rectification_create(
        actor=actor,
        organiser=campaign.organiser,
        unit=unit,
        title=title[:200],
        content=text.strip(),
        due_on=due,
        source_label=f"{SOURCE_PREFIX}{campaign.title}",
        source_url=f"/assessments/{campaign.pk}/",
        issued_on=issued_on,
    )
    finding = Finding.objects.create(
        campaign=campaign,
        unit=unit,
        indicator=indicator,
        text=text.strip(),
        due_on=due,
        assignment=assignment,
    )
    record_write(
        actor=actor,
        action="assessment.finding",
        obj=finding,
        before=None,
        after=snapshot(finding),
        summary=f"下发整改问题：{finding.text[:60]}",
    )
    return finding


def findings_from_deductions(*, actor: Actor, campaign: Campaign) -> list[Finding]:
    """One 问题 per indicator that lost points (not already raised), with the rule's reason."""
    _require_organiser(actor, campaign)
    made: list[Finding] = []
    raised = set(campaign.findings.exclude(indicator=None).values_list("unit_id", "indicator_id"))
    lost = (
        Answer.objects.filter(evaluation__campaign=campaign, applied__gt=0)
        .exclude(indicator__kind=IndicatorKind.BONUS)
        .select_related("indicator", "evaluation__unit")
        .order_by("evaluation__unit__path", "indicator__order")
    )
    for answer in lost:
        key = (answer.evaluation.unit_id, answer.indicator_id)
        if key in raised:
            continue
        text = f"{answer.indicator.code} {answer.indicator.name}：{answer.reason}"
        if answer.review_note:
            text += f"（评审意见：{answer.review_note}）"
        made.append(
            finding_create(
                actor=actor,
                campaign=campaign,
                unit=answer.evaluation.unit,
                text=text,
                indicator=answer.indicator,
            )
        )
    return made


@transaction.atomic
def opinion_issue(
    *,
    actor: Actor,
    evaluation: Evaluation,
    text: str,
    findings: Sequence[str],
    issued_on: dt.date | None = None,
    visited_on: dt.date | None = None,
    interviews: str = "",
    documents_checked: str = "",
) -> list[Finding]:
    """督察意见 for one unit: the opinion text and its findings, each a 问题 → 整改; for a 实地
    督察, the day of the visit (within the campaign's visit dates), the 个别谈话 and the
    资料 checked."""
    campaign = evaluation.campaign
    _require_organiser(actor, campaign)
    if campaign.kind != Kind.INSPECTION:
        raise ValidationError("只有督察可以出具督察意见")
    if not text.strip():
        raise ValidationError({"text": "请填写督察意见"})
    if campaign.mode == Mode.ONSITE:
        if visited_on is None:
            raise ValidationError({"visited_on": "实地督察请填写实地督察日期"})
        if (
            campaign.visit_from
            and campaign.visit_to
            and not (campaign.visit_from <= visited_on <= campaign.visit_to)
        ):
            raise ValidationError(
                {
                    "visited_on": f"实地督察日期应在 {campaign.visit_from} 至 "
                    f"{campaign.visit_to} 之间"
                }
            )
    elif visited_on is not None or interviews.strip():
        raise ValidationError({"visited_on": "书面督察不填写实地督察日期和个别谈话"})
    evaluation.opinion, evaluation.opinion_on = text.strip(), issued_on or _today()
    evaluation.visited_on, evaluation.interviews = visited_on, interviews.strip()
    evaluation.documents_checked = documents_checked.strip()
    evaluation.save(
        update_fields=["opinion", "opinion_on", "visited_on", "interviews", "documents_checked"]
    )
    record_write(
        actor=actor,
        action="assessment.opinion",
        obj=evaluation,
        before=None,
        after={"opinion_on": evaluation.opinion_on.isoformat(), "问题数": len(findings)},
        summary="出具督察意见",
    )
    return [
        finding_create(
            actor=actor,
            campaign=campaign,
            unit=evaluation.unit,
            text=f,
            issued_on=issued_on,
        )
        for f in findings
        if f.strip()
    ]


def rectification_figures(campaign: Campaign) -> tuple[int, int]:
    """(问题 整改到位, 问题 in all) of a campaign."""
    from fazhi.plans.models import AssignmentStatus

    qs = campaign.findings.all()
    done = qs.filter(assignment__status=AssignmentStatus.COMPLETED).count()
    return done, qs.count()


def campaign_access(actor: Actor, campaign: Campaign) -> Any:
    return access(actor, campaign)


def sweep(*, today: dt.date) -> int:
    """Remind the units whose self-evaluation is due within ``FAZHI_PLAN_WARN_DAYS`` or overdue
    (one reminder per unit, campaign and state; idempotent). Returns the reminders made."""
    from django.conf import settings

    from fazhi.plans.models import Reminder
    from fazhi.plans.services import remind

    soon = today + dt.timedelta(days=settings.FAZHI_PLAN_WARN_DAYS)
    pending = Evaluation.objects.filter(
        campaign__status=Status.SELF,
        campaign__self_due__lte=soon,
        status=EvalStatus.PENDING,
    ).select_related("campaign__organiser", "unit")
    before = Reminder.objects.count()
    for e in pending:
        c = e.campaign
        late = c.self_due < today
        state = "overdue" if late else "due"
        text = (
            f"“{c.title}”自评已逾期（截止 {c.self_due}），请尽快提交"
            if late
            else f"“{c.title}”自评将于 {c.self_due} 截止"
        )
        remind(
            unit=e.unit,
            key=f"assessment:{state}:{c.pk}:{e.unit_id}",
            text=text,
            link=f"/assessments/{c.pk}/units/{e.pk}/",
        )
    return Reminder.objects.count() - before
