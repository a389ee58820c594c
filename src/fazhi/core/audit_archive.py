"""Archive files of the audit log (``fazhi audit export``): JSON lines or an Excel workbook.

Each entry keeps every stored field, including its hash and the previous hash, so an archive
can be checked against the chain later. Personal data is exported as stored: already masked.
JSON lines are the complete record; the workbook is for reading (a cell holds at most 32,767
characters, longer 修改前/修改后 texts are cut there and marked).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db import models
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from fazhi.core.audit_display import action_label
from fazhi.core.models import AuditEntry

ARCHIVE_FORMATS = (".jsonl", ".xlsx")
CELL_LIMIT = 32_767
#: (key, column title) in archive order
COLUMNS = (
    ("seq", "序号"),
    ("at", "时间"),
    ("actor_id", "操作人账号ID"),
    ("actor_name", "操作人"),
    ("actor_role", "角色"),
    ("unit_path", "单位路径"),
    ("unit_code", "单位编码"),
    ("unit_name", "单位"),
    ("source_ip", "来源地址"),
    ("action", "操作代码"),
    ("action_label", "操作"),
    ("object_type", "对象类型"),
    ("object_id", "对象标识"),
    ("object_repr", "对象"),
    ("before", "修改前"),
    ("after", "修改后"),
    ("prev_hash", "前一条哈希"),
    ("hash", "哈希"),
)


def archive_record(entry: AuditEntry) -> dict[str, Any]:
    """One entry as a JSON-safe dict (time in ISO 8601 with its UTC offset, local time)."""
    from django.utils import timezone

    record = {key: getattr(entry, key) for key, _ in COLUMNS if key != "action_label"}
    record["at"] = timezone.localtime(entry.at).isoformat(timespec="microseconds")
    record["action_label"] = action_label(entry.action)
    return record


def _entries(qs: models.QuerySet[AuditEntry]) -> Iterable[AuditEntry]:
    return qs.iterator(chunk_size=2000)


def write_jsonl(qs: models.QuerySet[AuditEntry], path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for entry in _entries(qs):
            out.write(json.dumps(archive_record(entry), ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    return count


def _cell(ws: WriteOnlyWorksheet, value: Any) -> Cell:
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if len(value) > CELL_LIMIT:
            value = value[: CELL_LIMIT - 20] + "…（超长截断，完整内容见 .jsonl）"
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, never a formula
    return cell


def write_xlsx(qs: models.QuerySet[AuditEntry], path: Path) -> int:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("审计日志")
    ws.append([title for _, title in COLUMNS])
    count = 0
    for entry in _entries(qs):
        record = archive_record(entry)
        ws.append([_cell(ws, record[key]) for key, _ in COLUMNS])
        count += 1
    wb.save(path)
    return count


def write_archive(qs: models.QuerySet[AuditEntry], path: Path) -> int:
    """Write the entries of ``qs`` to ``path`` (.jsonl or .xlsx); returns how many."""
    if path.suffix.lower() == ".xlsx":
        return write_xlsx(qs, path)
    return write_jsonl(qs, path)
