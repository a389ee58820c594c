"""PostgreSQL ingest (issue 17 §5, §6): one transaction around one COPY straight into the
record table. Another session sees none of the batch until it is committed, and a killed
ingest (its connection dropped mid-COPY, as when the process dies) leaves nothing; the
cleanup then marks its batch failed. Committed data (``transaction=True``): the other session
must see the units and officers, and must not see the batch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.db import Error as DatabaseBaseError
from django.db import connection

from fazhi.enforcement_data.ingest import ingest_file, staging_cleanup
from fazhi.enforcement_data.models import BatchStatus, IngestBatch, Record, StagedRecord

from .conftest import Setup, WriteCsv, numbered

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def other() -> Iterator[Any]:
    """A second session on the test database (autocommit: each query sees what is committed)."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    with psycopg.connect(**params, autocommit=True) as session:
        yield session


def count(session: Any, sql: str) -> int:
    with session.cursor() as cursor:
        cursor.execute(sql)
        return int(cursor.fetchone()[0])


def test_a_batch_is_invisible_to_other_sessions_until_committed(
    setup: Setup, write_csv: WriteCsv, other: Any, settings: Any
) -> None:
    settings.FAZHI_ENFORCEMENT_BATCH = 2
    seen: list[tuple[int, int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((
            done,
            Record.objects.count(),  # this session: its own rows so far
            count(other, "SELECT count(*) FROM enforcement_data_record"),  # others: none
        ))  # fmt: skip

    path = write_csv(numbered(5))
    result = ingest_file(actor=setup.county.actor("dept_clerk"), path=path, progress=progress)
    assert result.ok and result.loaded == 5
    assert seen == [(2, 2, 0), (4, 4, 0), (5, 5, 5)]  # the last call: after the COMMIT
    assert count(other, "SELECT count(*) FROM enforcement_data_record") == 5
    assert not StagedRecord.objects.exists()  # nothing staged on PostgreSQL


def test_an_ingest_killed_mid_copy_leaves_nothing(
    setup: Setup, write_csv: WriteCsv, other: Any, settings: Any
) -> None:
    settings.FAZHI_ENFORCEMENT_BATCH = 2
    pid = {"backend": 0}

    def die(done: int, total: int) -> None:
        if done == 4:  # two flushed batches written, uncommitted: the backend is killed
            pid["backend"] = connection.connection.info.backend_pid
            count(other, f"SELECT count(*) FROM pg_terminate_backend({pid['backend']})")

    with pytest.raises(
        (DatabaseBaseError, psycopg.Error)
    ):  # the dead connection (via Django or the raw COPY)
        ingest_file(
            actor=setup.county.actor("dept_clerk"), path=write_csv(numbered(7)), progress=die
        )
    assert pid["backend"]
    connection.close()  # the dead connection; the next query opens a new one
    assert count(other, "SELECT count(*) FROM enforcement_data_record") == 0
    assert not Record.objects.exists()
    batch = IngestBatch.objects.get()
    if batch.status == BatchStatus.RUNNING:  # the process died before it could say so
        staging_cleanup(older_than=dt.timedelta(0))
    assert IngestBatch.objects.get().status == BatchStatus.FAILED
