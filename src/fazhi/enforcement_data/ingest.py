"""Ingest of 执法 records: a streaming reader (CSV in UTF-8 with or without BOM or GBK, and
.xlsx read-only), the one row check (:mod:`fazhi.enforcement_data.checks`), staging and the
one statement that makes a batch visible.

How a batch is written
----------------------
1. An :class:`IngestBatch` row is committed (``running``).
2. Rows are read one at a time (constant memory whatever the file size) and checked.

   * **PostgreSQL**: one transaction holds a ``COPY record (…) FROM STDIN`` per
     ``BATCH_ROWS`` accepted rows; each row is sent as soon as it is checked, so that the
     server writes rows and indexes while Python reads the next ones. Other sessions see
     none of it before the COMMIT (MVCC), and the COPY takes only a ROW EXCLUSIVE lock: no
     reader or writer of the register waits.
   * **SQLite** (one writer at a time for the whole database): every ``BATCH_ROWS`` accepted
     rows go into :class:`StagedRecord` in a short transaction of their own, so that other
     users' writes get the lock in between; at the end one ``INSERT INTO record … SELECT …
     FROM staging`` makes them visible.
3. At the end, in the same (PostgreSQL) or ONE short (SQLite) transaction: the batch's rows
   added to the monthly metric facts (:func:`fazhi.metrics.facts.facts_add_inserted`; when a
   definition reads them through a link, its (unit, month) keys recomputed by
   :func:`~fazhi.metrics.facts.facts_refresh_keys`), the 涉企重复检查 alerts of the enterprises
   it inspected recomputed (the signal :data:`~fazhi.enforcement_data.signals.inspections_loaded`,
   received by ``enforcement_oversight``), the
   batch marked ``done`` and one audit entry written.

Without ``skip_bad`` any bad row refuses the whole file (the errors name row and column) and
nothing is written: PostgreSQL rolls the transaction back, SQLite deletes the staged rows. An
exception does the same. A killed process: PostgreSQL rolls back on its own when the
connection drops; on SQLite staged rows of a ``running`` batch remain, and
:func:`staging_cleanup` (run before every ingest and by the daily sweep) deletes them once the
batch is older than ``FAZHI_JOB_STALE_SECONDS``. On both it marks such a batch ``failed``.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import io
import operator
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from fazhi.core.excel import RowError
from fazhi.core.services import audit_append, object_type_of
from fazhi.enforcement_data.checks import (
    FIELDS,
    HEADER_KEYS,
    STAGED_COLUMNS,
    Problems,
    RowChecker,
)
from fazhi.enforcement_data.models import (
    BatchStatus,
    IngestBatch,
    Record,
    Source,
    StagedRecord,
)
from fazhi.enforcement_data.signals import inspections_loaded
from fazhi.metrics.facts import facts_add_inserted, facts_refresh_keys
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope

Progress = Callable[[int, int], None]

#: Rows per staged batch (``FAZHI_ENFORCEMENT_BATCH``).
DEFAULT_BATCH_ROWS = 5000
#: Errors listed before a refused file stops being read.
MAX_ERRORS = 200
STAGING = StagedRecord._meta.db_table
TARGET = Record._meta.db_table
#: Record columns filled from the staging columns of the same name (``batch`` ← ``batch_id``).
_RECORD_COLUMNS = [c for c in STAGED_COLUMNS if c not in ("batch_id", "row")]


def batch_rows() -> int:
    return int(getattr(settings, "FAZHI_ENFORCEMENT_BATCH", DEFAULT_BATCH_ROWS))


class FileProblem(Exception):
    """The file as a whole cannot be read (format, encoding, missing columns)."""

    def __init__(self, reason: str, column: str = "") -> None:
        super().__init__(reason)
        self.reason, self.column = reason, column


@dataclass
class IngestResult:
    """How an ingest ended. ``loaded`` rows are visible in the register (0 when refused)."""

    batch: int
    loaded: int
    rejected: int
    errors: list[RowError] = field(default_factory=list)
    rejected_path: Path | None = None
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def warnings(self) -> list[RowError]:  # the Excel import's shape (job result pages)
        return []

    @property
    def created(self) -> int:  # the Excel import's name, for the shared command and job page
        return self.loaded

    def summary(self) -> str:
        if self.errors:
            more = f"（仅列出前 {MAX_ERRORS} 处）" if len(self.errors) >= MAX_ERRORS else ""
            return f"导入失败：发现 {len(self.errors)} 处错误{more}，未写入任何数据"
        if self.dry_run:
            return f"校验通过：可新增执法记录 {self.loaded} 条（尚未写入）"
        text = f"导入完成：新增执法记录 {self.loaded} 条"
        if self.rejected:
            text += f"，拒收 {self.rejected} 条（见拒收行文件）"
        return text


# --- readers --------------------------------------------------------------------------------
def _encoding(path: Path) -> str:
    """utf-8-sig (with BOM), utf-8, or gb18030 (GBK and its superset), from the first 64 KB."""
    with path.open("rb") as handle:
        head = handle.read(65536)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not a character cut at the sample's end
            return "gb18030"
    return "utf-8"


def _count_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"\n")
    return count


def read_rows(path: Path) -> tuple[list[str], int, Iterator[tuple[int, list[Any]]]]:
    """(headers, estimated data rows, iterator of (row number, cells)) of a .csv or .xlsx
    file, streaming. Row numbers are the file's (the header is row 1)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        encoding = _encoding(path)
        handle = path.open("r", encoding=encoding, newline="")
        reader = csv.reader(handle)
        try:
            headers = next(reader)
        except StopIteration:
            handle.close()
            raise FileProblem("文件是空的") from None
        except UnicodeDecodeError:
            handle.close()
            raise FileProblem("文件编码无法识别（应为 UTF-8 或 GBK）") from None
        total = max(_count_lines(path) - 1, 0)

        def rows() -> Iterator[tuple[int, list[Any]]]:
            try:
                yield from enumerate(reader, start=2)
            except UnicodeDecodeError:
                raise FileProblem("文件编码无法识别（应为 UTF-8 或 GBK）") from None
            finally:
                handle.close()

        return [h.strip() for h in headers], total, rows()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as error:  # noqa: BLE001 — any unreadable workbook
            raise FileProblem(f"无法读取 Excel 文件：{error.__class__.__name__}") from None
        sheet = book.worksheets[0]
        cells = sheet.iter_rows(values_only=True)
        try:
            first = next(cells)
        except StopIteration:
            book.close()
            raise FileProblem("文件是空的") from None
        total = max((sheet.max_row or 1) - 1, 0)

        def xrows() -> Iterator[tuple[int, list[Any]]]:
            try:
                for number, row in enumerate(cells, start=2):
                    yield number, list(row)
            finally:
                book.close()

        return [str(h or "").strip() for h in first], total, xrows()
    raise FileProblem("只能导入 .csv 或 .xlsx 文件")


