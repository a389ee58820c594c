"""End-to-end (issue 14, 身份鉴别): after the 系统管理员 resets a password the clerk, signing in
with the temporary one, lands on 修改密码 with the reason and can go nowhere else until the
change; the 安全管理员 revokes an API token from 接口令牌 after confirming.

With ``FAZHI_SCREENSHOTS`` set, each page is also saved at 1366 and 1024 px wide.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from tests.browser.chromium import chromium_page, login
from tests.personas import County

from fazhi.accounts import services
from fazhi.accounts.models import ApiToken
from fazhi.core.models import AuditEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

NEW_PASSWORD = "Bai-sha-2025-new"
WIDTHS = (1366, 1024)


@pytest.fixture
def page(live_server: Any) -> Iterator[Any]:
    with chromium_page(live_server.url, "issue14-last.png", accept_dialogs=True) as page:
        yield page


def shots(page: Any, name: str) -> None:
    """Save the page at each width (when FAZHI_SCREENSHOTS names a directory); nothing is wider
    than the window."""
    folder = os.environ.get("FAZHI_SCREENSHOTS")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if folder:
            page.screenshot(path=os.path.join(folder, f"{name}-{width}.png"), full_page=True)


def test_a_reset_password_must_be_changed_first(page: Any, county: County) -> None:
    temporary = services.user_password_reset(
        actor=county.actor("sysadmin"), user=county.users["clerk_a"]
    )
    login(page, "clerk_a", temporary)
    assert "/accounts/password/" in page.url
    assert "您正在使用临时密码" in page.inner_text("#password-forced")
    shots(page, "password-forced")
    page.goto("/reconsideration/cases/")
    assert "/accounts/password/" in page.url  # nothing else is reachable
    page.fill("#id_old_password", temporary)
    page.fill("#id_new_password1", "zzzzzzzzz")
    page.fill("#id_new_password2", "zzzzzzzzz")
    with page.expect_navigation():
        page.click("button:has-text('保存新密码')")
    assert "密码过于简单" in page.inner_text("main form")
    page.fill("#id_old_password", temporary)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    with page.expect_navigation():
        page.click("button:has-text('保存新密码')")
    assert "/reconsideration/cases/" in page.url and "密码已修改" in page.inner_text(".messages")


def test_the_security_administrator_revokes_a_token(page: Any, county: County) -> None:
    for persona, name in (("clerk_a", "白沙镇统计系统对接"), ("dept_clerk", "司法局办案系统")):
        services.token_create(
            actor=county.actor("secadmin"), membership=county.memberships[persona], name=name
        )
    login(page, "secadmin")
    page.click("nav.sidenav >> text=接口令牌")
    assert "白沙镇统计系统对接" in page.inner_text("table.grid")
    shots(page, "tokens")
    with page.expect_navigation():
        page.click("tr:has-text('白沙镇统计系统对接') >> button:has-text('吊销')")
    assert "已吊销接口令牌" in page.inner_text(".messages")
    assert ApiToken.objects.get(name="白沙镇统计系统对接").revoked
    assert AuditEntry.objects.filter(action="token.revoke").count() == 1
    shots(page, "tokens-revoked")
