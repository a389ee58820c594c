"""涉企重复检查 alerts on constructed data (issue 17 acceptance): the same enterprise inspected
by two different units 29 days apart → an alert, 31 days apart → none, the same unit twice →
none, 30 days apart → an alert (the window is “within N days”, the N-th day included: README).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from tests.enforcement_oversight.conftest import Eo, MakeRecord, d
from tests.registers.matrix import exported_values

from fazhi.core.models import DeadlineRule
from fazhi.enforcement_oversight.selectors import repeat_inspections
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor

pytestmark = pytest.mark.django_db

CODE = "91430100MA4L000001"
YEAR = (d("2026-01-01"), d("2026-12-31"))


def alerts(units: Actor | list[OrgUnit] | None = None, **kw: object) -> list[tuple[str, int]]:
    found = repeat_inspections(
        actor_or_units=units or Actor.command_line(),
        start=YEAR[0],
        end=YEAR[1],
        **kw,  # type: ignore[arg-type]
    )
    return [(a.credit_code, a.days) for a in found]


def test_two_departments_29_days_apart_alert(eo: Eo, record: MakeRecord) -> None:
    first = record("market", "2026-03-01", credit=CODE)
    second = record("town_a", "2026-03-30", credit=CODE)
    found = repeat_inspections(actor_or_units=Actor.command_line(), start=YEAR[0], end=YEAR[1])
    assert len(found) == 1
    a = found[0]
    assert (a.first_id, a.second_id, a.days) == (first.pk, second.pk, 29)
    assert (a.first_unit_id, a.second_unit_id) == (eo.market.pk, eo.county.town_a.pk)
    assert (a.first_on, a.second_on) == (d("2026-03-01"), d("2026-03-30"))


def test_31_days_apart_no_alert(eo: Eo, record: MakeRecord) -> None:
    record("market", "2026-03-01", credit=CODE)
    record("town_a", "2026-04-01", credit=CODE)
    assert alerts() == []


def test_30_days_apart_is_within_the_window(eo: Eo, record: MakeRecord) -> None:
    record("market", "2026-03-01", credit=CODE)
    record("town_a", "2026-03-31", credit=CODE)
    assert alerts() == [(CODE, 30)]


def test_same_department_twice_no_alert(eo: Eo, record: MakeRecord) -> None:
    record("market", "2026-03-01", credit=CODE)
    record("market", "2026-03-05", credit=CODE)
    assert alerts() == []


def test_only_enterprise_inspections_count(eo: Eo, record: MakeRecord) -> None:
    record("market", "2026-03-01", credit=CODE)
    record("town_a", "2026-03-05", kind="penalty", credit=CODE)  # not an inspection
    record("dept", "2026-03-06", credit="")  # no enterprise
    record("dept", "2026-03-07", credit="91430100MA4L000002")  # another enterprise
    assert alerts() == []


def test_a_same_unit_run_then_another_unit(eo: Eo, record: MakeRecord) -> None:
    """A, A (20 days later), B (25 days after that): the pair A→B within the window."""
    record("market", "2026-01-10", credit=CODE)
    record("market", "2026-01-30", credit=CODE)
    record("town_a", "2026-02-24", credit=CODE)
    assert alerts() == [(CODE, 25)]


def test_the_earlier_inspection_may_be_before_the_period(eo: Eo, record: MakeRecord) -> None:
    record("market", "2025-12-20", credit=CODE)
    record("town_a", "2026-01-05", credit=CODE)
    assert alerts() == [(CODE, 16)]
    # and one dated before the period is not reported for it
    assert (
        repeat_inspections(actor_or_units=Actor.command_line(), start=d("2026-02-01"), end=YEAR[1])
        == []
    )


def test_window_as_argument_and_as_province_data(eo: Eo, record: MakeRecord) -> None:
    record("market", "2026-03-01", credit=CODE)
    record("town_a", "2026-03-30", credit=CODE)
    assert alerts(window_days=28) == []
    national = DeadlineRule.objects.get(code="enforcement_oversight.repeat_inspection_window")
    assert national.days == 30
    DeadlineRule.objects.create(
        code=national.code, region="43", name=national.name, law=national.law,
        article=national.article, days=20, counting="natural", start_event=national.start_event,
    )  # fmt: skip
    root = OrgUnit.objects.get(pk=eo.county.root.pk)
    assert alerts([root]) == []  # 湖南 (43): 20 days
    assert alerts(window_days=29) == [(CODE, 29)]


def test_scope_either_unit_sees_the_pair(eo: Eo, record: MakeRecord) -> None:
    c = eo.county
    record("market", "2026-03-01", credit=CODE)
    record("town_a", "2026-03-10", credit=CODE)
    seen = {
        persona: bool(alerts(c.actor(persona)))
        for persona in ("clerk_a", "clerk_b", "dept_clerk", "coordinator", "leader_a")
    }
    assert seen == {
        "clerk_a": True, "clerk_b": False, "dept_clerk": False, "coordinator": True,
        "leader_a": True,
    }  # fmt: skip
    assert alerts([eo.market]) == [(CODE, 9)]
    assert alerts([c.town_b]) == []
    assert alerts([c.town_b, c.town_a]) == [(CODE, 9)]


def test_page_and_export(eo: Eo, record: MakeRecord) -> None:
    c = eo.county
    one = record("market", "2026-03-01", credit=CODE)
    two = record("town_a", "2026-03-10", credit=CODE)
    # the pages read the stored alerts: records written here by the ORM, not by an ingest
    # batch, wait for the whole-year computation (the command, the sweep)
    assert CODE not in c.client("clerk_a").get("/enforcement-oversight/alerts/").content.decode()
    call_command("enforcement_alerts", "--year", "2026")
    page = c.client("clerk_a").get("/enforcement-oversight/alerts/?year=2026")
    text = page.content.decode()
    assert page.status_code == 200 and CODE in text and two.case_number in text
    assert "2026年共 <strong>1</strong> 条预警" in text
    assert "湘江县市场监督管理局" in text
    assert CODE not in c.client("clerk_b").get("/enforcement-oversight/alerts/").content.decode()
    export = c.client("coordinator").get("/enforcement-oversight/alerts/export.xlsx?year=2026")
    assert export.status_code == 200
    assert {CODE, one.case_number, two.case_number} <= exported_values(export.content)
    assert c.client("secadmin").get("/enforcement-oversight/alerts/").status_code == 403
    none = c.client("clerk_b").get("/enforcement-oversight/alerts/export.xlsx?year=2026")
    assert CODE not in exported_values(none.content)


def test_limit(eo: Eo, record: MakeRecord) -> None:
    for n in range(3):
        code = f"91430100MA4L00010{n}"
        record("market", "2026-05-01", credit=code)
        record("town_a", "2026-05-02", credit=code)
    assert len(alerts()) == 3 and len(alerts(limit=2)) == 2
    assert isinstance(
        repeat_inspections(actor_or_units=Actor.command_line(), start=YEAR[0], end=YEAR[1])[
            0
        ].first_on,
        dt.date,
    )
