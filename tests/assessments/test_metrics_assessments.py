"""The 考核督察 metrics against hand counts of one published county 考核 (the flow of
``test_campaign_flow``): unpublished results count for nothing; 整改完成率 follows the tasks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from tests.assessments.test_campaign_flow import TZ, campaign, run_to_publication
from tests.personas import County

from fazhi.assessments import services
from fazhi.assessments.models import Campaign
from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import metric_values
from fazhi.plans.models import Assignment, AssignmentStatus

pytestmark = pytest.mark.django_db
__all__ = ["campaign"]
CODES = [
    "assessments.evaluations",
    "assessments.avg_score",
    "assessments.rank",
    "assessments.excellent",
    "assessments.vetoed",
    "assessments.burden_typed",
    "assessments.rectification_rate",
]


def values(county: County, unit: object, year: int) -> dict[str, Decimal | None]:
    found = metric_values(
        actor=county.actor("coordinator"),
        unit=unit,
        period=Period.for_year(year),
        codes=CODES,  # type: ignore[arg-type]
    )
    return {v.code: v.value for v in found}


def test_every_metric_equals_the_hand_count(campaign: Campaign, county: County) -> None:
    before = values(county, county.root, 2025)
    assert before["assessments.evaluations"] == 0  # not published yet
    assert before["assessments.burden_typed"] == 0
    run_to_publication(campaign, county)
    got = values(county, county.root, 2025)
    # 白沙镇 8.00 (第1), 黄金乡 4.00 (第2), 司法局 5.00 (第1); 白沙镇 typed one figure
    assert got["assessments.evaluations"] == 3
    assert got["assessments.avg_score"] == Decimal("5.7")  # 17 / 3
    assert got["assessments.rank"] == Decimal("1.3")  # (1 + 2 + 1) / 3
    assert got["assessments.excellent"] == 0
    assert got["assessments.vetoed"] == 0
    assert got["assessments.burden_typed"] == 1
    own = values(county, county.town_b, 2025)
    assert (own["assessments.avg_score"], own["assessments.rank"]) == (
        Decimal("4.0"),
        Decimal("2.0"),
    )
    assert values(county, county.root, 2024)["assessments.evaluations"] == 0
    with time_machine.travel(dt.datetime(2026, 1, 26, 10, tzinfo=TZ), tick=False):
        made = services.findings_from_deductions(
            actor=county.actor("coordinator"), campaign=campaign
        )
    assert values(county, county.root, 2026)["assessments.rectification_rate"] == Decimal("0.0")
    done = Assignment.objects.get(pk=made[0].assignment_id)
    done.status = AssignmentStatus.COMPLETED
    done.save()
    # due 60 days after 2026-01-26: 1 of 9 done
    assert values(county, county.root, 2026)["assessments.rectification_rate"] == Decimal("11.1")
