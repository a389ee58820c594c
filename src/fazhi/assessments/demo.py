"""Demo data: the county's 考核 of all its departments and townships for the last full year,
with the shipped 县级 scheme, in its 公示 phase as of the demo's day: register figures
prefilled, the units' own answers, the 县司法局 reviewing the 行政复议与应诉 branch, two 异议
(one upheld, one waiting), and the 整改 of the three lowest-scoring units under way."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from fazhi.assessments import services
from fazhi.assessments.models import (
    Answer,
    Answerer,
    Campaign,
    Evaluation,
    IndicatorKind,
    IndicatorSystem,
    Rule,
)
from fazhi.demo import cases as c
from fazhi.demo.generator import CountyContext
from fazhi.orgs.models import UnitKind

NAME = "assessments"
LABEL = "考核单位"
SYSTEM = "县级法治政府建设年度考核指标（示例方案）"
NOTES = ("报送材料不完整", "未按期报送", "台账记录不规范", "整改不到位")


def fill(ctx: CountyContext) -> int:
    """The campaign; returns the number of units assessed (0 if the shipped scheme is missing)."""
    system = IndicatorSystem.objects.filter(owner=None, name=SYSTEM).order_by("-version").first()
    if system is None:
        return 0
    rng = ctx.rng_for(NAME)
    year, today = ctx.last_year, ctx.as_of
    actor = ctx.actor
    judicial = next(
        (u for u in ctx.units.values() if u.parent_id == ctx.root.pk and u.name.endswith("司法局")),
        None,
    )
    campaign = services.campaign_create(
        actor=actor,
        organiser=ctx.root,
        system=system,
        year=year,
        title=f"{year}年度法治政府建设考核",
        self_due=c.workday_on_or_before(today - dt.timedelta(days=20)),
        review_due=c.workday_on_or_before(today - dt.timedelta(days=8)),
    )
    if judicial is not None:
        services.reviewer_set(
            actor=actor,
            campaign=campaign,
            unit=judicial,
            indicators=list(system.indicators.filter(code__in=["4", "7"])),
        )
    services.campaign_open(actor=actor, campaign=campaign)
    evaluations = list(campaign.evaluations.select_related("unit").order_by("unit__code"))
    for evaluation in evaluations:
        _self_evaluate(ctx, evaluation, rng)
        services.evaluation_submit(actor=actor, evaluation=evaluation, note="已按要求完成自评")
    services.campaign_start_review(actor=actor, campaign=campaign)
    for evaluation in evaluations:
        _review(ctx, evaluation, rng)
    published = c.workday_on_or_before(today - dt.timedelta(days=5))
    services.campaign_publish(
        actor=actor, campaign=campaign, objection_due=today + dt.timedelta(days=7), on=published
    )
    _objections(ctx, campaign, today)
    _rectify(ctx, campaign, published)
    return len(evaluations)


def _answers(evaluation: Evaluation) -> list[Answer]:
    return list(
        Answer.objects.filter(evaluation=evaluation)
        .select_related("indicator", "evaluation__campaign")
        .order_by("indicator__order")
    )


def _self_evaluate(ctx: CountyContext, evaluation: Evaluation, rng: random.Random) -> None:
    for answer in _answers(evaluation):
        ind = answer.indicator
        if ind.answered_by != Answerer.UNIT:
            continue
        if ind.rule == Rule.CHECKLIST:
            items = (ind.params or {}).get("items", [])
            checks = [rng.random() < 0.8 for _ in items]
            services.answer_save(actor=ctx.actor, answer=answer, checks=checks)
        elif ind.rule in (Rule.PER_COUNT, Rule.THRESHOLD, Rule.LINEAR):
            value = Decimal(rng.choice([1, 2, 3, 3, 4]))
            services.answer_save(
                actor=ctx.actor, answer=answer, value=value, self_note="见会议纪要"
            )


def _review(ctx: CountyContext, evaluation: Evaluation, rng: random.Random) -> None:
    for answer in _answers(evaluation):
        ind = answer.indicator
        if ind.rule != Rule.REVIEWER:
            continue
        if ind.kind == IndicatorKind.SCORE:
            lost = Decimal(rng.choice([0, 0, 0, 0.5, 1]))
            services.answer_review(
                actor=ctx.actor,
                answer=answer,
                deduction=lost,
                note=rng.choice(NOTES) if lost else "",
            )
        elif ind.kind == IndicatorKind.BONUS and rng.random() < 0.1:
            services.answer_review(
                actor=ctx.actor,
                answer=answer,
                deduction=Decimal(2),
                note="经验做法被市级简报推广",
            )


def _objections(ctx: CountyContext, campaign: Campaign, today: dt.date) -> None:
    """Two 异议 by townships on a reviewer-scored item: one upheld, one waiting."""
    lost = list(
        Answer.objects.filter(
            evaluation__campaign=campaign,
            evaluation__unit__kind=UnitKind.TOWNSHIP,
            indicator__rule=Rule.REVIEWER,
            indicator__kind=IndicatorKind.SCORE,
            applied__gt=0,
        )
        .select_related("evaluation__campaign", "evaluation__unit", "indicator")
        .order_by("evaluation__unit__code", "indicator__order")[:2]
    )
    filed = today - dt.timedelta(days=2)
    for n, answer in enumerate(lost):
        objection = services.objection_file(
            actor=ctx.actor,
            evaluation=answer.evaluation,
            indicator=answer.indicator,
            reason="相关材料已按期报送，附报送回执",
            evidence="报送回执（平台工作任务进展记录）",
            on=filed,
        )
        if n == 0:
            services.objection_answer(
                actor=ctx.actor,
                objection=objection,
                upheld=True,
                answer="经核实报送回执，异议成立，不扣分",
                new_value=Decimal(0),
            )


def _rectify(ctx: CountyContext, campaign: Campaign, issued: dt.date) -> None:
    """整改 for the lost points of the three lowest-scoring units."""
    lowest = list(campaign.evaluations.select_related("unit").order_by("total", "unit__code")[:3])
    for evaluation in lowest:
        lost = (
            evaluation.answers.filter(applied__gt=0, indicator__kind=IndicatorKind.SCORE)
            .select_related("indicator")
            .order_by("-applied", "indicator__order")[:2]
        )
        for answer in lost:
            services.finding_create(
                actor=ctx.actor,
                campaign=campaign,
                unit=evaluation.unit,
                text=f"{answer.indicator.code} {answer.indicator.name}：{answer.reason}",
                indicator=answer.indicator,
                issued_on=issued,
            )
