"""End-to-end (issue 13 item 15): a clerk changes their password from the header; the
系统管理员 opens an account and resets a password from 账号管理, never through /admin/.

With ``FAZHI_SCREENSHOTS`` set, each new page is also saved at 1366 and 1024 px wide.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from tests.browser.chromium import chromium_page, login
from tests.personas import PASSWORD, County

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

NEW_PASSWORD = "Bai-sha-2025-new"
WIDTHS = (1366, 1024)


@pytest.fixture
def page(live_server: Any) -> Iterator[Any]:
    with chromium_page(live_server.url, "accounts-last.png", accept_dialogs=True) as page:
        yield page


def shots(page: Any, name: str) -> None:
    """Save the page at each width (only when FAZHI_SCREENSHOTS names a directory); the side
    menu keeps its labels on one line at each width."""
    folder = os.environ.get("FAZHI_SCREENSHOTS")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        menu = page.locator("nav.sidenav")
        if menu.count():
            assert menu.bounding_box()["width"] > 100
        if folder:
            page.screenshot(path=os.path.join(folder, f"{name}-{width}.png"), full_page=True)


def test_clerk_changes_their_password(page: Any, county: County) -> None:
    login(page, "clerk_a")
    page.click("header >> text=修改密码")
    assert page.inner_text("h1") == "修改密码"
    shots(page, "password-change")
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", "short")
    page.fill("#id_new_password2", "short")
    with page.expect_navigation():
        page.click("button:has-text('保存新密码')")
    assert "密码太短" in page.inner_text("main form")
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    with page.expect_navigation():
        page.click("button:has-text('保存新密码')")
    assert "密码已修改" in page.inner_text(".messages")
    with page.expect_navigation():
        page.click("header >> text=退出登录")
    login(page, "clerk_a", NEW_PASSWORD)
    assert "白沙镇人民政府" in page.inner_text("h1")


def test_system_administrator_opens_an_account_and_resets_a_password(
    page: Any, county: County
) -> None:
    login(page, "sysadmin")
    page.click("nav.sidenav >> text=账号管理")
    assert "clerk_a" in page.inner_text("table.grid")
    shots(page, "account-list")
    page.click("text=开设账号")
    shots(page, "account-create")
    page.fill("#id_username", "zhangsan")
    page.fill("#id_full_name", "张三")
    page.select_option("#id_unit", label="白沙镇人民政府")
    with page.expect_navigation():
        page.click("button:has-text('开设账号')")
    assert "账号已开设" in page.inner_text("h1")
    first = page.inner_text("#temp-password").strip()
    assert re.fullmatch(r"[A-Za-z0-9]{12}", first)
    shots(page, "account-password-shown")
    # the new account signs in with it
    assert User.objects.get(username="zhangsan").check_password(first)
    # reset the clerk's password (the confirmation dialog is accepted)
    page.goto("/accounts/users/")
    page.click("table.grid >> text=clerk_a")
    shots(page, "account-detail")
    page.click("text=重置密码")
    shots(page, "account-password-reset")
    with page.expect_navigation():
        page.click("button:has-text('重置密码')")
    assert "密码已重置" in page.inner_text("h1")
    temporary = page.inner_text("#temp-password").strip()
    clerk = User.objects.get(username="clerk_a")
    assert clerk.check_password(temporary) and not clerk.check_password(PASSWORD)
    # and disables the new account, after confirming
    page.goto(f"/accounts/users/{User.objects.get(username='zhangsan').pk}/")
    with page.expect_navigation():
        page.click("button:has-text('停用账号')")
    assert "已停用账号 zhangsan" in page.inner_text(".messages")
    assert not User.objects.get(username="zhangsan").is_active
