"""Append-only in the database itself: triggers that refuse UPDATE and DELETE of audit entries.

``AuditEntry.save()``/``delete()`` already refuse in Python, but a queryset ``update()``, a
bulk delete or raw SQL would not pass through them. These triggers (installed by migration
``core.0005_audit_append_only``) make the database refuse every UPDATE and DELETE of
``core_auditentry`` (and TRUNCATE on PostgreSQL), whoever sends it, with a Chinese message.

They are not a barrier against the database owner, who can drop them: that case is what the
keyed chain and the anchors kept elsewhere detect (``fazhi audit verify --anchor``). They keep
a mistake, an injected statement or an over-eager clean-up from rewriting the log.

:func:`suspended` drops and re-creates them inside one transaction (DDL is transactional on
SQLite and PostgreSQL), for the test suite's fixtures that restore or flush whole tables and for
tests that play a tamperer with database access. Nothing in the application calls it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "core_auditentry"
REFUSED = "审计日志只能追加，不能修改或删除（网络安全法第二十一条、GB/T 22239-2019 安全审计）"

_SQLITE_CREATE = [
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END",
]
_SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_delete",
]
_PG_FUNCTION = (
    f"CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN RAISE EXCEPTION '{REFUSED}' USING ERRCODE = 'integrity_constraint_violation'; END $$"
)
_PG_CREATE = [
    f"CREATE TRIGGER {TABLE}_no_change BEFORE UPDATE OR DELETE ON {TABLE} "
    f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()",
    f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_append_only()",
]
_PG_DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_change ON {TABLE}",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
]


def create_statements(vendor: str) -> list[str]:
    """SQL that installs the triggers on a database of ``vendor`` (none for other vendors)."""
    if vendor == "sqlite":
        return list(_SQLITE_CREATE)
    if vendor == "postgresql":
        return [_PG_FUNCTION, *_PG_DROP, *_PG_CREATE]
    return []


def drop_statements(vendor: str, *, function: bool = False) -> list[str]:
    """SQL that removes the triggers (and, with ``function``, PostgreSQL's trigger function)."""
    if vendor == "sqlite":
        return list(_SQLITE_DROP)
    if vendor == "postgresql":
        return [
            *_PG_DROP,
            *([f"DROP FUNCTION IF EXISTS {TABLE}_append_only()"] if function else []),
        ]
    return []


def _run(connection: BaseDatabaseWrapper, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install(connection: BaseDatabaseWrapper) -> None:
    _run(connection, create_statements(connection.vendor))


def remove(connection: BaseDatabaseWrapper) -> None:
    _run(connection, drop_statements(connection.vendor))


def installed(connection: BaseDatabaseWrapper) -> bool:
    """Whether the triggers are in place (for the tests and ``fazhi audit verify``)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [TABLE],
            )
            return bool(cursor.fetchone()[0] == len(_SQLITE_CREATE))
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [TABLE],
            )
            return bool(cursor.fetchone()[0] == len(_PG_CREATE))
    return False


@contextmanager
def suspended(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Drop the triggers, run the block, re-create them — all in one transaction, so no other
    connection ever sees the table unguarded. Test fixtures only (see the module docstring)."""
    with transaction.atomic(using=connection.alias):
        present = installed(connection)
        if present:
            remove(connection)
        yield
        if present:
            install(connection)


def run_unguarded(connection: BaseDatabaseWrapper, statements: list[str], *args: Any) -> None:
    """Execute ``statements`` with the triggers suspended (a tamperer in the tests)."""
    with suspended(connection), connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, *args)
