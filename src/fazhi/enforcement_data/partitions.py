"""Yearly partitions of ``enforcement_data_record`` on PostgreSQL (issue 17 §6).

Migration ``0003_partition_by_year`` makes the table ``PARTITION BY RANGE (year)`` with a
DEFAULT partition and one partition per year (2019 to the year after the migration ran).
:func:`ensure_partitions` adds the partitions of later years; it is idempotent, detaches
nothing, and when the DEFAULT partition already holds rows of a year it moves them into the new
partition in the same transaction (PostgreSQL refuses to create a partition while DEFAULT holds
rows of its range). Run by ``fazhi enforcement_partitions`` (yearly, cron in docs/DEPLOY.md) and
by :func:`sweep` (a daily ``fazhi sweep_deadlines`` part that makes sure next year's partition
exists before 1 January). On SQLite nothing is partitioned and these functions do nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction

from fazhi.core.services import audit_append
from fazhi.orgs.scoping import Actor

TABLE = "enforcement_data_record"
DEFAULT_PARTITION = f"{TABLE}_default"
#: Partitions are kept this many years ahead of the current one.
AHEAD = 1


def partition_name(year: int) -> str:
    return f"{TABLE}_y{year}"


@dataclass(frozen=True)
class PartitionResult:
    year: int
    name: str
    created: bool  # False: it existed already
    moved: int  # rows moved out of the DEFAULT partition


def is_partitioned() -> bool:
    """Whether the records table is a partitioned table (PostgreSQL after migration 0003)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relkind FROM pg_class c WHERE c.oid = to_regclass(%s)", [TABLE])
        row = cursor.fetchone()
    return row is not None and row[0] == "p"


def partitions() -> dict[str, str]:
    """Partition name → its bound (``FOR VALUES FROM ('2025') TO ('2026')`` or ``DEFAULT``)."""
    if not is_partitioned():
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, pg_get_expr(c.relpartbound, c.oid)
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = %s::regclass ORDER BY c.relname
            """,
            [TABLE],
        )
        return dict(cursor.fetchall())


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _covered(cursor: object, year: int) -> bool:
    """Whether a partition other than DEFAULT holds ``year`` (whatever its name)."""
    cursor.execute(  # type: ignore[attr-defined]
        """
        SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = %s::regclass
          AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'
          AND (regexp_match(pg_get_expr(c.relpartbound, c.oid),
                            'FROM \\(''?(\\d+)''?\\) TO \\(''?(\\d+)''?\\)'))[1]::int <= %s
          AND (regexp_match(pg_get_expr(c.relpartbound, c.oid),
                            'FROM \\(''?(\\d+)''?\\) TO \\(''?(\\d+)''?\\)'))[2]::int > %s
        """,
        [TABLE, year, year],
    )
    return cursor.fetchone() is not None  # type: ignore[attr-defined]


def ensure_partition(year: int) -> PartitionResult:
    """Create the partition of ``year`` if missing, moving that year's rows out of DEFAULT."""
    name = partition_name(year)
    with transaction.atomic(), connection.cursor() as cursor:
        # One creator at a time; writers of the table wait for the few statements below.
        cursor.execute(f"LOCK TABLE {_q(TABLE)} IN SHARE ROW EXCLUSIVE MODE")
        if _covered(cursor, year):
            return PartitionResult(year, name, created=False, moved=0)
        cursor.execute(
            f"CREATE TEMPORARY TABLE enf_partition_move ON COMMIT DROP AS "
            f"SELECT * FROM {_q(DEFAULT_PARTITION)} WHERE year = %s",
            [year],
        )
        moved = cursor.rowcount
        if moved:
            cursor.execute(f"DELETE FROM {_q(DEFAULT_PARTITION)} WHERE year = %s", [year])
        cursor.execute(
            f"CREATE TABLE {_q(name)} PARTITION OF {_q(TABLE)} "
            f"FOR VALUES FROM ({int(year)}) TO ({int(year) + 1})"
        )
        if moved:
            cursor.execute(
                f"INSERT INTO {_q(TABLE)} OVERRIDING SYSTEM VALUE SELECT * FROM enf_partition_move"
            )
        cursor.execute("DROP TABLE enf_partition_move")
        audit_append(
            actor=Actor.command_line(),
            action="enforcement_data.partition_create",
            object_type="enforcement_data.record",
            object_repr=name,
            after={"year": year, "partition": name, "moved_from_default": moved},
        )
    return PartitionResult(year, name, created=True, moved=moved)


def ensure_partitions(years: Iterable[int]) -> list[PartitionResult]:
    """:func:`ensure_partition` for each year (nothing on SQLite or an unpartitioned table)."""
    if not is_partitioned():
        return []
    return [ensure_partition(year) for year in sorted(set(years))]


def sweep(today: dt.date) -> str:
    """Daily sweep part: the partitions of this year and the next exist (idempotent)."""
    created = [r for r in ensure_partitions(range(today.year, today.year + AHEAD + 1)) if r.created]
    if not created:
        return ""
    return "新建执法数据年度分区 " + "、".join(str(r.year) for r in created)


# --- the ORM on a partitioned table ----------------------------------------------------------
#: Tables whose database primary key is (id, year), not Django's ``id`` alone.
PARTITIONED_TABLES = frozenset({TABLE})


def guard_group_by() -> None:
    """Keep Django from grouping a partitioned table's rows by ``id`` alone.

    On PostgreSQL Django reduces ``GROUP BY`` to the primary keys of the selected tables
    (functional dependency). The database primary key of a partitioned table must contain the
    partition key — ``(id, year)`` — so PostgreSQL refuses ``GROUP BY id`` with other columns
    selected ("must appear in the GROUP BY clause"). For those tables the reduction is turned
    off (every selected column is grouped: the same rows, the same result). Idempotent; called
    from the app's ``ready()``.
    """
    from django.db.backends.base.features import BaseDatabaseFeatures

    original = BaseDatabaseFeatures.allows_group_by_selected_pks_on_model
    if getattr(original, "partition_guard", False):
        return

    def allows(self: BaseDatabaseFeatures, model: type) -> bool:
        if model._meta.db_table in PARTITIONED_TABLES:  # type: ignore[attr-defined]
            return False
        return bool(original(self, model))

    allows.partition_guard = True  # type: ignore[attr-defined]
    BaseDatabaseFeatures.allows_group_by_selected_pks_on_model = allows  # type: ignore[method-assign]
