"""Shared helpers of the 执法数据 tests: time frozen at 2026-06-30 (Asia/Shanghai), two 执法主体
(the 司法局's and 白沙镇's) with officers, and a CSV writer."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import time_machine
from tests.personas import County

from fazhi.enforcement.models import CertStatus, Officer, Subject
from fazhi.enforcement_data.checks import credit_check_char

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2026, 6, 30)
HEADERS = [
    "执法单位编码",
    "执法主体",
    "执法类别",
    "文书号",
    "决定日期",
    "案由类别",
    "罚没金额",
    "重大执法决定",
    "法制审核",
    "执法证号",
    "公示日期",
    "涉企",
    "统一社会信用代码",
]


def credit(body: str) -> str:
    """A valid 统一社会信用代码 from its first 17 characters."""
    return body + credit_check_char(body)


ACME = credit("91430199MA4L00001")
BETA = credit("91430199MA4L00002")


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 30, 12, 0, tzinfo=SHANGHAI), tick=False):
        yield


@dataclass
class Setup:
    county: County
    dept_subject: Subject
    town_subject: Subject
    officers: dict[str, Officer]


def _officer(subject: Subject, name: str, cert: str, expires: dt.date) -> Officer:
    return Officer.objects.create(
        unit=subject.unit,
        subject=subject,
        name=name,
        cert_number=cert,
        cert_issued_on=dt.date(2020, 1, 1),
        cert_expires_on=expires,
        status=CertStatus.ISSUED,
    )


@pytest.fixture
def setup(county: County) -> Setup:
    dept = Subject.objects.create(
        unit=county.dept, name="湘江县司法局", categories=["penalty", "inspection", "license"]
    )
    town = Subject.objects.create(unit=county.town_a, name="白沙镇人民政府", categories=[])
    far = dt.date(2030, 12, 31)
    officers = {
        "A1": _officer(dept, "司法甲", "A0001", far),
        "A2": _officer(dept, "司法乙", "A0002", far),
        "X": _officer(dept, "过期丙", "A0009", TODAY - dt.timedelta(days=1)),
        "B1": _officer(town, "白沙丁", "B0001", far),
        "B2": _officer(town, "白沙戊", "B0002", far),
    }
    return Setup(county, dept, town, officers)


def row(**kw: Any) -> dict[str, str]:
    """A good row of the 司法局 (a 处罚 by A0001 and A0002), changed by ``kw`` (header: value)."""
    base = {
        "执法单位编码": "430199001",
        "执法主体": "湘江县司法局",
        "执法类别": "行政处罚",
        "文书号": "湘司罚〔2026〕1号",
        "决定日期": "2026-06-01",
        "案由类别": "无证经营",
        "罚没金额": "2000",
        "重大执法决定": "否",
        "法制审核": "否",
        "执法证号": "A0001、A0002",
        "公示日期": "2026-06-03",
        "涉企": "是",
        "统一社会信用代码": ACME,
    }
    base.update({k: str(v) for k, v in kw.items()})
    return base


def numbered(n: int, **kw: Any) -> list[dict[str, str]]:
    return [row(文书号=f"湘司罚〔2026〕{i + 1}号", **kw) for i in range(n)]


WriteCsv = Callable[..., Path]


@pytest.fixture
def write_csv(tmp_path: Path) -> WriteCsv:
    def write(
        rows: Sequence[dict[str, str]], *, name: str = "data.csv", encoding: str = "utf-8"
    ) -> Path:
        path = tmp_path / name
        with path.open("w", encoding=encoding, newline="") as handle:
            writer = csv.DictWriter(handle, HEADERS)
            writer.writeheader()
            writer.writerows(rows)
        return path

    return write
