"""End-to-end (issue 14 item 2): the 安全管理员 grants a role in two steps in the system
Chromium; the role list follows 三员分立 and says why; screenshots at 1366 and 1024 px."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from tests.browser.chromium import chromium_page, login
from tests.personas import County

from fazhi.accounts.services import user_create
from fazhi.orgs.models import Membership
from fazhi.orgs.roles import Role
from fazhi.orgs.scoping import Actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def page(live_server: Any) -> Iterator[Any]:
    with chromium_page(live_server.url, "issue14-grant-last.png") as page:
        yield page


def shoot(page: Any, name: str) -> None:
    """Full-page screenshots at 1366 and 1024 px into ``FAZHI_SCREENSHOTS`` (if set)."""
    folder = os.environ.get("FAZHI_SCREENSHOTS")
    for width in (1366, 1024):
        page.set_viewport_size({"width": width, "height": 800})
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, f"{name} scrolls sideways at {width} px"
        if folder:
            page.screenshot(path=os.path.join(folder, f"{name}-{width}.png"), full_page=True)


def role_labels(page: Any) -> list[str]:
    return [text.strip() for text in page.locator("select[name=role] option").all_inner_texts()]


def test_security_administrator_grants_within_the_separation(page: Any, county: County) -> None:
    user_create(actor=Actor.command_line(), username="xinren", full_name="新人", password="p")
    login(page, "secadmin")
    page.goto("/orgs/memberships/")
    page.click("text=授予岗位")
    own = page.locator("#pick-account select option", has_text="（secadmin）")
    assert own.count() == 0  # not one's own account
    # A business account: business roles only, and why.
    page.select_option("#pick-account select", label="白沙甲（clerk_a）")
    with page.expect_navigation():
        page.click("#pick-account button")
    assert role_labels(page)[1:] == ["依法治办", "审核", "填报", "领导"]
    assert "业务账号不能担任" in page.inner_text("#separation-reason")
    shoot(page, "issue14-grant-business")
    # An administrator account: nothing to grant.
    page.select_option("#pick-account select", label="审小计（auditor）")
    with page.expect_navigation():
        page.click("#pick-account button")
    assert page.locator("select[name=role]").count() == 0
    assert "审计管理员" in page.inner_text("#separation-reason")
    shoot(page, "issue14-grant-admin")
    # A new account: any role; granted, it becomes an administrator account.
    page.select_option("#pick-account select", label="新人（xinren）")
    with page.expect_navigation():
        page.click("#pick-account button")
    assert len(role_labels(page)) == 1 + len(Role)
    page.select_option("select[name=unit]", label="黄金乡人民政府")
    page.select_option("select[name=role]", label="审计管理员")
    with page.expect_navigation():
        page.click("button:has-text('授予')")
    assert "已授予岗位" in page.inner_text(".messages")
    assert Membership.objects.get(user__username="xinren").role == Role.AUDITOR
    # The county's auditor is the last one covering the county: 撤销 is disabled, with why.
    page.goto(f"/orgs/memberships/{county.memberships['auditor'].pk}/")
    assert "唯一的审计管理员" in page.inner_text("main")
    shoot(page, "issue14-revoke-last-auditor")
