"""The records table partitioned by year on PostgreSQL (migration 0003, ``fazhi
enforcement_partitions``, the sweep part); on SQLite the command says there is nothing to do.
Issue 17 §6."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from tests.enforcement_data.conftest import Setup

from fazhi.enforcement_data import partitions as p
from fazhi.enforcement_data.models import Kind, Record

pytestmark = pytest.mark.django_db
POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="declarative partitioning exists on PostgreSQL only (SQLite: one plain table)",
)


def _record(setup: Setup, year: int, n: int = 1) -> Record:
    decided = dt.date(year, 3, n)
    return Record.objects.create(
        year=year,
        unit=setup.county.dept,
        subject=setup.dept_subject,
        kind=Kind.PENALTY,
        case_number=f"湘司罚〔{year}〕{n}号",
        decided_on=decided,
    )


def _partition_of(record: Record) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {p.TABLE} WHERE id = %s", [record.pk])
        return str(cursor.fetchone()[0])


def _run(*args: str) -> str:
    out = StringIO()
    call_command("enforcement_partitions", *args, stdout=out)
    return out.getvalue()


@POSTGRES_ONLY
def test_the_table_is_partitioned_by_year_with_a_default_partition() -> None:
    assert p.is_partitioned()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_partkeydef(%s::regclass), pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c WHERE c.conrelid = %s::regclass AND c.contype = 'p'",
            [p.TABLE, p.TABLE],
        )
        assert cursor.fetchone() == ("RANGE (year)", "PRIMARY KEY (id, year)")
        cursor.execute(  # the indexes Django declares are on the parent (0003 carried them over)
            "SELECT indexname FROM pg_indexes WHERE tablename = %s", [p.TABLE]
        )
        names = {name for (name,) in cursor.fetchall()}
        # the primary key, (unit, decided_on), decided_on, unit_d1…3 and the partial index of
        # the 涉企 inspections: 0004_record_indexes (13 before it)
        assert len(names) == 7 and {"enf_rec_unit_day_idx", "enf_rec_inspect_idx"} <= names
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            [p.TABLE],
        )
        assert cursor.fetchone()[0] == 0  # no database foreign keys since 0004 (the README)
    bounds = p.partitions()
    assert bounds[p.DEFAULT_PARTITION] == "DEFAULT"
    assert bounds[p.partition_name(2019)] == "FOR VALUES FROM ('2019') TO ('2020')"
    assert p.partition_name(2027) in bounds  # the year after the migration ran (2026)


@POSTGRES_ONLY
def test_rows_land_in_their_years_partition(setup: Setup) -> None:
    assert _partition_of(_record(setup, 2025)) == p.partition_name(2025)
    assert _partition_of(_record(setup, 2019)) == p.partition_name(2019)
    old = _record(setup, 2018)
    assert _partition_of(old) == p.DEFAULT_PARTITION
    # the ORM works as on a plain table: get, update, delete by id
    old.cause = "改"
    old.save()
    assert Record.objects.get(pk=old.pk).cause == "改"
    Record.objects.filter(pk=old.pk).delete()
    assert not Record.objects.filter(pk=old.pk).exists()


@POSTGRES_ONLY
def test_the_command_is_idempotent() -> None:
    before = p.partitions()
    first = _run("--year", "2040", "--ahead", "2")
    assert first.splitlines() == [
        "已建立 2040 年度分区 enforcement_data_record_y2040",
        "已建立 2041 年度分区 enforcement_data_record_y2041",
        "已建立 2042 年度分区 enforcement_data_record_y2042",
    ]
    after = p.partitions()
    assert set(after) - set(before) == {p.partition_name(y) for y in (2040, 2041, 2042)}
    second = _run("--year", "2040", "--ahead", "2")
    assert second.splitlines()[0] == "2040 年度分区已存在（enforcement_data_record_y2040）"
    assert p.partitions() == after
    assert "年度分区已存在" in _run("--year", "2019", "--ahead", "0")  # made by the migration


@POSTGRES_ONLY
def test_a_new_partition_takes_its_rows_out_of_the_default_partition(setup: Setup) -> None:
    rows = [_record(setup, 2045, n) for n in (1, 2, 3)]
    other = _record(setup, 2046)
    assert {_partition_of(r) for r in rows} == {p.DEFAULT_PARTITION}
    total = Record.objects.count()
    out = _run("--year", "2045", "--ahead", "0")
    assert "已建立 2045 年度分区 enforcement_data_record_y2045，并从默认分区移入 3 条记录" in out
    assert {_partition_of(r) for r in rows} == {p.partition_name(2045)}
    assert _partition_of(other) == p.DEFAULT_PARTITION  # other years stay
    assert Record.objects.count() == total
    assert Record.objects.get(pk=rows[0].pk).case_number == rows[0].case_number  # same ids


@POSTGRES_ONLY
def test_the_daily_sweep_part_keeps_next_years_partition() -> None:
    assert p.sweep(dt.date(2049, 6, 1)) == "新建执法数据年度分区 2049、2050"
    assert p.sweep(dt.date(2049, 6, 2)) == ""


def test_bad_arguments_are_refused_in_chinese() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="参数 --ahead"):
        _run("--ahead", "-1")


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite answer")
def test_on_sqlite_there_is_nothing_to_partition() -> None:
    assert not p.is_partitioned()
    assert p.ensure_partitions([2030]) == []
    assert p.sweep(dt.date(2030, 1, 1)) == ""
    assert "不分区，无需操作" in _run()
