"""Sessions under load (issue 15): the idle-timeout stamp is written at most once per
FAZHI_IDLE_STAMP_SECONDS (not per request), the idle limit still holds to that granularity, a
stamp that finds the database busy does not fail the page (it is retried on the next request),
a logout invalidates the session (also with the cached_db engine), and the session engine is
cached_db only over a shared cache (FAZHI_CACHE_URL)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DbStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from tests.personas import County

from fazhi.accounts import middleware
from fazhi.accounts.middleware import SEEN_AT, STAMP_WAIT_MS

T0 = dt.datetime(2025, 6, 10, 9, tzinfo=dt.UTC)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def _session_writes(client: Client, urls: list[str]) -> int:
    """How many statements wrote the session table while the client got ``urls``."""
    with CaptureQueriesContext(connection) as ctx:
        for url in urls:
            assert client.get(url).status_code == 200, url
    return sum(
        1
        for q in ctx.captured_queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    )


def _seen_at(client: Client) -> float:
    return float(client.session[SEEN_AT])


def test_n_requests_within_the_threshold_write_the_session_once(county: County, clock: Any) -> None:
    client = county.client("clerk_a")
    assert _session_writes(client, ["/"]) == 0  # the login stamped it: nothing to write
    for _ in range(3):
        clock.shift(dt.timedelta(seconds=61))  # the stamp is due on the first request only
        assert _session_writes(client, ["/", "/metrics/", "/", "/metrics/", "/"]) == 1
    stamped = _seen_at(client)
    clock.shift(dt.timedelta(seconds=59))
    assert _session_writes(client, ["/"] * 10) == 0
    assert _seen_at(client) == stamped


def test_the_threshold_is_a_setting(county: County, clock: Any, settings: Any) -> None:
    settings.FAZHI_IDLE_STAMP_SECONDS = 300
    client = county.client("clerk_a")
    for _ in range(4):
        clock.shift(dt.timedelta(seconds=70))
        assert _session_writes(client, ["/"]) == 0  # 70, 140, 210, 280 s: under 300
    clock.shift(dt.timedelta(seconds=30))
    assert _session_writes(client, ["/", "/"]) == 1  # 310 s


def test_the_idle_limit_holds_to_the_stamp_granularity(county: County, clock: Any) -> None:
    client = county.client("clerk_a")
    clock.shift(dt.timedelta(seconds=59))
    assert client.get("/").status_code == 200  # not stamped: 59 s after the login's stamp
    # 30 min after the stamp, 29 min 1 s after the last request: ended (within the 60 s grain)
    clock.shift(dt.timedelta(minutes=29, seconds=2))
    response = client.get("/", follow=True)
    assert "长时间未操作，已自动退出" in response.content.decode()

    active = county.client("clerk_b")
    for _ in range(40):  # a request every 50 s for 33 minutes: never signed out
        clock.shift(dt.timedelta(seconds=50))
        assert active.get("/").status_code == 200
    clock.shift(dt.timedelta(minutes=30, seconds=1))  # then idle for longer than the limit
    assert active.get("/").status_code == 302
    assert "_auth_user_id" not in active.session


def test_a_busy_database_delays_the_stamp_but_serves_the_page(
    county: County, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = county.client("clerk_a")
    login_stamp = _seen_at(client)
    waits: list[int] = []
    original = DbStore.save

    def locked(self: DbStore, must_create: bool = False) -> None:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA busy_timeout")
                waits.append(int(cursor.fetchone()[0]))
        raise UpdateError  # what "database is locked" becomes in the db session store

    clock.shift(dt.timedelta(seconds=61))
    monkeypatch.setattr(DbStore, "save", locked)
    assert client.get("/").status_code == 200  # Django alone answers 400 (SessionInterrupted)
    monkeypatch.setattr(DbStore, "save", original)
    assert _seen_at(client) == login_stamp  # not written
    if connection.vendor == "sqlite":
        assert waits == [STAMP_WAIT_MS]  # a short wait for the lock, not the 20 s timeout
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 20_000  # restored
    assert _session_writes(client, ["/"]) == 1  # retried on the next request
    assert _seen_at(client) == T0.timestamp() + 61


def test_a_session_changed_by_the_view_is_saved_with_the_stamp(county: County, clock: Any) -> None:
    client = county.client("clerk_a")
    clock.shift(dt.timedelta(seconds=61))
    membership = county.memberships["clerk_a"]
    with CaptureQueriesContext(connection) as ctx:  # the unit switch writes the session
        response = client.post("/accounts/switch/", {"membership": membership.pk, "next": "/"})
    assert response.status_code == 302
    writes = [
        q
        for q in ctx.captured_queries
        if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]
    ]
    assert len(writes) == 1  # one save (Django's), carrying both changes
    assert client.session["fazhi_membership_id"] == membership.pk
    assert _seen_at(client) == T0.timestamp() + 61


@pytest.mark.parametrize(
    "engine",
    ["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"],
)
def test_a_logout_invalidates_the_session(
    county: County, clock: Any, settings: Any, engine: str
) -> None:
    settings.SESSION_ENGINE = engine
    client = county.client("clerk_a")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    stolen = Client()  # the old cookie, replayed
    stolen.cookies[settings.SESSION_COOKIE_NAME] = key
    response = stolen.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert middleware.SEEN_AT not in client.session


def _engine_with(cache_url: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "FAZHI_CACHE_URL"}
    if cache_url:
        env["FAZHI_CACHE_URL"] = cache_url
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.SESSION_ENGINE, settings.CACHES['default']['BACKEND'])"
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env | {"DJANGO_SETTINGS_MODULE": "fazhi.settings", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_cached_db_only_over_a_shared_cache() -> None:
    assert _engine_with("") == (
        "django.contrib.sessions.backends.db django.core.cache.backends.locmem.LocMemCache"
    )
    assert _engine_with("redis://127.0.0.1:6379/3") == (
        "django.contrib.sessions.backends.cached_db django.core.cache.backends.redis.RedisCache"
    )


def test_the_stamp_interval_must_be_shorter_than_the_idle_limit() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAZHI_IDLE")}
    env |= {"FAZHI_IDLE_MINUTES": "1", "FAZHI_IDLE_STAMP_SECONDS": "60"}
    env |= {"DJANGO_SETTINGS_MODULE": "fazhi.settings", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode != 0
    assert "FAZHI_IDLE_STAMP_SECONDS（60）应小于空闲超时" in done.stderr
