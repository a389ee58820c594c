"""Fixtures for the demo-data tests."""

from __future__ import annotations

from typing import Any

import pytest
from tests.dbsnapshot import Snapshot, restore_or_build
from tests.demo_county import build_demo_structure

from fazhi.demo.generator import SeedResult


@pytest.fixture
def seeded(db: Any, demo_structure_snapshot: Snapshot[SeedResult]) -> SeedResult:
    """The demo county's units and accounts (default seed), without register data: what
    ``seed_county(fillers=())`` writes, built once per session and restored for each test.

    The register fillers are tested on their own (test_register_fillers.py); running them for
    every structural test would cost ~10 s each.
    """
    return restore_or_build(demo_structure_snapshot, build_demo_structure)


@pytest.fixture
def no_fillers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands seed the structure only (their own behaviour is what these tests check)."""
    monkeypatch.setattr("fazhi.demo.generator.county_fillers", lambda: ())
