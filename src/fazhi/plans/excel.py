"""Excel exports of a plan: the task × unit matrix (with a per-unit summary) and the progress
reports.

Both read only what the actor may see: assignments and reports go through
:func:`fazhi.orgs.scoping.visible_to` (a row belongs to the assigned unit and to the plan's
unit), so a township exporting a county plan gets its own column and its own reports only. The
plan itself (every task row) is open to the actors that may open it on the pages
(``selectors.plans_for``: its unit's subtree and the units it assigns tasks to); anyone else
gets 404, as for any record out of scope. Each export is a fixed number of queries,
whatever the number of tasks, units or reports. Nothing is logged.

Times are written as local time (``settings.TIME_ZONE``, Asia/Shanghai) without a zone, since
Excel has none. Text that would start a formula is written as text.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from django.http import Http404
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, unit_in_scope, visible_to
from fazhi.plans.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Plan,
    ProgressReport,
    Task,
)
from fazhi.plans.selectors import chapters

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

MATRIX_SHEET = "任务分工矩阵"
SUMMARY_SHEET = "汇总"
REPORTS_SHEET = "进展报告"

MATRIX_HEADERS = ("编号", "部分", "任务名称", "完成时限", "纲要章节")
SUMMARY_HEADERS = ("单位编码", "单位", "任务数", "已完成", "按期完成", "逾期")
REPORT_HEADERS = (
    "任务编号",
    "任务名称",
    "单位",
    "角色",
    "报送时间",
    "报送人",
    "进展情况",
    "申报完成",
    "审核状态",
    "审核人",
    "审核时间",
    "审核意见",
    "佐证材料",
)

ROLE_SHORT: dict[str, str] = {
    AssignmentRole.LEAD: "牵头",
    AssignmentRole.RESPONSIBLE: "责任",
    AssignmentRole.COOPERATING: "配合",
}
#: fill colours of matrix cells by (effective) status; other statuses have none
STATUS_FILL: dict[str, str] = {
    AssignmentStatus.COMPLETED: "C6EFCE",  # green
    AssignmentStatus.OVERDUE: "FFC7CE",  # red
}
HEADER_FILL = "DDEBF7"
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm"
EVIDENCE_SEPARATOR = "、"
MAX_CELL_TEXT = 32767  # Excel's limit for one cell
_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
#: what a cell may hold here (a datetime is a date)
Value = str | int | float | dt.date | None


# --- what the actor sees ---------------------------------------------------------------------
def _visible_assignments(actor: Actor, plan: Plan) -> list[Assignment]:
    """The plan's assignments the actor may see, with their units (one query)."""
    qs = visible_to(Assignment.objects.filter(task__plan=plan), actor)
    return list(qs.select_related("unit").order_by("unit__code", "task_id"))


def _check_access(actor: Actor, plan: Plan, has_assignments: bool) -> None:
    """403 without the right to read records (三员); 404 unless the plan's unit is in the
    actor's subtree or the actor sees one of its assignments."""
    actor.require(Cap.VIEW_RECORDS)
    if not has_assignments and not unit_in_scope(plan.unit, actor):
        raise Http404("记录不存在或不在您的管辖范围内")


def effective_status(assignment: Assignment, today: dt.date) -> str:
    """The status shown: an unfinished assignment past its due date counts as 逾期 even before
    the daily sweep (``services.assignments_sweep``, same rule) has marked it."""
    status = assignment.status
    due = assignment.due_on
    unfinished = status in (AssignmentStatus.NOT_STARTED, AssignmentStatus.IN_PROGRESS)
    if unfinished and due is not None and due < today:
        return AssignmentStatus.OVERDUE
    return status


def completed_on_time(assignment: Assignment) -> bool:
    """Completed, and on time (as recorded; else completion date ≤ due date)."""
    if assignment.status != AssignmentStatus.COMPLETED:
        return False
    if assignment.completed_on_time is not None:
        return assignment.completed_on_time
    due, done = assignment.due_on, assignment.completed_on
    return due is None or (done is not None and done <= due)


def cell_label(assignment: Assignment, today: dt.date) -> str:
    """A matrix cell: role and status, e.g. ``牵头·推进中``."""
    status = AssignmentStatus(effective_status(assignment, today))
    return f"{ROLE_SHORT[assignment.role]}·{status.label}"


