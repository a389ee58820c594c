"""End-to-end: the UI shell in the system Chromium, driven by Playwright."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from tests.browser.chromium import chromium_page, login
from tests.personas import County

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the
# test itself (fixtures, assertions) are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def page(live_server: Any) -> Iterator[Any]:
    with chromium_page(live_server.url, "last-page.png") as page:
        yield page


def test_clerk_sees_own_township_edits_contact_and_sees_history(page: Any, county: County) -> None:
    login(page, "clerk_a")
    assert "白沙镇人民政府" in page.inner_text("h1")
    page.click("nav.sidenav >> text=单位信息")
    rows = page.locator("table.grid tbody tr")
    assert rows.count() == 2
    body = page.inner_text("table.grid")
    assert "黄金乡" not in body and "湘江县人民政府" not in body
    page.click("table.grid >> text=白沙镇人民政府")
    page.click("nav.tabs >> text=编辑")
    page.fill("#id_contact_person", "李四")
    page.fill("#id_contact_phone", "13912345678")
    page.click("button:has-text('保存')")
    assert "已保存" in page.inner_text(".messages")
    assert "李四" in page.inner_text("dl.fields")
    page.click("nav.tabs >> text=历史")
    history = page.inner_text("table.grid")
    assert "白沙甲" in history and "李四" in history
    assert "13912345678" not in history and "139****5678" in history
    # Another township's record is not reachable by URL either.
    response = page.goto(f"/orgs/units/{county.town_b.pk}/")
    assert response.status == 404


def test_unit_switcher_changes_scope(page: Any, county: County) -> None:
    from fazhi.orgs.roles import Role
    from fazhi.orgs.scoping import Actor
    from fazhi.orgs.services import membership_grant

    membership_grant(
        actor=Actor.command_line(),
        user=county.users["clerk_a"],
        unit=county.town_b,
        role=Role.REVIEWER,
    )
    login(page, "clerk_a")
    with page.expect_navigation():
        page.select_option("#membership", label="黄金乡人民政府 · 审核")
    assert "黄金乡人民政府" in page.inner_text("h1")
    page.click("nav.sidenav >> text=单位信息")
    assert "黄金乡人民政府" in page.inner_text("table.grid")
    assert "白沙镇人民政府" not in page.inner_text("table.grid")


def test_deadline_calculator_across_national_day(page: Any, county: County) -> None:
    login(page, "clerk_a")
    page.click("nav.sidenav >> text=期限计算")
    page.select_option("select[name=rule]", value="reconsideration.acceptance_review")
    page.fill("input[name=start]", "2025-09-26")
    page.click("button:has-text('计算')")
    assert page.inner_text("#due-date") == "2025-10-10"
    assert "第三十条" in page.inner_text(".result")


def test_uncovered_year_warns_in_the_ui(page: Any, county: County) -> None:
    login(page, "coordinator")
    page.goto("/deadlines/?rule=reconsideration.decision_ordinary&start=2026-12-01")
    assert "2027年" in page.inner_text("p.warning")


def test_audit_log_only_for_the_audit_administrator(page: Any, county: County) -> None:
    login(page, "coordinator")
    assert page.locator("nav.sidenav >> text=审计日志").count() == 0
    assert page.goto("/audit/").status == 403
    page.click("button:has-text('退出登录')")
    login(page, "auditor")
    page.click("nav.sidenav >> text=审计日志")
    page.click("button:has-text('校验完整性')")
    assert "审计日志完整" in page.inner_text("[role=status]")
