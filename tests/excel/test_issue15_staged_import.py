"""The bulk path of an import (issue 15, item 3: core/staging.py).

An imported record is built in memory through the same services and declared transitions and
written once per batch. These tests pin that nothing a user or an auditor sees differs from
the one-service-call-at-a-time path: the records, their timelines and suspensions, the history
lines, the audit entries (and the chain), the monthly facts; that a batch costs a few queries,
not a few per row; and that a row someone else registers meanwhile fails the file cleanly.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from tests.excel.helpers import xlsx
from tests.excel.test_excel_reconsideration import ALL_STATES
from tests.personas import County

from fazhi.core import excel, staging
from fazhi.core.models import AuditEntry, RecordEvent
from fazhi.core.selectors import audit_verify
from fazhi.metrics.facts import facts_check
from fazhi.orgs.scoping import Actor
from fazhi.reconsideration import excel as reconsideration_excel
from fazhi.reconsideration import services
from fazhi.reconsideration.excel import import_xlsx
from fazhi.reconsideration.models import ReconsiderationCase, Suspension

VOLATILE = {"id", "number", "created_at", "updated_at"}


def _rows(prefix: str) -> list[dict[str, Any]]:
    return [row | {"复议案号": prefix + str(row["复议案号"])} for row in ALL_STATES]


def _import(county: County, prefix: str) -> excel.ImportResult:
    return import_xlsx(xlsx(_rows(prefix)), actor=Actor.command_line(county.dept), unit=county.dept)


@contextlib.contextmanager
def _one_by_one() -> Iterator[None]:
    """The path without staging: each service call saves at once (as on a form)."""
    original = staging.staged

    @contextlib.contextmanager
    def nothing_staged() -> Iterator[None]:
        yield None

    staging.staged = nothing_staged  # type: ignore[assignment]
    try:
        yield
    finally:
        staging.staged = original


def _plain(value: Any, number: str, prefix: str) -> Any:
    """A stored value with the record's key and its number's prefix taken out."""
    if isinstance(value, dict):
        return {k: _plain(v, number, prefix) for k, v in value.items() if k != "id"}
    if isinstance(value, list):
        return [_plain(v, number, prefix) for v in value]
    if isinstance(value, str):
        return value.replace(prefix, "")
    return value


def _seen(case: ReconsiderationCase, prefix: str) -> dict[str, Any]:
    """Everything stored about one case, as comparable plain data."""
    fields = [f.attname for f in case._meta.concrete_fields if f.name not in VOLATILE]
    oid = str(case.pk)
    history = RecordEvent.objects.filter(
        object_type="reconsideration.reconsiderationcase", object_id=oid
    ).order_by("id")
    audit = AuditEntry.objects.filter(
        object_type="reconsideration.reconsiderationcase", object_id=oid
    ).order_by("seq")
    n = case.number
    return {
        "case": {f: getattr(case, f) for f in fields},
        "events": [(e.kind, e.on, e.note, e.actor_name) for e in case.events.order_by("id")],
        "pauses": [
            (s.ground, s.suspended_on, s.resumed_on, s.limit_due, s.note)
            for s in case.suspensions.order_by("id")
        ],
        "history": [
            (h.action, h.summary, h.actor_name, h.unit_name, _plain(h.changes, n, prefix))
            for h in history
        ],
        "audit": [
            (
                a.action,
                a.actor_name,
                a.unit_code,
                _plain(a.object_repr, n, prefix),
                _plain(a.before, n, prefix),
                _plain(a.after, n, prefix),
            )
            for a in audit
        ],
        "audit_ids": {(a.after or {}).get("id") for a in audit} - {None},
    }


@pytest.mark.django_db
@pytest.mark.parametrize("batch", [500, 2])
def test_the_bulk_path_stores_what_the_one_by_one_path_stores(
    county: County, settings: Any, batch: int
) -> None:
    """In one batch, and in batches of two records (a record's later steps then run in a later
    batch, on the saved row, while that batch stages new records of its own)."""
    settings.FAZHI_IMPORT_BATCH = batch
    assert _import(county, "S").errors == []
    with _one_by_one():
        assert _import(county, "U").errors == []
    for source in ALL_STATES:
        number = str(source["复议案号"])
        bulk = ReconsiderationCase.objects.get(number="S" + number)
        single = ReconsiderationCase.objects.get(number="U" + number)
        seen_bulk, seen_single = _seen(bulk, "S"), _seen(single, "U")
        # The audit entries name the case by its own key (filled in once the row was written).
        assert seen_bulk.pop("audit_ids") == {bulk.pk}
        assert seen_single.pop("audit_ids") == {single.pk}
        for key in seen_bulk:
            assert seen_bulk[key] == seen_single[key], (number, key)
        assert seen_bulk["events"] and seen_bulk["history"] and seen_bulk["audit"]
    assert audit_verify()[1] is None
    assert facts_check()[1] == []


def _savepoint(sql: str) -> bool:
    return sql.split()[0].upper() in {"SAVEPOINT", "RELEASE", "ROLLBACK"}


@pytest.mark.django_db
def test_a_batch_costs_a_few_queries_not_a_few_per_row(county: County) -> None:
    def queries(prefix: str, copies: int) -> tuple[list[str], list[str]]:
        rows = [
            row | {"复议案号": f"{prefix}{i}-{row['复议案号']}"}
            for i in range(copies)
            for row in ALL_STATES
        ]
        data = xlsx(rows)
        with CaptureQueriesContext(connection) as ctx:
            result = import_xlsx(data, actor=Actor.command_line(county.dept), unit=county.dept)
        assert result.errors == []
        sql = [q["sql"] for q in ctx.captured_queries]
        return [q for q in sql if not _savepoint(q)], [q for q in sql if _savepoint(q)]

    small, small_savepoints = queries("A", 1)
    large, large_savepoints = queries("B", 4)
    rows_added = 3 * len(ALL_STATES)
    # One by one, a row cost about 24 statements besides its savepoints. Staged, 33 more rows
    # add a few (the facts' statements grow with the months and units touched, in chunks),
    # not 33 × 24: the reads, INSERTs and UPDATEs are per batch and per table.
    assert len(large) - len(small) <= 8, large[len(small) :]
    writes = [q.split()[0].upper() for q in large]
    assert sum(1 for w in writes if w in {"INSERT", "UPDATE"}) <= 20, writes
    # What is left per row: each service call's savepoints (one row's objection undoes only
    # that row's step, so that every row's errors are reported in one pass).
    assert (len(large_savepoints) - len(small_savepoints)) / rows_added <= 16


@pytest.mark.django_db
def test_a_number_registered_meanwhile_fails_the_file_and_nothing_stays(
    county: County, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone registers 案号 “M审结” while the import runs (after the file was checked): the
    batch's INSERT meets the unique constraint; the import reports it and undoes the batches it
    had committed."""
    settings.FAZHI_IMPORT_BATCH = 2
    services.case_receive(
        actor=county.actor("dept_clerk"),
        unit=county.dept,
        number="M审结",
        received_on=dt.date(2025, 3, 3),
        act_category="penalty",
        respondent=county.town_a,
    )
    before = (ReconsiderationCase.objects.count(), RecordEvent.objects.count())
    # As if the other user's case had been saved after the file's check and the batch's read.
    monkeypatch.setattr(reconsideration_excel, "_check_numbers", lambda rows, unit: [])
    monkeypatch.setattr(services, "_numbers", lambda unit: set())
    result = _import(county, "M")
    assert [str(e) for e in result.errors] == [f"文件：{excel._CONFLICT}"]
    assert (ReconsiderationCase.objects.count(), RecordEvent.objects.count()) == before
    assert AuditEntry.objects.filter(action="import.compensate").exists()  # batches undone
    assert audit_verify()[1] is None
    assert facts_check()[1] == []


@pytest.mark.django_db
def test_pending_records_are_only_pending_inside_the_scope(county: County) -> None:
    case = ReconsiderationCase(unit=county.dept, number="X")
    assert not staging.is_pending(case)
    with transaction.atomic(), staging.staged():
        staging.save_new(case)
        pause = staging.create(Suspension, case=case, ground="8", suspended_on=dt.date(2025, 5, 6))
        assert staging.is_pending(case) and case.pk is None
        assert staging.children(case, Suspension, "case", "suspensions") == [pause]
        transaction.set_rollback(True)  # nothing is written when the scope's work is undone
    assert not staging.is_pending(case) and case.pk is None
    assert not ReconsiderationCase.objects.filter(number="X").exists()