# --- cells -----------------------------------------------------------------------------------
def _clean(value: Value) -> Value:
    """A value as written: text without control characters (openpyxl refuses them), cut to
    Excel's cell limit; aware datetimes as local time without zone."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        return text if len(text) <= MAX_CELL_TEXT else text[: MAX_CELL_TEXT - 1] + "…"
    return value


def _put(ws: Worksheet, row: int, column: int, value: Value) -> Cell:
    cell = ws.cell(row=row, column=column, value=_clean(value))
    if isinstance(cell.value, str) and cell.value.startswith(("=", "#")):
        cell.data_type = "s"  # text, not a formula
    elif isinstance(cell.value, dt.datetime):
        cell.number_format = TIME_FORMAT
    elif isinstance(cell.value, dt.date):
        cell.number_format = DATE_FORMAT
    return cell


def _fill(colour: str) -> PatternFill:
    return PatternFill("solid", fgColor=colour)


def _title(ws: Worksheet, title: str, actor: Actor, now: dt.datetime, width: int) -> int:
    """Title and export lines at the top of a sheet; returns the next free row."""
    stamp = timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
    scope = "全系统" if actor.unit.path == "/" else f"{actor.unit.name}及下级单位"
    info = f"导出时间：{stamp}（北京时间）　导出范围：{scope}"
    for row, text, font in ((1, title, Font(bold=True, size=14)), (2, info, Font(color="595959"))):
        cell = _put(ws, row, 1, text)
        cell.font = font
        if width > 1:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    ws.row_dimensions[1].height = 24
    return 3


def _headers(ws: Worksheet, row: int, headers: Sequence[str], widths: Sequence[float]) -> None:
    for column, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = _put(ws, row, column, header)
        cell.font = Font(bold=True)
        cell.fill = _fill(HEADER_FILL)
        cell.alignment = _CENTER
        cell.border = _BORDER
        ws.column_dimensions[get_column_letter(column)].width = width


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- the matrix ------------------------------------------------------------------------------
@dataclass
class _UnitCounts:
    unit: OrgUnit
    tasks: int = 0
    completed: int = 0
    on_time: int = 0
    overdue: int = 0


def _due_cell(task: Task) -> Value:
    if task.due_on is not None:
        return task.due_on
    texts = [str(d.get("text", "")) for d in task.deadlines if isinstance(d, dict)]
    return "；".join(t for t in texts if t) or None


def matrix_workbook(*, actor: Actor, plan: Plan, now: dt.datetime | None = None) -> bytes:
    """The plan's task × unit matrix as an .xlsx: sheet 任务分工矩阵 (a row per task, a column
    per unit with an assignment the actor sees, in unit-code order, each cell ``角色·状态``
    coloured green for 已完成 and red for 逾期) and sheet 汇总 (per unit: 任务数, 已完成,
    按期完成, 逾期). ``now`` (aware; default: now) gives the export time and "today".

    Three queries whatever the size of the plan (two if ``plan.unit`` is loaded).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    assignments = _visible_assignments(actor, plan)
    _check_access(actor, plan, bool(assignments))
    tasks = list(Task.objects.filter(plan=plan).select_related("section").order_by("order", "pk"))

    units: dict[int, _UnitCounts] = {}
    cells: dict[tuple[int, int], Assignment] = {}
    for a in assignments:  # ordered by unit code
        counts = units.setdefault(a.unit_id, _UnitCounts(a.unit))
        cells[(a.task_id, a.unit_id)] = a
        status = effective_status(a, today)
        counts.tasks += 1
        counts.completed += status == AssignmentStatus.COMPLETED
        counts.on_time += completed_on_time(a)
        counts.overdue += status == AssignmentStatus.OVERDUE
    unit_ids = list(units)
    if not unit_in_scope(plan.unit, actor):  # a unit outside the issuer: only its own tasks
        tasks = [t for t in tasks if any((t.pk, u) in cells for u in unit_ids)]

    book = Workbook()
    ws = cast("Worksheet", book.active)
    ws.title = MATRIX_SHEET
    width = len(MATRIX_HEADERS) + len(unit_ids)
    row = _title(ws, f"{plan.title}　任务分工矩阵", actor, now, width)
    # legend, with the colours themselves
    _put(ws, row, 1, "图例").font = Font(bold=True)
    for column, status in ((2, AssignmentStatus.COMPLETED), (3, AssignmentStatus.OVERDUE)):
        cell = _put(ws, row, column, status.label)
        cell.fill = _fill(STATUS_FILL[status])
        cell.alignment = _CENTER
    _put(ws, row, 4, "其他状态（未开始、推进中）无底色；单元格为“角色·状态”")
    header_row = row + 1
    unit_names = [units[u].unit.name for u in unit_ids]
    _headers(
        ws, header_row, [*MATRIX_HEADERS, *unit_names], [8, 22, 40, 12, 30] + [14] * len(unit_ids)
    )
    ws.row_dimensions[header_row].height = 45

    chapter_titles = dict(chapters())
    for offset, task in enumerate(tasks, start=1):
        r = header_row + offset
        values: list[Value] = [
            task.number,
            str(task.section) if task.section else "",
            task.title,
            _due_cell(task),
            chapter_titles.get(task.chapter, "") if task.chapter else "",
        ]
        for column, value in enumerate(values, start=1):
            cell = _put(ws, r, column, value)
            cell.alignment = _WRAP
            cell.border = _BORDER
        for column, unit_id in enumerate(unit_ids, start=len(MATRIX_HEADERS) + 1):
            found = cells.get((task.pk, unit_id))
            cell = _put(ws, r, column, cell_label(found, today) if found else None)
            cell.border = _BORDER
            cell.alignment = _CENTER
            colour = STATUS_FILL.get(effective_status(found, today)) if found else None
            if colour:
                cell.fill = _fill(colour)
    ws.freeze_panes = f"D{header_row + 1}"  # header rows and 编号…任务名称
    if tasks:
        last = get_column_letter(width)
        ws.auto_filter.ref = f"A{header_row}:{last}{header_row + len(tasks)}"

    _summary(book, plan, actor, now, [units[u] for u in unit_ids])
    return _save(book)


