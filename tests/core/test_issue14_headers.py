"""Issue 14 item 4 (传输与安全响应头): HSTS, the HTTP→HTTPS redirect and Secure cookies are on
in the production profile (FAZHI_PROFILE=production) and off in development (the demo over plain
HTTP); each FAZHI_* variable overrides its profile; ``fazhi check --deploy`` is clean in the
production profile; every response carries the Content-Security-Policy, X-Frame-Options,
nosniff, Referrer-Policy and Cross-Origin-Opener-Policy headers.

The settings are read once, when ``fazhi.settings`` is imported, so each profile is read in a
subprocess with its environment; the requests then run here with those values."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from tests.personas import PASSWORD, County

#: The settings of this item (docs/SECURITY.md), as a profile sets them.
NAMES = (
    "DEBUG",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "SILENCED_SYSTEM_CHECKS",
)
HOST = "fazhi.example.gov.cn"
LOGIN = "/accounts/login/"
YEAR = 31_536_000


def _env(data_dir: Path, **variables: str) -> dict[str, str]:
    """This environment without any FAZHI_* variable or DATABASE_URL, plus ``variables``."""
    env = {
        k: v
        for k, v in os.environ.items()
        # the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for their own process (async.E001)
        if not k.startswith("FAZHI_") and k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return env | {"FAZHI_DATA_DIR": str(data_dir), "PYTHONIOENCODING": "utf-8", **variables}


def _run(data_dir: Path, *args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        env=_env(data_dir, **variables),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def profile(data_dir: Path, **variables: str) -> dict[str, Any]:
    """The settings of :data:`NAMES` as ``fazhi.settings`` reads them from ``variables``."""
    code = (
        "import json, fazhi.settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {NAMES!r}}}))"
    )
    done = _run(data_dir, "-c", code, **variables)
    assert done.returncode == 0, done.stderr
    values: dict[str, Any] = json.loads(done.stdout)
    header = values["SECURE_PROXY_SSL_HEADER"]
    values["SECURE_PROXY_SSL_HEADER"] = tuple(header) if header else None
    return values


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("issue14-headers")


@pytest.fixture(scope="module")
def production(data_dir: Path) -> dict[str, Any]:
    return profile(data_dir, FAZHI_PROFILE="production", FAZHI_ALLOWED_HOSTS=HOST)


@pytest.fixture(scope="module")
def development(data_dir: Path) -> dict[str, Any]:
    return profile(data_dir)


def test_check_deploy_is_clean_in_the_production_profile(data_dir: Path) -> None:
    done = _run(
        data_dir,
        "-m",
        "fazhi.cli",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        FAZHI_PROFILE="production",
        FAZHI_ALLOWED_HOSTS=HOST,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout
    assert "WARNING" not in done.stdout + done.stderr


def test_check_deploy_names_what_development_leaves_off(data_dir: Path) -> None:
    """The same check in the development profile: HSTS, the redirect and Secure cookies off."""
    done = _run(data_dir, "-m", "fazhi.cli", "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode != 0
    for check in ("W004", "W008", "W012", "W016"):
        assert f"security.{check}" in done.stderr
    for check in ("W005", "W006", "W019", "W021", "W022"):  # never raised
        assert f"security.{check}" not in done.stderr


def test_the_profiles(development: dict[str, Any], production: dict[str, Any]) -> None:
    common = {
        "DEBUG": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_TRUSTED_ORIGINS": [],
        "SECURE_PROXY_SSL_HEADER": None,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_HSTS_PRELOAD": False,
    }
    assert development == common | {
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SILENCED_SYSTEM_CHECKS": ["security.W021"],
    }
    assert production == common | {
        "SECURE_HSTS_SECONDS": YEAR,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SILENCED_SYSTEM_CHECKS": ["security.W021"],
    }


def test_each_variable_overrides_the_profile(data_dir: Path) -> None:
    values = profile(
        data_dir,
        FAZHI_PROFILE="production",
        FAZHI_HSTS_SECONDS="600",
        FAZHI_HSTS_INCLUDE_SUBDOMAINS="false",
        FAZHI_HSTS_PRELOAD="true",
        FAZHI_SSL_REDIRECT="false",
        FAZHI_COOKIE_SECURE="false",
        FAZHI_BEHIND_TLS_PROXY="true",
        FAZHI_CSRF_TRUSTED_ORIGINS=f"https://{HOST}, https://{HOST}:8443",
    )
    assert values["SECURE_HSTS_SECONDS"] == 600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SILENCED_SYSTEM_CHECKS"] == []  # W021 is not silenced once preload is on
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is False and values["CSRF_COOKIE_SECURE"] is False
    assert values["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert values["CSRF_TRUSTED_ORIGINS"] == [f"https://{HOST}", f"https://{HOST}:8443"]
    development = profile(data_dir, FAZHI_SSL_REDIRECT="yes", FAZHI_COOKIE_SECURE="1")
    assert development["SECURE_SSL_REDIRECT"] is True and development["SESSION_COOKIE_SECURE"]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("FAZHI_HSTS_SECONDS", "-1", "小于允许的最小值 0"),
        ("FAZHI_HSTS_SECONDS", "一年", "不是整数"),
        ("FAZHI_SSL_REDIRECT", "maybe", "不是布尔值"),
        ("FAZHI_BEHIND_TLS_PROXY", "nginx", "不是布尔值"),
    ],
)
def test_a_bad_value_stops_the_server(
    data_dir: Path, variable: str, value: str, message: str
) -> None:
    done = _run(data_dir, "-c", "import fazhi.settings", **{variable: value})
    assert done.returncode != 0
    assert variable in done.stderr and message in done.stderr


def _apply(settings: Any, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name != "DEBUG":
            setattr(settings, name, value)


def _log_in(client: Client, county: County, *, secure: bool) -> Any:
    username = county.users["clerk_a"].username
    response = client.post(LOGIN, {"username": username, "password": PASSWORD}, secure=secure)
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def _assert_common_headers(response: Any) -> None:
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_development_serves_plain_http_with_cookies_not_secure(
    settings: Any, development: dict[str, Any], county: County
) -> None:
    _apply(settings, development)
    client = Client()
    page = client.get(LOGIN)
    assert page.status_code == 200  # no redirect to https
    assert "Strict-Transport-Security" not in page
    _assert_common_headers(page)
    assert page.cookies["csrftoken"]["secure"] == ""
    assert page.cookies["csrftoken"]["httponly"] is True
    session = _log_in(client, county, secure=False).cookies["sessionid"]
    assert session["secure"] == "" and session["httponly"] is True
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_production_redirects_to_https(settings: Any, production: dict[str, Any]) -> None:
    _apply(settings, production)
    response = Client().get(LOGIN + "?next=/plans/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/?next=/plans/"
    assert "Strict-Transport-Security" not in response  # only sent over HTTPS


@pytest.mark.django_db
def test_production_over_https_sends_hsts_and_secure_cookies(
    settings: Any, production: dict[str, Any], county: County
) -> None:
    _apply(settings, production)
    client = Client()
    page = client.get(LOGIN, secure=True)
    assert page.status_code == 200
    assert page["Strict-Transport-Security"] == f"max-age={YEAR}; includeSubDomains"
    _assert_common_headers(page)
    assert page.cookies["csrftoken"]["secure"] is True
    assert page.cookies["csrftoken"]["httponly"] is True
    session = _log_in(client, county, secure=True).cookies["sessionid"]
    assert session["secure"] is True and session["httponly"] is True
    assert client.get("/", secure=True).status_code == 200


@pytest.mark.django_db
def test_behind_a_tls_proxy_its_header_counts_as_https(
    settings: Any, production: dict[str, Any]
) -> None:
    _apply(settings, production)
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    through_proxy = Client().get(LOGIN, HTTP_X_FORWARDED_PROTO="https")
    assert through_proxy.status_code == 200
    assert through_proxy["Strict-Transport-Security"].startswith(f"max-age={YEAR}")
    assert Client().get(LOGIN, HTTP_X_FORWARDED_PROTO="http").status_code == 301
    settings.SECURE_PROXY_SSL_HEADER = None  # not behind a proxy: a client's header is ignored
    assert Client().get(LOGIN, HTTP_X_FORWARDED_PROTO="https").status_code == 301
