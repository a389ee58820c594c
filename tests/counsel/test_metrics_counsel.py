"""Oracle tests of the 法律顾问 metrics: the expected values are computed here by plain Python
from the roster, the participations and the units (not from the coverage rows), and compared
with the metric engine for several units and periods; the monthly facts equal the registers.

Roster (today 2025-06-30):

====== ========== ============================ =========================================
name   unit       term                          notes
====== ========== ============================ =========================================
R1     root       2024-01-01 … 2025-12-31       常年
R2     root       2025-01-01 … 2025-12-31       公职律师
A1     town_a     2023-03-01 … 2024-02-29       聘期届满 (swept): covers 2023, 2024 only
A2     town_a     2025-02-01 … 2026-01-31       解聘 2025-05-31
V1     village_a  2024-06-01 … 2026-05-31
B1     town_b     —                             (none: town_b never covered)
D1     dept       2025-03-01 … 2027-02-28
====== ========== ============================ =========================================
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from tests.counsel.conftest import MakeCounsel, MakeParticipation, d
from tests.counsel.records import expert_procedure, review
from tests.personas import County

from fazhi.counsel import services
from fazhi.counsel.coverage import coverage_refresh, required_kinds
from fazhi.counsel.models import Counsel, Participation
from fazhi.metrics import facts
from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import metric_values
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor

pytestmark = pytest.mark.django_db
CLI = Actor.command_line()
KINDS = ("legality", "decision", "litigation", "contract", "petition", "investment", "other")
CODES = (
    "counsel.coverage_rate",
    "counsel.covered_units",
    "counsel.advisers",
    "counsel.participations",
    *(f"counsel.participations_{k}" for k in KINDS),
)


@pytest.fixture
def data(county: County, make_counsel: MakeCounsel, make_participation: MakeParticipation) -> None:
    clerk = county.actor("clerk_a")
    r1 = make_counsel(county.root, "R1", "2024-01-01", "2025-12-31")
    r2 = make_counsel(county.root, "R2", "2025-01-01", "2025-12-31", kind="staff")
    a1 = make_counsel(county.town_a, "A1", "2023-03-01", "2024-02-29")
    a2 = make_counsel(county.town_a, "A2", "2025-02-01", "2026-01-31")
    v1 = make_counsel(county.village_a, "V1", "2024-06-01", "2026-05-31")
    d1 = make_counsel(county.dept, "D1", "2025-03-01", "2027-02-28")
    services.counsel_terminate(
        actor=clerk, counsel=a2, terminated_on=d("2025-05-31"), reason="调离"
    )
    make_participation(r1, "2024-05-06", "contract")
    make_participation(r1, "2025-04-01", "litigation")
    make_participation(r2, "2025-05-01", "petition")
    make_participation(a1, "2023-06-01", "investment")
    make_participation(v1, "2025-02-03", "other")
    make_participation(d1, "2025-06-02", "contract")
    review(county.town_a, "2025-03-10", [{"name": "A2", "kind": "counsel"}])
    review(county.dept, "2025-04-10", [{"name": "D1", "kind": "counsel"}])
    review(county.dept, "2024-04-10", [{"name": "R1", "kind": "counsel"}], county.town_b)
    expert_procedure(county.root, "2025-05-05", "法律专家R1、R2")
    for year in (2023, 2024, 2025):  # the daily sweep of each year adds the uncovered rows
        coverage_refresh(year=year)
    services.sweep(actor=CLI)


def expected(unit: OrgUnit, year: int, first: dt.date, last: dt.date) -> dict[str, Any]:
    units = [u for u in OrgUnit.objects.all() if u.path.startswith(unit.path)]
    y1, y2 = dt.date(year, 1, 1), dt.date(year, 12, 31)
    annual = first == y1 and last == y2
    in_post: dict[int, int] = {}
    for c in Counsel.objects.filter(unit__in=units):
        if c.contract_start <= y2 and c.last_day >= y1:
            in_post[c.unit_id] = in_post.get(c.unit_id, 0) + 1
    required = [u for u in units if u.kind in required_kinds()]
    covered_required = [u for u in required if u.pk in in_post]
    rows = [
        p for p in Participation.objects.filter(counsel__unit__in=units) if first <= p.on <= last
    ]
    want: dict[str, Any] = {
        "counsel.coverage_rate": (
            (Decimal(len(covered_required) * 100) / len(required)).quantize(Decimal("0.1"))
            if annual and required
            else None,
            len(covered_required) if annual else 0,
            len(required) if annual else 0,
        ),
        "counsel.covered_units": Decimal(len(in_post) if annual else 0),
        "counsel.advisers": Decimal(sum(in_post.values()) if annual else 0),
        "counsel.participations": Decimal(len(rows)),
    }
    for kind in KINDS:
        want[f"counsel.participations_{kind}"] = Decimal(sum(1 for p in rows if p.kind == kind))
    return want


def figures(unit: OrgUnit, period: str) -> dict[str, Any]:
    found = metric_values(actor=CLI, unit=unit, period=Period.parse(period), codes=CODES)
    out: dict[str, Any] = {}
    for v in found:
        if v.code == "counsel.coverage_rate":
            out[v.code] = (v.value, v.numerator or 0, v.denominator or 0)
        else:
            out[v.code] = Decimal(v.value or 0)
    return out


def test_the_oracle(county: County, data: None, settings: Any) -> None:
    assert Participation.objects.count() == 11  # 6 typed + 3 reviews + R1 and R2 in one 论证
    cases = [
        (u, str(y), dt.date(y, 1, 1), dt.date(y, 12, 31), y)
        for u in (county.root, county.town_a, county.village_a, county.town_b, county.dept)
        for y in (2023, 2024, 2025)
    ]
    cases.append((county.root, "2025Q2", d("2025-04-01"), d("2025-06-30"), 2025))
    cases.append((county.town_a, "2025-03", d("2025-03-01"), d("2025-03-31"), 2025))
    for unit, period, first, last, year in cases:
        assert figures(unit, period) == expected(unit, year, first, last), (unit.name, period)
    # a few figures written out, so the oracle itself is checked
    assert figures(county.root, "2025")["counsel.coverage_rate"] == (Decimal("80.0"), 4, 5)
    assert figures(county.root, "2024")["counsel.coverage_rate"] == (Decimal("60.0"), 3, 5)
    assert figures(county.town_a, "2024")["counsel.advisers"] == Decimal(2)  # A1 and V1
    assert figures(county.root, "2025")["counsel.participations"] == Decimal(8)
    checked, mismatches = facts.facts_check()
    assert checked > 0 and mismatches == []
    fast = {c[:2]: figures(c[0], c[1]) for c in cases}
    settings.FAZHI_METRIC_FACTS = False
    assert {c[:2]: figures(c[0], c[1]) for c in cases} == fast
