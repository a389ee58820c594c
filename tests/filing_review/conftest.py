"""Data of the filing_review tests: published 规范性文件 of the 湘江县 personas (through
normative_docs' import service), time frozen at 2025-06-20 (a Friday)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine
from django.core.cache import cache
from tests.personas import County

from fazhi.normative_docs import services as nd
from fazhi.normative_docs.models import Document, FilingResult
from fazhi.orgs.scoping import Actor

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2025, 6, 20)


@pytest.fixture(autouse=True)
def _frozen(request: pytest.FixtureRequest) -> Iterator[None]:
    cache.clear()  # the suggestion rate limit
    if "demo_county" in request.fixturenames:  # built as of its own DEMO_TODAY
        yield
        return
    with time_machine.travel(dt.datetime(2025, 6, 20, 12, 0, tzinfo=SHANGHAI), tick=False):
        yield


@dataclass
class Docs:
    building: Document  # town_a, 2024, in force, filed with the county government, 备案登记
    aid: Document  # dept, 2025, filed 2025-05-10, no result yet (形式审查 overdue)
    trial: Document  # town_b, valid until 2025-06-19: 失效 from 2025-06-20
    village: Document  # village_a (under town_a): filed with 白沙镇人民政府
    draft: Document  # town_a, still 起草


def _import(unit: object, title: str, number: str, published: dt.date, **extra: object) -> Document:
    return nd.document_import(
        actor=Actor.command_line(),
        unit=unit,  # type: ignore[arg-type]
        title=title,
        doc_number=number,
        published_on=published,
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def docs(county: County) -> Docs:
    building = _import(
        county.town_a,
        "白沙镇农村村民建房管理办法",
        "白政发〔2024〕3号",
        dt.date(2024, 3, 1),
        register_no="BSZ-2024-001",
        filed_on=dt.date(2024, 3, 11),
        filing_authority="湘江县人民政府",
        filing_result=FilingResult.REGISTERED,
        result_on=dt.date(2024, 3, 15),
    )
    aid = _import(
        county.dept,
        "湘江县司法局法律援助便民服务规定",
        "湘司发〔2025〕1号",
        dt.date(2025, 5, 6),
        filed_on=dt.date(2025, 5, 10),
    )
    trial = _import(
        county.town_b,
        "黄金乡集贸市场管理暂行办法",
        "黄政发〔2023〕2号",
        dt.date(2023, 6, 1),
        valid_until=dt.date(2025, 6, 19),
    )
    village = _import(
        county.village_a, "白沙镇综合执法公示规定", "白执发〔2025〕1号", dt.date(2025, 2, 3)
    )
    draft = nd.document_register(
        actor=Actor.command_line(),
        unit=county.town_a,
        title="白沙镇尚未公布的草稿办法",
        drafted_on=dt.date(2025, 6, 2),
    )
    return Docs(building=building, aid=aid, trial=trial, village=village, draft=draft)
