"""Excel engine for the registers: column specs, reading, writing and all-or-nothing imports.

A register describes its workbook with a :class:`Spec` of :class:`Column`\\ s (Chinese header,
field key, kind, required flag, help). :func:`read_xlsx` turns an uploaded .xlsx into typed
:class:`Row`\\ s; the header row is found by its Chinese names (any order, extra columns
ignored) and every problem is collected as a :class:`RowError` (row number as Excel shows it,
column header, Chinese reason) — reading never stops at the first error. :func:`export_xlsx`
writes rows (or an empty template) with a 填写说明 sheet and drop-downs for choice columns.

An import is planned by the register as groups of :class:`Step`\\ s (one group per record,
each step one service call); :func:`execute` replays every step in date order in batches of
short transactions (``FAZHI_IMPORT_BATCH`` records each), turns a service's ``ValidationError``
into a row error naming the column, and leaves nothing of the file if anything failed: the
failing batch is rolled back and the batches committed before it are undone in one final
transaction (or, on a dry run, one transaction is rolled back). See docs/EXCEL.md.

Implausible input (:mod:`fazhi.core.validators`): a ``…_id_number`` or ``…_phone`` column is
checked like the forms check it (an error); a received / intake date before 2000 or more than a
year before today is accepted — a past year's register holds such dates — and listed in the
result's ``warnings`` for the user to check.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from fazhi.core import staging, validators
from fazhi.core.dates import MAX_YEAR, MIN_YEAR, parse_cn_date
from fazhi.core.kit import kits, resolve
from fazhi.orgs.models import OrgUnit

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from fazhi.orgs.scoping import Actor

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_SEARCH_ROWS = 10
GUIDE_SHEET = "填写说明"
LISTS_SHEET = "选项"
LIST_SEPARATOR = "；"
_SPLIT = re.compile(r"[；;\n]+")
_SPACE = re.compile(r"\s+")
_HALF_TO_FULL = str.maketrans({"(": "（", ")": "）", ":": "：", ",": "，"})
_INT = re.compile(r"^(\d+)\s*[日天]?$")
_TRUE = {"是", "有", "y", "yes", "true", "1", "√"}
_FALSE = {"否", "无", "n", "no", "false", "0", "×"}


class Kind(StrEnum):
    TEXT = "text"
    DATE = "date"
    CHOICE = "choice"
    BOOL = "bool"
    INT = "int"
    UNIT = "unit"


KIND_FORMAT = {
    Kind.TEXT: "文字",
    Kind.DATE: "日期：2024-03-05、2024/3/5、2024.3.5、2024年3月5日或 Excel 日期",
    Kind.CHOICE: "从下拉列表选择（也可填写英文代码）",
    Kind.BOOL: "是 / 否",
    Kind.INT: "整数",
    Kind.UNIT: "单位全称、简称或单位编码",
}


def _norm(text: str) -> str:
    """Compare-form of a header or choice: no spaces, full-width brackets/colon, lower case."""
    return _SPACE.sub("", text).translate(_HALF_TO_FULL).lower()


def _norm_header(text: str) -> str:
    text = _norm(text).strip("*＊")
    return text.removesuffix("（必填）")


def choices_of(enum: type[models.TextChoices]) -> tuple[tuple[str, str], ...]:
    """A choices enum as a column's ``choices`` (value, label)."""
    return tuple((str(value), str(label)) for value, label in enum.choices)


@dataclass(frozen=True)
class Column:
    """One column of a register's workbook.

    ``key`` names the model or service field the column feeds; ``choices`` are (value, label)
    pairs and ``aliases`` extra accepted spellings (→ value). ``multiple`` columns hold several
    values separated by "；". ``importable=False`` columns are derived (written on export,
    ignored on import); ``exportable=False`` columns are accepted on import only (personal
    data is never written out). A unit column with ``text_fallback`` keeps an unmatched name.
    """

    header: str
    key: str
    kind: Kind = Kind.TEXT
    required: bool = False
    help: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()
    multiple: bool = False
    text_fallback: bool = False
    importable: bool = True
    exportable: bool = True
    max_length: int | None = None

    def label_of(self, value: object) -> str:
        return dict(self.choices).get(str(value), str(value))

    @property
    def allowed(self) -> str:
        if self.kind == Kind.CHOICE:
            return "、".join(label for _, label in self.choices)
        return "是、否" if self.kind == Kind.BOOL else ""

    @cached_property
    def _lookup(self) -> dict[str, str]:
        pairs = [
            *self.aliases,
            *((v, v) for v, _ in self.choices),
            *((label, v) for v, label in self.choices),
        ]
        return {_norm(spelling): value for spelling, value in pairs}

    def choice_value(self, text: str) -> str | None:
        """The value a label, a value or an alias stands for (None if none)."""
        return self._lookup.get(_norm(text))


