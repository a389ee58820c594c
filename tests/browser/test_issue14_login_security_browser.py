"""End-to-end (issue 14 item 1): the login page as it is, after a wrong password and when
locked; a 安全管理员 binds an authenticator (QR code drawn on the server) and logs in again with
the password and then the code.

With ``FAZHI_SCREENSHOTS`` set, each page is also saved at 1366 and 1024 px wide.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.browser.chromium import chromium_page, login
from tests.personas import PASSWORD, County

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

WIDTHS = (1366, 1024)


@pytest.fixture
def page(live_server: Any) -> Iterator[Any]:
    with chromium_page(live_server.url, "login-security-last.png") as page:
        yield page


def shots(page: Any, name: str) -> None:
    folder = os.environ.get("FAZHI_SCREENSHOTS")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        if folder:
            page.screenshot(path=os.path.join(folder, f"{name}-{width}.png"), full_page=True)


def submit_login(page: Any, username: str, password: str) -> None:
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")


def code_of(device: TOTPDevice, ahead: int = 0) -> str:
    """The device's code ``ahead`` steps (of 30 s) from now (django-otp accepts one step of
    drift, and refuses a step already used)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += ahead * device.step
    return f"{totp.token():06d}"


def test_login_page_wrong_password_and_lock(page: Any, county: County) -> None:
    page.goto("/accounts/login/")
    shots(page, "login")
    submit_login(page, "clerk_a", "wrong-password")
    assert "用户名或密码不正确" in page.inner_text("main")
    shots(page, "login-error")
    for _ in range(4):
        submit_login(page, "clerk_a", "wrong-password")
    assert "登录失败次数过多" in page.inner_text("main")
    shots(page, "login-locked")
    submit_login(page, "clerk_a", PASSWORD)  # the right password is refused while locked
    assert "登录失败次数过多" in page.inner_text("main")


def test_administrator_binds_an_authenticator_and_logs_in_with_a_code(
    page: Any, county: County, settings: Any
) -> None:
    settings.FAZHI_ADMIN_TOTP = "optional"
    login(page, "secadmin")
    page.goto("/accounts/totp/")
    assert page.locator(".totp-qr svg").count() == 1
    shots(page, "totp-enrol")
    device = TOTPDevice.objects.get(user=county.users["secadmin"], confirmed=False)
    page.fill("#id_code", code_of(device))
    with page.expect_navigation():
        page.click("button:has-text('确认绑定')")
    assert "已绑定身份验证器" in page.inner_text("main")
    with page.expect_navigation():
        page.click("text=退出登录")
    page.goto("/accounts/login/")
    submit_login(page, "secadmin", PASSWORD)
    assert page.url.endswith("/accounts/login/code/")
    shots(page, "totp-code")
    page.fill("#id_code", "000000" if code_of(device) != "000000" else "111111")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "动态验证码不正确" in page.inner_text("main")
    shots(page, "totp-code-error")
    page.wait_for_timeout(2100)  # django-otp's throttle after a wrong code
    page.fill("#id_code", code_of(device, ahead=1))  # the binding used this step's code
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "/accounts/login" not in page.url
