"""登录失败锁定 (issue 14 item 1): N failures for one user name or from one address within M
minutes lock it for T minutes (5 / 15 / 30 by default); the page says the same for an unknown
name and a wrong password, and the same lock page for both; `fazhi unlock` unlocks early; the
start of a lock is audited once."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from tests.personas import PASSWORD, County

from fazhi.core.models import AuditEntry

T0 = dt.datetime(2025, 6, 10, 9, tzinfo=dt.UTC)
LOGIN = "/accounts/login/"
INVALID = "用户名或密码不正确，请重新输入。"
LOCKED = "登录失败次数过多，已暂停登录 30 分钟"


def attempt(username: str, password: str = "wrong-password", addr: str = "10.0.0.1") -> Any:
    return Client(REMOTE_ADDR=addr).post(LOGIN, {"username": username, "password": password})


def signed_in(response: Any) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.wsgi_request.session


def page(response: Any) -> str:
    """The page without what differs from one request to the next (token, typed name)."""
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    return re.sub(r'id="id_username"[^>]*>', "", text)


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def test_five_failures_lock_the_account_even_with_the_right_password(
    county: County, clock: Any
) -> None:
    for _ in range(4):
        response = attempt("clerk_a")
        assert response.status_code == 200 and INVALID in response.content.decode()
    fifth = attempt("clerk_a")
    assert fifth.status_code == 429 and LOCKED in fifth.content.decode()
    refused = attempt("clerk_a", PASSWORD, addr="10.0.0.2")  # right password, other address
    assert refused.status_code == 429 and not signed_in(refused)
    assert signed_in(attempt("clerk_b", PASSWORD, addr="10.0.0.2"))  # others are not locked


def test_unknown_account_and_wrong_password_get_the_same_pages(county: County, clock: Any) -> None:
    known = [attempt("clerk_a", addr="10.0.0.1") for _ in range(6)]
    unknown = [attempt("no_such_user", addr="10.0.0.2") for _ in range(6)]
    for a, b in zip(known, unknown, strict=True):
        assert a.status_code == b.status_code
        assert page(a) == page(b)
    assert [r.status_code for r in known] == [200, 200, 200, 200, 429, 429]


def test_failures_older_than_the_window_do_not_count(county: County, clock: Any) -> None:
    for _ in range(4):
        attempt("clerk_a")
    clock.shift(dt.timedelta(minutes=16))
    for _ in range(4):
        assert attempt("clerk_a").status_code == 200  # 4 within the last 15 minutes, not 8
    assert signed_in(attempt("clerk_a", PASSWORD))


def test_lock_ends_by_itself_after_thirty_minutes_and_tries_do_not_prolong_it(
    county: County, clock: Any
) -> None:
    for _ in range(5):
        attempt("clerk_a")
    clock.shift(dt.timedelta(minutes=20))
    assert attempt("clerk_a").status_code == 429  # refused, not counted
    clock.shift(dt.timedelta(minutes=9))
    assert attempt("clerk_a", PASSWORD).status_code == 429
    clock.shift(dt.timedelta(minutes=2))  # 31 minutes after the 5th failure
    assert signed_in(attempt("clerk_a", PASSWORD))


def test_one_address_trying_many_names_is_locked(county: County, clock: Any) -> None:
    for name in ("a1", "a2", "a3", "clerk_b", "leader"):
        attempt(name, addr="10.9.9.9")
    locked = attempt("clerk_a", PASSWORD, addr="10.9.9.9")
    assert locked.status_code == 429 and not signed_in(locked)
    assert signed_in(attempt("clerk_a", PASSWORD, addr="10.9.9.10"))


def test_success_forgets_the_names_failures(county: County, clock: Any) -> None:
    for _ in range(4):
        attempt("clerk_a")
    assert signed_in(attempt("clerk_a", PASSWORD))
    for _ in range(4):
        assert attempt("clerk_a", addr="10.0.0.3").status_code == 200


def test_lockout_is_audited_once_and_unlock_by_command(county: County, clock: Any) -> None:
    for _ in range(7):
        attempt("clerk_a")
    locks = AuditEntry.objects.filter(action="account.lockout")
    assert locks.count() == 1
    entry = locks.get()
    assert entry.object_repr == "clerk_a" and entry.after["address"] == "10.0.0.1"
    assert entry.unit_code == county.town_a.code  # the account's 审计管理员 reads it
    out = StringIO()
    call_command("unlock", "clerk_a", stdout=out)
    assert "已解除 用户名 clerk_a 的登录锁定" in out.getvalue()
    assert AuditEntry.objects.filter(action="account.unlock").count() == 1
    assert signed_in(attempt("clerk_a", PASSWORD, addr="10.0.0.7"))


def test_unlock_an_address_and_list(county: County, clock: Any) -> None:
    for name in ("x1", "x2", "x3", "x4", "x5"):
        attempt(name, addr="10.9.9.9")
    out = StringIO()
    call_command("unlock", "--list", stdout=out)
    assert "地址\t10.9.9.9" in out.getvalue()
    call_command("unlock", "--address", "10.9.9.9", stdout=StringIO())
    assert signed_in(attempt("clerk_a", PASSWORD, addr="10.9.9.9"))


def test_test_client_login_without_a_request_still_works(county: County) -> None:
    client = Client()
    assert client.login(username="clerk_a", password=PASSWORD)
    assert client.get("/").status_code == 200
