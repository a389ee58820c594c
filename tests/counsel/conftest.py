"""Helpers of the 法律顾问 tests: today is 2025-06-30 (Asia/Shanghai); advisers and typed
participations written through the services by the command line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from tests.personas import County

from fazhi.counsel import services
from fazhi.counsel.models import Counsel, Participation
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2025, 6, 30)

MakeCounsel = Callable[..., Counsel]
MakeParticipation = Callable[..., Participation]


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    when = dt.datetime(TODAY.year, TODAY.month, TODAY.day, 10, 0, tzinfo=SHANGHAI)
    with time_machine.travel(when, tick=False):
        yield


@pytest.fixture
def make_counsel(county: County) -> MakeCounsel:
    """``make_counsel(unit, name, start, end, kind="retained", **more)``."""

    def make(
        unit: OrgUnit, name: str, start: str, end: str, kind: str = "retained", **more: Any
    ) -> Counsel:
        if kind == "staff":
            more.setdefault("post", "司法局公职律师")
        else:
            more.setdefault("firm", "湘江律师事务所")
        return services.counsel_register(
            actor=Actor.command_line(),
            unit=unit,
            name=name,
            kind=kind,
            contract_start=d(start),
            contract_end=d(end),
            **more,
        )

    return make


@pytest.fixture
def make_participation(county: County) -> MakeParticipation:
    """``make_participation(counsel, on, kind="contract", subject="审查合同")``."""

    def make(
        counsel: Counsel, on: str, kind: str = "contract", subject: str = "审查合同"
    ) -> Participation:
        return services.participation_register(
            actor=Actor.command_line(), counsel=counsel, on=d(on), kind=kind, subject=subject
        )

    return make
