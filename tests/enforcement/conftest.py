"""Shared helpers of the 执法主体 / 执法人员 tests: time frozen at 2026-06-30 (Asia/Shanghai),
factories writing through the services, and a switch for the training register's verdict."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from tests.personas import County

from fazhi.enforcement import services as svc
from fazhi.enforcement.models import Officer, Subject
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2026, 6, 30)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 30, 12, 0, tzinfo=SHANGHAI), tick=False):
        yield


MakeSubject = Callable[..., Subject]
MakeOfficer = Callable[..., Officer]


@pytest.fixture
def make_subject(county: County) -> MakeSubject:
    def make(unit: OrgUnit | None = None, name: str = "", **kw: Any) -> Subject:
        unit = unit or county.town_a
        return svc.subject_register(
            actor=Actor.command_line(),
            unit=unit,
            name=name or f"{unit.name}执法主体",
            categories=kw.pop("categories", "行政处罚、行政检查"),
            **kw,
        )

    return make


@pytest.fixture
def make_officer(county: County) -> MakeOfficer:
    """An officer of ``unit`` (default 白沙镇); with ``issued`` a holder whose certificate was
    issued that day (expiry from the 5-year rule unless ``expires`` is given)."""
    counter = iter(range(1, 10_000))

    def make(
        unit: OrgUnit | None = None,
        name: str = "",
        *,
        issued: str = "",
        expires: str = "",
        **kw: Any,
    ) -> Officer:
        n = next(counter)
        extra: dict[str, Any] = {}
        if issued:
            extra = {
                "cert_number": kw.pop("cert_number", f"4301{n:06d}"),
                "cert_issued_on": d(issued),
            }
            if expires:
                extra["cert_expires_on"] = d(expires)
        return svc.officer_register(
            actor=Actor.command_line(),
            unit=unit or county.town_a,
            name=name or f"执法员{n}",
            applied_on=kw.pop("applied_on", d(issued) if issued else TODAY),
            **extra,
            **kw,
        )

    return make


@pytest.fixture
def hours_met(monkeypatch: pytest.MonkeyPatch) -> None:
    """The training register finds every officer's hours sufficient."""
    monkeypatch.setattr("fazhi.enforcement.workflow.hours_problem", lambda officer, year: "")
