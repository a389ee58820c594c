"""Shared helpers of the 学法 tests: time frozen at 2026-06-30 (Asia/Shanghai); sessions and
exam results written through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from tests.personas import County

from fazhi.orgs.models import OrgUnit
from fazhi.study import services as svc
from fazhi.study.models import ExamResult, StudySession

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2026, 6, 30)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 30, 12, 0, tzinfo=SHANGHAI), tick=False):
        yield


MakeSession = Callable[..., StudySession]
MakeExam = Callable[..., ExamResult]


@pytest.fixture
def make_session(county: County) -> MakeSession:
    def make(
        unit: OrgUnit | None = None,
        kind: str = "executive",
        on: str = "2026-03-10",
        *,
        subject: str = "学习行政复议法",
        laws: str = "《中华人民共和国行政复议法》",
        names: str = "",
        count: int | None = 10,
        units: str = "",
        persona: str = "coordinator",
        **extra: Any,
    ) -> StudySession:
        return svc.session_register(
            actor=county.actor(persona),
            unit=unit or county.root,
            kind=kind,
            held_on=d(on),
            subject=subject,
            laws=laws,
            attendee_names=names,
            attendee_count=count,
            attendee_unit_codes=units,
            **extra,
        )

    return make


@pytest.fixture
def make_exam(county: County) -> MakeExam:
    def make(
        unit: OrgUnit | None = None,
        name: str = "张三",
        score: str | None = "80",
        *,
        on: str = "2026-05-20",
        absent: bool = False,
        persona: str = "coordinator",
    ) -> ExamResult:
        return svc.exam_register(
            actor=county.actor(persona),
            unit=unit or county.root,
            name=name,
            post="副局长",
            exam_on=d(on),
            score=Decimal(score) if score is not None else None,
            absent=absent,
        )

    return make
