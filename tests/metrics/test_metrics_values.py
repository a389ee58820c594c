"""Hand-built case sets: the default definitions give the figures counted by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pytest_django import DjangoAssertNumQueries
from tests.metrics.builders import (
    CORRECTING,
    closed,
    lawsuit,
    recon,
    save_recon,
    shipped_codes,
)
from tests.personas import County

from fazhi.metrics.engine import MetricValue
from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import metric_value, metric_values
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor

D = dt.date
pytestmark = pytest.mark.django_db


def value(unit: OrgUnit, code: str, period: str = "2024") -> MetricValue:
    return metric_value(
        actor=Actor.command_line(), unit=unit, period=Period.parse(period), code=code
    )


def test_142_closed_cases(county: County) -> None:
    """142 closed in 2024: 26 corrections, 80 协调后撤回, 36 upheld."""
    cases = [
        closed(county.dept, D(2024, 1, 1) + dt.timedelta(days=i % 300), "uphold") for i in range(36)
    ]
    cases += [
        closed(county.town_a, D(2024, 6, 1), CORRECTING[i % len(CORRECTING)]) for i in range(26)
    ]
    cases += [closed(county.village_a, D(2024, 12, 31), "coordinated_withdrawn") for _ in range(80)]
    # Not in 2024's figures: closed in 2023 or 2025, or still open, or refused.
    cases += [
        closed(county.dept, D(2023, 12, 31), "vary"),
        closed(county.dept, D(2025, 1, 1), "annul"),
    ]
    cases += [
        recon(county.dept, received_on=D(2024, 5, 5), status="accepted", accepted_on=D(2024, 5, 6))
    ]
    save_recon(*cases)

    rate = value(county.root, "reconsideration.correction_rate")
    assert (rate.value, rate.numerator, rate.denominator) == (Decimal("18.3"), 26, 142)
    assert rate.display == "18.3%"
    resolution = value(county.root, "reconsideration.resolution_rate")
    assert (resolution.value, resolution.numerator, resolution.denominator) == (
        Decimal("56.3"),
        80,
        142,
    )
    assert value(county.root, "reconsideration.mediation_rate").display == "0.0%"
    assert value(county.root, "reconsideration.closed").display == "142件"
    assert value(county.root, "reconsideration.corrected").value == 26
    assert value(county.root, "reconsideration.on_time_rate").display == "100.0%"
    # town A's subtree holds the 26 corrections and the village's 80 withdrawals.
    town = value(county.town_a, "reconsideration.correction_rate")
    assert (town.numerator, town.denominator, town.display) == (26, 106, "24.5%")
    assert value(county.town_b, "reconsideration.correction_rate").display == "—"


def test_mediation_rate_counts_mediation_and_settlement(county: County) -> None:
    outcomes = ["mediation"] * 3 + ["settled_withdrawn"] * 2 + ["other_withdrawn", "terminated"]
    outcomes += ["coordinated_withdrawn"] + ["uphold"] * 5
    save_recon(*(closed(county.dept, D(2024, 3, 3), o) for o in outcomes))
    mediation = value(county.root, "reconsideration.mediation_rate")
    assert (mediation.numerator, mediation.denominator, mediation.display) == (5, 13, "38.5%")
    assert value(county.root, "reconsideration.resolution_rate").display == "46.2%"  # 6/13


def test_on_time_rate_and_average_days(county: County) -> None:
    save_recon(
        closed(county.dept, D(2024, 5, 1), "uphold", days=10, on_time=True),
        closed(county.dept, D(2024, 5, 2), "uphold", days=20, on_time=True),
        closed(county.town_a, D(2024, 5, 3), "annul", days=31, on_time=False),
        closed(county.town_b, D(2024, 5, 4), "uphold", days=None, on_time=None),
    )
    on_time = value(county.root, "reconsideration.on_time_rate")
    assert (on_time.numerator, on_time.denominator, on_time.display) == (2, 4, "50.0%")
    avg = value(county.root, "reconsideration.avg_days")
    # (10 + 20 + 31) / 3 = 20.33…; the case without 办理天数 is not averaged.
    assert (avg.value, avg.numerator, avg.denominator, avg.display) == (
        Decimal("20.3"),
        61,
        3,
        "20.3天",
    )
    assert value(county.town_b, "reconsideration.avg_days").display == "—"
    assert value(county.dept, "reconsideration.avg_days").display == "15.0天"


def test_intake_counts_use_their_own_dates(county: County) -> None:
    save_recon(
        recon(
            county.dept, received_on=D(2023, 12, 30), status="accepted", accepted_on=D(2024, 1, 3)
        ),
        recon(
            county.dept,
            received_on=D(2024, 12, 30),
            status="not_accepted",
            refused_on=D(2025, 1, 2),
        ),
        recon(county.dept, received_on=D(2024, 6, 1), status="correcting"),
        recon(
            county.dept, received_on=D(2024, 6, 2), status="not_accepted", refused_on=D(2024, 6, 5)
        ),
    )
    got = {
        v.code: v.value
        for v in metric_values(
            actor=Actor.command_line(), unit=county.root, period=Period.parse("2024")
        )
    }
    assert got["reconsideration.received"] == 3
    assert got["reconsideration.accepted"] == 1
    assert got["reconsideration.refused"] == 1
    assert value(county.root, "reconsideration.refused", "2025").value == 1


def test_respondent_side_counts_for_the_respondent_subtree(county: County) -> None:
    save_recon(
        recon(county.root, received_on=D(2024, 2, 1), respondent=county.village_a),
        recon(county.root, received_on=D(2024, 2, 2), respondent=county.town_b),
        recon(county.root, received_on=D(2024, 2, 3), respondent=None),
        closed(county.root, D(2024, 8, 8), "annul", respondent=county.village_a),
        closed(county.root, D(2024, 8, 8), "uphold", respondent=county.village_a),
    )
    assert value(county.town_a, "reconsideration.respondent_cases").value == 3
    assert value(county.town_a, "reconsideration.respondent_corrected").value == 1
    assert value(county.town_b, "reconsideration.respondent_cases").value == 1
    assert value(county.root, "reconsideration.respondent_cases").value == 4  # not the unnamed one
    # The 复议机关's side: all five are kept by the root, none by town A.
    assert value(county.town_a, "reconsideration.received").value == 0


def test_head_appearance_per_hearing_and_per_case(county: County) -> None:
    lawsuit(
        county.town_a,
        filed_on=D(2024, 1, 5),
        hearings=[(D(2024, 3, 1), True), (D(2024, 4, 1), False)],
    )
    lawsuit(county.village_a, filed_on=D(2024, 1, 6), hearings=[(D(2024, 3, 2), False)])
    lawsuit(
        county.town_a,
        filed_on=D(2024, 1, 7),
        hearings=[(D(2024, 5, 1), False), (D(2024, 6, 1), False), (D(2024, 7, 1), False)],
    )
    lawsuit(county.town_a, filed_on=D(2024, 2, 1))  # never heard: in no 出庭率
    lawsuit(county.town_b, filed_on=D(2024, 2, 1), hearings=[(D(2024, 3, 3), True)])
    per_hearing = value(county.town_a, "litigation.head_rate_hearing")
    assert (per_hearing.numerator, per_hearing.denominator, per_hearing.display) == (1, 6, "16.7%")
    per_case = value(county.town_a, "litigation.head_rate_case")
    assert (per_case.numerator, per_case.denominator, per_case.display) == (1, 3, "33.3%")
    assert value(county.root, "litigation.head_rate_case").display == "50.0%"  # 2/4
    assert value(county.root, "litigation.head_rate_hearing").display == "28.6%"  # 2/7
    assert value(county.town_a, "litigation.cases").value == 4
    # Q1 2024: hearings held 3/1 and 3/2 only.
    q1 = value(county.town_a, "litigation.head_rate_hearing", "2024Q1")
    assert (q1.numerator, q1.denominator) == (1, 2)


def test_losses_and_loss_rate(county: County) -> None:
    lawsuit(
        county.dept,
        filed_on=D(2023, 9, 1),
        judged_on=D(2024, 1, 10),
        result="loss_annul",
        is_loss=True,
    )
    lawsuit(county.dept, filed_on=D(2024, 1, 1), judged_on=D(2024, 2, 10), result="win")
    lawsuit(county.dept, filed_on=D(2024, 1, 2), judged_on=D(2024, 3, 10), result="withdrawn")
    lawsuit(
        county.town_a,
        filed_on=D(2024, 1, 3),
        judged_on=D(2025, 1, 10),
        result="loss_illegal",
        is_loss=True,
    )
    lawsuit(county.town_a, filed_on=D(2024, 1, 4))
    got = {
        v.code: v
        for v in metric_values(
            actor=Actor.command_line(), unit=county.root, period=Period.parse("2024")
        )
    }
    assert got["litigation.cases"].value == 4
    assert got["litigation.closed"].value == 3
    assert got["litigation.losses"].value == 1
    assert (got["litigation.loss_rate"].numerator, got["litigation.loss_rate"].denominator) == (
        1,
        3,
    )
    assert got["litigation.loss_rate"].display == "33.3%"


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("2024", 4),
        ("2024Q1", 2),
        ("2024Q2", 1),
        ("2024-03", 1),
        ("2024年第四季度", 1),
        ("2024-03-31..2024-04-01", 2),
        ("2023-12-31..2024-01-01", 2),
        ("2023", 1),
        ("2025", 0),
    ],
)
def test_period_boundaries_include_both_ends(county: County, period: str, expected: int) -> None:
    days = [D(2023, 12, 31), D(2024, 1, 1), D(2024, 3, 31), D(2024, 4, 1), D(2024, 12, 31)]
    save_recon(*(closed(county.dept, day, "uphold") for day in days))
    assert value(county.root, "reconsideration.closed", period).value == expected


def test_township_figure_excludes_the_other_township(county: County) -> None:
    save_recon(
        closed(county.town_a, D(2024, 4, 4), "annul"),
        closed(county.village_a, D(2024, 4, 4), "uphold"),
        closed(county.town_b, D(2024, 4, 4), "vary"),
        closed(county.town_b, D(2024, 4, 4), "vary"),
    )
    assert value(county.town_a, "reconsideration.correction_rate").display == "50.0%"
    assert value(county.town_b, "reconsideration.correction_rate").display == "100.0%"
    assert value(county.village_a, "reconsideration.correction_rate").display == "0.0%"
    assert value(county.root, "reconsideration.correction_rate").display == "75.0%"


def test_all_metrics_of_a_unit_in_one_query_per_source(
    county: County, django_assert_max_num_queries: type[DjangoAssertNumQueries]
) -> None:
    save_recon(closed(county.dept, D(2024, 4, 4), "annul"))
    with django_assert_max_num_queries(5):  # definitions + one per (source, unit field)
        values = metric_values(
            actor=Actor.command_line(), unit=county.root, period=Period.parse("2024")
        )
    assert {v.code for v in values} == shipped_codes(2024)  # every register's metrics
    assert [v.group for v in values][:1] == ["行政复议"]


def test_scoped_actor_cannot_compute_outside_its_subtree(county: County) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        metric_values(
            actor=county.actor("clerk_a"), unit=county.town_b, period=Period.parse("2024")
        )
