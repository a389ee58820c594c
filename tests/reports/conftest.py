"""Data for the annual-report tests: a county with 复议 and 应诉 cases in 2025, its 2025 plan
with one task done (approved completion report), one overdue and one done late, and a 2026
plan for part 四."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from tests.metrics.builders import closed, lawsuit, recon, save_recon
from tests.personas import County

from fazhi.plans.models import Assignment, AssignmentStatus, Plan
from fazhi.plans.parser import parse_plan
from fazhi.plans.services import plan_import, report_review, report_submit

SHANGHAI = dt.timezone(dt.timedelta(hours=8))

PLAN_2025 = """湘江县2025年法治政府建设工作要点
一、严格规范公正文明执法
（一）开展行政执法案卷评查。9月30日前完成。（牵头单位：湘江县司法局）
二、预防调处化解社会矛盾纠纷
（二）提升行政应诉水平。行政机关负责人出庭应诉率达到100%。6月30日前完成。（牵头单位：湘江县司法局）
（三）推进行政复议规范化建设。10月31日前完成。（责任单位：白沙镇人民政府）
"""

PLAN_2026 = """湘江县2026年法治政府建设工作要点
一、健全依法行政制度体系
（一）开展规范性文件清理。6月30日前完成。（牵头单位：湘江县司法局）
二、加强党的领导
（二）组织年终述法。12月31日前完成。（责任单位：白沙镇人民政府）
"""


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@dataclass
class Data:
    county: County
    cases_received: int
    plan: Plan


def _import(county: County, text: str, day: dt.date) -> Plan:
    units = {"湘江县司法局": [county.dept], "白沙镇人民政府": [county.town_a]}
    with time_machine.travel(at(day), tick=False):
        return plan_import(
            actor=county.actor("coordinator"),
            unit=county.root,
            parsed=parse_plan(text),
            resolution=units,
        ).plan


def build_data(county: County) -> Data:
    """The 2025 data, entered by 2026-01-25 (each step at its own date)."""
    with time_machine.travel(at(dt.date(2026, 1, 25)), tick=False):
        return _build(county)


def _build(county: County) -> Data:
    d = dt.date
    save_recon(
        closed(county.dept, d(2025, 3, 10), "uphold"),
        closed(county.dept, d(2025, 5, 20), "annul"),
        closed(county.dept, d(2025, 8, 1), "vary"),
        closed(county.town_a, d(2025, 9, 9), "uphold"),
        recon(county.dept, received_on=d(2025, 11, 3), status="received"),
        closed(county.dept, d(2024, 12, 1), "annul"),  # another year: not counted
    )
    lawsuit(county.dept, filed_on=d(2025, 2, 1), hearings=[(d(2025, 4, 1), True)])
    lawsuit(county.dept, filed_on=d(2025, 3, 1), hearings=[(d(2025, 5, 1), False)])
    plan = _import(county, PLAN_2025, d(2025, 2, 1))
    reviewer, clerk = county.actor("coordinator"), county.actor("dept_clerk")
    done = Assignment.objects.get(task__plan=plan, task__number="（一）")
    with time_machine.travel(at(d(2025, 9, 1)), tick=False):
        report = report_submit(
            actor=clerk,
            assignment=done,
            text="评查行政执法案卷120卷，发现问题36个，已全部反馈整改",
            claims_completion=True,
        )
        report_review(actor=reviewer, report=report, approve=True)
    late = Assignment.objects.get(task__plan=plan, task__number="（二）")
    with time_machine.travel(at(d(2025, 7, 20)), tick=False):
        report = report_submit(
            actor=clerk, assignment=late, text="已完成应诉规范培训", claims_completion=True
        )
        report_review(actor=reviewer, report=report, approve=True)
    Assignment.objects.filter(task__plan=plan, task__number="（三）").update(
        status=AssignmentStatus.OVERDUE
    )
    _import(county, PLAN_2026, d(2026, 1, 20))
    return Data(county=county, cases_received=5, plan=plan)


@pytest.fixture
def data(county: County) -> Data:
    return build_data(county)


@pytest.fixture
def frozen() -> Any:
    """The clock on 2026-02-10 10:00 (Shanghai), while drafting the 2025 report."""
    with time_machine.travel(at(dt.date(2026, 2, 10)), tick=False) as traveller:
        yield traveller