@dataclass(frozen=True)
class Spec:
    """A register's workbook: the data sheet's title, its columns and general filling rules."""

    title: str
    columns: tuple[Column, ...]
    notes: tuple[str, ...] = ()

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def header_of(self, key: str) -> str:
        return next((c.header for c in self.columns if c.key == key), "")

    def order_of(self, header: str) -> int:
        return next((i for i, c in enumerate(self.columns) if c.header == header), -1)

    @property
    def template_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.importable)

    @property
    def export_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.exportable)


@dataclass(frozen=True)
class RowError:
    """A problem in the file: Excel row number (0 = the file itself), column header, reason."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "文件"
        return (
            f"{where}【{self.column}】{self.reason}" if self.column else f"{where}：{self.reason}"
        )


@dataclass
class Row:
    """A data row: parsed non-blank values by key; ``bad`` keys had a value that did not parse."""

    number: int
    values: dict[str, Any] = field(default_factory=dict)
    bad: set[str] = field(default_factory=set)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def filled(self, key: str) -> bool:
        return key in self.values or key in self.bad


@dataclass
class Sheet:
    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class UnitMatcher:
    """Finds an OrgUnit of ``root``'s subtree by code, full name or short name."""

    def __init__(self, root: OrgUnit) -> None:
        self.root = root
        self._by_code: dict[str, OrgUnit] = {}
        self._by_name: dict[str, dict[int, OrgUnit]] = defaultdict(dict)
        for unit in OrgUnit.objects.subtree_of(root):
            self._by_code[unit.code.lower()] = unit
            for name in {unit.name, unit.short_name} - {""}:
                self._by_name[_norm(name)][unit.pk] = unit

    def match(self, text: str) -> OrgUnit | None:
        """The unit named ``text``, or None; ValueError when several units have that name."""
        unit = self._by_code.get(text.strip().lower())
        if unit is not None:
            return unit
        found = list(self._by_name.get(_norm(text), {}).values())
        if len(found) > 1:
            codes = "、".join(f"{u.name}（{u.code}）" for u in found[:5])
            raise ValueError(f"“{text}”对应多个单位：{codes}，请改填单位编码")
        return found[0] if found else None


# --- reading -------------------------------------------------------------------------------
def _text(raw: object) -> str:
    if isinstance(raw, dt.datetime | dt.date):
        return (raw.date() if isinstance(raw, dt.datetime) else raw).isoformat()
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _date(raw: object) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if len(str(int(raw))) == 8:
            return parse_cn_date(str(int(raw)))
        converted = from_excel(raw) if 0 < raw < 2958466 else None
        if isinstance(converted, dt.datetime) and MIN_YEAR <= converted.year <= MAX_YEAR:
            return converted.date()
        raise ValueError(f"无法识别的日期“{_text(raw)}”")
    return parse_cn_date(str(raw))