def _summary(
    book: Workbook, plan: Plan, actor: Actor, now: dt.datetime, rows: Iterable[_UnitCounts]
) -> None:
    ws = book.create_sheet(SUMMARY_SHEET)
    row = _title(ws, f"{plan.title}　分单位汇总", actor, now, len(SUMMARY_HEADERS))
    _headers(ws, row, SUMMARY_HEADERS, [14, 36, 10, 10, 10, 10])
    ws.freeze_panes = f"A{row + 1}"
    for offset, counts in enumerate(rows, start=1):
        values: tuple[Value, ...] = (
            counts.unit.code,
            counts.unit.name,
            counts.tasks,
            counts.completed,
            counts.on_time,
            counts.overdue,
        )
        for column, value in enumerate(values, start=1):
            _put(ws, row + offset, column, value).border = _BORDER


# --- the progress reports --------------------------------------------------------------------
def reports_workbook(*, actor: Actor, plan: Plan, now: dt.datetime | None = None) -> bytes:
    """The plan's progress reports the actor sees as an .xlsx (sheet 进展报告): a row per report,
    in task order and newest first within a task, with the review and the evidence file names.

    Three queries whatever the number of reports (two if ``plan.unit`` is loaded; one more for
    an actor outside the plan's unit without reports).
    """
    now = now or timezone.now()
    qs = visible_to(ProgressReport.objects.filter(assignment__task__plan=plan), actor)
    reports = list(
        qs.select_related("assignment__task", "assignment__unit")
        .prefetch_related("evidence")
        .order_by("assignment__task__order", "assignment__task_id", "-submitted_at", "-pk")
    )
    has_assignments = bool(reports) or (
        not unit_in_scope(plan.unit, actor)
        and visible_to(Assignment.objects.filter(task__plan=plan), actor).exists()
    )
    _check_access(actor, plan, has_assignments)

    book = Workbook()
    ws = cast("Worksheet", book.active)
    ws.title = REPORTS_SHEET
    row = _title(ws, f"{plan.title}　进展报告", actor, now, len(REPORT_HEADERS))
    widths = [8, 30, 22, 8, 17, 10, 50, 9, 9, 10, 17, 30, 30]
    _headers(ws, row, REPORT_HEADERS, widths)
    for offset, report in enumerate(reports, start=1):
        a = report.assignment
        values: list[Value] = [
            a.task.number,
            a.task.title,
            a.unit.name,
            ROLE_SHORT[a.role],
            report.submitted_at,
            report.submitted_by,
            report.text,
            "是" if report.claims_completion else "否",
            report.get_status_display(),
            report.reviewed_by,
            report.reviewed_at,
            report.review_note,
            EVIDENCE_SEPARATOR.join(e.original_name for e in report.evidence.all()),
        ]
        for column, value in enumerate(values, start=1):
            cell = _put(ws, row + offset, column, value)
            cell.alignment = _WRAP
            cell.border = _BORDER
    ws.freeze_panes = f"A{row + 1}"
    if reports:
        ws.auto_filter.ref = f"A{row}:{get_column_letter(len(REPORT_HEADERS))}{row + len(reports)}"
    return _save(book)
