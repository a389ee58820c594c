"""Fixtures for the demo-data tests."""

from __future__ import annotations

from typing import Any

import pytest

from fazhi.demo.generator import SeedResult, seed_county


@pytest.fixture
def seeded(db: Any) -> SeedResult:
    """The demo county's units and accounts (default seed), without register data.

    The register fillers are tested on their own (test_register_fillers.py); running them for
    every structural test would cost ~10 s each.
    """
    return seed_county(fillers=())


@pytest.fixture
def no_fillers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands seed the structure only (their own behaviour is what these tests check)."""
    monkeypatch.setattr("fazhi.demo.generator.county_fillers", lambda: ())