def _column_keys(headers: Sequence[str]) -> list[str | None]:
    keys = [HEADER_KEYS.get(h) for h in headers]
    missing = [f.header for f in FIELDS if f.required and f.key not in keys]
    if missing:
        raise FileProblem(f"缺少必填列：{'、'.join(missing)}", missing[0])
    return keys


# --- writing ------------------------------------------------------------------------------
class _Refused(Exception):
    """A row was bad and ``skip_bad`` is off: nothing of the file may be written."""


class _Writer:
    """Takes checked rows (:data:`STAGED_COLUMNS` order): ``write(row)`` returns the rows
    pending since the last :meth:`flush`; ``written`` counts them all.

    PostgreSQL (``cursor`` given): the rows of each ``BATCH_ROWS`` go out in one ``COPY``
    straight into the record table, ended by :meth:`flush` — so that between two batches the
    connection is free for other queries (the progress callback's), all in the caller's one
    transaction. SQLite: :meth:`flush` stages them (a short transaction)."""

    def __init__(self, cursor: Any = None) -> None:
        self.cursor = cursor
        self._copying: Any = None
        self._copy: Any = None
        self.pending: list[tuple[Any, ...]] = []
        self.since = self.written = 0

    def __call__(self, row: tuple[Any, ...]) -> int:
        self.written += 1
        self.since += 1
        if self.cursor is None:
            self.pending.append(row)
            return self.since
        if self._copy is None:
            columns = ", ".join([*_RECORD_COLUMNS, "batch"])
            self._copying = self.cursor.copy(f"COPY {TARGET} ({columns}) FROM STDIN")
            self._copy = self._copying.__enter__()
        self._copy.write_row((*row[2:], row[0]))  # the record's columns, then its batch
        return self.since

    def flush(self) -> None:
        if self.cursor is None:
            _stage(self.pending)
        elif self._copy is not None:
            self._copy = None
            self._copying.__exit__(None, None, None)
        self.pending, self.since = [], 0

    def abort(self, error: BaseException) -> None:
        """End a COPY in progress as failed (the transaction is rolled back after)."""
        if self._copy is not None:
            self._copy = None
            with contextlib.suppress(Exception):  # a dead connection: nothing left to end
                self._copying.__exit__(type(error), error, error.__traceback__)


