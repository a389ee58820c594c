"""Issue 14 item 1 (身份鉴别): password expiry (FAZHI_PASSWORD_MAX_AGE_DAYS, off by default,
90 when on) and the forced change at the first login of an account opened from the UI and
after the 系统管理员's reset: until the password is changed, every page leads to 修改密码
(logout still works), JSON and the API's session requests get a 403 in Chinese, while API
tokens are not affected. Accounts made on the command line (demo, tests) are not forced."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from tests.personas import PASSWORD, County

from fazhi.accounts import services
from fazhi.accounts.passwords import password_state
from fazhi.orgs.scoping import Actor

NEW = "Bai-sha-2025-new"
T0 = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)
FORCED = "/accounts/password/"


def shown_password(html: str) -> str:
    found = re.search(r'<code id="temp-password"[^>]*>([^<]+)</code>', html)
    assert found, html
    return found.group(1)


def signed_in(username: str, password: str) -> Client:
    client = Client()
    assert client.login(username=username, password=password)
    return client


def assert_forced(client: Client, county: County, *, api: bool = True) -> None:
    """Every page but 修改密码 and logout leads to 修改密码 (``api``: the account has a 岗位,
    so the API would otherwise accept its session)."""
    for url in ("/", "/reconsideration/cases/", f"/orgs/units/{county.town_a.pk}/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(FORCED), url
    page = client.get("/reconsideration/cases/", follow=True)
    assert page.request["PATH_INFO"] == FORCED
    assert "请先修改密码，然后才能继续使用本平台" in page.content.decode()
    assert client.post("/accounts/switch/", {"membership": "1"})["Location"] == FORCED
    json = client.get("/", headers={"Accept": "application/json"})
    assert json.status_code == 403 and "请先修改密码" in json.json()["detail"]
    if api:
        response = client.get("/api/v1/orgs/units")
        assert response.status_code == 403 and "请先修改密码" in response.json()["detail"]
        # a made-up bearer header does not let the session past
        faked = client.get("/api/v1/orgs/units", headers={"Authorization": "Bearer fz_nothing"})
        assert faked.status_code == 403
    assert client.get("/", headers={"Authorization": "Bearer x"}).status_code == 302


def change(client: Client, old: str, new: str = NEW, next_url: str = "") -> str:
    data = {"old_password": old, "new_password1": new, "new_password2": new}
    if next_url:
        data["next"] = next_url
    response = client.post(FORCED, data)
    assert response.status_code == 302, response.content.decode()
    return str(response["Location"])


# --- forced change at the first login ------------------------------------------------------
@pytest.mark.django_db
def test_an_account_opened_from_the_ui_changes_its_password_at_first_login(county: County) -> None:
    admin = county.client("sysadmin")
    page = admin.post(
        "/accounts/users/new/",
        {"username": "zhangsan", "full_name": "张三", "unit": county.town_a.pk, "password": ""},
    )
    temporary = shown_password(page.content.decode())
    assert "须先修改密码才能使用平台" in page.content.decode()
    client = Client()
    login = client.post("/accounts/login/", {"username": "zhangsan", "password": temporary})
    assert login.status_code == 302
    assert_forced(client, county, api=False)  # no 岗位 yet: the API does not know the session
    # the change page names why, and offers logout instead of 取消
    text = client.get(FORCED).content.decode()
    assert 'id="password-forced"' in text and "您正在使用临时密码" in text and "退出登录" in text
    assert client.get("/static/fazhi/app.css").status_code in (200, 404)  # never redirected
    assert change(client, temporary, next_url="/orgs/units/") == "/orgs/units/"
    assert client.get("/").status_code == 200
    assert client.get(FORCED).content.decode().count("password-forced") == 0
    assert not password_state(User.objects.get(username="zhangsan")).temporary


@pytest.mark.django_db
def test_a_typed_temporary_password_is_forced_too_and_logout_works(county: County) -> None:
    admin = county.client("sysadmin")
    admin.post(
        "/accounts/users/new/",
        {"username": "lisi", "full_name": "李四", "unit": county.root.pk, "password": NEW},
    )
    client = signed_in("lisi", NEW)
    assert client.get("/")["Location"].startswith(FORCED)
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/")["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_next_is_kept_and_only_local(county: County) -> None:
    clerk = county.users["clerk_a"]
    temporary = services.user_password_reset(actor=county.actor("sysadmin"), user=clerk)
    client = signed_in("clerk_a", temporary)
    target = client.get("/reconsideration/cases/?q=x")["Location"]
    assert target == "/accounts/password/?next=%2Freconsideration%2Fcases%2F%3Fq%3Dx"
    assert 'name="next" value="/reconsideration/cases/?q=x"' in client.get(target).content.decode()
    assert change(client, temporary, next_url="https://evil.example/") == "/"


# --- after a reset ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_after_a_reset_the_account_must_change_its_password(county: County) -> None:
    admin = county.client("sysadmin")
    clerk = county.users["clerk_a"]
    page = admin.post(f"/accounts/users/{clerk.pk}/password/", {"password": ""})
    temporary = shown_password(page.content.decode())
    client = signed_in("clerk_a", temporary)
    assert_forced(client, county)
    # the new password must differ from the temporary one (history includes it)
    refused = client.post(
        FORCED,
        {"old_password": temporary, "new_password1": temporary, "new_password2": temporary},
    )
    assert refused.status_code == 200
    detail = f"/accounts/users/{clerk.pk}/"
    assert "临时密码，须在下次登录时修改" in admin.get(detail).content.decode()
    change(client, temporary)
    assert client.get("/").status_code == 200
    assert signed_in("clerk_a", NEW).get("/").status_code == 200
    assert "临时密码" not in admin.get(detail).content.decode()


@pytest.mark.django_db
def test_the_api_token_of_an_account_to_be_changed_still_works(county: County) -> None:
    clerk = county.users["clerk_a"]
    _, raw = services.token_create(
        actor=county.actor("secadmin"), membership=county.memberships["clerk_a"], name="对接"
    )
    services.user_password_reset(actor=county.actor("sysadmin"), user=clerk)
    response = Client().get("/api/v1/orgs/units", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert {u["code"] for u in response.json()} == {county.town_a.code, county.village_a.code}


@pytest.mark.django_db
def test_command_line_accounts_and_resets_are_not_forced(county: County) -> None:
    for persona in ("clerk_a", "sysadmin", "secadmin", "auditor"):
        assert county.client(persona).get("/").status_code == 200
    cli = Actor.command_line()
    clerk = county.users["clerk_a"]
    services.user_password_reset(actor=cli, user=clerk, password=NEW)
    assert signed_in("clerk_a", NEW).get("/").status_code == 200


# --- expiry ----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_passwords_do_not_expire_by_default(county: County) -> None:
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=1000), tick=False):
        assert county.client("clerk_a").get("/").status_code == 200


@pytest.mark.django_db
def test_an_expired_password_must_be_changed(county: County, settings: object) -> None:
    settings.FAZHI_PASSWORD_MAX_AGE_DAYS = 90  # type: ignore[attr-defined]
    with time_machine.travel(T0, tick=False) as traveller:
        client = county.client("clerk_a")
        change(client, PASSWORD)  # set on T0
        traveller.move_to(T0 + dt.timedelta(days=89, hours=23, minutes=50))
        fresh = signed_in("clerk_a", NEW)
        assert fresh.get("/").status_code == 200
        traveller.move_to(T0 + dt.timedelta(days=90, minutes=5))
        assert fresh.get("/")["Location"].startswith(FORCED)  # the same session, now expired
        expired = signed_in("clerk_a", NEW)
        assert_forced(expired, county)
        assert "已使用超过 90 天，已过期" in expired.get(FORCED).content.decode()
        change(expired, NEW, "Bai-sha-2025-next")
        assert expired.get("/").status_code == 200
