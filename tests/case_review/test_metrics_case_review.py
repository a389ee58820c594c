"""Oracle tests of the 案卷评查 metrics (fixtures/metrics.json, group 行政执法) and their report
sentence: hand-counted values for the county and each township."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from tests.personas import County

from fazhi.case_review import services as svc
from fazhi.case_review.models import Campaign
from fazhi.metrics.models import MetricDefinition
from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import metric_values
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor
from fazhi.plans.services import report_review, report_submit

from .conftest import MakeRecords

pytestmark = pytest.mark.django_db
D = Decimal
M = svc.MarkInput
CODES = (
    "case_review.campaigns", "case_review.files", "case_review.excellent", "case_review.passed",
    "case_review.failed", "case_review.pass_rate", "case_review.excellent_rate",
    "case_review.avg_score", "case_review.rectification_rate",
)  # fmt: skip


def values(unit: OrgUnit, period: str = "2026") -> dict[str, tuple[Any, ...]]:
    found = metric_values(
        actor=Actor.command_line(), unit=unit, period=Period.parse(period), codes=CODES
    )
    return {v.code: (v.display, v.numerator, v.denominator) for v in found}


@pytest.fixture
def scored(county: County, campaign: Campaign, make_records: MakeRecords) -> Campaign:
    """白沙镇: 95 (优秀), 80 (合格), 0 (否决); 黄金乡: 99 (优秀), one file left unscored."""
    make_records(county.town_a, 3)
    make_records(county.town_b, 2)
    svc.files_draw(actor=county.actor("dept_clerk"), campaign=campaign, seed=4)
    ids = {i.name: i.pk for p in campaign.standard.parts.all() for i in p.items.all()}
    a1, a2, a3 = campaign.files.filter(unit=county.town_a).order_by("pk")
    b1 = campaign.files.filter(unit=county.town_b).order_by("pk")[0]
    plan = {
        a1: {ids["强制措施"]: M(amount=D(5), note="a")},  # 95
        a2: {ids["强制措施"]: M(amount=D(10), note="b"), ids["无管辖权"]: M(1, note="c")},  # 80
        a3: {ids["主体不合法"]: M(veto=True, note="d")},  # 0
        b1: {ids["文书填写"]: M(1, note="e")},  # 99
    }
    for f, marks in plan.items():
        who = county.actor("reviewer" if f.unit == county.town_a else "reviewer_a")
        svc.file_score(actor=who, case_file=f, marks=marks)
        svc.file_submit(actor=who, case_file=f)
    return campaign


def test_definitions_are_in_the_enforcement_group() -> None:
    found = MetricDefinition.objects.filter(code__startswith="case_review.")
    assert sorted(d.code for d in found) == sorted(CODES)
    assert {d.group for d in found} == {"行政执法"}


def test_oracle_values(county: County, scored: Campaign) -> None:
    root = values(county.root)
    # 4 finished files: 95, 80, 0, 99 → excellent 2, pass 1, fail 1; average 274/4 = 68.5
    assert root["case_review.campaigns"][:2] == ("1次", 1)
    assert root["case_review.files"][:2] == ("4卷", 4)
    assert root["case_review.excellent"][1] == 2
    assert root["case_review.passed"][1] == 1
    assert root["case_review.failed"][1] == 1
    assert root["case_review.pass_rate"] == ("75.0%", 3, 4)
    assert root["case_review.excellent_rate"] == ("50.0%", 2, 4)
    assert root["case_review.avg_score"][0] == "68.5分"
    town_a = values(county.town_a)
    assert town_a["case_review.files"][1] == 3
    assert town_a["case_review.pass_rate"] == ("66.7%", 2, 3)
    assert town_a["case_review.avg_score"][0] == "58.3分"  # 175 / 3
    assert town_a["case_review.campaigns"][1] == 0  # organised by the 司法局, not 白沙镇
    town_b = values(county.town_b)
    assert (town_b["case_review.files"][1], town_b["case_review.avg_score"][0]) == (1, "99.0分")
    assert values(county.dept)["case_review.campaigns"][1] == 1
    assert values(county.root, "2025")["case_review.files"][1] == 0


def test_rectification_rate(county: County, scored: Campaign) -> None:
    a = svc.rectification_issue(
        actor=county.actor("dept_clerk"),
        campaign=scored,
        unit=county.town_a,
        due_on=dt.date(2026, 8, 31),
    )
    svc.rectification_issue(
        actor=county.actor("dept_clerk"),
        campaign=scored,
        unit=county.town_b,
        due_on=dt.date(2026, 9, 30),
        content="请规范卷宗装订",
    )
    assert values(county.root)["case_review.rectification_rate"] == ("0.0%", 0, 2)
    report = report_submit(
        actor=county.actor("clerk_a"),
        assignment=a.assignment,
        text="已整改",
        claims_completion=True,
    )
    report_review(actor=county.actor("reviewer"), report=report, approve=True)
    assert values(county.root)["case_review.rectification_rate"] == ("50.0%", 1, 2)
    assert values(county.town_a)["case_review.rectification_rate"] == ("100.0%", 1, 1)


def test_report_sentence(county: County, scored: Campaign) -> None:
    from fazhi.reports.rules import figure_sentences

    mine = [s for s in figure_sentences() if s.get("when") == "case_review.files"]
    assert len(mine) == 1 and mine[0]["chapter"] == 5
    text = str(mine[0]["groups"])
    for code in (
        "case_review.campaigns",
        "case_review.files",
        "case_review.excellent",
        "case_review.failed",
    ):
        assert "{{" + code + "}}" in text
