"""Typed readers for environment variables that fail loudly on bad values.

Every setting the deployment may change is read here, once, with its type. A bad value
raises ``ImproperlyConfigured`` naming the variable, so a misconfigured server refuses to
start instead of running with a silent default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else value.strip()


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean (1/0, true/false, yes/no, on/off)."""
    raw = _raw(name)
    if raw is None:
        return default
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"环境变量 {name} 的值 {raw!r} 不是布尔值（应为 true/false、1/0）")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """Read an integer, optionally with a lower bound."""
    raw = _raw(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"环境变量 {name} 的值 {raw!r} 不是整数") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"环境变量 {name} 的值 {value} 小于允许的最小值 {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated list."""
    raw = _raw(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    """Read a filesystem path (created later by whoever needs it)."""
    raw = _raw(name)
    return Path(raw).expanduser().resolve() if raw else default


def env_str(name: str, default: str) -> str:
    raw = _raw(name)
    return default if raw is None or raw == "" else raw


@dataclass(frozen=True)
class PostgresUrl:
    name: str
    user: str
    password: str
    host: str
    port: int


def parse_database_url(name: str, raw: str) -> PostgresUrl:
    """Parse ``postgres://user:pass@host:port/dbname`` (also ``postgresql://``)."""
    try:
        parts = urlsplit(raw)
        port = parts.port or 5432
    except ValueError as exc:
        raise ImproperlyConfigured(f"环境变量 {name} 无法解析：{exc}") from None
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"环境变量 {name} 只支持 postgres:// 或 postgresql:// 地址，收到 {parts.scheme!r}；"
            "不设置则使用 SQLite"
        )
    db_name = unquote(parts.path.lstrip("/"))
    if not db_name:
        raise ImproperlyConfigured(
            f"环境变量 {name} 缺少数据库名（例如 postgres://127.0.0.1/fazhi）"
        )
    return PostgresUrl(
        name=db_name,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        host=parts.hostname or "",
        port=port,
    )
