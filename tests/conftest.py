"""Shared fixtures: a small county with named personas, the generated demo county (built once per
session), a migrated data directory for console-script tests, and browser-test plumbing.

Building data through the audited services is what makes the suite slow, so the county and the
demo county are built once and restored per test as plain rows (tests/dbsnapshot.py)."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.dbsnapshot import TEST_SETTINGS, Builder, Snapshot, capture, restore_or_build
from tests.demo_county import build_demo_county, build_demo_structure
from tests.personas import County, CountyIds, build_county, county_ids, load_county

from fazhi.demo.generator import SeedResult

CHROMIUM = "/usr/bin/chromium"

# City/province seeds in the tests write 1/1000 of a realistic year of 执法 records (a city
# ~800,000 a year; fazhi/enforcement_data/demo_scale.py), enough for every figure to be non-zero.
os.environ.setdefault("FAZHI_ENFORCEMENT_SCALE_SHARE", "0.001")


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Any) -> None:
    """Password hashing is deliberately slow; tests log in hundreds of times."""
    settings.PASSWORD_HASHERS = copy.deepcopy(TEST_SETTINGS["PASSWORD_HASHERS"])


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings: Any) -> None:
    """Background jobs (fazhi/jobs) run inside the request unless a test picks a real backend
    (tests/jobs/ runs them through the database backend's worker and through Redis)."""
    settings.TASKS = copy.deepcopy(TEST_SETTINGS["TASKS"])


@pytest.fixture(scope="session", autouse=True)
def _flush_through_the_audit_triggers() -> Iterator[None]:
    """Transactional tests end with a flush (DELETE FROM / TRUNCATE of every table), which the
    append-only audit table refuses: its triggers are suspended for the flush, inside the flush's
    transaction (fazhi/core/audit_guard.py). Nothing outside the tests flushes the database."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    from fazhi.core import audit_guard

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self: BaseDatabaseOperations, sql_list: list[str]) -> None:
        with audit_guard.suspended(self.connection):
            original(self, sql_list)

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign]
    yield
    BaseDatabaseOperations.execute_sql_flush = original  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def county_builder() -> Builder[County, CountyIds]:
    """:func:`build_county`, captured once per clock and restored after (tests/dbsnapshot.py)."""
    return Builder(build_county, keep=county_ids, load=load_county)


@pytest.fixture
def county(db: Any, county_builder: Builder[County, CountyIds]) -> County:
    """What :func:`build_county` writes and returns (restored when the test starts from the state
    it was captured from: tests/dbsnapshot.py)."""
    return county_builder()


@pytest.fixture(scope="session")
def demo_county_snapshot(django_db_setup: Any, django_db_blocker: Any) -> Snapshot[SeedResult]:
    """The generated demo county (``tests/demo_county.py``), built once per session."""
    with django_db_blocker.unblock():
        return capture(build_demo_county)


@pytest.fixture
def demo_county(db: Any, demo_county_snapshot: Snapshot[SeedResult]) -> SeedResult:
    """The database as ``seed_county()`` leaves it (tests/demo_county.py), restored from the
    session's snapshot when the test starts from the same state (else generated)."""
    return restore_or_build(demo_county_snapshot, build_demo_county)


@pytest.fixture(scope="session")
def demo_structure_snapshot(django_db_setup: Any, django_db_blocker: Any) -> Snapshot[SeedResult]:
    """The demo county's units and accounts without register data, built once per session."""
    with django_db_blocker.unblock():
        return capture(build_demo_structure)


@pytest.fixture(scope="session")
def migrated_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory (``FAZHI_DATA_DIR``) whose SQLite database the real console script has
    migrated (``python -m fazhi.cli migrate``), once per session. Console-script tests copy it
    instead of each migrating a new one (several seconds each)."""
    path = tmp_path_factory.mktemp("fazhi-migrated-data")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"FAZHI_DATA_DIR": str(path), "DJANGO_SETTINGS_MODULE": "fazhi.settings"}
    env["PYTHONIOENCODING"] = "utf-8"
    done = subprocess.run(
        [sys.executable, "-m", "fazhi.cli", "migrate", "-v0"],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return path


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if chromium_available():
        return
    skip = pytest.mark.skip(reason=f"未找到 Chromium（{CHROMIUM}），跳过浏览器测试")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        terminalreporter.write_sep(
            "!",
            "注意：未找到 LibreOffice，Word 文件的 LibreOffice 转换测试已跳过"
            "（apt-get install libreoffice-writer-nogui 后可运行）",
            yellow=True,
            bold=True,
        )
    if not chromium_available():
        terminalreporter.write_sep(
            "!",
            f"注意：未找到 {CHROMIUM}，浏览器测试已跳过（apt-get install chromium 后可运行）",
            yellow=True,
            bold=True,
        )
