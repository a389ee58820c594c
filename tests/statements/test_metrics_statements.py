"""ORACLE tests of the 述法 metrics: the values are computed here by plain Python from the
records (statements and 应述法单位 rows) and compared with the metric engine's values for
several units and periods; the monthly facts agree with the registers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from tests.personas import County
from tests.statements.conftest import Make, d

from fazhi.metrics import facts
from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import metric_values
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor
from fazhi.statements.models import HeadKind, Statement, StatementDuty
from fazhi.statements.services import duties_refresh

pytestmark = pytest.mark.django_db
CLI = Actor.command_line()
CODES = ("held", "coverage_rate", "reviewed_rate", "rated_good")


@pytest.fixture
def data(county: County, make: Make) -> None:
    make(county.root, upto="rated", person="县长甲", post="县长", head_kind=HeadKind.GOVERNMENT,
         form="committee", held_on=d("2026-12-26"), rating="good")  # fmt: skip
    make(county.root, upto="held", person="书记乙", post="县委书记", head_kind=HeadKind.PARTY)
    make(county.town_a, upto="rated", person="镇长丙", rating="fair")
    make(county.town_a, upto="held", person="副镇长", head_kind=HeadKind.OTHER, post="副镇长")
    make(county.dept, upto="rated", person="局长丁", post="局长",
         head_kind=HeadKind.DEPARTMENT, rating="fairly_good", held_on=d("2026-12-10"))  # fmt: skip
    make(county.town_b, upto="approved", person="乡长戊", post="乡长")
    make(county.village_a, upto="rated", year=2025, person="主任己", post="主任",
         head_kind=HeadKind.DEPARTMENT, held_on=d("2025-12-15"))  # fmt: skip
    duties_refresh(year=2025)
    duties_refresh(year=2026)


def oracle(unit: OrgUnit, first: dt.date, last: dt.date) -> dict[str, tuple[Any, ...]]:
    def inside(s: Statement) -> bool:
        return (
            s.unit.path.startswith(unit.path)
            and s.held_on is not None
            and first <= s.held_on <= last
            and s.status in ("held", "rated")
        )

    held = [s for s in Statement.objects.select_related("unit") if inside(s)]
    duties = [
        x for x in StatementDuty.objects.select_related("unit")
        if x.unit.path.startswith(unit.path) and first <= x.on <= last
    ]  # fmt: skip
    covered = sum(1 for x in duties if x.held)
    reviewed = sum(1 for s in held if s.approved_on and s.approved_on <= s.held_on)  # type: ignore[operator]
    good = sum(1 for s in held if s.status == "rated" and s.rating in ("good", "fairly_good"))

    def rate(n: int, den: int) -> tuple[Any, ...]:
        value = (Decimal(n) * 100 / den).quantize(Decimal("0.1")) if den else None
        return (value, n, den)

    return {
        "held": (Decimal(len(held)), len(held), None),
        "coverage_rate": rate(covered, len(duties)),
        "reviewed_rate": rate(reviewed, len(held)),
        "rated_good": (Decimal(good), good, None),
    }


def engine(unit: OrgUnit, period: str) -> dict[str, tuple[Any, ...]]:
    codes = tuple(f"statements.{c}" for c in CODES)
    found = metric_values(actor=CLI, unit=unit, period=Period.parse(period), codes=codes)
    return {
        v.code.removeprefix("statements."): (v.value, v.numerator, v.denominator) for v in found
    }


PERIODS = {"2026": (d("2026-01-01"), d("2026-12-31")), "2025": (d("2025-01-01"), d("2025-12-31")),
           "2026Q4": (d("2026-10-01"), d("2026-12-31"))}  # fmt: skip


def test_the_engine_equals_the_oracle(county: County, data: None, settings: Any) -> None:
    units = (county.root, county.town_a, county.village_a, county.town_b, county.dept)
    cases = [(u, p) for u in units for p in ("2026", "2025")]
    for unit, period in cases:
        want = oracle(unit, *PERIODS[period])
        assert engine(unit, period) == want, (unit.name, period)
    # spot values, so that an oracle bug is noticed too
    root = engine(county.root, "2026")
    assert root["held"][1] == 5 and root["rated_good"][1] == 2
    assert root["coverage_rate"][1:] == (3, 5)  # root, town_a, dept of 5 required units
    assert root["reviewed_rate"][1:] == (5, 5)
    assert engine(county.town_a, "2025")["coverage_rate"][1:] == (1, 2)
    checked, mismatches = facts.facts_check()
    assert checked > 0 and mismatches == []
    fast = {key: engine(*key) for key in cases}
    settings.FAZHI_METRIC_FACTS = False
    assert {key: engine(*key) for key in cases} == fast


def test_a_held_statement_updates_the_coverage_row(county: County, make: Make) -> None:
    duties_refresh(year=2026)
    assert not StatementDuty.objects.get(unit=county.town_b, year=2026).held
    make(county.town_b, upto="held")
    assert StatementDuty.objects.get(unit=county.town_b, year=2026).held
    assert duties_refresh(year=2026) == 0  # idempotent
