"""Oracle tests of the 执法人员 metrics: each definition against a hand count of constructed
officers, per year (the year-end rows) and per subtree; the facts agree with the registers;
the report sentence of chapter 5."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from tests.personas import County

from fazhi.enforcement import services as svc
from fazhi.metrics.facts import facts_check
from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import metric_value
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor

from .conftest import TODAY, MakeOfficer, d

pytestmark = pytest.mark.django_db
CODES = (
    "enforcement.certified",
    "enforcement.new_certs",
    "enforcement.expired",
    "enforcement.expired_on_duty",
    "enforcement.legal_reviewers",
    "enforcement.reviewer_ratio",
    "enforcement.registrations",
)


@pytest.fixture
def built(county: County, make_officer: MakeOfficer, hours_met: None) -> None:
    """白沙镇 (town_a) unless noted; dates are the certificates' (5-year validity).

    A valid; B expired 2025-05-31, on duty; C valid, 法制审核; D cancelled 2026-03-01 (valid at
    the end of 2025); E issued 2026; F 黄金乡, valid to 2026-06-30 (today), 法制审核; G an
    applicant; H suspended 2025-11-01; I issued 2025. A registered for 2026."""
    cli = Actor.command_line()
    a = make_officer(name="A", issued="2024-03-01")
    make_officer(name="B", issued="2020-06-01")
    make_officer(name="C", issued="2023-01-10", legal_reviewer=True)
    dd = make_officer(name="D", issued="2022-05-05")
    svc.officer_cancel(actor=cli, officer=dd, cancelled_on=d("2026-03-01"), reason="retired")
    make_officer(name="E", issued="2026-02-01")
    make_officer(county.town_b, name="F", issued="2021-07-01", legal_reviewer=True)
    make_officer(name="G")
    h = make_officer(name="H", issued="2023-02-02")
    svc.officer_suspend(actor=cli, officer=h, suspended_on=d("2025-11-01"), reason="调查")
    make_officer(name="I", issued="2025-04-01")
    svc.officer_register_year(actor=cli, officer=a, registered_on=d("2026-03-01"))
    svc.year_refresh(year=2025, on=d("2025-12-31"))
    svc.sweep(today=TODAY)  # this year's rows, as of today


def figures(unit: OrgUnit, year: int) -> dict[str, Any]:
    period = Period.for_year(year)
    return {
        code: metric_value(actor=Actor.command_line(), unit=unit, period=period, code=code).value
        for code in CODES
    }


def test_year_end_figures_by_hand(county: County, built: None) -> None:
    # 2025-12-31: certified A C D F I (B expired, H suspended, E not yet issued, G none)
    assert figures(county.root, 2025) == {
        "enforcement.certified": 5,
        "enforcement.new_certs": 1,  # I
        "enforcement.expired": 1,  # B
        "enforcement.expired_on_duty": 1,
        "enforcement.legal_reviewers": 2,  # C F
        "enforcement.reviewer_ratio": Decimal("40.0"),
        "enforcement.registrations": 0,
    }
    # today: certified A C E F I (D cancelled, H suspended), B still expired and on duty
    assert figures(county.root, 2026) == {
        "enforcement.certified": 5,
        "enforcement.new_certs": 1,  # E
        "enforcement.expired": 1,
        "enforcement.expired_on_duty": 1,
        "enforcement.legal_reviewers": 2,
        "enforcement.reviewer_ratio": Decimal("40.0"),
        "enforcement.registrations": 1,  # A
    }
    # 白沙镇 alone in 2025: A C D I, of them C 法制审核
    town = figures(county.town_a, 2025)
    assert town["enforcement.certified"] == 4 and town["enforcement.reviewer_ratio"] == Decimal(
        "25.0"
    )
    assert figures(county.town_b, 2025)["enforcement.reviewer_ratio"] == Decimal("100.0")


def test_the_facts_equal_the_registers(built: None) -> None:
    _, mismatches = facts_check()
    assert mismatches == []


def test_the_sweep_keeps_the_year_rows_idempotent(built: None) -> None:
    assert svc.year_refresh(year=2026, on=TODAY) == 0
    assert svc.year_refresh(year=2025, on=d("2025-12-31")) == 0


def test_the_report_sentence(county: County, built: None) -> None:
    from fazhi.reports.rules import figure_sentences

    rules = [r for r in figure_sentences() if r.get("when") == "enforcement.certified"]
    assert rules and rules[0]["chapter"] == 5
