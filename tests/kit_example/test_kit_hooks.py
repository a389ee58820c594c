"""The example register's other kit hooks — the daily sweep, the audit trail the runner writes,
its metric definition, the demo seeders — and the acceptance check of the register kit: none
of it needed a change to a shared file. Today is 2025-06-30."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from tests.kit_example import installed  # noqa: F401  (skips this module unless installed)
from tests.kit_example.models import Counsel, Status
from tests.kit_example.workflow import COUNSELS
from tests.personas import County

from fazhi.core.kit import kit_for, kits
from fazhi.core.models import AuditEntry, RecordEvent
from fazhi.orgs.scoping import Actor

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "fazhi"


def sweep(*args: str) -> str:
    out = StringIO()
    call_command("sweep_deadlines", *args, stdout=out)
    return out.getvalue().strip()


# --- the registry ----------------------------------------------------------------------------
def test_the_app_is_installed_last_and_its_kit_comes_last() -> None:
    assert settings.INSTALLED_APPS[-1] == "tests.kit_example"
    assert [k.app for k in kits()][-2:] == ["demo", "kit_example"]  # ORDER 95 after demo's 90
    assert kit_for("kit_example").package_path() == ROOT / "tests" / "kit_example"


@pytest.mark.django_db
def test_the_migration_matches_the_models() -> None:
    """A migrations package, not syncdb: an unmigrated app's tables are created before the
    migrated ones, and PostgreSQL refuses its foreign key to orgs_orgunit."""
    call_command("makemigrations", "kit_example", "--check", "--dry-run", stdout=StringIO())


def test_the_workflow_table() -> None:
    assert COUNSELS.table() == {
        "active": {"terminate": "terminated", "renew": "active", "expire": "expired"},
        "expired": {"renew": "active"},
        "terminated": {},
    }


# --- the sweep -------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_sweep_expires_ended_contracts_once(
    county: County, make_counsel: Callable[..., Counsel]
) -> None:
    ended = make_counsel(county.town_a, "欧阳明远", "2023-07-01", "2025-06-29")
    running = make_counsel(county.town_b, "李思齐", "2024-07-01", "2025-06-30")  # last day
    assert sweep("--today", "2025-06-29").endswith("；法律顾问合同到期 0 人")
    first = sweep()
    assert first.startswith("视为受理 0 件；")  # the other registers' hooks run first
    assert first.endswith("；法律顾问合同到期 1 人")
    assert sweep().endswith("；法律顾问合同到期 0 人")  # idempotent
    ended.refresh_from_db()
    running.refresh_from_db()
    assert (ended.status, str(ended.ended_on)) == (Status.EXPIRED, "2025-06-29")
    assert running.status == Status.ACTIVE
    assert [(e.kind, str(e.on), e.actor_name) for e in ended.events.all()] == [
        ("聘用", "2023-07-01", "命令行"),
        ("聘期届满", "2025-06-29", "命令行"),
    ]


@pytest.mark.django_db
def test_the_runner_writes_history_and_a_verified_audit_chain(
    county: County, make_counsel: Callable[..., Counsel]
) -> None:
    from tests.kit_example import services

    counsel = make_counsel(county.town_a, "欧阳明远", "2023-07-01", "2025-06-29")
    services.sweep(actor=Actor.command_line())
    services.counsel_renew(
        actor=county.actor("clerk_a"), counsel=counsel, contract_end=dt.date(2027, 6, 30)
    )
    entries = AuditEntry.objects.filter(object_type="kit_example.counsel").order_by("seq")
    assert [(e.action, e.actor_name) for e in entries] == [
        ("kit_example.register", "命令行"),
        ("kit_example.expire", "命令行"),
        ("kit_example.renew", "白沙甲"),
    ]
    renewed = entries.last()
    assert renewed is not None and renewed.before is not None and renewed.after is not None
    assert (renewed.before["status"], renewed.after["status"]) == ("expired", "active")
    assert (renewed.before["contract_end"], renewed.after["contract_end"]) == (
        "2025-06-29",
        "2027-06-30",
    )
    summaries = RecordEvent.objects.filter(
        object_type="kit_example.counsel", object_id=str(counsel.pk)
    ).order_by("at", "pk")
    assert [e.summary for e in summaries][1:] == [
        "聘期届满：聘用合同期满",
        "续聘：聘期延至 2027-06-30",
    ]
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "哈希链无断裂" in out.getvalue()


# --- metrics ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_metric_definition_is_synced_and_computed(
    county: County, make_counsel: Callable[..., Counsel]
) -> None:
    from fazhi.metrics.dashboard import key_codes
    from fazhi.metrics.periods import Period
    from fazhi.metrics.selectors import metric_value

    make_counsel(county.town_a, "欧阳明远", "2025-01-02", "2026-12-31")
    make_counsel(county.village_a, "李思齐", "2025-03-02", "2026-12-31")
    make_counsel(county.town_b, "王守仁", "2025-03-02", "2026-12-31")
    make_counsel(county.town_a, "张居正", "2024-03-02", "2026-12-31")
    actor = county.actor("coordinator")

    def value(unit_attr: str) -> object:
        unit = getattr(county, unit_attr)
        period = Period.for_year(2025)
        return metric_value(actor=actor, unit=unit, period=period, code="kit_example.counsels")

    assert [value(u).numerator for u in ("root", "town_a", "town_b")] == [3, 2, 1]  # type: ignore[attr-defined]
    assert key_codes()[-1] == "kit_example.counsels"
    out = StringIO()
    call_command("metric_facts", "--check", stdout=out)
    assert "一致" in out.getvalue()


# --- demo seeders ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_county_filler_writes_through_the_service(county: County) -> None:
    from tests.kit_example import demo

    from fazhi.demo.generator import CountyContext, county_fillers
    from fazhi.demo.plan import plan_county

    assert [name for name, _ in county_fillers()][-1] == demo.NAME == "kit_example"
    units = [county.root, county.town_a, county.town_b, county.village_a, county.dept]
    ctx = CountyContext(
        plan=plan_county(),
        root=county.root,
        units={u.code: u for u in units},
        users={},
        actor=Actor.command_line(county.root),
        years=2,
        last_year=2024,
    )
    written = demo.fill(ctx)
    assert written == Counsel.objects.count() >= 2
    assert AuditEntry.objects.filter(action="kit_example.register").count() == written
    starts = Counsel.objects.values_list("contract_start", flat=True)
    assert {d.year for d in starts} == {2023, 2024}


@pytest.mark.django_db
def test_the_scale_seeder_moves_rows_with_the_workflow(county: County) -> None:
    from tests.kit_example import demo

    from fazhi.core.selectors import calendar_data
    from fazhi.demo.scale import Government, ScaleContext, Writer

    writer = Writer()
    ctx = ScaleContext(
        seed=7,
        years=range(2021, 2025),
        volume=1,
        horizon=dt.date(2025, 1, 31),
        calendar=calendar_data(),
        root=county.root,
        governments=[Government(county.root, "county", "湘江县", members=[(county.dept, "x")])],
        writer=writer,
    )
    written = demo.seed(ctx)
    writer.flush()
    rows = list(Counsel.objects.all())
    assert written == len(rows) >= 4
    for row in rows:
        ended = row.contract_end < ctx.horizon
        assert row.status == (Status.EXPIRED if ended else Status.ACTIVE)
        assert row.unit_d0 == county.root.pk  # tree slots filled by the writer


# --- acceptance: no shared file names the example app ----------------------------------------
def test_no_shared_file_mentions_the_example_app() -> None:
    pattern = re.compile(r"kit_example|法律顾问|counsel", re.IGNORECASE)
    shared = [
        SRC / "core",
        SRC / "templates",
        SRC / "urls.py",
        SRC / "api.py",
        SRC / "settings.py",
        SRC / "cli.py",
        ROOT / "pyproject.toml",
        ROOT / "tests" / "conftest.py",
    ]
    files = [
        p
        for root in shared
        for p in ([root] if root.is_file() else root.rglob("*"))
        if p.is_file() and p.suffix in {".py", ".html", ".json", ".toml", ".txt", ".js"}
    ]
    assert len(files) > 40
    offending = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offending == []
