"""Helpers for the Excel tests: build workbooks in memory, count rows, freeze the clock."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook, load_workbook

from fazhi.core.models import AuditEntry, RecordEvent
from fazhi.litigation.models import Hearing, LitigationCase, LitigationEvent, LossReview
from fazhi.reconsideration.models import CaseEvent, ReconsiderationCase, Suspension

TODAY = dt.datetime(2025, 6, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def xlsx(
    rows: Sequence[Mapping[str, Any]],
    headers: Sequence[str] | None = None,
    *,
    above: Sequence[Sequence[Any]] = (),
) -> bytes:
    """A workbook whose first sheet has optional lines ``above`` the header, then ``rows``."""
    headers = list(headers or dict.fromkeys(k for row in rows for k in row))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in above:
        sheet.append(list(line))
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_back(data: bytes, sheet: int | str = 0) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(data))
    ws = book.worksheets[sheet] if isinstance(sheet, int) else book[sheet]
    return [list(row) for row in ws.iter_rows(values_only=True)]


def as_dicts(data: bytes) -> list[dict[str, Any]]:
    lines = read_back(data)
    return [dict(zip(lines[0], line, strict=True)) for line in lines[1:]]


COUNTED = (
    ReconsiderationCase,
    CaseEvent,
    Suspension,
    LitigationCase,
    Hearing,
    LitigationEvent,
    LossReview,
    AuditEntry,
    RecordEvent,
)


def counts() -> dict[str, int]:
    """Rows in every table an import may write (including the audit log)."""
    return {model.__name__: model._default_manager.count() for model in COUNTED}
