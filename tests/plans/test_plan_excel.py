"""Excel exports of a plan: the task × unit matrix (cells ``角色·状态`` coloured by status, a
per-unit summary) and the progress reports (local times, review, evidence names); both scoped
to what the actor sees, and a fixed number of queries whatever the size of the plan."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from tests.personas import County

from fazhi.orgs.models import OrgUnit, UnitKind, UnitLevel
from fazhi.orgs.scoping import Actor
from fazhi.orgs.services import orgunit_create
from fazhi.plans.excel import (
    MATRIX_HEADERS,
    MATRIX_SHEET,
    REPORT_HEADERS,
    REPORTS_SHEET,
    SUMMARY_HEADERS,
    SUMMARY_SHEET,
    matrix_workbook,
    reports_workbook,
)
from fazhi.plans.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Evidence,
    Plan,
    PlanSection,
    ProgressReport,
    ReportStatus,
    Task,
)

pytestmark = pytest.mark.django_db
UTC = dt.UTC
NOW = dt.datetime(2025, 7, 1, 1, 0, tzinfo=UTC)  # 2025-07-01 09:00 in Beijing
TITLE = "湘江县2025年法治政府建设工作要点"
GREEN, RED = "00C6EFCE", "00FFC7CE"
LEAD, RESP, COOP = AssignmentRole.LEAD, AssignmentRole.RESPONSIBLE, AssignmentRole.COOPERATING
S = AssignmentStatus


@dataclass
class Fixture:
    plan: Plan
    tasks: list[Task]


def assign(task: Task, unit: OrgUnit, role: str, status: str, **extra: object) -> Assignment:
    return Assignment.objects.create(task=task, unit=unit, role=role, status=status, **extra)


def report(
    assignment: Assignment, text: str, at: dt.datetime, *files: str, **extra: object
) -> ProgressReport:
    row = ProgressReport.objects.create(
        assignment=assignment, text=text, submitted_at=at, submitted_by="白沙甲", **extra
    )
    for name in files:
        Evidence.objects.create(
            report=row,
            file=f"plans/evidence/2025/06/{len(name)}.bin",
            original_name=name,
            size=10,
            content_type="application/pdf",
            sha256="0" * 64,
        )
    return row


@pytest.fixture
def plan(county: County) -> Fixture:
    """Three tasks in two sections; 司法局, 白沙镇 and 黄金乡 assigned; five reports."""
    c = county
    p = Plan.objects.create(unit=c.root, year=2025, title=TITLE)
    one = PlanSection.objects.create(plan=p, number="一", title="加强党的领导", order=1)
    two = PlanSection.objects.create(plan=p, number="二", title="严格规范执法", order=2)
    t1 = Task.objects.create(
        plan=p, section=one, number="1", title="落实述法制度", text="…", order=1,
        due_on=dt.date(2025, 6, 30), chapter=10,
    )  # fmt: skip
    t2 = Task.objects.create(
        plan=p, section=one, number="2", title="清理文件", text="…", order=2, chapter=5,
        deadlines=[{"text": "自发布之日起15日内", "date": None}],
    )  # fmt: skip
    t3 = Task.objects.create(
        plan=p, section=two, number="3", title="=开展案卷评查", text="…", order=3,
        due_on=dt.date(2025, 9, 30),
    )  # fmt: skip
    done = {"completed_on": dt.date(2025, 6, 20)}
    a1_dept = assign(t1, c.dept, LEAD, S.COMPLETED, completed_on_time=True, **done)
    a1_a = assign(t1, c.town_a, RESP, S.IN_PROGRESS, due_on=dt.date(2025, 12, 31))
    assign(t1, c.town_b, RESP, S.NOT_STARTED, due_on=dt.date(2025, 6, 30))  # past: 逾期
    a2_b = assign(t2, c.town_b, LEAD, S.OVERDUE)
    assign(t2, c.dept, COOP, S.NOT_STARTED)
    assign(t3, c.dept, LEAD, S.COMPLETED, completed_on_time=False, **done)
    a3_a = assign(t3, c.town_a, RESP, S.COMPLETED, completed_on_time=True, **done)

    at = lambda month, day, hour=2: dt.datetime(2025, month, day, hour, 0, tzinfo=UTC)  # noqa: E731
    report(
        a1_a, "已召开专题会", at(6, 1), status=ReportStatus.APPROVED, reviewed_by="依法明",
        reviewed_at=at(6, 2, 8), review_note="同意",
    )  # fmt: skip
    report(a1_a, "已完成述法", at(6, 20), "会议纪要.pdf", "照片.jpg", claims_completion=True)
    report(
        a1_dept, "推进\x07中", at(6, 10), status=ReportStatus.RETURNED, reviewed_by="依法明",
        reviewed_at=at(6, 11), review_note="=请补充材料",
    )  # fmt: skip
    report(a3_a, "评查完毕", at(5, 1), "评查表.xlsx", claims_completion=True)
    report(a2_b, "黄金乡进展", at(6, 15))
    return Fixture(p, [t1, t2, t3])


def sheet(data: bytes, name: str) -> Worksheet:
    book = load_workbook(io.BytesIO(data))
    ws = book[name]
    assert isinstance(ws, Worksheet)
    return ws


def rows(ws: Worksheet, first: int) -> list[tuple[object, ...]]:
    return [tuple(r) for r in ws.iter_rows(min_row=first, values_only=True)]


def fill(ws: Worksheet, ref: str) -> str | None:
    cell = ws[ref]
    return str(cell.fill.fgColor.rgb) if cell.fill.fill_type == "solid" else None


# --- the matrix ------------------------------------------------------------------------------
def test_matrix_shows_every_unit_column_to_the_coordinator(county: County, plan: Fixture) -> None:
    data = matrix_workbook(actor=county.actor("coordinator"), plan=plan.plan, now=NOW)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == [MATRIX_SHEET, SUMMARY_SHEET]
    ws = sheet(data, MATRIX_SHEET)
    assert ws["A1"].value == f"{TITLE}　任务分工矩阵"
    assert "导出时间：2025-07-01 09:00" in str(ws["A2"].value)
    assert (ws["B3"].value, fill(ws, "B3")) == ("已完成", GREEN)
    assert (ws["C3"].value, fill(ws, "C3")) == ("逾期", RED)
    # units by code: 司法局 430199001, 白沙镇 430199101, 黄金乡 430199102
    units = ("湘江县司法局", "白沙镇人民政府", "黄金乡人民政府")
    assert rows(ws, 4)[0] == (*MATRIX_HEADERS, *units)
    chapter_10 = "加强党的领导，完善法治政府建设推进机制"
    chapter_5 = "健全行政执法工作体系，全面推进严格规范公正文明执法"
    assert rows(ws, 5) == [
        ("1", "一、加强党的领导", "落实述法制度", dt.datetime(2025, 6, 30), chapter_10,  # noqa: DTZ001 — Excel cells hold naive datetimes
         "牵头·已完成", "责任·推进中", "责任·逾期"),
        ("2", "一、加强党的领导", "清理文件", "自发布之日起15日内", chapter_5,
         "配合·未开始", None, "牵头·逾期"),
        ("3", "二、严格规范执法", "=开展案卷评查", dt.datetime(2025, 9, 30), None,  # noqa: DTZ001 — Excel cells hold naive datetimes
         "牵头·已完成", "责任·已完成", None),
    ]  # fmt: skip
    assert ws["D5"].number_format == "yyyy-mm-dd"
    assert ws["C7"].data_type == "s"  # a title starting with "=" is text, not a formula
    colours = {ref: fill(ws, ref) for ref in ("F5", "G5", "H5", "F6", "G6", "H6", "G7")}
    assert colours == {
        "F5": GREEN, "G5": None, "H5": RED, "F6": None, "G6": None, "H6": RED, "G7": GREEN,
    }  # fmt: skip
    assert ws.freeze_panes == "D5"
    assert ws.column_dimensions["C"].width == 40


def test_summary_counts_per_unit(county: County, plan: Fixture) -> None:
    data = matrix_workbook(actor=county.actor("coordinator"), plan=plan.plan, now=NOW)
    ws = sheet(data, SUMMARY_SHEET)
    assert rows(ws, 3) == [
        SUMMARY_HEADERS,
        ("430199001", "湘江县司法局", 3, 2, 1, 0),
        ("430199101", "白沙镇人民政府", 2, 1, 1, 0),
        ("430199102", "黄金乡人民政府", 2, 0, 0, 2),  # one marked, one past due unmarked
    ]
    assert ws.freeze_panes == "A4"


def test_township_sees_only_its_column(county: County, plan: Fixture) -> None:
    data = matrix_workbook(actor=county.actor("clerk_a"), plan=plan.plan, now=NOW)
    ws = sheet(data, MATRIX_SHEET)
    assert rows(ws, 4)[0] == (*MATRIX_HEADERS, "白沙镇人民政府")
    body = rows(ws, 5)  # its own tasks only, as on its page; no other unit's cells
    assert [(r[0], r[-1]) for r in body] == [
        ("1", "责任·推进中"),
        ("3", "责任·已完成"),
    ]
    assert (fill(ws, "F5"), fill(ws, "F6")) == (None, GREEN)
    assert "白沙镇人民政府及下级单位" in str(ws["A2"].value)
    assert rows(sheet(data, SUMMARY_SHEET), 4) == [("430199101", "白沙镇人民政府", 2, 1, 1, 0)]


def test_units_below_a_township_show_to_it(county: County, plan: Fixture) -> None:
    assign(plan.tasks[1], county.village_a, COOP, S.IN_PROGRESS)
    data = matrix_workbook(actor=county.actor("clerk_a"), plan=plan.plan, now=NOW)
    ws = sheet(data, MATRIX_SHEET)
    assert rows(ws, 4)[0][-2:] == ("白沙镇人民政府", "白沙镇综合行政执法办")
    assert [r[0] for r in rows(ws, 5)] == ["1", "2", "3"]


def test_out_of_scope_and_admin_roles_are_refused(county: County, plan: Fixture) -> None:
    other = Plan.objects.create(unit=county.town_a, year=2025, title="白沙镇工作要点")
    task = Task.objects.create(plan=other, title="任务", text="…")
    assign(task, county.town_a, LEAD, S.NOT_STARTED)
    for export in (matrix_workbook, reports_workbook):
        with pytest.raises(Http404):
            export(actor=county.actor("clerk_b"), plan=other)
        with pytest.raises(PermissionDenied):
            export(actor=county.actor("auditor"), plan=plan.plan)
        export(actor=county.actor("coordinator_a"), plan=other)  # its own plan


def test_command_line_sees_the_whole_plan(county: County, plan: Fixture) -> None:
    data = matrix_workbook(actor=Actor.command_line(), plan=plan.plan, now=NOW)
    ws = sheet(data, MATRIX_SHEET)
    assert len(rows(ws, 4)[0]) == len(MATRIX_HEADERS) + 3
    assert "导出范围：全系统" in str(ws["A2"].value)


def test_an_empty_plan_exports_headers_only(county: County) -> None:
    empty = Plan.objects.create(unit=county.root, year=2025, title="空计划")
    ws = sheet(matrix_workbook(actor=county.actor("coordinator"), plan=empty), MATRIX_SHEET)
    assert rows(ws, 4) == [MATRIX_HEADERS]
    ws = sheet(reports_workbook(actor=county.actor("coordinator"), plan=empty), REPORTS_SHEET)
    assert rows(ws, 3) == [REPORT_HEADERS]


# --- the progress reports --------------------------------------------------------------------
def test_reports_in_task_order_newest_first(county: County, plan: Fixture) -> None:
    data = reports_workbook(actor=county.actor("coordinator"), plan=plan.plan, now=NOW)
    assert load_workbook(io.BytesIO(data)).sheetnames == [REPORTS_SHEET]
    ws = sheet(data, REPORTS_SHEET)
    assert ws["A1"].value == f"{TITLE}　进展报告"
    assert rows(ws, 3)[0] == REPORT_HEADERS
    local = lambda month, day, hour: dt.datetime(2025, month, day, hour, 0)  # noqa: E731, DTZ001 — naive like an Excel cell
    assert rows(ws, 4) == [
        ("1", "落实述法制度", "白沙镇人民政府", "责任", local(6, 20, 10), "白沙甲",
         "已完成述法", "是", "待审核", None, None, None, "会议纪要.pdf、照片.jpg"),
        ("1", "落实述法制度", "湘江县司法局", "牵头", local(6, 10, 10), "白沙甲",
         "推进中", "否", "已退回", "依法明", local(6, 11, 10), "=请补充材料", None),
        ("1", "落实述法制度", "白沙镇人民政府", "责任", local(6, 1, 10), "白沙甲",
         "已召开专题会", "否", "已通过", "依法明", local(6, 2, 16), "同意", None),
        ("2", "清理文件", "黄金乡人民政府", "牵头", local(6, 15, 10), "白沙甲",
         "黄金乡进展", "否", "待审核", None, None, None, None),
        ("3", "=开展案卷评查", "白沙镇人民政府", "责任", local(5, 1, 10), "白沙甲",
         "评查完毕", "是", "待审核", None, None, None, "评查表.xlsx"),
    ]  # fmt: skip
    assert ws["E4"].number_format == "yyyy-mm-dd hh:mm"
    assert ws["L5"].data_type == "s"  # review note starting with "=" stays text
    assert ws.freeze_panes == "A4"


def test_township_gets_only_its_reports(county: County, plan: Fixture) -> None:
    data = reports_workbook(actor=county.actor("clerk_a"), plan=plan.plan, now=NOW)
    body = rows(sheet(data, REPORTS_SHEET), 4)
    assert [(r[0], r[2], r[6]) for r in body] == [
        ("1", "白沙镇人民政府", "已完成述法"),
        ("1", "白沙镇人民政府", "已召开专题会"),
        ("3", "白沙镇人民政府", "评查完毕"),
    ]
    data = reports_workbook(actor=county.actor("clerk_b"), plan=plan.plan, now=NOW)
    assert [r[6] for r in rows(sheet(data, REPORTS_SHEET), 4)] == ["黄金乡进展"]


def test_a_unit_with_assignments_but_no_reports_gets_an_empty_sheet(
    county: County, plan: Fixture
) -> None:
    ProgressReport.objects.filter(assignment__unit=county.town_b).delete()
    data = reports_workbook(actor=county.actor("clerk_b"), plan=plan.plan, now=NOW)
    assert rows(sheet(data, REPORTS_SHEET), 4) == []


# --- queries ---------------------------------------------------------------------------------
def build(county: County, tasks: int, extra_units: int) -> Plan:
    """A plan of ``tasks`` tasks, each assigned to 白沙镇 and ``extra_units`` new departments,
    each assignment with two reports of two evidence files."""
    units = [county.town_a]
    for i in range(extra_units):
        units.append(
            orgunit_create(
                actor=Actor.command_line(),
                code=f"4301990{50 + i}",
                name=f"湘江县部门{i}",
                kind=UnitKind.DEPARTMENT,
                level=UnitLevel.COUNTY,
                parent=county.root,
            )
        )
    p = Plan.objects.create(unit=county.root, year=2025, title=f"计划{tasks}")
    section = PlanSection.objects.create(plan=p, number="一", title="部分")
    for n in range(tasks):
        task = Task.objects.create(
            plan=p, section=section, number=str(n + 1), title=f"任务{n}", text="…", order=n,
            chapter=1 + n % 10, due_on=dt.date(2025, 6, 30),
        )  # fmt: skip
        for unit in units:
            a = assign(task, unit, RESP, S.IN_PROGRESS)
            for day in (1, 2):
                report(a, "进展", dt.datetime(2025, 6, day, tzinfo=UTC), "a.pdf", "b.pdf")
    return p


def queries(export: object, actor: Actor, plan_pk: int) -> int:
    plan = Plan.objects.get(pk=plan_pk)  # fresh: plan.unit not loaded
    assert callable(export)
    with CaptureQueriesContext(connection) as captured:
        export(actor=actor, plan=plan, now=NOW)
    return len(captured.captured_queries)


@pytest.mark.parametrize("export", [matrix_workbook, reports_workbook])
@pytest.mark.parametrize("persona", ["coordinator", "clerk_a"])
def test_queries_do_not_grow_with_the_plan(county: County, export: object, persona: str) -> None:
    small = build(county, tasks=1, extra_units=0)
    large = build(county, tasks=12, extra_units=5)
    actor = county.actor(persona)
    counted = queries(export, actor, small.pk)
    assert counted <= 3  # matrix: assignments, tasks; reports: reports, evidence, plan.unit
    assert queries(export, actor, large.pk) == counted
