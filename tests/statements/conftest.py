"""Shared helpers of the 述法 tests: time frozen at 2026-12-28 (Asia/Shanghai) and a
``make`` fixture that registers a statement and takes it through the steps up to ``upto``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from tests.personas import County

from fazhi.orgs.models import OrgUnit
from fazhi.statements import services as svc
from fazhi.statements.models import Form, HeadKind, Statement

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2026, 12, 28)
STEPS = ("registered", "submitted", "approved", "held", "rated")


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 12, 28, 12, 0, tzinfo=SHANGHAI), tick=False):
        yield


Make = Callable[..., Statement]


@pytest.fixture
def make(county: County) -> Make:
    counter = iter(range(1, 10_000))

    def build(
        unit: OrgUnit | None = None,
        *,
        upto: str = "registered",
        person: str = "",
        post: str = "镇长",
        head_kind: str = HeadKind.TOWNSHIP,
        form: str = Form.ANNUAL,
        year: int = 2026,
        held_on: dt.date | None = None,
        rating: str = "good",
        meeting: str = "",
        clerk: str = "coordinator",
        reviewer: str = "coordinator",
        **extra: Any,
    ) -> Statement:
        actor, boss = county.actor(clerk), county.actor(reviewer)
        s = svc.statement_register(
            actor=actor,
            unit=unit or county.town_a,
            year=year,
            person=person or f"述法人{next(counter)}",
            post=post,
            head_kind=head_kind,
            form=form,
            registered_on=dt.date(year, 11, 2),
            material="一、履职情况……二、存在问题……三、下一步打算……",
            **extra,
        )
        n = STEPS.index(upto)
        if n >= 1:
            s = svc.statement_submit(actor=actor, statement=s, submitted_on=dt.date(year, 11, 20))
        if n >= 2:
            s = svc.statement_approve(actor=boss, statement=s, approved_on=dt.date(year, 12, 1))
        if n >= 3:
            s = svc.statement_hold(
                actor=actor, statement=s, held_on=held_on or dt.date(year, 12, 20), meeting=meeting
            )
        if n >= 4:
            assert s.held_on is not None
            s = svc.statement_rate(actor=actor, statement=s, rated_on=s.held_on, rating=rating)
        return s

    return build
