"""Part 二 (存在的不足) of the annual report from the year's 考核 and 督察: the indicators that
lost most points (the unit's own results, and, for an organiser, across the units it assessed)
and the 整改 items still open. Only published or final results are quoted."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from django.db.models import Count, Q, Sum

from fazhi.assessments.models import (
    Answer,
    Campaign,
    Evaluation,
    Finding,
    IndicatorKind,
    Status,
)
from fazhi.assessments.scoring import num
from fazhi.orgs.models import OrgUnit

PUBLISHED = (Status.PUBLICITY, Status.FROZEN)
WORST = 3


def _organised(unit: OrgUnit, year: int) -> list[str]:
    lines = []
    for campaign in Campaign.objects.filter(organiser=unit, year=year, status__in=PUBLISHED):
        worst = list(
            Answer.objects.filter(
                evaluation__campaign=campaign, applied__gt=0, indicator__kind=IndicatorKind.SCORE
            )
            .values("indicator__code", "indicator__name")
            .annotate(units=Count("evaluation", distinct=True), lost=Sum("applied"))
            .order_by("-lost", "indicator__code")[:WORST]
        )
        if not worst:
            continue
        listed = "；".join(
            f"{w['indicator__name']}（{w['units']}个单位失分，合计{num(w['lost'])}分）"
            for w in worst
        )
        lines.append(f"{campaign.title}中失分较多的指标是：{listed}。")
    return lines


def _own(unit: OrgUnit, year: int) -> list[str]:
    lines = []
    evaluations = Evaluation.objects.filter(
        unit=unit, campaign__year=year, campaign__status__in=PUBLISHED
    ).select_related("campaign__organiser")
    for e in evaluations:
        lost = list(
            e.answers.filter(applied__gt=0, indicator__kind=IndicatorKind.SCORE)
            .select_related("indicator")
            .order_by("-applied", "indicator__order")[:WORST]
        )
        head = (
            f"在{e.campaign.organiser.name}组织的{e.campaign.title}中，本单位得分"
            f"{num(e.total or Decimal(0))}分（{'一票否决' if e.vetoed else e.grade}）"
        )
        if lost:
            head += "，失分主要在：" + "；".join(
                f"{a.indicator.name}（扣{num(a.applied)}分，{a.reason}）" for a in lost
            )
        lines.append(head + "。")
    return lines


def _open_findings(unit: OrgUnit, year: int) -> list[str]:
    from fazhi.plans.models import AssignmentStatus

    findings = Finding.objects.filter(
        Q(campaign__organiser=unit) | Q(unit=unit), campaign__year=year
    ).select_related("assignment")
    total = len(findings)
    open_ = [f for f in findings if not f.done]
    if not open_:
        return []
    overdue = sum(
        1 for f in open_ if f.assignment and f.assignment.status == AssignmentStatus.OVERDUE
    )
    late = f"，其中逾期{overdue}个" if overdue else ""
    return [f"{year}年度考核、督察发现的{total}个问题中，尚有{len(open_)}个未整改到位{late}。"]


def part2_lines(unit: OrgUnit, year: int, codes: Collection[str]) -> list[str]:
    return _own(unit, year) + _organised(unit, year) + _open_findings(unit, year)