def _bool(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = _norm(_text(raw))
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise ValueError(f"“{_text(raw)}”无效，请填写“是”或“否”")


def _int(raw: object) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    match = _INT.match(_text(raw))
    if match is None:
        raise ValueError(f"“{_text(raw)}”不是整数")
    return int(match.group(1))


def _one(col: Column, raw: object, units: UnitMatcher | None) -> Any:
    """Parse one cell value; ValueError carries the Chinese reason."""
    if col.kind == Kind.DATE:
        return _date(raw)
    if col.kind == Kind.BOOL:
        return _bool(raw)
    if col.kind == Kind.INT:
        return _int(raw)
    text = _text(raw)
    if col.kind == Kind.CHOICE:
        value = col.choice_value(text)
        if value is None:
            raise ValueError(f"“{text}”不是有效的取值，可选：{col.allowed}")
        return value
    if col.kind == Kind.UNIT:
        unit = units.match(text) if units is not None else None
        if unit is not None or col.text_fallback:
            return unit or text
        root = units.root.name if units is not None else "本单位"
        raise ValueError(f"在“{root}”及其下级单位中找不到“{text}”（可填写全称、简称或单位编码）")
    if col.max_length is not None and len(text) > col.max_length:
        raise ValueError(f"超过{col.max_length}个字")
    return text


def parse_cell(col: Column, raw: object, units: UnitMatcher | None = None) -> Any:
    """The typed value of a non-blank cell (a list for ``multiple`` columns)."""
    if not col.multiple:
        return _one(col, raw, units)
    parts = [raw] if not isinstance(raw, str) else [p for p in _SPLIT.split(raw) if p.strip()]
    return [_one(col, part, units) for part in parts]


def _blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _find_header(
    spec: Spec, rows: Sequence[tuple[int, Sequence[object]]]
) -> tuple[int, dict[int, Column]] | None:
    known = {_norm_header(c.header): c for c in spec.columns}
    best: tuple[int, dict[int, Column]] | None = None
    for number, cells in rows:
        found = {
            i: known[_norm_header(str(v))]
            for i, v in enumerate(cells)
            if isinstance(v, str) and _norm_header(v) in known
        }
        if found and (best is None or len(found) > len(best[1])):
            best = (number, found)
    return best


def _header_errors(spec: Spec, number: int, mapping: dict[int, Column]) -> list[RowError]:
    errors = []
    seen: dict[str, int] = {}
    for col in mapping.values():
        seen[col.header] = seen.get(col.header, 0) + 1
    for header, count in seen.items():
        if count > 1:
            errors.append(RowError(number, header, f"列名重复出现{count}次"))
    for col in spec.template_columns:
        if col.required and col.header not in seen:
            errors.append(RowError(number, col.header, "缺少必填列"))
    return errors


def _parse_row(
    number: int, cells: Sequence[object], mapping: dict[int, Column], units: UnitMatcher | None
) -> tuple[Row, list[RowError]]:
    row, errors = Row(number), []
    for index, col in mapping.items():
        raw = cells[index] if index < len(cells) else None
        if _blank(raw):
            if col.required:
                errors.append(RowError(number, col.header, "必填，不能为空"))
            continue
        try:
            row.values[col.key] = parse_cell(col, raw, units)
        except ValueError as exc:
            row.bad.add(col.key)
            errors.append(RowError(number, col.header, str(exc)))
    return row, errors + _personal_errors(row, mapping)


def _personal_errors(row: Row, mapping: dict[int, Column]) -> list[RowError]:
    """ID numbers and phone numbers checked as the forms check them (by the column's key)."""
    errors = []
    for col in mapping.values():
        value = row.values.get(col.key)
        if col.kind != Kind.TEXT or not isinstance(value, str):
            continue
        if validators.is_id_number_field(col.key):
            kind = str(row.values.get(validators.kind_field_of(col.key)) or "")
            problem = validators.id_number_problem(value, kind=kind)
            normal = validators.normalise_id_number(value)
        elif validators.is_phone_field(col.key):
            problem, normal = validators.phone_problem(value), value.strip()
        else:
            continue
        if problem:
            row.bad.add(col.key)
            errors.append(RowError(row.number, col.header, problem))
        else:
            row.values[col.key] = normal
    return errors


def date_warnings(spec: Spec, rows: Sequence[Row], today: dt.date) -> list[RowError]:
    """Received / intake dates that would be asked to be confirmed on a form (before 2000, or
    more than a year before ``today``): imported as they are, listed for the user to check."""
    found = []
    for col in spec.columns:
        if col.kind != Kind.DATE or not validators.is_intake_date_field(col.key):
            continue
        for row in rows:
            value = row.values.get(col.key)
            problem = (
                validators.implausible_date(value, today) if isinstance(value, dt.date) else ""
            )
            if problem:
                found.append(RowError(row.number, col.header, f"{problem}，请核对"))
    return sort_errors(spec, found)


def read_xlsx(spec: Spec, data: bytes, *, units: UnitMatcher | None = None) -> Sheet:
    """Read the data sheet of an .xlsx (the sheet titled ``spec.title``, else the first one).

    The header row is the row among the first ten with the most known column names. Rows
    where every known column is blank are skipped. All problems are collected in
    ``Sheet.errors``; ``Sheet.rows`` holds every non-blank row (with what did parse).
    """
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            ws = book[spec.title] if spec.title in book.sheetnames else book.worksheets[0]
            ws.reset_dimensions()
            lines = list(enumerate(ws.iter_rows(values_only=True), start=1))
        finally:
            book.close()
    # An untrusted upload: openpyxl, zipfile and the XML parser raise many kinds of errors for
    # a broken file, and every one of them means "not a readable .xlsx" (nothing is written).
    except Exception:  # noqa: BLE001
        return Sheet(
            errors=[RowError(0, "", "无法读取：请上传 Excel 2007 及以上版本的 .xlsx 文件")]
        )
    header = _find_header(spec, lines[:HEADER_SEARCH_ROWS])
    if header is None:
        first = spec.columns[0].header
        reason = f"前{HEADER_SEARCH_ROWS}行中找不到表头（如“{first}”）；请使用导出的模板填写"
        return Sheet(errors=[RowError(0, "", reason)])
    number, mapping = header
    sheet = Sheet(errors=_header_errors(spec, number, mapping))
    mapping = {i: c for i, c in mapping.items() if c.importable}
    for line, cells in lines[number:]:
        if all(_blank(cells[i] if i < len(cells) else None) for i in mapping):
            continue
        row, errors = _parse_row(line, cells, mapping, units)
        sheet.rows.append(row)
        sheet.errors.extend(errors)
    return sheet


# --- writing -------------------------------------------------------------------------------
def format_value(col: Column, value: Any) -> Any:
    """A Python value as written to a cell (dates stay dates; lists joined with "；")."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, list | tuple):
        parts = [format_value(col, v) for v in value]
        return LIST_SEPARATOR.join(
            p.isoformat() if isinstance(p, dt.date) else str(p) for p in parts
        )
    if col.kind == Kind.CHOICE:
        return col.label_of(value)
    if col.kind == Kind.BOOL or isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, OrgUnit):
        return value.name
    return value


def _header_row(ws: Worksheet, columns: Sequence[Column]) -> None:
    ws.append([c.header for c in columns])
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, col in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = Font(bold=True, color="C00000" if col.required else "000000")
        cell.fill = fill
        width = 14 if col.kind == Kind.DATE else max(10, 2 * len(col.header) + 4)
        ws.column_dimensions[get_column_letter(index)].width = min(width, 40)
    ws.freeze_panes = "A2"


def _guide(book: Workbook, spec: Spec, columns: Sequence[Column]) -> None:
    ws = book.create_sheet(GUIDE_SHEET)
    ws.append(["列名", "是否必填", "格式", "可选值", "说明"])
    for col in columns:
        kind = KIND_FORMAT[col.kind] + ("；多个值用“；”分隔" if col.multiple else "")
        required = "必填" if col.required else ("导入时忽略" if not col.importable else "")
        ws.append([col.header, required, kind, col.allowed, col.help])
    ws.append([])
    for note in spec.notes:
        ws.append([note])
    for letter, width in zip("ABCDE", (18, 10, 36, 50, 70), strict=True):
        ws.column_dimensions[letter].width = width
    for cell in ws[1]:
        cell.font = Font(bold=True)


def _dropdowns(book: Workbook, ws: Worksheet, columns: Sequence[Column], last_row: int) -> None:
    lists = book.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    used = 0
    for index, col in enumerate(columns, start=1):
        letter = get_column_letter(index)
        if col.kind == Kind.BOOL:
            formula = '"是,否"'
        elif col.kind == Kind.CHOICE and col.choices:
            used += 1
            target = get_column_letter(used)
            lists.cell(row=1, column=used, value=col.header)
            for offset, (_, label) in enumerate(col.choices, start=2):
                lists.cell(row=offset, column=used, value=label)
            formula = f"'{LISTS_SHEET}'!${target}$2:${target}${len(col.choices) + 1}"
        else:
            continue
        rule = DataValidation(type="list", formula1=formula, allow_blank=True)
        rule.errorStyle = "warning"  # values and aliases are accepted too
        rule.showErrorMessage = not col.multiple
        rule.error = f"请从列表中选择：{col.allowed}"
        ws.add_data_validation(rule)
        rule.add(f"{letter}2:{letter}{last_row}")


def export_xlsx(spec: Spec, rows: Iterable[Mapping[str, Any]], *, template: bool = False) -> bytes:
    """Write ``rows`` (dicts by column key) as an .xlsx: the data sheet, 填写说明, drop-downs.

    ``template=True`` writes the import template: the importable columns and no rows.
    """
    columns = spec.template_columns if template else spec.export_columns
    book = Workbook()
    ws = cast("Worksheet", book.active)
    ws.title = spec.title[:31]
    _header_row(ws, columns)
    count = 0
    for data in [] if template else rows:
        values = [format_value(c, data.get(c.key)) for c in columns]
        ws.append(values)  # dates get the yyyy-mm-dd number format from openpyxl
        count += 1
        for index, value in enumerate(values, start=1):
            if isinstance(value, str) and value.startswith(("=", "#")):
                ws.cell(row=count + 1, column=index).data_type = "s"  # text, not a formula
    _guide(book, spec, columns)
    _dropdowns(book, ws, columns, max(count + 1, 1000))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- importing -----------------------------------------------------------------------------
@dataclass
class Step:
    """One service call of an import. ``on`` orders it (None: right after the previous step);
    a ValidationError's field keys map to column headers through ``fields``, else ``column``."""

    row: int
    column: str
    run: Callable[[], object]
    on: dt.date | None = None
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass
class ImportResult:
    """The outcome of an import: records created (0 unless it succeeded) or the row errors."""

    created: int
    errors: list[RowError]
    dry_run: bool = False
    detail: str = ""
    #: Accepted values the user should check (e.g. an unusually early received date).
    warnings: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return f"导入失败：发现 {len(self.errors)} 处错误，未写入任何数据"
        check = f"；{len(self.warnings)} 处日期请核对" if self.warnings else ""
        if self.dry_run:
            return f"校验通过：可新增 {self.created} 件{self.detail}（尚未写入）{check}"
        return f"导入完成：新增 {self.created} 件{self.detail}{check}"


def sort_errors(spec: Spec, errors: Iterable[RowError]) -> list[RowError]:
    """Errors by row, then in column order; duplicates removed."""
    unique = dict.fromkeys(errors)
    return sorted(unique, key=lambda e: (e.row, spec.order_of(e.column), e.reason))


def _reason(column: str, message: str) -> str:
    """A service message without the column name it starts with (the column is shown)."""
    rest = message.removeprefix(column) if column else message
    return rest if rest and rest != message and not rest.startswith("（") else message


def errors_from(exc: ValidationError | PermissionDenied, step: Step, spec: Spec) -> list[RowError]:
    """A service's exception as row errors; field keys are mapped to the best column."""
    if isinstance(exc, PermissionDenied):
        return [RowError(step.row, step.column, str(exc) or "无权限")]
    pairs: list[tuple[str, str]] = []
    if hasattr(exc, "error_dict"):
        for key, messages in exc.message_dict.items():
            column = step.fields.get(key) or spec.header_of(key) or step.column
            pairs.extend((column, m) for m in messages)
    else:
        pairs.extend((step.column, m) for m in exc.messages)
    return [RowError(step.row, column, _reason(column, m)) for column, m in pairs]


def _ordered(groups: Sequence[Sequence[Step]]) -> list[tuple[int, Step]]:
    """All steps by date; a group's steps keep their order (a step's date is the running max)."""
    keyed = []
    for index, steps in enumerate(groups):
        latest = dt.date.min
        for seq, step in enumerate(steps):
            latest = max(latest, step.on) if step.on else latest
            keyed.append(((latest, index, seq), index, step))
    keyed.sort(key=lambda item: item[0])
    return [(index, step) for _, index, step in keyed]


_CONFLICT = (
    "写入时与其他用户同时登记的数据冲突（如相同的案号），本文件未写入任何数据；请核对后重新导入"
)

#: Groups (records) per write batch when ``FAZHI_IMPORT_BATCH`` is not set.
DEFAULT_BATCH = 500

Progress = Callable[[int, int], None]

#: Models never removed by the compensation: the audit chain (append-only, it records the
#: import and its undoing) and the derived monthly facts (recomputed by the deletes' signals).
_KEPT_LABELS = frozenset(
    {"core.AuditEntry", "core.AuditHead", "metrics.MetricFact", "metrics.MetricFactState"}
)


#: Context managers entered around each write batch of an import (and around the compensation)
#: by other apps: the metrics app registers its deferred facts refresh (``facts_deferred``,
#: in its ``AppConfig.ready``) so that core names no domain app.
batch_scopes: list[Callable[[], AbstractContextManager[Any]]] = []


def batch_size() -> int:
    """Records written per transaction by an import (``FAZHI_IMPORT_BATCH``, default 500)."""
    return max(1, int(getattr(settings, "FAZHI_IMPORT_BATCH", DEFAULT_BATCH)))


@dataclass
class _Written:
    """What the committed batches of an import wrote, to undo it if a later batch fails: the
    rows created (model → primary keys, in creation order) and the values of pre-existing rows
    before the import first saved them."""

    created: dict[type[models.Model], list[Any]] = field(default_factory=dict)
    seen: set[tuple[type[models.Model], Any]] = field(default_factory=set)
    before: dict[tuple[type[models.Model], Any], dict[str, Any]] = field(default_factory=dict)


_WRITTEN: ContextVar[_Written | None] = ContextVar("fazhi_import_written", default=None)


def _track_before(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    written = _WRITTEN.get()
    if written is None or kwargs.get("raw") or instance.pk is None:
        return
    key = (sender, instance.pk)
    if key in written.seen or sender._meta.label in _KEPT_LABELS:
        return
    written.seen.add(key)
    row = sender._base_manager.filter(pk=instance.pk).values(
        *(f.attname for f in sender._meta.concrete_fields)
    )
    found = list(row)
    if found:
        written.before[key] = found[0]


def _track_created(
    sender: type[models.Model], instance: models.Model, created: bool = False, **kwargs: Any
) -> None:
    written = _WRITTEN.get()
    if written is None or not created or kwargs.get("raw"):
        return
    if sender._meta.label in _KEPT_LABELS:
        return
    written.seen.add((sender, instance.pk))
    written.created.setdefault(sender, []).append(instance.pk)


pre_save.connect(_track_before, dispatch_uid="fazhi.core.excel.track_before")
post_save.connect(_track_created, dispatch_uid="fazhi.core.excel.track_created")


def _compensate(written: _Written, actor: Actor | None, count: int) -> None:
    """Undo the committed batches of a failed import in one transaction: delete the rows they
    created (newest model first; cascades follow), put back the rows they changed, and audit
    the undoing. The facts follow through the deletes' signals, refreshed once."""
    from fazhi.core.services import audit_append
    from fazhi.orgs.scoping import Actor as ActorClass

    with transaction.atomic(), _deferred():
        for model in reversed(list(written.created)):
            pks = written.created[model]
            for start in range(0, len(pks), 500):
                model._base_manager.filter(pk__in=pks[start : start + 500]).delete()
        for (model, _pk), values in written.before.items():
            row = model(**values)  # saved (not updated) so that the signals see the change
            row._state.adding = False
            row.save(force_update=True)
        audit_append(
            actor=actor or ActorClass.command_line(),
            action="import.compensate",
            object_type="core.import",
            object_repr="表格导入失败，已撤回先前批次写入的数据",
            after={"records": count, "models": sorted(m._meta.label for m in written.created)},
        )


def _batches(ordered: list[tuple[int, Step]], size: int) -> list[list[tuple[int, Step]]]:
    """Consecutive runs of steps touching at most ``size`` groups each."""
    found: list[list[tuple[int, Step]]] = []
    current: list[tuple[int, Step]] = []
    groups: set[int] = set()
    for index, step in ordered:
        if index not in groups and len(groups) >= size:
            found.append(current)
            current, groups = [], set()
        groups.add(index)
        current.append((index, step))
    if current:
        found.append(current)
    return found


def _record_batches(ordered: list[tuple[int, Step]], size: int) -> list[list[tuple[int, Step]]]:
    """Batches of ``size`` whole groups, taken in the order of their first step, each batch's
    steps in date order: every step of a record runs in the batch that creates it, so a new
    record stays in memory until its batch is written (:mod:`fazhi.core.staging`)."""
    first: dict[int, int] = {}
    for position, (index, _) in enumerate(ordered):
        first.setdefault(index, position)
    batch_of = {
        index: rank // size for rank, index in enumerate(sorted(first, key=first.__getitem__))
    }
    found: list[list[tuple[int, Step]]] = [
        [] for _ in range(max(batch_of.values(), default=-1) + 1)
    ]
    for index, step in ordered:
        found[batch_of[index]].append((index, step))
    return found


def execute(
    spec: Spec,
    groups: Sequence[Sequence[Step]],
    *,
    dry_run: bool,
    detail: str = "",
    progress: Progress | None = None,
    actor: Actor | None = None,
    batch: int | None = None,
    whole_records: bool = True,
) -> ImportResult:
    """Run every group's steps in date order; all-or-nothing for the file.

    A failing step records its row errors and skips the rest of its group; the other groups
    still run so that every error is reported. The writes go in batches of ``batch`` groups
    (default :func:`batch_size`), each its own short transaction, so that other users can write
    between batches (the SQLite write lock is released). Inside a batch the deadline rules and
    calendar are read once (for the whole import), the monthly facts are refreshed once for the
    keys it touched and the audit entries are chained under one lock.

    If a step fails, its batch and every later step run in one transaction that is rolled back
    (the same errors are reported as before), then the batches committed earlier are undone in
    one final transaction (:func:`_compensate`). ``dry_run`` runs everything in one transaction
    that is rolled back. ``progress(done, total)`` is called after each committed batch with the
    groups (records) whose steps have all run.

    ``whole_records`` (the default) keeps each group's steps in one batch (batches of whole
    records, in the order of their first date; steps in date order inside a batch), so that the
    records are built in memory and written once (:mod:`fazhi.core.staging`). A register whose
    steps depend on the other records' earlier steps in date order across the whole file (the
    应诉 register's 败诉剖析 counts the losses before it) passes False: batches are then
    consecutive runs of the file's steps in date order, and a record's later steps may fall in
    a later batch.
    """
    from fazhi.core.selectors import rules_cache

    ordered = _ordered(groups)
    left: dict[int, int] = defaultdict(int)  # steps not yet committed, per group
    for index, _ in ordered:
        left[index] += 1
    errors: list[RowError] = []
    failed: set[int] = set()

    def run(steps: Sequence[tuple[int, Step]]) -> None:
        for index, step in steps:
            if index in failed:
                continue
            try:
                with transaction.atomic():
                    step.run()
            except (ValidationError, PermissionDenied) as exc:
                failed.add(index)
                errors.extend(errors_from(exc, step, spec))

    split = _record_batches if whole_records else _batches
    batches = [ordered] if dry_run else split(ordered, batch or batch_size())
    written = _Written()
    token = _WRITTEN.set(None if dry_run else written)
    done = 0
    try:
        with rules_cache():
            for number, steps in enumerate(batches):
                try:
                    with transaction.atomic(), _deferred():
                        run(steps)
                        if errors or dry_run:
                            for rest in batches[number + 1 :]:
                                run(rest)
                            transaction.set_rollback(True)
                except IntegrityError:  # the batch's bulk INSERT met a row written meanwhile
                    errors.append(RowError(0, "", _CONFLICT))
                if errors or dry_run:
                    break
                done += len(steps)
                for index, _ in steps:
                    left[index] -= 1
                if progress is not None:  # its own writes (a job's progress) are not undone
                    outside = _WRITTEN.set(None)
                    try:
                        progress(sum(1 for n in left.values() if n == 0), len(groups))
                    finally:
                        _WRITTEN.reset(outside)
    finally:
        _WRITTEN.reset(token)
    if errors and done and (written.created or written.before):  # earlier batches committed
        _compensate(written, actor, len(groups))
    if errors:
        return ImportResult(0, sort_errors(spec, errors), dry_run)
    return ImportResult(len(groups), [], dry_run, detail)


@contextmanager
def _deferred() -> Iterator[None]:
    """One batch: new records written in bulk at its end (:mod:`fazhi.core.staging`), the
    audit chained once, and the other apps' scopes (the monthly facts refreshed once:
    :data:`batch_scopes`)."""
    from fazhi.core.services import audit_deferred

    with ExitStack() as stack:
        # Exited in reverse: the staged rows are written first (their signals reach the scopes
        # above), then the facts (their lock), then the audit chain (its head lock) — the order
        # in which a single transition takes the two locks, so the two never deadlock.
        stack.enter_context(audit_deferred())
        for scope in batch_scopes:
            stack.enter_context(scope())
        stack.enter_context(staging.staged())
        yield


def run_import(
    spec: Spec,
    groups: Sequence[Sequence[Step]],
    errors: Sequence[RowError],
    *,
    rows: Sequence[Row],
    dry_run: bool,
    detail: str = "",
    progress: Progress | None = None,
    actor: Actor | None = None,
    whole_records: bool = True,
) -> ImportResult:
    """Finish an import whose rows were checked with ``errors`` found.

    No errors: :func:`execute` the groups (for real unless ``dry_run``; in batches, calling
    ``progress(done, total)`` after each). Otherwise nothing is written, but the groups (built
    for clean rows only) are still tried in a rolled-back transaction so that the services'
    objections are reported in the same pass.
    """
    warnings = date_warnings(spec, rows, timezone.localdate())
    if not errors and not rows:
        errors = [RowError(0, "", "文件中没有数据行")]
    if not errors:
        result = execute(
            spec,
            groups,
            dry_run=dry_run,
            detail=detail,
            progress=progress,
            actor=actor,
            whole_records=whole_records,
        )
        result.warnings = warnings
        return result
    numbers = {row.number for row in rows}
    bad = {error.row for error in errors}
    if bad <= numbers:  # no header or file-level problem: the clean rows can be tried
        clean = [steps for steps in groups if not {step.row for step in steps} & bad]
        errors = [*errors, *execute(spec, clean, dry_run=True).errors]
    return ImportResult(0, sort_errors(spec, errors), dry_run, warnings=warnings)


# --- registry ------------------------------------------------------------------------------
class Importer(Protocol):
    def __call__(
        self,
        data: bytes,
        *,
        actor: Actor,
        unit: OrgUnit,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> ImportResult: ...


class FileImporter(Protocol):
    def __call__(
        self,
        path: Path,
        *,
        actor: Actor,
        unit: OrgUnit | None,
        skip_bad: bool = False,
        rejected_path: Path | None = None,
        progress: Progress | None = None,
    ) -> Any: ...


@dataclass(frozen=True)
class ExcelRegister:
    """What the `fazhi import/export` commands and the upload page need from a register.

    ``noun`` and ``measure`` word the export command's count ("已导出{title}{noun} N {measure}").
    A register with one row per record builds it with :func:`register_excel`.
    """

    key: str
    title: str
    spec: Spec
    import_xlsx: Importer
    export_queryset: Callable[[Actor, int | None], models.QuerySet[Any]]
    export_xlsx: Callable[[models.QuerySet[Any]], bytes]
    unit_help: str
    noun: str = "案件"
    measure: str = "件"
    #: A streaming importer reading the file from disk (a high-volume register, e.g. 执法数据):
    #: ``(path, *, actor, unit, skip_bad, rejected_path, progress) -> result`` with ``errors``
    #: and ``summary()``. ``fazhi import`` then also accepts .csv, ``--skip-bad`` and
    #: ``--rejected``; None: the command reads the .xlsx and calls ``import_xlsx``.
    import_file: FileImporter | None = None
    #: File name endings ``import_file`` reads (with the dot).
    import_suffixes: tuple[str, ...] = (".xlsx",)

    def template_xlsx(self) -> bytes:
        return export_xlsx(self.spec, [], template=True)


def excel_registers() -> dict[str, str]:
    """Register key → ``"module:attribute"`` of its :class:`ExcelRegister`, from every kit's
    ``excel`` (in kit order)."""
    found: dict[str, str] = {}
    for kit in kits():
        found |= kit.excel
    return found


def excel_register(key: str) -> ExcelRegister:
    """The register named ``key``; LookupError if there is none."""
    targets = excel_registers()
    if key not in targets:
        raise LookupError(f"未知的台账：{key}（可选：{'、'.join(targets)}）")
    return cast(ExcelRegister, resolve(targets[key]))
