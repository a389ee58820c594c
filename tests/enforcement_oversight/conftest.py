"""Shared data of the 三项制度 tests: time frozen at 2026-06-30 (Asia/Shanghai), a second
department (县市场监管局), 执法主体 in three units and a ``record`` factory (执法数据 rows
written through the ORM; ``save`` fills the unit slots).

=========  ======================  ============================================
key        unit                    categories
=========  ======================  ============================================
dept       dept (司法局)           penalty, license, inspection
market     market (县市场监管局)    penalty, license, coercion, inspection
town_a     town_a (白沙镇)          penalty, inspection
town_b     town_b (黄金乡)          penalty
=========  ======================  ============================================
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from tests.personas import County

from fazhi.enforcement.models import Subject
from fazhi.enforcement_data.models import Record
from fazhi.orgs.models import OrgUnit, UnitKind, UnitLevel
from fazhi.orgs.scoping import Actor
from fazhi.orgs.services import orgunit_create

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2026, 6, 30)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 30, 12, 0, tzinfo=SHANGHAI), tick=False):
        yield


@dataclass
class Eo:
    county: County
    market: OrgUnit
    subjects: dict[str, Subject]

    def unit(self, key: str) -> OrgUnit:
        return self.market if key == "market" else getattr(self.county, key)


CATEGORIES = {
    "dept": ["penalty", "license", "inspection"],
    "market": ["penalty", "license", "coercion", "inspection"],
    "town_a": ["penalty", "inspection"],
    "town_b": ["penalty"],
}


@pytest.fixture
def eo(county: County) -> Eo:
    market = orgunit_create(
        actor=Actor.command_line(),
        code="430199002",
        name="湘江县市场监督管理局",
        kind=UnitKind.DEPARTMENT,
        level=UnitLevel.COUNTY,
        parent=county.root,
    )
    units = {
        "dept": county.dept,
        "market": market,
        "town_a": county.town_a,
        "town_b": county.town_b,
    }
    subjects = {
        key: Subject.objects.create(
            unit=units[key], name=f"{units[key].name}执法主体", categories=cats
        )
        for key, cats in CATEGORIES.items()
    }
    return Eo(county=county, market=market, subjects=subjects)


MakeRecord = Callable[..., Record]


@pytest.fixture
def record(eo: Eo) -> MakeRecord:
    counter = iter(range(1, 100000))

    def make(key: str, on: str, *, kind: str = "inspection", credit: str = "", **kw: Any) -> Record:
        day = d(on)
        subject = eo.subjects[key]
        return Record.objects.create(
            year=day.year,
            unit=subject.unit,
            subject=subject,
            kind=kind,
            case_number=f"{key}-{next(counter)}",
            decided_on=day,
            enterprise=bool(credit),
            credit_code=credit,
            **kw,
        )

    return make
