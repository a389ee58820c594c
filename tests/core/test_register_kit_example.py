"""Acceptance of the register kit: a throw-away register app (``tests/kit_example``, 法律顾问)
gets its list, detail, 登记 and transition pages, API, Excel import/export, navigation entry,
home tile, sweep hook, metric definition and demo seeders without a change to any shared file.

The example is installed only in a test run of its own, started here in a subprocess with
``FAZHI_EXTRA_APPS=tests.kit_example`` (installed in this run, its navigation entry, tile, API
router and sweep summary would show in every other test), its own data directory (so its own
SQLite test database) and, when this run uses PostgreSQL, a database of its own name, so the
two test databases never collide. See docs/NEW_REGISTER.md.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import types
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = "tests.kit_example"
#: The example run has at least this many tests (a module skipped by mistake fails the check).
MIN_TESTS = 30


def example_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env |= {"FAZHI_EXTRA_APPS": EXAMPLE, "FAZHI_DATA_DIR": str(data_dir)}
    env["PYTHONIOENCODING"] = "utf-8"
    if env.get("DATABASE_URL"):  # PostgreSQL: test database test_fazhi_kit, not the parent's
        url = urlsplit(env["DATABASE_URL"])
        env["DATABASE_URL"] = urlunsplit(url._replace(path="/fazhi_kit"))
    return env


def test_a_throw_away_register_needs_no_shared_file(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/kit_example", "-p", "no:cacheprovider", "-q"],
        cwd=ROOT,
        env=example_env(tmp_path),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
        check=False,
    )
    report = f"{done.stdout[-6000:]}\n{done.stderr[-3000:]}"
    assert done.returncode == 0, report
    summary = [line for line in done.stdout.splitlines() if re.search(r"\d+ passed", line)]
    assert summary, report
    counts = {word: int(n) for n, word in re.findall(r"(\d+) (\w+)", summary[-1])}
    assert set(counts) <= {"passed", "warning", "warnings"}, summary[-1]  # no skip, no error
    assert counts["passed"] >= MIN_TESTS, summary[-1]


def test_the_example_is_not_installed_in_this_run() -> None:
    from django.apps import apps

    assert not apps.is_installed(EXAMPLE)


def test_the_example_run_has_a_database_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fazhi")
    monkeypatch.setenv("PYTEST_ADDOPTS", "-k nothing")
    env = example_env(tmp_path)
    assert env["DATABASE_URL"] == "postgres://postgres@127.0.0.1:5432/fazhi_kit"
    assert env["FAZHI_DATA_DIR"] == str(tmp_path)
    assert env["FAZHI_EXTRA_APPS"] == EXAMPLE
    assert "PYTEST_ADDOPTS" not in env


def test_a_kit_may_mount_its_registers_without_a_urls_module(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from fazhi.core.kit import AppKit, KitError, url_patterns
    from fazhi.orgs.views import memberships, units

    module = types.ModuleType("kit_registers_example")
    module.both = [units, memberships]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    assert url_patterns(AppKit(app="x", urls="fazhi.core.urls")) == "fazhi.core.urls"
    one = url_patterns(AppKit(app="x", urls="fazhi.orgs.views:units"))
    assert [p.name for p in one] == [p.name for p in units.urls()]
    both = url_patterns(AppKit(app="x", urls="kit_registers_example:both"))
    assert [p.name for p in both] == [p.name for p in [*units.urls(), *memberships.urls()]]
    with pytest.raises(KitError, match="应为台账（Register）或台账的列表"):
        url_patterns(AppKit(app="x", urls="fazhi.core.kit:resolve"))
