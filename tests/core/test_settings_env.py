"""Typed environment readers fail loudly, naming the variable."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from fazhi.env import env_bool, env_int, env_list, parse_database_url


def test_bool(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "0")
    assert env_bool("X_FLAG", True) is False
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG", False)
    monkeypatch.delenv("X_FLAG")
    assert env_bool("X_FLAG", True) is True


def test_int(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_NUM", "12")
    assert env_int("X_NUM", 1) == 12
    monkeypatch.setenv("X_NUM", "twelve")
    with pytest.raises(ImproperlyConfigured, match="X_NUM"):
        env_int("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "0")
    with pytest.raises(ImproperlyConfigured, match="最小值"):
        env_int("X_NUM", 1, minimum=1)


def test_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert env_list("X_LIST", []) == ["a", "b", "c"]


def test_database_url() -> None:
    url = parse_database_url("DATABASE_URL", "postgres://u:p%40ss@db.local:6543/fazhi")
    assert (url.user, url.password, url.host, url.port, url.name) == (
        "u",
        "p@ss",
        "db.local",
        6543,
        "fazhi",
    )
    assert parse_database_url("DATABASE_URL", "postgresql://127.0.0.1/x").port == 5432
    for bad in ("mysql://h/x", "postgres://h", "postgres://h:notaport/x"):
        with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
            parse_database_url("DATABASE_URL", bad)


def test_settings_are_chinese_and_aware() -> None:
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
