"""Monthly facts after a single write: add the written row's change instead of recomputing.

A fact row is a sum over the register rows of its (definition, unit, month) key, so when one row
is written, the row's own contribution to each key — read before and after the write with the
same aggregates the rebuild uses, grouped by the row — is all that changes. The change is added
to the leaf rows and to the rollup rows above them in one ``INSERT … ON CONFLICT DO UPDATE``
(PostgreSQL and SQLite ≥ 3.24 write it the same way); a row brought back to zero is deleted, as
a rebuild would not have it (a rollup row only when no leaf row under it is left). Cost of one
transition's write: the facts state read (with its row lock, once per transaction), the row's
contributions before and after (one query each, none before a create), one upsert, and a delete
only when a key drops to nothing (issue 15: it was about twelve queries).

The result is exactly the rebuild's (``facts_check``), under these conditions, else
:mod:`fazhi.metrics.facts` recomputes the keys as before:

- inside a transaction, where the facts state rows are locked before the first snapshot, so no
  other writer changes the rows between the two snapshots (on SQLite the write lock does it);
- the signal pairs do not overlap: a ``pre_save`` / ``pre_delete`` arriving while another write's
  pair is open (a cascade delete sends every ``pre_delete`` first; a receiver writing other
  register rows inside a save) turns every open write into a recomputation of its keys;
- watches through a link to another row (``litigation_cases__isnull``) are recomputed.

The watches (which definitions read which model) are kept per process, keyed on the facts state
rows (definition id and build time, read under the lock in every transaction) and on a local
generation that :func:`forget_watches` bumps whenever a definition or its facts change here. A
definition changed by another app server deletes and re-creates its state row with a new build
time, so the key changes there too.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import TruncMonth

from fazhi.metrics import engine
from fazhi.metrics.models import MetricDefinition, MetricFact, MetricFactState

#: (definition id, unit id, month) → [numerator, denominator]
Sums = dict[tuple[int, int, dt.date], list[Decimal]]
Version = tuple[int, tuple[tuple[int, Any], ...]]

_GENERATION = [0]
_WATCHES: dict[tuple[type[models.Model], Version], list[Any]] = {}


def forget_watches() -> None:
    """A definition or its facts state changed in this process: read the watches again."""
    _GENERATION[0] += 1
    _WATCHES.clear()


# --- the facts state, locked once per transaction -------------------------------------------
@dataclass
class _Mark:
    generation: int
    hook: Callable[[], None]
    version: Version


def locked_version() -> Version | None:
    """The built definitions (id, build time), their state rows locked until the end of the
    current transaction; read once per transaction. None outside a transaction."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        return None
    mark: _Mark | None = getattr(conn, "_fz_facts_mark", None)
    if (
        mark is not None
        and mark.generation == _GENERATION[0]
        and any(item[1] is mark.hook for item in conn.run_on_commit)
    ):
        return mark.version  # still this transaction (the hook leaves on commit or rollback)
    rows = MetricFactState.objects.select_for_update().order_by("pk")
    version: Version = (_GENERATION[0], tuple(rows.values_list("pk", "built_at")))

    def hook() -> None:
        pass

    transaction.on_commit(hook)
    conn._fz_facts_mark = _Mark(_GENERATION[0], hook, version)
    return version


def watches_for(
    sender: type[models.Model], version: Version, read: Callable[[], list[Any]]
) -> list[Any]:
    key = (sender, version)
    if key not in _WATCHES:
        if len(_WATCHES) > 200:
            _WATCHES.clear()
        _WATCHES[key] = read()
    return _WATCHES[key]


def relevant(watch: Any, update_fields: Iterable[str] | None) -> bool:
    """Whether a save of only ``update_fields`` can change what ``watch`` reads."""
    if update_fields is None:
        return True
    names = set(update_fields)
    if watch.pointer is not None:
        read = {watch.pointer}
    elif watch.via is None:
        read = {p.split("__")[0] for p in watch.paths}
    else:
        prefix = f"{watch.via}__"
        read = {p[len(prefix) :].split("__")[0] for p in watch.paths if p.startswith(prefix)}
    return bool(names & (read | {f"{name}_id" for name in read}))


# --- overlapping signal pairs -----------------------------------------------------------------
@dataclass
class Pending:
    """A single write between its ``pre_*`` and ``post_*`` signals."""

    version: Version
    entries: list[tuple[Any, Any]] = field(default_factory=list)
    tainted: bool = False


_OPEN: ContextVar[dict[int, tuple[weakref.ref[models.Model], Pending]] | None] = ContextVar(
    "fazhi_facts_open", default=None
)


