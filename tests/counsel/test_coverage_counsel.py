"""The yearly coverage rows: which units should have an adviser (by kind, the data parameter),
when a unit counts as covered (any day of the year in post; 解聘 ends it on that day), rows
kept by 登记, 解聘 and 续聘 and completed by the sweep for the current year; idempotent."""

from __future__ import annotations

import pytest
from tests.counsel.conftest import MakeCounsel, d
from tests.personas import County

from fazhi.counsel import services
from fazhi.counsel.coverage import coverage_refresh, required_kinds
from fazhi.counsel.models import CoverageYear
from fazhi.orgs.models import OrgUnit, UnitKind
from fazhi.orgs.scoping import Actor
from fazhi.orgs.services import orgunit_create

pytestmark = pytest.mark.django_db


def rows(year: int) -> dict[str, tuple[bool, bool, int]]:
    return {
        r.unit.code: (r.required, r.covered, r.advisers)
        for r in CoverageYear.objects.filter(year=year).select_related("unit")
    }


def test_the_default_required_kinds() -> None:
    assert required_kinds() == ("government", "department", "township")


def test_rows_follow_the_roster(county: County, make_counsel: MakeCounsel) -> None:
    a = make_counsel(county.town_a, "欧阳明远", "2024-07-01", "2025-12-31")
    assert rows(2024) == {county.town_a.code: (True, True, 1)}  # only the adviser's unit
    assert rows(2025) == {county.town_a.code: (True, True, 1)}
    services.sweep(actor=Actor.command_line())  # the current year for every unit
    assert rows(2025) == {
        county.root.code: (True, False, 0),
        county.town_a.code: (True, True, 1),
        county.town_b.code: (True, False, 0),
        county.village_a.code: (True, False, 0),
        county.dept.code: (True, False, 0),
    }
    assert coverage_refresh(year=2025) == 0  # idempotent
    # 解聘 on 2025-01-01 still covers 2025 (in post that day); a later contract adds to the count
    services.counsel_terminate(
        actor=county.actor("clerk_a"), counsel=a, terminated_on=d("2025-01-01"), reason="调离"
    )
    assert rows(2025)[county.town_a.code] == (True, True, 1)
    make_counsel(county.town_a, "李思齐", "2025-03-01", "2026-02-28")
    assert rows(2025)[county.town_a.code] == (True, True, 2)
    assert rows(2026) == {county.town_a.code: (True, True, 1)}


def test_termination_before_the_year_uncovers_it(county: County, make_counsel: MakeCounsel) -> None:
    a = make_counsel(county.town_b, "欧阳明远", "2024-01-01", "2025-12-31")
    assert rows(2025)[county.town_b.code] == (True, True, 1)
    services.counsel_terminate(
        actor=county.actor("clerk_b"), counsel=a, terminated_on=d("2024-12-31"), reason="调离"
    )
    assert rows(2025)[county.town_b.code] == (True, False, 0)
    assert rows(2024)[county.town_b.code] == (True, True, 1)


def test_a_unit_of_another_kind_counts_only_as_covered(
    county: County, make_counsel: MakeCounsel
) -> None:
    office = orgunit_create(
        actor=Actor.command_line(), code="430199900", name="县委依法治县办",
        kind=UnitKind.PARTY_OFFICE, level=county.root.level, parent=county.root,
    )  # fmt: skip
    coverage_refresh(year=2025)
    assert office.code not in rows(2025)
    make_counsel(office, "欧阳明远", "2025-01-01", "2025-12-31")
    assert rows(2025)[office.code] == (False, True, 1)
    OrgUnit.objects.filter(pk=county.town_b.pk).update(is_active=False)
    coverage_refresh(year=2025)
    assert county.town_b.code not in rows(2025)  # an inactive unit is not asked for one
