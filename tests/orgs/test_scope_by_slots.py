"""Scoping by tree slots (``scope_by_slots``): the one scoping module writes "in the actor's
subtree" as the indexed slot equality for a model that asks for it (the stored 涉企重复检查
alerts, a province-year of some 400,000 rows), and the rows are those of the path condition."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.personas import County

from fazhi.enforcement_oversight.models import InspectionAlert
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor, scope_q, visible_to

pytestmark = pytest.mark.django_db


def _alert(later: OrgUnit, earlier: OrgUnit, record: int) -> InspectionAlert:
    return InspectionAlert.objects.create(
        year=2025,
        credit_code="91430100MA4L000001",
        first_record=record - 1,
        first_unit=earlier,
        first_on=dt.date(2025, 3, 1),
        record=record,
        unit=later,
        second_on=dt.date(2025, 3, 20),
        days=19,
        window_days=30,
    )


def test_the_slot_condition_selects_the_rows_of_the_path_condition(county: County) -> None:
    a = _alert(county.town_a, county.town_b, 2)  # later 白沙镇, earlier 黄金乡
    b = _alert(county.dept, county.village_a, 4)  # earlier inside 白沙镇's subtree
    c = _alert(county.dept, county.dept, 6)
    for persona in ("coordinator", "clerk_a", "clerk_b", "dept_clerk"):
        actor = county.actor(persona)
        query = visible_to(InspectionAlert.objects.all(), actor)
        sql = str(query.query)
        depth = actor.unit.depth
        assert f'"unit_d{depth}"' in sql and f'"first_d{depth}"' in sql, sql
        assert "JOIN" not in sql  # no join to the units: the slot indexes serve
        by_path = InspectionAlert.objects.filter(
            scope_q(InspectionAlert, actor.unit.path)
        ).values_list("pk", flat=True)
        assert sorted(query.values_list("pk", flat=True)) == sorted(by_path)
    seen = {
        p: set(visible_to(InspectionAlert.objects.all(), county.actor(p)))
        for p in ("clerk_a", "clerk_b", "dept_clerk", "coordinator")
    }
    assert seen["clerk_a"] == {a, b}  # later unit or earlier unit in 白沙镇's subtree
    assert seen["clerk_b"] == {a}
    assert seen["dept_clerk"] == {b, c}
    assert seen["coordinator"] == {a, b, c}
    # the command line (no saved unit) falls back to the path condition and sees everything
    assert set(visible_to(InspectionAlert.objects.all(), Actor.command_line())) == {a, b, c}