def opened(instance: models.Model, pending: Pending) -> None:
    """Record an open write; another one still open taints both (they overlap). A write whose
    save failed stays open until its instance is gone: meanwhile writes are recomputed."""
    table = _OPEN.get()
    if table is None:
        table = {}
        _OPEN.set(table)
    for key, (ref, _) in list(table.items()):
        if ref() is None or key == id(instance):
            del table[key]
    if table:
        pending.tainted = True
        for _, other in table.values():
            other.tainted = True
    table[id(instance)] = (weakref.ref(instance), pending)


def closed(instance: models.Model) -> None:
    table = _OPEN.get()
    if table is not None:
        table.pop(id(instance), None)


# --- contributions -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Contributions:
    """Per definition, unit and month, what the watched rows add to the facts; the units' paths."""

    sums: Sums
    paths: dict[int, str]


def _decimal(value: Any) -> Decimal:
    if value is None:
        return Decimal(0)
    return value if isinstance(value, Decimal) else Decimal(str(value))


def contributions(watch: Any, lookup: Mapping[str, Any], *, per_row: bool = True) -> Contributions:
    """The watched rows matching ``lookup``: each one's numerator and denominator per
    definition, from the aggregates the rebuild uses (one query; ``per_row`` False: grouped
    by unit and month only, for many rows at once)."""
    groups: dict[tuple[str, str], list[MetricDefinition]] = defaultdict(list)
    for d, _ in watch.definitions:
        groups[(d.unit_field, d.period_field)].append(d)
    keys: dict[str, Any] = {}
    aggregates: dict[str, Any] = {}
    plan: list[tuple[str, list[tuple[MetricDefinition, str]]]] = []
    for gi, ((unit_field, period_field), members) in enumerate(groups.items()):
        g = f"fz{gi}"
        keys |= {
            f"{g}_u": F(unit_field),
            f"{g}_p": F(f"{unit_field}__path"),
            f"{g}_m": TruncMonth(period_field),
        }
        aliases = []
        for di, d in enumerate(members):
            aggregates |= engine.aggregates(d, None, f"{g}_{di}")
            aliases.append((d, f"{g}_{di}"))
        plan.append((g, aliases))
    rows = (
        watch.model._default_manager.filter(**lookup)
        .values(*(("pk",) if per_row else ()), **keys)
        .annotate(**aggregates)
        .order_by()
    )
    sums: Sums = {}
    paths: dict[int, str] = {}
    for row in rows:
        for g, aliases in plan:
            unit, month = row[f"{g}_u"], row[f"{g}_m"]
            if unit is None or month is None:
                continue
            if isinstance(month, dt.datetime):
                month = month.date()
            paths[unit] = row[f"{g}_p"]
            for d, alias in aliases:
                found = sums.setdefault((d.pk, unit, month), [Decimal(0), Decimal(0)])
                found[0] += _decimal(row[f"{alias}_n"])
                found[1] += _decimal(row.get(f"{alias}_d"))
    return Contributions(sums, paths)


def keys_of(found: Contributions) -> Iterable[tuple[int, int, dt.date]]:
    return found.sums.keys()


# --- applying the change -----------------------------------------------------------------------
def apply(
    before: Contributions,
    after: Contributions,
    root_of: Callable[[str], tuple[int, str]],
    slots_of: Callable[[str], tuple[int | None, ...]],
) -> None:
    """Add ``after − before`` to the leaf and rollup fact rows; delete rows left at zero."""
    paths = before.paths | after.paths
    change: dict[tuple[int, bool, int, dt.date], list[Any]] = {}
    for key in set(before.sums) | set(after.sums):
        old = before.sums.get(key, [Decimal(0), Decimal(0)])
        new = after.sums.get(key, [Decimal(0), Decimal(0)])
        num, den = new[0] - old[0], new[1] - old[1]
        if not num and not den:
            continue
        definition, unit, month = key
        root, root_path = root_of(paths[unit])
        for rollup, target, path in ((False, unit, paths[unit]), (True, root, root_path)):
            row = change.setdefault((definition, rollup, target, month), [0, 0, path])
            row[0] += num
            row[1] += den
    items = [(key, row) for key, row in change.items() if row[0] or row[1]]
    if items:
        _upsert(items, slots_of)


#: Above this many changed keys, PostgreSQL takes them by COPY into a temporary table and one
#: ``INSERT … SELECT … ON CONFLICT`` (a bulk ingest's batch changes some 10⁵ keys).
COPY_ABOVE = 2000