@contextlib.contextmanager
def _writer(direct: bool) -> Iterator[_Writer]:
    if not direct:
        yield _Writer()
        return
    with connection.cursor() as cursor:
        writer = _Writer(cursor.cursor)
        try:
            yield writer
        except BaseException as error:
            writer.abort(error)
            raise


def _stage(rows: list[tuple[Any, ...]]) -> None:
    """(SQLite) Write ``rows`` into the staging table in one short transaction."""
    if not rows:
        return
    columns = ", ".join(STAGED_COLUMNS)
    marks = ", ".join(["%s"] * len(STAGED_COLUMNS))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {STAGING} ({columns}) VALUES ({marks})", rows)


def _discard(batch_id: int) -> None:
    StagedRecord.objects.filter(batch_id=batch_id).delete()


def _last_id() -> int:
    """The highest record id now: a batch's rows get higher ones (ids only grow), so that
    ``id > it`` finds them through the primary key instead of reading the whole table."""
    return int(Record.objects.aggregate(last=Max("id"))["last"] or 0)


def _publish(
    batch: IngestBatch,
    checker: RowChecker,
    actor: Actor,
    *,
    staged: bool,
    written: int,
    after_id: int,
) -> int:
    """Make the batch visible: SQLite, one INSERT … SELECT of its staged rows; PostgreSQL,
    the rows are already written in the open transaction. Then, in the same transaction, the
    monthly metric facts of the (unit, month) keys the batch touched, the 涉企重复检查 alerts
    of the enterprises it inspected, the batch row and one audit entry."""
    with transaction.atomic():
        loaded = written
        if staged:
            after_id = _last_id()
            columns = ", ".join(_RECORD_COLUMNS)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {TARGET} ({columns}, batch) SELECT {columns}, batch_id "
                    f"FROM {STAGING} WHERE batch_id = %s ORDER BY row",
                    [batch.pk],
                )
                loaded = int(cursor.rowcount)
                cursor.execute(f"DELETE FROM {STAGING} WHERE batch_id = %s", [batch.pk])
        keys = checker.keys
        if not facts_add_inserted(Record, {"batch": batch.pk, "id__gt": after_id}):
            facts_refresh_keys(
                Record,
                lambda unit_field, period_field: (
                    keys
                    if (unit_field, period_field) == ("unit", "decided_on")
                    else Record.objects.filter(batch=batch.pk, id__gt=after_id)
                    .values_list(unit_field, period_field)
                    .distinct()
                ),
            )
        if checker.inspected:
            inspections_loaded.send(
                sender=Record,
                codes=checker.inspected,
                start=checker.inspected_from,
                end=checker.inspected_to,
                unit=batch.unit,
            )
        batch.rows = loaded
        batch.status = BatchStatus.DONE
        batch.finished_at = timezone.now()
        batch.save(update_fields=["rows", "rejected", "status", "message", "finished_at"])
        audit_append(
            actor=actor,
            action="enforcement_data.ingest",
            object_type=object_type_of(IngestBatch),
            object_id=str(batch.pk),
            object_repr=str(batch),
            after={"rows": loaded, "rejected": batch.rejected, "source": batch.source},
        )
    return loaded


def _fail(batch: IngestBatch, message: str) -> None:
    _discard(batch.pk)
    IngestBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.FAILED, message=message[:300], finished_at=timezone.now()
    )


