"""End-to-end (issue 13 item 17): a wide plan matrix scrolls inside its own box at 1024 and
1366 px; the side menu keeps its normal width and every menu label stays on one line."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.browser.chromium import chromium, frozen_at, login, new_page
from tests.personas import County

from fazhi.orgs.models import OrgUnit, UnitKind, UnitLevel
from fazhi.orgs.scoping import Actor
from fazhi.orgs.services import orgunit_create
from fazhi.plans.models import Assignment, Plan, Reminder
from fazhi.plans.parser import parse_plan
from fazhi.plans.services import plan_import

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PLAN = """湘江县2025年法治政府建设工作要点
一、严格规范公正文明执法
（一）开展行政执法案卷评查，全面落实行政执法“三项制度”，推进严格规范公正文明执法。9月30日前完成。（责任单位：县各相关部门）
（二）落实年度述法。年底前完成。（责任单位：县各相关部门）
"""
#: departments, enough to make the matrix much wider than a 1366-px screen
DEPARTMENTS = 24
WIDTHS = (1024, 1366)
#: the menu labels that must each stay on one line
LABELS = ("年度计划与督办", "单位信息")


def wide_plan(county: County) -> Plan:
    cli = Actor.command_line()
    departments: list[OrgUnit] = [
        orgunit_create(
            actor=cli,
            code=f"4301992{n:02d}",
            name=f"湘江县第{n}工作部门",
            kind=UnitKind.DEPARTMENT,
            level=UnitLevel.COUNTY,
            parent=county.root,
        )
        for n in range(1, DEPARTMENTS + 1)
    ]
    return plan_import(
        actor=county.actor("coordinator"),
        unit=county.root,
        parsed=parse_plan(PLAN),
        resolution={"县各相关部门": [county.dept, *departments]},
    ).plan


@pytest.fixture
def browser(live_server: Any, settings: Any, tmp_path: Path) -> Iterator[tuple[Any, str]]:
    settings.MEDIA_ROOT = tmp_path / "media"
    with frozen_at(dt.date(2025, 6, 20)), chromium() as browser:
        yield browser, live_server.url


MENU = """() => {
  const nav = document.querySelector('nav.sidenav');
  const links = [...nav.querySelectorAll('a, .soon')];
  const lines = (el) => {
    const range = document.createRange();
    range.selectNodeContents(el.firstChild);
    const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
    return tops.size;
  };
  return {
    width: nav.getBoundingClientRect().width,
    labels: Object.fromEntries(links.map((a) => [a.textContent.trim(), lines(a)])),
    pageWidth: document.documentElement.scrollWidth,
  };
}"""


def menu(page: Any) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(MENU)
    return result


def test_matrix_scrolls_in_its_box_and_the_menu_keeps_its_width(
    browser: tuple[Any, str], county: County
) -> None:
    plan = wide_plan(county)
    chromium_browser, url = browser
    page = new_page(chromium_browser, url)
    login(page, "coordinator")
    shots = os.environ.get("FAZHI_SCREENSHOTS")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.goto("/")
        normal = menu(page)
        page.goto(f"/plans/{plan.pk}/")
        assert page.locator("#matrix thead th").count() == 3 + 1 + DEPARTMENTS
        shown = menu(page)
        if shots:
            page.screenshot(path=os.path.join(shots, f"plan-matrix-{width}.png"))
        # the menu as on the home page: same width, every label on one line
        assert shown["width"] == normal["width"] >= 150, (width, shown, normal)
        for label in LABELS:
            assert shown["labels"][label] == 1, (width, label, shown["labels"])
        assert all(lines == 1 for lines in shown["labels"].values()), shown["labels"]
        # the page itself does not scroll sideways; the table does, inside its box
        assert shown["pageWidth"] <= width, (width, shown["pageWidth"])
        box = page.evaluate(
            "() => { const w = document.querySelector('#matrix').closest('.table-wrap');"
            " return [w.scrollWidth, w.clientWidth, getComputedStyle(w).overflowX]; }"
        )
        assert box[0] > box[1] and box[2] == "auto", box


def test_a_refused_evidence_file_keeps_the_typed_text_in_the_browser(
    browser: tuple[Any, str], county: County, tmp_path: Path
) -> None:
    """Item 22 as a clerk meets it, and the changed pages (assignment, reminders, 统计分析) at
    both widths, each with a menu of normal width."""
    plan = wide_plan(county)
    Reminder.objects.bulk_create(
        Reminder(unit=county.dept, key=f"k{n}", text=f"第{n}条提醒") for n in range(1, 31)
    )
    assignment = Assignment.objects.get(task__plan=plan, task__number="（一）", unit=county.dept)
    bad = tmp_path / "评查报告.exe"
    bad.write_bytes(b"MZ\x90\x00")
    chromium_browser, url = browser
    page = new_page(chromium_browser, url)
    login(page, "dept_clerk")
    shots = os.environ.get("FAZHI_SCREENSHOTS")
    page.goto(f"/plans/assignments/{assignment.pk}/")
    typed = "已完成案卷评查 120 卷，发现问题 8 个。"
    page.fill("#id_text", typed)
    page.check("input[name=claims_completion]")
    page.set_input_files("#id_files", str(bad))
    with page.expect_navigation():
        page.click("button[value=report]")
    assert page.input_value("#id_text") == typed
    assert page.is_checked("input[name=claims_completion]")
    assert "“评查报告.exe”：不支持的文件类型" in page.inner_text("#report-form")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for name, path in (
            ("assignment", None),
            ("reminders", "/plans/reminders/"),
            ("metrics", "/metrics/?period=2025"),
        ):
            if path:
                page.goto(path)
            if shots:
                page.screenshot(path=os.path.join(shots, f"{name}-{width}.png"), full_page=True)
            shown = menu(page)
            assert shown["width"] >= 150 and shown["pageWidth"] <= width, (name, width, shown)
    page.goto("/plans/reminders/")
    assert "第 1 / 2 页，共 30 条" in page.inner_text("main")