def _upsert_copy(
    items: list[tuple[tuple[int, bool, int, dt.date], list[Any]]],
    slots_of: Callable[[str], tuple[int | None, ...]],
) -> list[tuple[int, bool]]:
    """(PostgreSQL) :func:`_upsert` for many keys: COPY, then one statement. Returns the rows
    left at zero."""
    qn = connection.ops.quote_name
    table = qn(MetricFact._meta.db_table)
    slots = [f"unit_d{i}" for i in range(len(slots_of("/")))]
    columns = ["definition_id", "rollup", "unit_id", "month", "num", "den", *slots]
    temp = "fz_fact_delta"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {temp}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {temp} AS SELECT {', '.join(columns)} FROM {table} "
            "WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY {temp} ({', '.join(columns)}) FROM STDIN") as copy:
            for (definition, rollup, unit, month), (num, den, path) in items:
                copy.write_row((definition, rollup, unit, month, num, den, *slots_of(path)))
        names = ", ".join(qn(c) for c in columns)
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM {temp} "
            f"ON CONFLICT (definition_id, rollup, unit_id, month) DO UPDATE SET "
            f"num = ROUND({table}.num + excluded.num, 6), den = {table}.den + excluded.den "
            "RETURNING id, rollup, num, den"
        )
        zero = [(pk, bool(r)) for pk, r, n, d in cursor.fetchall() if not n and not d]
        cursor.execute(f"DROP TABLE {temp}")
    return zero


def _upsert(
    items: list[tuple[tuple[int, bool, int, dt.date], list[Any]]],
    slots_of: Callable[[str], tuple[int | None, ...]],
) -> None:
    if connection.vendor == "postgresql" and len(items) > COPY_ABOVE:
        left = _upsert_copy(items, slots_of)
        if left:
            _delete_zero(left)
        return
    meta = MetricFact._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    table = qn(meta.db_table)
    returning = connection.features.can_return_rows_from_bulk_insert
    per_chunk = max(1, (connection.features.max_query_params or 30000) // len(fields))
    zero: list[tuple[int, bool]] = []
    for start in range(0, len(items), per_chunk):
        chunk = items[start : start + per_chunk]
        params: list[Any] = []
        for (definition, rollup, unit, month), (num, den, path) in chunk:
            fact = MetricFact(
                definition_id=definition, unit_id=unit, month=month, rollup=rollup, num=num, den=den
            )
            for depth, value in enumerate(slots_of(path)):
                setattr(fact, f"unit_d{depth}", value)
            params += [f.get_db_prep_save(getattr(fact, f.attname), connection) for f in fields]
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        num_col, den_col = qn("num"), qn("den")
        conflict = ", ".join(qn(c) for c in ("definition_id", "rollup", "unit_id", "month"))
        sql = (
            f"INSERT INTO {table} ({', '.join(qn(f.column) for f in fields)}) "
            f"VALUES {', '.join([row] * len(chunk))} "
            f"ON CONFLICT ({conflict}) DO UPDATE SET "
            f"{num_col} = ROUND({table}.{num_col} + excluded.{num_col}, 6), "
            f"{den_col} = {table}.{den_col} + excluded.{den_col}"
        )
        if returning:
            sql += f" RETURNING {qn('id')}, {qn('rollup')}, {num_col}, {den_col}"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            if returning:
                zero += [(pk, bool(r)) for pk, r, n, d in cursor.fetchall() if not n and not d]
    if not returning and any(num < 0 or den < 0 for _, (num, den, _) in items):
        keys = Q()
        for (definition, rollup, unit, month), _ in items:
            keys |= Q(definition_id=definition, rollup=rollup, unit_id=unit, month=month)
        found = MetricFact.objects.filter(keys, num=0, den=0).values_list("pk", "rollup")
        zero = list(found)
    if zero:
        _delete_zero(zero)


def _delete_zero(zero: list[tuple[int, bool]]) -> None:
    """Delete the zero rows: a leaf always (a rebuild skips empty keys), a rollup when no leaf
    row under it is left."""
    from fazhi.metrics.facts import _rollup_key

    leaves = [pk for pk, rollup in zero if not rollup]
    under = (
        MetricFact.objects.filter(
            definition_id=OuterRef("definition_id"), rollup=False, month=OuterRef("month")
        )
        .exclude(pk__in=leaves)
        .annotate(fz_root=_rollup_key())
        .filter(fz_root=OuterRef("unit_id"))
    )
    MetricFact.objects.filter(pk__in=[pk for pk, _ in zero]).filter(
        Q(rollup=False) | ~Exists(under)
    ).delete()
