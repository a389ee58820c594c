"""Shared helpers of the 人民调解 tests: today is 2026-06-30 (Asia/Shanghai) unless a test
travels; committees, mediators and cases are written through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import time_machine
from tests.personas import County

from fazhi.mediation import services as svc
from fazhi.mediation.models import Case, Committee, DisputeType, Mediator
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2026, 6, 30)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@contextmanager
def on_day(day: dt.date | str) -> Iterator[None]:
    """Travel to ``day`` at noon in Shanghai."""
    day = d(day) if isinstance(day, str) else day
    with time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 12, 0, tzinfo=SHANGHAI), tick=False
    ):
        yield


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with on_day(TODAY):
        yield


MakeCommittee = Callable[..., Committee]
MakeCase = Callable[..., Case]


@pytest.fixture
def make_committee(county: County) -> MakeCommittee:
    counter = iter(range(1, 10_000))

    def make(unit: OrgUnit | None = None, **extra: Any) -> Committee:
        n = next(counter)
        values: dict[str, Any] = {
            "unit": unit or county.town_a,
            "name": f"第{n}人民调解委员会",
            "kind": "township",
            "director": f"主任{n}",
            "members": 5,
            "term_start": d("2024-03-01"),
            **extra,
        }
        return svc.committee_register(actor=Actor.command_line(), **values)

    return make


@pytest.fixture
def make_case(county: County) -> MakeCase:
    def make(committee: Committee, **extra: Any) -> Case:
        values: dict[str, Any] = {
            "received_on": d("2025-03-10"),
            "source": "application",
            "dispute_type": DisputeType.objects.get(code=extra.pop("type", "neighbour")),
            "applicant_name": "张三丰",
            "respondent_name": "李四光",
            "applicant_id_number": "430199198001011234",
            "applicant_phone": "13812345678",
            **extra,
        }
        return svc.case_receive(actor=Actor.command_line(), committee=committee, **values)

    return make


@pytest.fixture
def make_mediator(county: County) -> Callable[..., Mediator]:
    def make(committee: Committee, **extra: Any) -> Mediator:
        values: dict[str, Any] = {
            "name": "王调解",
            "kind": "part",
            "phone": "13987654321",
            "joined_on": d("2024-03-01"),
            **extra,
        }
        return svc.mediator_register(actor=Actor.command_line(), committee=committee, **values)

    return make
