"""End-to-end (Playwright, the system Chromium): the 依法治办 imports a plan and confirms its
units, a 乡镇 clerk reports progress with an evidence file, the lead unit's reviewer sends it
back with a reason, the clerk resubmits it as complete, the reviewer approves, and the matrix
shows the new state."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.browser.chromium import chromium, frozen_at, login, new_page
from tests.personas import County

from fazhi.plans.models import Assignment, AssignmentStatus, ProgressReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PLAN = """湘江县2025年法治政府建设工作要点
一、严格规范公正文明执法
（一）开展行政执法案卷评查。9月30日前完成，评查案卷不少于100卷。（牵头单位：县司法局；责任单位：各乡镇、县编办）
二、加强党的领导
（二）落实年度述法。年底前完成。（责任单位：白沙镇人民政府）
"""


@pytest.fixture
def browser(live_server: Any, settings: Any, tmp_path: Path) -> Iterator[Any]:
    settings.MEDIA_ROOT = tmp_path / "media"
    with frozen_at(dt.date(2025, 6, 20)), chromium() as browser:
        yield browser, live_server.url


def session(browser: Any, username: str) -> Any:
    """A fresh browser context logged in as ``username`` (one per person in the flow)."""
    chromium_browser, url = browser
    page = new_page(chromium_browser, url)
    login(page, username)
    return page


def click(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def messages(page: Any) -> str:
    text: str = page.inner_text("main")
    return text


def test_import_report_return_resubmit_approve(
    browser: Any, county: County, tmp_path: Path
) -> None:
    plan_file = tmp_path / "工作要点.txt"
    plan_file.write_text(PLAN, encoding="gb18030")
    evidence = tmp_path / "评查报告.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% evidence\n")

    # 1. the 依法治办 imports the plan: upload, review the units, confirm
    office = session(browser, "coordinator")
    office.goto("/")
    click(office, "nav.sidenav >> text=年度计划与督办")
    click(office, "text=导入工作计划")
    office.set_input_files("#id_file", str(plan_file))
    click(office, "button:has-text('识别并核对')")
    assert "第二步：核对" in office.inner_text("h1")
    assert "未匹配" in office.inner_text("#names")
    office.select_option("select[aria-label='县司法局对应单位']", label="湘江县司法局")
    office.select_option("select[aria-label='各乡镇对应单位']", value="all")
    office.select_option("select[aria-label='县编办对应单位']", value="skip")
    click(office, "button:has-text('确认导入')")
    done = "已导入《湘江县2025年法治政府建设工作要点》：2 项任务，4 条分工；未分配：县编办"
    assert done in messages(office)
    cell = office.locator("#matrix td.cell[data-unit='430199101']").first
    assert cell.inner_text() == "责任·未开始"

    # 2. the 白沙镇 clerk reports progress with an evidence file
    town = session(browser, "clerk_a")
    town.goto("/")
    click(town, "nav.sidenav >> text=本单位任务")
    assert town.locator("#mine tbody tr").count() == 2
    click(town, "#mine >> text=开展行政执法案卷评查")
    town.fill("#id_text", "已完成自查60卷。")
    town.set_input_files("#id_files", str(evidence))
    click(town, "button:has-text('报送')")
    assert "已报送进展" in messages(town)
    assert "评查报告.pdf" in town.inner_text("#reports")

    # 3. the lead unit's (司法局) reviewer sends it back with a reason
    lead = session(browser, "reviewer")
    a = Assignment.objects.get(task__number="（一）", unit=county.town_a)
    lead.goto(f"/plans/assignments/{a.pk}/")
    lead.fill("form.review input[name=note]", "缺少评查表，请补充")
    click(lead, "form.review button:has-text('退回')")
    assert "已退回" in messages(lead)

    # 4. the clerk sees why, and resubmits it as complete
    town.reload()
    assert "已退回：缺少评查表，请补充" in town.inner_text("#reports")
    town.fill("#id_text", "补充评查表，已完成100卷。")
    town.set_input_files("#id_files", str(evidence))
    town.check("input[name=claims_completion]")
    click(town, "button:has-text('报送')")

    # 5. the reviewer approves; the matrix shows the new state
    lead.reload()
    click(lead, "form.review button:has-text('通过')")
    assert a.__class__.objects.get(pk=a.pk).status == AssignmentStatus.COMPLETED
    assert list(ProgressReport.objects.order_by("pk").values_list("status", flat=True)) == [
        "returned",
        "approved",
    ]
    office.reload()
    cell = office.locator("#matrix td.cell[data-unit='430199101']").first
    assert cell.inner_text() == "责任·已完成"
    assert "green" in (cell.get_attribute("class") or "")
    other = office.locator("#matrix td.cell[data-unit='430199102']").first
    assert other.inner_text() == "责任·未开始"
