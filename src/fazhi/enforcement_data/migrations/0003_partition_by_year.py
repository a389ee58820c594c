"""PostgreSQL: ``enforcement_data_record`` becomes a table partitioned by year (issue 17 §6).

A province writes about 10,000,000 rows a year here. On PostgreSQL this migration rebuilds the
table as ``PARTITION BY RANGE (year)`` with

* the primary key ``(id, year)`` (a unique constraint of a partitioned table must contain the
  partition key; ``id`` stays the identity column Django reads and writes);
* every column, default, CHECK constraint, index and foreign key the table had before, read
  from the catalogue (so fields and indexes added by earlier migrations of the app are carried
  over; a UNIQUE constraint or index gets ``year`` appended: unique per year);
* a ``DEFAULT`` partition and one partition per year from :data:`FIRST_YEAR` to the year after
  the one the migration runs in. Later years: ``fazhi enforcement_partitions`` (yearly, see
  docs/DEPLOY.md), which also moves rows out of the DEFAULT partition.

Rows already in the table are copied over (normally there are none). The Django state is
unchanged (``Record`` still declares ``id`` as its primary key; nothing in the ORM needs more).
On SQLite nothing happens. The reverse operation rebuilds a plain table with ``id`` as the
primary key.

This migration must stay the app's LAST one: a later ``AddField`` works on a partitioned table,
but a later ``AlterField`` of ``id``/``year`` or a new unique constraint without ``year`` would
not (see the app README).
"""

from __future__ import annotations

import re
from typing import Any

from django.db import migrations
from django.utils import timezone

TABLE = "enforcement_data_record"
PARTITION_KEY = "year"
#: The first year that gets its own partition (older rows land in the DEFAULT partition).
FIRST_YEAR = 2019


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _definitions(cursor: Any, table: str) -> tuple[list[str], list[str], list[str]]:
    """(index definitions, unique constraint definitions, foreign key definitions) of
    ``table`` except its primary key, as SQL that recreates them on ``TABLE``."""
    cursor.execute(
        """
        SELECT i.relname, pg_get_indexdef(x.indexrelid)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = %s::regclass
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
        ORDER BY i.relname
        """,
        [table],
    )
    indexes: list[str] = []
    for _name, definition in cursor.fetchall():
        sql = re.sub(r" ON (ONLY )?\S+ USING ", f" ON {_q(TABLE)} USING ", definition, count=1)
        columns = sql.split(" USING ", 1)[1]
        if definition.startswith("CREATE UNIQUE") and not re.search(
            rf"\b{PARTITION_KEY}\b", columns
        ):
            sql = re.sub(r"\)(\s*(WHERE .*)?)$", rf", {PARTITION_KEY})\1", sql, count=1)
        indexes.append(sql)
    cursor.execute(
        """
        SELECT conname, contype, pg_get_constraintdef(oid)
        FROM pg_constraint WHERE conrelid = %s::regclass AND contype IN ('u', 'f')
        ORDER BY conname
        """,
        [table],
    )
    uniques: list[str] = []
    foreign: list[str] = []
    for name, kind, definition in cursor.fetchall():
        if kind == "u" and not re.search(rf"\b{PARTITION_KEY}\b", definition):
            definition = re.sub(r"\)", f", {PARTITION_KEY})", definition, count=1)
        sql = f"ALTER TABLE {_q(TABLE)} ADD CONSTRAINT {_q(name)} {definition}"
        (uniques if kind == "u" else foreign).append(sql)
    return indexes, uniques, foreign


def _rebuild(schema_editor: Any, *, partitioned: bool) -> None:
    old = f"{TABLE}_old"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = %s::regclass", [TABLE])
        (relkind,) = cursor.fetchone()
        if (relkind == "p") == partitioned:
            return  # already in the wanted shape
        cursor.execute(f"LOCK TABLE {_q(TABLE)} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(f"ALTER TABLE {_q(TABLE)} RENAME TO {_q(old)}")
        indexes, uniques, foreign = _definitions(cursor, old)
        like = (
            f"LIKE {_q(old)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY "
            "INCLUDING COMMENTS INCLUDING STORAGE"
        )
        if partitioned:
            cursor.execute(
                f"CREATE TABLE {_q(TABLE)} ({like}) PARTITION BY RANGE ({PARTITION_KEY})"
            )
            cursor.execute(
                f"CREATE TABLE {_q(TABLE + '_default')} PARTITION OF {_q(TABLE)} DEFAULT"
            )
            for year in range(FIRST_YEAR, timezone.localdate().year + 2):
                cursor.execute(
                    f"CREATE TABLE {_q(f'{TABLE}_y{year}')} PARTITION OF {_q(TABLE)} "
                    f"FOR VALUES FROM ({year}) TO ({year + 1})"
                )
        else:
            cursor.execute(f"CREATE TABLE {_q(TABLE)} ({like})")
        columns = ", ".join(
            _q(c.name)
            for c in schema_editor.connection.introspection.get_table_description(cursor, old)
        )
        cursor.execute(
            f"INSERT INTO {_q(TABLE)} ({columns}) OVERRIDING SYSTEM VALUE "
            f"SELECT {columns} FROM {_q(old)}"
        )
        cursor.execute(f"DROP TABLE {_q(old)}")  # frees the index and constraint names
        key = f"id, {PARTITION_KEY}" if partitioned else "id"
        cursor.execute(f"ALTER TABLE {_q(TABLE)} ADD PRIMARY KEY ({key})")
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])
        (sequence,) = cursor.fetchone()
        if sequence.split(".")[-1].strip('"') != f"{TABLE}_id_seq":
            cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {_q(TABLE + '_id_seq')}")
        for sql in [*indexes, *uniques, *foreign]:
            cursor.execute(sql)
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {_q(TABLE)}), 0) + 1, false)",
            [TABLE],
        )


def partition(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        _rebuild(schema_editor, partitioned=True)


def unpartition(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        _rebuild(schema_editor, partitioned=False)


class Migration(migrations.Migration):
    # The lead re-points this to the app's last migration when merging: it must stay LAST.
    dependencies = [
        ("enforcement_data", "0002_ingest"),
    ]

    operations = [
        migrations.RunPython(partition, unpartition, elidable=False),
    ]
