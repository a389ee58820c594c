"""参训记录 in Excel (register key ``enforcement_training``): one row = one officer's attendance
of a course or exam. Headers are documented in docs/EXCEL.md.

Import (``fazhi import enforcement_training 文件.xlsx --unit <单位>`` or the upload page): every
row is checked first (format, required columns, the hours and score as numbers); then each row
runs :func:`fazhi.enforcement_training.services.attendance_import_row` — the officer is found by
执法证号 (else 姓名 + 身份证号, compared decrypted and never logged) in the importing unit's
subtree, the course (名称 + 日期) is the importing unit's own and is created on the fly when
missing — in file order, all or nothing (:func:`fazhi.core.excel.run_import`): a bad row is
reported with its row number and column and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.db import models

from fazhi.core.excel import (
    Column,
    ExcelRegister,
    ImportResult,
    Kind,
    Progress,
    RowError,
    Spec,
    Step,
    UnitMatcher,
    export_xlsx,
    read_xlsx,
    run_import,
)
from fazhi.enforcement_training import services
from fazhi.enforcement_training.models import Attendance, CourseKind
from fazhi.enforcement_training.views import attendance
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope

NUMBERS = ("public_hours", "professional_hours", "skill_hours", "score")

SPEC = Spec(
    title="执法培训参训记录",
    columns=(
        Column("课程/考试名称", "title", required=True, max_length=200),
        Column("日期", "start_on", Kind.DATE, required=True, help="培训或考试的（开始）日期"),
        Column("结束日期", "end_on", Kind.DATE, help="多日培训的最后一天；不填的与日期相同"),
        Column(
            "类型",
            "kind",
            Kind.CHOICE,
            choices=tuple(CourseKind.choices),
            help="不填的：有考试成绩的为考试，否则为培训",
        ),
        Column("姓名", "name", required=True, max_length=40),
        Column("执法证号", "cert_number", max_length=40, help="没有执法证号的填写身份证号"),
        Column(
            "身份证号",
            "id_number",
            exportable=False,
            help="仅在没有执法证号时用于核对人员；不导出",
        ),
        Column("所在单位", "unit", importable=False),
        Column("公共法律知识学时", "public_hours", help="数字，可有一位小数"),
        Column("专业法律知识学时", "professional_hours", help="数字，可有一位小数"),
        Column("执法技能学时", "skill_hours", help="数字，可有一位小数"),
        Column("考试成绩", "score", help="考试填写，数字"),
        Column("合计学时", "total_hours", importable=False),
        Column("考试合格", "passed", Kind.BOOL, importable=False),
    ),
    notes=(
        "导入时全部行校验通过才写入；任何一行有错误，整个文件都不导入，并列出行号和列名。",
        "人员须为导入单位或其下级单位的执法人员；按执法证号查找，没有执法证号的按姓名和身份证号查找。",
        "同一名称、同一日期的培训/考试视为同一期；导入单位尚未登记的，导入时自动登记为本单位组织。",
        "三类学时都不填的，按已登记的该期培训/考试的学时计入。",
    ),
)


def _number(text: str) -> Decimal:
    value = Decimal(text.replace("，", "").strip())
    if not value.is_finite():
        raise InvalidOperation
    return value


def import_xlsx(
    data: bytes,
    *,
    actor: Actor,
    unit: OrgUnit,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(unit, actor)
    sheet = read_xlsx(SPEC, data, units=UnitMatcher(unit))
    errors = list(sheet.errors)
    groups: list[list[Step]] = []
    bad = {error.row for error in errors}
    for row in sheet.rows:
        values: dict[str, Any] = dict(row.values)
        for key in NUMBERS:
            if key in values:
                try:
                    values[key] = _number(str(values[key]))
                except (InvalidOperation, ValueError):
                    header = SPEC.header_of(key)
                    errors.append(RowError(row.number, header, "应填写数字，如 4 或 2.5"))
                    bad.add(row.number)
        if not values.get("cert_number") and not values.get("id_number"):
            errors.append(RowError(row.number, "执法证号", "请填写执法证号（没有的填写身份证号）"))
            bad.add(row.number)
        if row.number in bad:
            continue
        call = partial(services.attendance_import_row, actor=actor, unit=unit, **values)
        on: dt.date | None = values.get("start_on")
        groups.append([Step(row.number, "姓名", call, on, {"officer": "姓名"})])
    return run_import(
        SPEC, groups, errors, rows=sheet.rows, dry_run=dry_run, progress=progress, actor=actor
    )


def _value(row: Attendance, key: str) -> Any:
    if key == "title":
        return row.course.title
    if key == "start_on":
        return row.course.start_on
    if key == "end_on":
        return row.course.end_on
    if key == "kind":
        return row.course.kind
    if key == "name":
        return row.officer.name
    if key == "cert_number":
        return row.officer.cert_number
    if key == "unit":
        return row.unit.name
    return getattr(row, key, None)


def export_queryset(actor: Actor, year: int | None = None) -> models.QuerySet[Any]:
    qs = attendance.queryset(actor)
    if year is not None:
        qs = qs.filter(on__gte=dt.date(year, 1, 1), on__lt=dt.date(year + 1, 1, 1))
    return qs


def export_attendance(qs: models.QuerySet[Any]) -> bytes:
    keys = [c.key for c in SPEC.export_columns]
    rows = ({k: _value(r, k) for k in keys} for r in qs.iterator(1000))
    return export_xlsx(SPEC, rows)


REGISTER = ExcelRegister(
    key=attendance.key,
    title="执法培训参训记录",
    spec=SPEC,
    import_xlsx=import_xlsx,
    export_queryset=export_queryset,
    export_xlsx=export_attendance,
    unit_help="参训人员须为该单位或其下级单位的执法人员；新的培训/考试登记为该单位组织",
    noun="",
    measure="条",
)
