"""Shared helpers of the 案卷评查 tests: time frozen at 2026-06-30 (Asia/Shanghai), a small
standard built through the service, 执法 records created through the ORM and a campaign."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
import time_machine
from tests.personas import County

from fazhi.case_review import services as svc
from fazhi.case_review.models import Campaign, Standard
from fazhi.case_review.rules import parse_rule
from fazhi.enforcement.models import Subject
from fazhi.enforcement_data.models import Record
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2026, 6, 30)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 30, 12, 0, tzinfo=SHANGHAI), tick=False):
        yield


def small_parts() -> list[svc.PartData]:
    """基本标准 (2 veto items), 卷面 20 (fixed 2 / per instance 1, cap 4 / range 1–3), 内容 80
    (fixed 10 / per instance 2, cap 6 / range 5–15)."""

    def item(name: str, points: str, rule: str) -> svc.ItemData:
        return svc.ItemData(name, Decimal(points), parse_rule(rule))

    return [
        svc.PartData(
            "基本标准",
            Decimal(0),
            [item("主体不合法", "0", "否决"), item("程序不合法", "0", "否决")],
        ),
        svc.PartData(
            "卷面标准",
            Decimal(20),
            [
                item("文书格式", "2", "扣2分"),
                item("文书填写", "4", "每处扣1分"),
                item("组卷", "3", "扣1-3分"),
            ],
        ),
        svc.PartData(
            "内容标准",
            Decimal(80),
            [
                item("无管辖权", "10", "扣10分"),
                item("无立案表", "6", "每处扣2分"),
                item("强制措施", "15", "扣5-15分"),
            ],
        ),
    ]


@pytest.fixture
def standard(county: County) -> Standard:
    s = svc.standard_create(
        actor=county.actor("dept_clerk"),
        owner=county.dept,
        name="测试评查标准",
        parts=small_parts(),
    )
    return svc.standard_activate(actor=county.actor("dept_clerk"), standard=s)


MakeRecords = Callable[..., list[Record]]


@pytest.fixture
def make_records(county: County) -> MakeRecords:
    subjects: dict[int, Subject] = {}

    def make(
        unit: OrgUnit, n: int, *, kind: str = "penalty", year: int = 2026, prefix: str = ""
    ) -> list[Record]:
        subject = subjects.get(unit.pk) or Subject.objects.create(
            unit=unit, name=f"{unit.name}执法队"
        )
        subjects[unit.pk] = subject
        tag = prefix or unit.code[-3:]
        return [
            Record.objects.create(
                year=year,
                unit=unit,
                subject=subject,
                kind=kind,
                case_number=f"{tag}罚〔{year}〕{i}号",
                decided_on=dt.date(year, 3, 1) + dt.timedelta(days=i),
            )
            for i in range(1, n + 1)
        ]

    return make


@pytest.fixture
def campaign(county: County, standard: Standard) -> Campaign:
    """The 司法局's 2026 campaign over both townships, 3 files each: 白沙镇's files are reviewed by
    the 司法局 (persona ``reviewer``), 黄金乡's by 白沙镇 (persona ``reviewer_a``)."""
    actor = county.actor("dept_clerk")
    c = svc.campaign_create(
        actor=actor,
        organiser=county.dept,
        year=2026,
        title="2026年度行政处罚案卷评查",
        standard=standard,
        units=[county.town_a, county.town_b],
        kinds=["penalty"],
        per_unit=3,
    )
    svc.reviewer_assign(actor=actor, campaign=c, unit=county.town_a, reviewer_unit=county.dept)
    svc.reviewer_assign(actor=actor, campaign=c, unit=county.town_b, reviewer_unit=county.town_a)
    return c


def cli(unit: OrgUnit | None = None) -> Actor:
    return Actor.command_line(unit)