def staging_cleanup(*, older_than: dt.timedelta | None = None) -> int:
    """Delete the staged rows of batches that will never be published: ``running`` batches
    started more than ``older_than`` ago (default ``FAZHI_JOB_STALE_SECONDS``: their process
    died) are marked ``failed``; rows of finished batches are removed too. Returns the number
    of staged rows deleted. Repeatable."""
    if older_than is None:
        older_than = dt.timedelta(seconds=int(getattr(settings, "FAZHI_JOB_STALE_SECONDS", 300)))
    stale = IngestBatch.objects.filter(
        status=BatchStatus.RUNNING, started_at__lte=timezone.now() - older_than
    )
    stale_ids = list(stale.values_list("pk", flat=True))
    if stale_ids:
        IngestBatch.objects.filter(pk__in=stale_ids).update(
            status=BatchStatus.FAILED,
            message="导入中断，未入库的数据已清除",
            finished_at=timezone.now(),
        )
    running = IngestBatch.objects.filter(status=BatchStatus.RUNNING).values("pk")
    deleted, _ = StagedRecord.objects.exclude(batch_id__in=running).delete()
    return deleted


# --- the ingest -------------------------------------------------------------------------------
def _unit(actor: Actor, unit: OrgUnit | None) -> OrgUnit:
    """The importing unit: ``unit``, else the actor's; the command line without a unit: the
    root of the tree (when there is one)."""
    actor.require(Cap.EDIT_RECORDS)
    unit = unit or actor.unit
    if unit.pk is None:
        roots = list(OrgUnit.objects.filter(parent__isnull=True, is_active=True)[:2])
        if len(roots) != 1:
            raise PermissionDenied("请指定导入单位（--unit）")
        unit = roots[0]
    require_unit_in_scope(unit, actor)
    return unit


def _start(actor: Actor, unit: OrgUnit | None, source: str, file_name: str) -> IngestBatch:
    unit = _unit(actor, unit)
    who = ""
    if actor.user is not None:
        who = getattr(actor.user, "full_name", "") or actor.user.get_username()
    elif actor.is_command_line:
        who = "命令行"
    return IngestBatch.objects.create(
        unit=unit, source=source, file_name=file_name[:200], actor=who[:120]
    )


