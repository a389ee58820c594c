"""Build expensive test data once, restore it per test as plain rows.

:func:`capture` runs a builder inside a transaction that is rolled back, and keeps every table the
builder changed as raw rows (all columns, exactly as stored), both before and after. A test then
calls :meth:`Snapshot.restore` instead of the builder: one ``DELETE`` and one bulk ``INSERT``
per changed table, in the test's own transaction (rolled back after the test), which takes a
few milliseconds where building through the audited services takes up to many seconds.
:class:`Builder` does this for a fixture: it captures on first use and restores after.

The restored database is the one the builder would have written, as long as the builder would
have started from the same state; :meth:`Snapshot.applies` checks that (else the builder runs):

- the clock: the same day, or the same instant if ``time_machine`` froze it (``tick=False``);
  never a travelling clock that ticks. The rows carry the capture's timestamps, as a build at
  the start of the test would;
- the changed tables hold what they held before the build (no earlier fixture wrote to them);
- the settings are those of the capture (every test has the fast password hasher and runs
  background jobs immediately, set by the autouse fixtures in conftest.py; :data:`TEST_SETTINGS`
  applies the same during a capture). A lazy setting (django-axes' username field) is compared by
  its value, evaluated or not.

Works on SQLite and PostgreSQL alike:

- raw values: on SQLite each column is read as ``+"col"`` (the no-op unary plus), so Django's
  type converters never run and the stored text, numbers and blobs go back unchanged; on
  PostgreSQL the driver's Python values round-trip through the same column types;
- foreign keys: Django creates them ``DEFERRABLE INITIALLY DEFERRED`` on both, so the order in
  which tables are restored does not matter inside the transaction;
- append-only tables: the audit table's triggers refuse DELETE, so :meth:`Snapshot.restore`
  drops and re-creates them around its writes, in its transaction;
- ids: the rows keep their ids. On PostgreSQL the rolled-back build already advanced every
  sequence past them (sequences are not transactional); on SQLite an explicit id moves the
  ``AUTOINCREMENT`` counter. New rows written by a test therefore never collide.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from time_machine import escape_hatch

from fazhi.core import audit_guard

T = TypeVar("T")
K = TypeVar("K")
#: What a snapshot depends on of the clock (see :func:`_clock`).
Clock = tuple[str, Any] | None
SKIPPED_TABLES = frozenset({"django_migrations"})
#: The settings every test runs with (tests/conftest.py's autouse fixtures).
TEST_SETTINGS: dict[str, Any] = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
}


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class Snapshot(Generic[T]):
    """What a builder returned, and the tables it changed (their content before and after)."""

    value: T
    tables: tuple[Table, ...]
    before: tuple[Table, ...]
    settings: tuple[tuple[str, str], ...]
    clock: Clock

    def applies(self) -> bool:
        """Whether the builder, run now, would start from the state it was captured from."""
        if self.clock is None or _clock() != self.clock:
            return False
        if _settings() != self.settings:
            return False
        with connection.cursor() as cursor:
            return all(_bag(_read(cursor, t.name).rows) == _bag(t.rows) for t in self.before)

    def restore(self) -> T:
        """Write the changed tables back (call inside a transaction that will be rolled back).

        The audit table refuses DELETE (append-only triggers, fazhi/core/audit_guard.py): its
        triggers are suspended for the restore, inside the same transaction."""
        qn = connection.ops.quote_name
        guarded = any(table.name == audit_guard.TABLE for table in self.tables)
        unguard = audit_guard.suspended(connection) if guarded else nullcontext()
        with transaction.atomic(), unguard, connection.cursor() as cursor:
            for table in self.tables:
                cursor.execute(f"DELETE FROM {qn(table.name)}")
                if table.rows:
                    columns = ", ".join(qn(c) for c in table.columns)
                    marks = ", ".join(["%s"] * len(table.columns))
                    cursor.executemany(
                        f"INSERT INTO {qn(table.name)} ({columns}) VALUES ({marks})",
                        list(table.rows),
                    )
        return self.value


def restore_or_build(snapshot: Snapshot[T], build: Callable[[], T]) -> T:
    """The snapshot restored if it applies, else ``build()`` run for real."""
    return snapshot.restore() if snapshot.applies() else build()


def capture(build: Callable[[], T]) -> Snapshot[T]:
    """Run ``build()`` (with :data:`TEST_SETTINGS`) in a rolled-back transaction; keep its value
    and the tables it changed."""
    with override_settings(**TEST_SETTINGS):
        fingerprint = _settings()
        clock = _clock()
        with transaction.atomic():
            before = _read_all()
            value = build()
            after = _read_all()
            transaction.set_rollback(True)
    changed = [
        name
        for name, table in after.items()
        if name not in before or _bag(table.rows) != _bag(before[name].rows)
    ]
    return Snapshot(
        value=value,
        tables=tuple(after[name] for name in changed),
        before=tuple(before[name] for name in changed if name in before),
        settings=fingerprint,
        clock=clock,
    )


class Builder(Generic[T, K]):
    """A fixture's builder, captured the first time it runs from a given state and restored
    after (a few snapshots per clock). ``keep`` turns what ``build`` returns into what the
    snapshot keeps (plain data, e.g. primary keys), ``load`` turns that back for each test."""

    SNAPSHOTS_PER_CLOCK = 3

    def __init__(
        self, build: Callable[[], T], keep: Callable[[T], K], load: Callable[[K], T]
    ) -> None:
        self.build, self.keep, self.load = build, keep, load
        self.snapshots: dict[Clock, list[Snapshot[K]]] = {}

    def __call__(self) -> T:
        clock = _clock()
        if clock is None:
            return self.build()
        snapshots = self.snapshots.setdefault(clock, [])
        for snapshot in snapshots:
            if snapshot.applies():
                return self.load(snapshot.restore())
        if len(snapshots) >= self.SNAPSHOTS_PER_CLOCK:
            return self.build()
        snapshot = capture(lambda: self.keep(self.build()))
        snapshots.append(snapshot)
        return self.load(snapshot.restore())


def _clock() -> Clock:
    """The day, or the instant ``time_machine`` froze the clock at; None if it travels ticking."""
    if not escape_hatch.is_travelling():
        return ("day", timezone.localdate().isoformat())
    frozen = time.time_ns()
    real = escape_hatch.time.time_ns()
    while escape_hatch.time.time_ns() == real:  # let real time pass
        pass
    return ("frozen", frozen) if time.time_ns() == frozen else None


def _settings() -> tuple[tuple[str, str], ...]:
    names = sorted({name for name in dir(settings) if name.isupper()})
    return tuple((name, _setting_repr(getattr(settings, name))) for name in names)


def _setting_repr(value: Any) -> str:
    """The setting's repr; a lazy object's by its value (its repr shows whether it was evaluated
    yet, e.g. django-axes' AXES_USERNAME_FORM_FIELD after the first login)."""
    if isinstance(value, LazyObject):
        if value._wrapped is empty:
            value._setup()
        return repr(value._wrapped)
    return repr(value)


def _read(cursor: Any, table: str) -> Table:
    qn = connection.ops.quote_name
    cursor.execute(f"SELECT * FROM {qn(table)} WHERE 1 = 0")
    columns = tuple(d[0] for d in cursor.description)
    if connection.vendor == "sqlite":
        select = ", ".join(f"+{qn(c)}" for c in columns)  # raw stored values, no converters
    else:
        select = ", ".join(qn(c) for c in columns)
    cursor.execute(f"SELECT {select} FROM {qn(table)}")
    return Table(table, columns, tuple(tuple(row) for row in cursor.fetchall()))


def _read_all() -> dict[str, Table]:
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        return {name: _read(cursor, name) for name in names if name not in SKIPPED_TABLES}


def _bag(rows: tuple[tuple[Any, ...], ...]) -> Counter[Any]:
    """The rows as a multiset (tables need not have a key, nor any order)."""
    try:
        return Counter(rows)
    except TypeError:  # an unhashable column value (e.g. a list): compare the reprs
        return Counter(repr(row) for row in rows)
