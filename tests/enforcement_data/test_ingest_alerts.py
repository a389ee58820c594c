"""Stored 涉企重复检查 alerts (issue 17 §5, §6): every ingest batch recomputes the alerts of the
enterprises it inspected, so that the alert pages read a small table instead of running the
window query over a province's 10M records. After every batch the stored alerts equal the
live query (:func:`repeat_inspections`, the oracle), for each persona's scope; a new window
rule is applied by the daily sweep; records written around the ingest by the command."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command

from fazhi.core.models import DeadlineRule
from fazhi.enforcement_data.ingest import ingest_file
from fazhi.enforcement_oversight.models import AlertRun, InspectionAlert
from fazhi.enforcement_oversight.selectors import repeat_inspections, stored_alerts
from fazhi.enforcement_oversight.services import alerts_sweep
from fazhi.orgs.scoping import Actor

from .conftest import ACME, BETA, Setup, WriteCsv, row

pytestmark = pytest.mark.django_db

PERSONAS = ("coordinator", "dept_clerk", "clerk_a", "clerk_b", "leader_a")
counter = iter(range(1, 10**6))


def inspection(setup: Setup, who: str, day: str, code: str = ACME) -> dict[str, str]:
    """A 涉企 行政检查 of ``code`` on ``day`` by the 司法局 (``dept``) or 白沙镇 (``town``)."""
    unit, subject, cert = {
        "dept": (setup.county.dept, "湘江县司法局", "A0001"),
        "town": (setup.county.town_a, "白沙镇人民政府", "B0001"),
    }[who]
    return row(
        执法单位编码=unit.code, 执法主体=subject, 执法类别="行政检查",
        文书号=f"检〔2026〕{next(counter)}号", 决定日期=day, 罚没金额="0", 公示日期="",
        涉企="是", 统一社会信用代码=code, 执法证号=cert,
    )  # fmt: skip


def load(setup: Setup, write_csv: WriteCsv, *rows: dict[str, str]) -> None:
    result = ingest_file(actor=setup.county.actor("coordinator"), path=write_csv(list(rows)))
    assert result.ok, result.errors


def pairs(found: Any) -> list[tuple[str, dt.date, dt.date, int]]:
    return [(a.credit_code, a.first_on, a.second_on, a.days) for a in found]


def assert_stored_equal_live(setup: Setup) -> list[tuple[str, dt.date, dt.date, int]]:
    """Stored alerts == the live query, for the whole system and each persona's scope."""
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    whole = Actor.command_line()
    stored, total = stored_alerts(actor=whole, year=2026)
    live = repeat_inspections(actor_or_units=whole, start=start, end=end)
    assert pairs(stored) == pairs(live) and total == len(live)
    assert [(a.first_id, a.second_id) for a in stored] == [(a.first_id, a.second_id) for a in live]
    for persona in PERSONAS:
        actor = setup.county.actor(persona)
        mine, _ = stored_alerts(actor=actor, year=2026)
        live_mine = repeat_inspections(actor_or_units=actor, start=start, end=end)
        assert pairs(mine) == pairs(live_mine), persona
    return pairs(stored)


def test_each_batch_keeps_the_stored_alerts_equal_to_the_live_query(
    setup: Setup, write_csv: WriteCsv
) -> None:
    d = dt.date.fromisoformat
    # 03-01 司法局, 04-15 白沙镇: 45 days apart, no alert
    load(setup, write_csv, inspection(setup, "dept", "2026-03-01"),
         inspection(setup, "town", "2026-04-15"))  # fmt: skip
    assert assert_stored_equal_live(setup) == []
    # a 白沙镇 inspection on 03-20 arrives later: 19 days after the 司法局's → alert; the
    # 04-15 one now follows the same unit's → none
    load(setup, write_csv, inspection(setup, "town", "2026-03-20"))
    assert assert_stored_equal_live(setup) == [(ACME, d("2026-03-01"), d("2026-03-20"), 19)]
    # 司法局 again on 04-20, 5 days after 白沙镇's; another enterprise by one unit only
    load(setup, write_csv, inspection(setup, "dept", "2026-04-20"),
         inspection(setup, "dept", "2026-04-21", BETA))  # fmt: skip
    assert assert_stored_equal_live(setup) == [
        (ACME, d("2026-03-01"), d("2026-03-20"), 19),
        (ACME, d("2026-04-15"), d("2026-04-20"), 5),
    ]
    # a batch between two alerting inspections changes the neighbours: 03-10 by 司法局
    # → 03-01→03-10 same unit (none), 03-10→03-20 by 白沙镇 10 days (alert)
    load(setup, write_csv, inspection(setup, "dept", "2026-03-10"))
    assert assert_stored_equal_live(setup) == [
        (ACME, d("2026-03-10"), d("2026-03-20"), 10),
        (ACME, d("2026-04-15"), d("2026-04-20"), 5),
    ]
    assert InspectionAlert.objects.count() == 2
    assert {a.unit_d1 for a in InspectionAlert.objects.all()} == {
        setup.county.dept.pk,
        setup.county.town_a.pk,
    }


def test_a_refused_file_changes_no_alert(setup: Setup, write_csv: WriteCsv) -> None:
    load(setup, write_csv, inspection(setup, "dept", "2026-03-01"))
    bad = inspection(setup, "town", "2026-03-05")
    bad["决定日期"] = "2026-02-30"
    result = ingest_file(
        actor=setup.county.actor("coordinator"),
        path=write_csv([inspection(setup, "town", "2026-03-02"), bad]),
    )
    assert not result.ok
    assert not InspectionAlert.objects.exists()


def test_the_sweep_applies_a_new_window_and_the_command_recomputes(
    setup: Setup, write_csv: WriteCsv
) -> None:
    load(
        setup,
        write_csv,
        inspection(setup, "dept", "2026-03-01"),
        inspection(setup, "town", "2026-03-26"),
    )  # fmt: skip  25 days
    assert InspectionAlert.objects.count() == 1
    today = dt.date(2026, 6, 30)
    assert alerts_sweep(today=today) == 1  # never computed as a whole: 2026 (2025 has none)
    assert alerts_sweep(today=today) == 0  # up to date
    assert AlertRun.objects.get(year=2026).window_days == 30
    national = DeadlineRule.objects.get(code="enforcement_oversight.repeat_inspection_window")
    DeadlineRule.objects.create(
        code=national.code,
        region="43",
        name=national.name,
        law=national.law,
        article=national.article,
        days=20,
        counting="natural",
        start_event=national.start_event,
    )  # fmt: skip  湖南: 20 days
    assert alerts_sweep(today=today) == 1
    assert not InspectionAlert.objects.exists()
    assert AlertRun.objects.get(year=2026).window_days == 20
    DeadlineRule.objects.filter(region="43").delete()
    call_command("enforcement_alerts", "--year", "2026")
    assert InspectionAlert.objects.get().days == 25
