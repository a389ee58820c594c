"""述法 register in Excel: one row per statement, replayed through the services.

The import registers each statement and then replays the steps whose dates are given, in date
order: 送审 → 审核通过 → 已述法 → 评议 (statement_register → statement_submit →
statement_approve → statement_hold → statement_rate), so the timeline, the audit entries, the
reviewing unit's rule (审核通过 only by the 依法治办 of a unit above) and the coverage rows
are the same as on screen. All rows are checked first; any error and nothing is written.
See docs/EXCEL.md.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import models

from fazhi.core import excel
from fazhi.core.excel import Column, ImportResult, Kind, Row, RowError, Spec, Step
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope, visible_to
from fazhi.statements import services
from fazhi.statements.models import Form, HeadKind, Rating, Statement, Status


def _choices(enum: type[models.TextChoices]) -> tuple[tuple[str, str], ...]:
    return tuple((str(value), str(label)) for value, label in enum.choices)


FORM_ALIASES = (("专题述法", Form.COMMITTEE.value), ("年终述职", Form.ANNUAL.value))

SPEC = Spec(
    title="述法",
    columns=(
        Column(
            "述法单位",
            "unit",
            Kind.UNIT,
            required=True,
            help="述法人所在单位：导入单位或其下级单位的全称、简称或单位编码",
        ),
        Column("年度", "year", Kind.INT, required=True),
        Column("述法人", "person", required=True, max_length=40),
        Column("职务", "post", required=True, max_length=40, help="如县长、县委书记、局长、镇长"),
        Column("述法人类别", "head_kind", Kind.CHOICE, required=True, choices=_choices(HeadKind)),
        Column(
            "述法形式",
            "form",
            Kind.CHOICE,
            required=True,
            choices=_choices(Form),
            aliases=FORM_ALIASES,
        ),
        Column("计划述法日期", "planned_on", Kind.DATE),
        Column("登记日期", "registered_on", Kind.DATE, required=True),
        Column("送审日期", "submitted_on", Kind.DATE, help="述法材料送依法治办审核的日期"),
        Column(
            "审核通过日期",
            "approved_on",
            Kind.DATE,
            help="由上级依法治办审核；导入账号须有审核权限且所在单位在述法单位之上",
        ),
        Column("述法日期", "held_on", Kind.DATE, help="须在审核通过之后"),
        Column("述法会议", "meeting", max_length=100),
        Column("评议日期", "rated_on", Kind.DATE),
        Column("评议结果", "rating", Kind.CHOICE, choices=_choices(Rating)),
        Column("评议意见", "rating_note"),
        Column("述法材料", "material"),
        Column("状态", "status", Kind.CHOICE, choices=_choices(Status), importable=False),
    ),
    notes=(
        "规则：",
        "1. 一行一人一年的述法；同一单位、年度、述法人不能重复，也不能与系统中已有的重复。",
        "2. 按日期依次办理：登记 → 送审 → 审核通过 → 已述法 → 评议；填写后一步的日期须同时"
        "填写前面各步的日期（有送审日期须有述法材料）。",
        "3. 审核通过由上级依法治办办理（县本级主要负责人的述法材料由县依法治办审核）。",
        "4. 评议日期和评议结果同时填写。",
        "5. 导入时全部行校验通过才写入；任何一行有错误，整个文件都不导入。",
    ),
)
H = SPEC.header_of
#: each step's date column → the columns it needs filled before it
CHAIN = (
    ("submitted_on", ()),
    ("approved_on", ("submitted_on",)),
    ("held_on", ("submitted_on", "approved_on")),
    ("rated_on", ("submitted_on", "approved_on", "held_on")),
)


def export_queryset(actor: Actor, year: int | None = None) -> models.QuerySet[Statement]:
    qs = visible_to(Statement.objects.all(), actor)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("year", "unit__path", "person", "id")


def export_xlsx(qs: models.QuerySet[Statement]) -> bytes:
    rows = (
        {c.key: getattr(s, c.key) for c in SPEC.export_columns}
        for s in qs.select_related("unit").iterator(chunk_size=1000)
    )
    return excel.export_xlsx(SPEC, rows)


def _check(row: Row, seen: dict[tuple[int, int, str], int]) -> list[RowError]:
    errors: list[RowError] = []
    n = row.number
    missing: dict[str, str] = {}  # column → the first later step that needs it
    for step, before in CHAIN:
        if row.filled(step):
            for b in before:
                if not row.filled(b):
                    missing.setdefault(b, step)
    errors += [RowError(n, H(b), f"填写了{H(step)}的，此项必填") for b, step in missing.items()]
    if row.filled("rated_on") != row.filled("rating"):
        absent = "rating" if row.filled("rated_on") else "rated_on"
        errors.append(RowError(n, H(absent), "评议日期和评议结果应同时填写"))
    if row.filled("submitted_on") and not row.filled("material"):
        errors.append(RowError(n, H("material"), "已送审的，请填写述法材料"))
    unit, year, person = row.get("unit"), row.get("year"), row.get("person")
    if unit is not None and year is not None and person is not None:
        key = (unit.pk, year, person.strip())
        if key in seen:
            errors.append(
                RowError(n, H("person"), f"与第{seen[key]}行重复（同一单位、年度、述法人）")
            )
        else:
            seen[key] = n
        if Statement.objects.filter(unit=unit, year=year, person=person.strip()).exists():
            reason = f"{unit.name}{person}{year}年的述法已在系统中登记"
            errors.append(RowError(n, H("person"), reason))
    return errors


class _Made:
    statement: Statement | None = None

    @property
    def it(self) -> Statement:
        assert self.statement is not None
        return self.statement


def _register(actor: Actor, row: Row, made: _Made) -> None:
    made.statement = services.statement_register(
        actor=actor,
        unit=row.get("unit"),
        year=row.get("year"),
        person=row.get("person"),
        post=row.get("post"),
        head_kind=row.get("head_kind"),
        form=row.get("form"),
        registered_on=row.get("registered_on"),
        planned_on=row.get("planned_on"),
        material=row.get("material", ""),
    )


def _call(service: Any, made: _Made, actor: Actor, kwargs: dict[str, Any]) -> None:
    made.statement = service(actor=actor, statement=made.it, **kwargs)


def _steps(actor: Actor, row: Row) -> list[Step]:
    n, made = row.number, _Made()
    fields = {"date": H("registered_on"), "unit": H("unit"), "year": H("year")}
    fields.update({k: H(k) for k in ("person", "post", "planned_on", "registered_on")})
    steps = [
        Step(
            n,
            H("registered_on"),
            partial(_register, actor, row, made),
            row.get("registered_on"),
            fields,
        )
    ]
    plan: list[tuple[str, Any, dict[str, Any], dict[str, str]]] = [
        ("submitted_on", services.statement_submit, {"submitted_on": row.get("submitted_on")}, {}),
        ("approved_on", services.statement_approve, {"approved_on": row.get("approved_on")}, {}),
        (
            "held_on",
            services.statement_hold,
            {"held_on": row.get("held_on"), "meeting": row.get("meeting", "")},
            {},
        ),
        (
            "rated_on",
            services.statement_rate,
            {
                "rated_on": row.get("rated_on"),
                "rating": row.get("rating", ""),
                "rating_note": row.get("rating_note", ""),
            },
            {"rating": H("rating"), "rating_note": H("rating_note")},
        ),
    ]
    for key, service, kwargs, extra in plan:
        if not row.filled(key):
            break
        run = partial(_call, service, made, actor, kwargs)
        steps.append(Step(n, H(key), run, None, {key: H(key), "date": H(key), **extra}))
    return steps


def import_xlsx(
    data: bytes,
    *,
    actor: Actor,
    unit: OrgUnit,
    dry_run: bool = False,
    progress: excel.Progress | None = None,
) -> ImportResult:
    """Import an .xlsx of statements of ``unit`` or below it, all or nothing (see module)."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(unit, actor)
    sheet = excel.read_xlsx(SPEC, data, units=excel.UnitMatcher(unit))
    errors = list(sheet.errors)
    seen: dict[tuple[int, int, str], int] = {}
    for row in sheet.rows:
        errors += _check(row, seen)
    bad = {e.row for e in errors}
    groups = [_steps(actor, row) for row in sheet.rows if row.number not in bad]
    return excel.run_import(
        SPEC,
        groups,
        errors,
        rows=sheet.rows,
        dry_run=dry_run,
        progress=progress,
        actor=actor,
    )


REGISTER = excel.ExcelRegister(
    key="statements",
    title="述法",
    spec=SPEC,
    import_xlsx=import_xlsx,
    export_queryset=export_queryset,
    export_xlsx=export_xlsx,
    unit_help="述法单位须为该单位或其下级单位",
    noun="人次",
    measure="条",
)
