"""Shared helpers of the 合法性审查 tests: time frozen at 2026-06-30 (Asia/Shanghai) and a
``make_review`` factory writing through the registering service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from tests.personas import County

from fazhi.legality import services as svc
from fazhi.legality.models import Review
from fazhi.orgs.models import OrgUnit

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2026, 6, 30)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 30, 12, 0, tzinfo=SHANGHAI), tick=False):
        yield


MakeReview = Callable[..., Review]


@pytest.fixture
def make_review(county: County) -> MakeReview:
    def make(
        unit: OrgUnit | None = None,
        submitter: OrgUnit | None = None,
        *,
        persona: str = "dept_clerk",
        category: str = "normative_doc",
        received_on: str = "2026-06-01",
        title: str = "关于印发《城区停车管理办法》的通知",
        **kw: Any,
    ) -> Review:
        return svc.review_register(
            actor=county.actor(persona),
            unit=unit if unit is not None else county.dept,
            submitter=submitter if submitter is not None else county.town_a,
            title=title,
            category=category,
            received_on=d(received_on),
            **kw,
        )

    return make