def ingest_rows(
    *,
    actor: Actor,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    unit: OrgUnit | None = None,
    source: str = Source.API,
    file_name: str = "",
    skip_bad: bool = False,
    reject: Callable[[int, str, Mapping[str, Any]], None] | None = None,
    progress: Progress | None = None,
    total: int = 0,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> IngestResult:
    """Check and load ``rows`` ((row number, {field key: value})) into ``unit``'s subtree
    (default: the actor's unit) as one batch: see the module's description. ``reject(row,
    reason, values)`` receives each refused row when ``skip_bad``. ``today`` (default: the
    local date) bounds the dates and decides 逾期未公示 (the demo filler passes its as-of day)."""
    if dry_run:
        return _dry_run(actor, unit, rows, skip_bad)
    staging_cleanup()
    batch = _start(actor, unit, source, file_name)
    checker = RowChecker(unit=batch.unit, today=today or timezone.localdate())
    size = batch_rows()
    errors: list[RowError] = []
    rejected = done = 0
    direct = connection.vendor == "postgresql"
    try:
        # PostgreSQL: one transaction around one COPY straight into the record table, so
        # that PostgreSQL writes rows and indexes while Python reads and checks the next ones;
        # other sessions see nothing of it until the COMMIT (MVCC; the COPY takes only a ROW
        # EXCLUSIVE lock, which blocks no reader or writer). SQLite: short staged batches.
        with transaction.atomic() if direct else contextlib.nullcontext():
            last_before = _last_id() if direct else 0  # SQLite: read when publishing
            with _writer(direct) as write:
                for number, values in rows:
                    done += 1
                    try:
                        staged = checker.check(values, batch_id=batch.pk, row=number)
                    except Problems as problems:
                        if skip_bad:
                            rejected += 1
                            if reject is not None:
                                reason = "；".join(f"【{c}】{r}" for c, r in problems.items)
                                reject(number, reason, values)
                            continue
                        errors += [RowError(number, c, r) for c, r in problems.items]
                        if len(errors) >= MAX_ERRORS:
                            break
                        continue
                    if errors:
                        continue  # refused anyway: only keep listing errors
                    if write(staged) >= size:
                        write.flush()
                        if progress is not None:
                            progress(done, max(total, done))
                if errors:
                    raise _Refused
                write.flush()
            batch.rejected = rejected
            batch.message = f"新增 {done - rejected} 条，拒收 {rejected} 条"
            loaded = _publish(
                batch,
                checker,
                actor,
                staged=not direct,
                written=write.written,
                after_id=last_before,
            )
        if progress is not None:
            progress(done, done)
        return IngestResult(batch.pk, loaded, rejected)
    except _Refused:
        _fail(batch, f"发现 {len(errors)} 处错误，未写入任何数据")
        return IngestResult(batch.pk, 0, 0, errors[:MAX_ERRORS])
    except FileProblem as problem:
        _fail(batch, problem.reason)
        return IngestResult(batch.pk, 0, 0, [RowError(0, problem.column, problem.reason)])
    except BaseException as error:
        _fail(batch, f"导入中断：{error.__class__.__name__}")
        raise


def _dry_run(
    actor: Actor,
    unit: OrgUnit | None,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    skip_bad: bool,
) -> IngestResult:
    """Check every row, write nothing (the upload page's 先校验)."""
    checker = RowChecker(unit=_unit(actor, unit), today=timezone.localdate())
    errors: list[RowError] = []
    good = bad = 0
    try:
        for number, values in rows:
            try:
                checker.check(values, batch_id=0, row=number)
                good += 1
            except Problems as problems:
                bad += 1
                if not skip_bad:
                    errors += [RowError(number, c, r) for c, r in problems.items]
                    if len(errors) >= MAX_ERRORS:
                        break
    except FileProblem as problem:
        return IngestResult(0, 0, 0, [RowError(0, problem.column, problem.reason)], dry_run=True)
    return IngestResult(0, good, bad, errors, dry_run=True)


def ingest_file(
    *,
    actor: Actor,
    path: Path,
    unit: OrgUnit | None = None,
    skip_bad: bool = False,
    rejected_path: Path | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> IngestResult:
    """Load a .csv or .xlsx file of 执法 records (Chinese headers, docs/EXCEL.md) into
    ``unit``'s subtree (default: the actor's unit), streaming, in one batch. Without
    ``skip_bad`` a bad row refuses the file (errors name row and column); with it the good
    rows load and the refused ones go to ``rejected_path`` (CSV: 行号, 拒收原因, the row)."""
    path = Path(path)
    try:
        headers, total, cells = read_rows(path)
        keys = _column_keys(headers)
    except FileProblem as problem:
        if dry_run:
            return IngestResult(
                0, 0, 0, [RowError(0, problem.column, problem.reason)], dry_run=True
            )
        batch = _start(actor, unit, Source.FILE, path.name)
        _fail(batch, problem.reason)
        return IngestResult(batch.pk, 0, 0, [RowError(0, problem.column, problem.reason)])

    # the known columns: (position, key); a row is read with one C-level itemgetter
    known = [(i, k) for i, k in enumerate(keys) if k is not None]
    names = [k for _, k in known]
    pick = operator.itemgetter(*[i for i, _ in known])
    width = known[-1][0] + 1 if known else 0

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for number, row in cells:
            if not any(row) and all(c in (None, "") for c in row):
                continue  # blank line
            if len(row) >= width:
                picked = pick(row)
                yield number, dict(zip(names, picked if len(names) > 1 else (picked,), strict=True))
            else:  # a short row (trailing cells left out)
                yield number, {k: row[i] for i, k in known if i < len(row)}

    writer: Any = None
    handle: io.TextIOWrapper | None = None
    reject = None
    if skip_bad and rejected_path is not None and not dry_run:
        handle = Path(rejected_path).open("w", encoding="utf-8-sig", newline="")  # noqa: SIM115
        writer = csv.writer(handle)
        writer.writerow(["行号", "拒收原因", *[f.header for f in FIELDS]])

        def reject(number: int, reason: str, values: Mapping[str, Any]) -> None:
            writer.writerow([number, reason, *[_cell(values.get(f.key)) for f in FIELDS]])

    try:
        result = ingest_rows(
            actor=actor,
            rows=rows(),
            unit=unit,
            source=Source.FILE,
            file_name=path.name,
            skip_bad=skip_bad,
            reject=reject,
            progress=progress,
            total=total,
            dry_run=dry_run,
        )
    finally:
        if handle is not None:
            handle.close()
    if handle is not None:
        if result.ok:
            result.rejected_path = Path(rejected_path)  # type: ignore[arg-type]
        else:
            os.unlink(rejected_path)  # type: ignore[arg-type]
    return result


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value)
