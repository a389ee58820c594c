"""Fixtures for the demo-data tests."""

from __future__ import annotations

from typing import Any

import pytest

from fazhi.demo.generator import SeedResult, seed_county


@pytest.fixture
def seeded(db: Any) -> SeedResult:
    """The demo county, default seed, written to the test database."""
    return seed_county()
