"""End-to-end (issue 14 item 3, 安全审计): a wrong password, a sign-in, a refused page, an
Excel export and a sign-out in the browser; the 审计管理员 then reads them in the 审计日志 by
their Chinese names, with the source address, and finds the failed logins by name.

With ``FAZHI_SCREENSHOTS`` set, the audit log is also saved at 1366 and 1024 px wide.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from tests.browser.chromium import chromium_page, login
from tests.personas import County

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

WIDTHS = (1366, 1024)


@pytest.fixture
def page(live_server: Any) -> Iterator[Any]:
    with chromium_page(live_server.url, "security-events-last.png") as page:
        yield page


def shots(page: Any, name: str) -> None:
    folder = os.environ.get("FAZHI_SCREENSHOTS")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        if folder:
            # the newest entries, at the top (the county's set-up fills many pages below)
            page.screenshot(path=os.path.join(folder, f"{name}-{width}.png"))


def test_security_events_reach_the_audit_log(page: Any, county: County) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", "clerk_a")
    page.fill("#id_password", "not-the-password")
    with page.expect_navigation():
        page.click("button[type=submit]")
    login(page, "clerk_a")
    assert page.goto("/audit/").status == 403
    with page.expect_download() as download:
        page.evaluate("location.href = '/reconsideration/cases/export.xlsx'")
    assert download.value.suggested_filename.endswith(".xlsx")
    page.goto("/")
    with page.expect_navigation():
        page.click("form[action='/accounts/logout/'] button")
    login(page, "auditor")
    page.goto("/audit/")
    table = page.inner_text("table.audit")
    for name in ("登录失败", "登录", "拒绝访问（无权限）", "行政复议·导出表格", "退出登录"):
        assert name in table, name
    assert "not-the-password" not in page.content()
    shots(page, "audit-security-events")
    page.fill("input[name=action]", "登录失败")
    with page.expect_navigation():
        page.click("form.filters button:not([name])")
    rows = page.locator("table.audit tbody tr")
    assert rows.count() == 1 and "密码错误" in rows.first.inner_text()
    shots(page, "audit-login-failed")
