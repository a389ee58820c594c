"""管理员双因素 (issue 14 item 1): TOTP for the 系统管理员, 安全管理员 and 审计管理员 with
django-otp. Binding on /accounts/totp/ (QR code as inline SVG and the secret as text, confirmed
with a code); an administrator with a bound authenticator is signed in only after the code;
``required`` sends one without it to bind first; business roles are never asked. Real codes:
the device's own TOTP at a frozen time."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.personas import PASSWORD, County

from fazhi.core.models import AuditEntry

T0 = dt.datetime(2025, 6, 10, 9, tzinfo=dt.UTC)
LOGIN, CODE, ENROL = "/accounts/login/", "/accounts/login/code/", "/accounts/totp/"
WRONG = "动态验证码不正确或已过期"


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def optional(settings: Any) -> None:
    settings.FAZHI_ADMIN_TOTP = "optional"


def code_of(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def bound(county: County, persona: str) -> TOTPDevice:
    device: TOTPDevice = TOTPDevice.objects.create(
        user=county.users[persona], name="身份验证器", confirmed=True
    )
    return device


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def password_step(persona: str, next_url: str = "") -> tuple[Client, Any]:
    client = Client(REMOTE_ADDR="10.1.1.1")
    data = {"username": persona, "password": PASSWORD, "next": next_url}
    return client, client.post(LOGIN, data)


def test_binding_shows_a_qr_code_and_the_secret_and_is_confirmed_with_a_code(
    county: County, clock: Any, optional: None
) -> None:
    client = county.client("secadmin")
    page = client.get(ENROL).content.decode()
    assert "<svg" in page and "身份验证器二维码" in page
    device = TOTPDevice.objects.get(user=county.users["secadmin"], confirmed=False)
    assert client.get(ENROL).status_code == 200  # reloading keeps the same device and secret
    assert TOTPDevice.objects.filter(user=county.users["secadmin"]).count() == 1
    from fazhi.accounts.totp import secret_text

    assert secret_text(device) in page
    wrong = client.post(ENROL, {"code": "000000" if code_of(device) != "000000" else "111111"})
    assert WRONG in wrong.content.decode()
    clock.shift(dt.timedelta(seconds=2))  # django-otp's throttle after a wrong code
    done = client.post(ENROL, {"code": code_of(device)})
    assert done.status_code == 302 and done["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(action="account.totp_enrol").count() == 1
    assert client.get("/").status_code == 200  # the binding verified this session too


def test_an_administrator_with_a_device_is_signed_in_only_after_the_code(
    county: County, clock: Any, optional: None
) -> None:
    device = bound(county, "auditor")
    client, response = password_step("auditor", "/audit/")
    assert response.status_code == 302 and response["Location"] == CODE
    assert not signed_in(client)
    assert client.get("/").status_code == 302  # not signed in yet
    page = client.get(CODE)
    assert "动态验证码" in page.content.decode()
    wrong = client.post(CODE, {"code": "12345"})
    assert "动态验证码是 6 位数字" in wrong.content.decode() and not signed_in(client)
    bad = "000000" if code_of(device) != "000000" else "111111"
    assert WRONG in client.post(CODE, {"code": bad}).content.decode()
    assert not signed_in(client)
    clock.shift(dt.timedelta(seconds=2))
    done = client.post(CODE, {"code": code_of(device)})
    assert done.status_code == 302 and done["Location"] == "/audit/"
    assert signed_in(client) and client.session["otp_device_id"] == device.persistent_id
    assert client.get("/").status_code == 200


def test_the_code_step_expires_and_cannot_be_skipped(
    county: County, clock: Any, optional: None
) -> None:
    device = bound(county, "sysadmin")
    client, _ = password_step("sysadmin")
    clock.shift(dt.timedelta(minutes=6))
    response = client.post(CODE, {"code": code_of(device)})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert not signed_in(client)
    assert Client().get(CODE)["Location"] == LOGIN  # no password step at all


def test_wrong_codes_count_as_failed_logins_for_the_lockout(
    county: County, clock: Any, optional: None
) -> None:
    device = bound(county, "secadmin")
    client, _ = password_step("secadmin")
    bad = "000000" if code_of(device) != "000000" else "111111"
    statuses = []
    for _ in range(5):
        clock.shift(dt.timedelta(seconds=20))
        statuses.append(client.post(CODE, {"code": bad}).status_code)
    assert statuses == [200, 200, 200, 200, 429]
    clock.shift(dt.timedelta(seconds=31))
    assert client.post(CODE, {"code": code_of(device)}).status_code == 429
    assert not signed_in(client)
    assert AuditEntry.objects.filter(action="account.lockout").count() == 1


def test_business_roles_are_never_asked(county: County, clock: Any, optional: None) -> None:
    bound(county, "clerk_a")  # even with a device (it cannot be bound through the page)
    client, response = password_step("clerk_a")
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in(client)


def test_off_asks_nobody(county: County, clock: Any, settings: Any) -> None:
    settings.FAZHI_ADMIN_TOTP = "off"
    bound(county, "auditor")
    client, response = password_step("auditor")
    assert response["Location"] == "/" and signed_in(client)


def test_an_unverified_session_of_a_bound_administrator_is_ended(
    county: County, clock: Any, optional: None
) -> None:
    bound(county, "secadmin")
    client = county.client("secadmin")  # a session that never gave the code
    response = client.get("/orgs/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not signed_in(client)


def test_required_sends_an_administrator_without_a_device_to_bind_one(
    county: County, clock: Any, settings: Any
) -> None:
    settings.FAZHI_ADMIN_TOTP = "required"
    client, _ = password_step("auditor")
    assert signed_in(client)
    home = client.get("/")
    assert home.status_code == 302 and home["Location"] == ENROL
    assert client.get("/api/v1/core/me").status_code == 403
    assert client.get(ENROL).status_code == 200
    device = TOTPDevice.objects.get(user=county.users["auditor"])
    assert client.post(ENROL, {"code": code_of(device)})["Location"] == "/"
    assert client.get("/").status_code == 200
    business = county.client("clerk_a")
    assert business.get("/").status_code == 200  # never asked


def test_totp_reset_command_removes_the_device(county: County, optional: None) -> None:
    bound(county, "auditor")
    out = StringIO()
    call_command("totp_reset", "auditor", stdout=out)
    assert "已解除账号 auditor 的身份验证器绑定" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=county.users["auditor"]).exists()
    assert AuditEntry.objects.filter(action="account.totp_reset").count() == 1
    _, response = password_step("auditor")
    assert response["Location"] == "/"


#: persona → status of GET /accounts/totp/ (the page is about one's own account: no subtree)
MATRIX = {
    "sysadmin": 200,
    "secadmin": 200,
    "auditor": 200,
    "coordinator": 403,
    "leader": 403,
    "reviewer": 403,
    "dept_clerk": 403,
    "clerk_a": 403,
    "clerk_b": 403,
    "leader_a": 403,
    "reviewer_a": 403,
    "coordinator_a": 403,
}


@pytest.mark.parametrize("persona", list(MATRIX))
def test_the_binding_page_is_for_administrators_only(
    county: County, persona: str, optional: None
) -> None:
    client = county.client(persona)
    assert client.get(ENROL).status_code == MATRIX[persona]
    assert client.post(ENROL, {"code": "123456"}).status_code in {MATRIX[persona], 200}
    if MATRIX[persona] == 403:
        assert not TOTPDevice.objects.filter(user=county.users[persona]).exists()


def test_anonymous_is_sent_to_the_login(county: County) -> None:
    response = Client().get(ENROL)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
