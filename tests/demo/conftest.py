"""Fixtures for the demo-data tests."""

from __future__ import annotations

from typing import Any

import pytest

from fazhi.demo.generator import SeedResult, seed_county


@pytest.fixture(autouse=True)
def fast_password_hasher(settings: Any) -> None:
    """Seeding creates ten accounts; the default PBKDF2 hasher would take seconds each run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seeded(db: Any) -> SeedResult:
    """The demo county, default seed, written to the test database."""
    return seed_county()
