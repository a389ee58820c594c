"""Fixtures of the example register's tests (imports nothing of the app at module level: this
file is loaded by the main test run too, where the app is not installed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from tests.personas import County

from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2025, 6, 30)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    """Today is 2025-06-30 (a Monday) in every example test."""
    when = dt.datetime(TODAY.year, TODAY.month, TODAY.day, 10, 0, tzinfo=SHANGHAI)
    with time_machine.travel(when, tick=False):
        yield


@pytest.fixture
def make_counsel(county: County) -> Callable[..., Any]:
    """``make_counsel(unit, name, start, end, kind="retained")``: registered through the service
    by the command line (returns the Counsel)."""
    from tests.kit_example.services import counsel_register

    def make(
        unit: OrgUnit, name: str, start: str, end: str, kind: str = "retained", firm: str = ""
    ) -> Any:
        return counsel_register(
            actor=Actor.command_line(),
            unit=unit,
            name=name,
            firm=firm or "湘江律师事务所",
            kind=kind,
            contract_start=dt.date.fromisoformat(start),
            contract_end=dt.date.fromisoformat(end),
        )

    return make
