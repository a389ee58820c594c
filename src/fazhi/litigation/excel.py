"""行政应诉 register in Excel: one row per hearing, replayed through the litigation services.

Rows with the same 法院 + 案号 + 被告 are one case; its columns are repeated on each row (a
blank optional case cell takes the value of the case's other rows). A case with no hearing is
one row with an empty 开庭日期. The import registers the case, adds its hearings in date order
and records the judgment (case_register → hearing_add → case_close), so 出庭 figures, 败诉剖析
triggers, timeline events and audit entries match cases entered on screen. The plaintiff may be
imported (stored encrypted) but is never exported. See docs/EXCEL.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import models

from fazhi.core import excel
from fazhi.core.excel import Column, ImportResult, Kind, Row, RowError, Spec, Step
from fazhi.litigation import services
from fazhi.litigation.models import HeadCategory, Level, LitigationCase, Result
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope, visible_to
from fazhi.reconsideration.models import ActCategory, ReconsiderationCase


def _choices(enum: type[models.TextChoices]) -> tuple[tuple[str, str], ...]:
    return tuple((str(value), str(label)) for value, label in enum.choices)


HEAD_CATEGORIES = (
    (HeadCategory.PRINCIPAL.value, "正职"),
    (HeadCategory.DEPUTY.value, "副职"),
    (HeadCategory.OTHER_IN_CHARGE.value, "其他分管负责人"),
)
RESULT_ALIASES = (
    ("胜诉", Result.WIN.value),
    ("驳回诉讼请求", Result.WIN.value),
    ("驳回起诉", Result.DISMISSED.value),
    ("撤诉", Result.WITHDRAWN.value),
    ("调解", Result.MEDIATED.value),
)

SPEC = Spec(
    title="行政应诉案件",
    columns=(
        Column("案号", "number", required=True, max_length=64, help="每个审级有自己的案号"),
        Column("法院", "court", required=True, max_length=100),
        Column("审级", "level", Kind.CHOICE, required=True, choices=_choices(Level)),
        Column(
            "被告",
            "unit",
            Kind.UNIT,
            required=True,
            help="作为被告的单位：导入单位或其下级单位的全称、简称或单位编码",
        ),
        Column(
            "原告", "plaintiff_name", help="仅导入时使用，加密保存；导出时不输出", exportable=False
        ),
        Column("案由", "cause", max_length=200),
        Column(
            "被诉行为类别",
            "act_category",
            Kind.CHOICE,
            choices=_choices(ActCategory),
            help="留空：其他",
        ),
        Column("关联复议案号", "reconsideration", help="经复议的案件，填写系统中已有的复议案号"),
        Column("立案日期", "filed_on", Kind.DATE, required=True),
        Column(
            "收到起诉状副本日期",
            "complaint_received_on",
            Kind.DATE,
            help="一审案件填写：答辩举证期限自该日起15日（行政诉讼法第六十七条）",
        ),
        Column("提交答辩状和证据日期", "defence_filed_on", Kind.DATE),
        Column("开庭日期", "held_on", Kind.DATE, help="一行一次开庭；未开庭的案件留空（一行）"),
        Column("负责人是否出庭", "head_appeared", Kind.BOOL, help="填写了开庭日期的必填"),
        Column("出庭负责人姓名", "head_name", max_length=40),
        Column("出庭负责人职务", "head_post", max_length=60, help="负责人出庭的必填"),
        Column(
            "出庭负责人类别",
            "head_category",
            Kind.CHOICE,
            choices=HEAD_CATEGORIES,
            aliases=tuple((str(label), str(value)) for value, label in HeadCategory.choices),
            help="负责人出庭的必填",
        ),
        Column("未出庭理由", "absence_reason", help="负责人未出庭的必填"),
        Column("工作人员是否出庭", "staff_appeared", Kind.BOOL, help="留空：是"),
        Column("裁判日期", "judged_on", Kind.DATE),
        Column("裁判结果", "result", Kind.CHOICE, choices=_choices(Result), aliases=RESULT_ALIASES),
        Column("裁判说明", "result_note"),
        Column(
            "裁判文书送达日期",
            "served_on",
            Kind.DATE,
            help="一审判决15日、裁定10日内可上诉（第八十五条），上诉期限自该日起算",
        ),
        Column("是否败诉", "is_loss", Kind.BOOL, importable=False, help="导出时计算"),
    ),
    notes=(
        "规则：",
        "1. 一行一次开庭。法院、案号、被告相同的行是同一案件，案件各列在每行重复填写。",
        "2. 尚未开庭的案件填一行，开庭日期及出庭各列留空。",
        "3. 负责人出庭的，填写出庭负责人职务和类别（正职、副职、其他分管负责人）；"
        "未出庭的，填写未出庭理由。",
        "4. 裁判日期和裁判结果同时填写；败诉与否按裁判结果计算。",
        "5. 一审案件填写收到起诉状副本日期的，系统计算答辩举证期限；填写裁判文书送达日期的，"
        "计算上诉期限。",
        "6. 导入时全部行校验通过才写入；任何一行有错误，整个文件都不导入。",
    ),
)
H = SPEC.header_of
CASE_KEYS = (
    "level",
    "plaintiff_name",
    "cause",
    "act_category",
    "reconsideration",
    "filed_on",
    "complaint_received_on",
    "defence_filed_on",
    "judged_on",
    "result",
    "result_note",
    "served_on",
)
HEARING_KEYS = (
    "head_appeared",
    "head_name",
    "head_post",
    "head_category",
    "absence_reason",
    "staff_appeared",
)


# --- export --------------------------------------------------------------------------------
def export_rows(case: LitigationCase) -> list[dict[str, Any]]:
    """A case as workbook rows: one per hearing, or one row if it has none."""
    base = {c.key: getattr(case, c.key, None) for c in SPEC.export_columns if c.key in CASE_KEYS}
    base.update(
        number=case.number,
        court=case.court,
        unit=case.unit,
        reconsideration=case.reconsideration.number if case.reconsideration else None,
        is_loss=case.is_loss,
    )
    hearings = sorted(case.hearings.all(), key=lambda h: (h.held_on, h.pk))
    rows = [
        {**base, "held_on": h.held_on, **{key: getattr(h, key) for key in HEARING_KEYS}}
        for h in hearings
    ]
    return rows or [base]


def export_queryset(actor: Actor, year: int | None = None) -> models.QuerySet[LitigationCase]:
    """Cases whose 被告 is in the actor's subtree, filed in ``year`` (all years if None)."""
    qs = visible_to(LitigationCase.objects.all(), actor)
    if year is not None:
        qs = qs.filter(filed_on__gte=dt.date(year, 1, 1), filed_on__lt=dt.date(year + 1, 1, 1))
    return qs.order_by("filed_on", "id")


def export_xlsx(qs: models.QuerySet[LitigationCase]) -> bytes:
    """The cases of ``qs`` (already scoped, in its order) as an .xlsx workbook."""
    cases = qs.select_related("unit", "reconsideration").prefetch_related("hearings")
    rows = (row for case in cases.iterator(chunk_size=1000) for row in export_rows(case))
    return excel.export_xlsx(SPEC, rows)


# --- import: grouping and checks -------------------------------------------------------------
@dataclass
class _Case:
    rows: list[Row]
    values: dict[str, Any] = field(default_factory=dict)
    link: ReconsiderationCase | None = None
    created: LitigationCase | None = None

    @property
    def first(self) -> int:
        return self.rows[0].number

    @property
    def hearings(self) -> list[Row]:
        return sorted((r for r in self.rows if r.filled("held_on")), key=lambda r: r.number)

    @property
    def it(self) -> LitigationCase:
        assert self.created is not None
        return self.created


def _group(rows: list[Row]) -> list[_Case]:
    cases: dict[tuple[str, str, int], _Case] = {}
    for row in rows:
        unit = row.get("unit")
        if row.get("court") is None or row.get("number") is None or unit is None:
            continue  # a required cell is missing or bad: already reported
        key = (row.get("court"), row.get("number"), unit.pk)
        cases.setdefault(key, _Case([])).rows.append(row)
    return list(cases.values())


def _merge(case: _Case) -> list[RowError]:
    """The case's values from its rows; a filled cell that disagrees is an error."""
    errors, origin = [], {}
    case.values.update(number=case.rows[0].get("number"), court=case.rows[0].get("court"))
    case.values["unit"] = case.rows[0].get("unit")
    for row in case.rows:
        for key in CASE_KEYS:
            if key not in row.values:
                continue
            if key not in case.values:
                case.values[key], origin[key] = row.values[key], row.number
            elif case.values[key] != row.values[key]:
                shown = excel.format_value(SPEC.column(key), case.values[key])
                reason = f"与同一案件第{origin[key]}行的“{shown}”不一致"
                errors.append(RowError(row.number, H(key), reason))
    return errors


def _check_hearings(case: _Case) -> list[RowError]:
    errors = []
    judged = case.values.get("judged_on")
    for row in case.rows:
        if not row.filled("held_on"):
            if len(case.rows) > 1:
                reason = "同一案件有多行的，每行登记一次开庭，开庭日期不能为空"
                errors.append(RowError(row.number, H("held_on"), reason))
            errors += [
                RowError(row.number, H(key), "未填写开庭日期的，不能填写出庭情况")
                for key in HEARING_KEYS
                if row.filled(key)
            ]
            continue
        if not row.filled("head_appeared"):
            errors.append(RowError(row.number, H("head_appeared"), "填写了开庭日期的，此项必填"))
        errors += _check_appearance(row)
        held = row.get("held_on")
        if judged is not None and held is not None and held > judged:
            reason = f"开庭日期晚于裁判日期（{judged:%Y年%-m月%-d日}）"
            errors.append(RowError(row.number, H("held_on"), reason))
    return errors


def _check_appearance(row: Row) -> list[RowError]:
    """Who appeared, or why nobody did — never both (the service would drop the other)."""
    appeared = row.get("head_appeared")
    if appeared is None:
        return []
    keys = ("absence_reason",) if appeared else ("head_name", "head_post", "head_category")
    reason = "负责人出庭的，不应填写此项" if appeared else "负责人未出庭的，不应填写此项"
    return [RowError(row.number, H(key), reason) for key in keys if row.filled(key)]


def _check_case(case: _Case, actor: Actor) -> list[RowError]:
    errors = _merge(case) + _check_hearings(case)
    n, v = case.first, case.values
    judged = any(r.filled("judged_on") for r in case.rows)
    if judged != any(r.filled("result") for r in case.rows):
        missing = "result" if judged else "judged_on"
        errors.append(RowError(n, H(missing), "裁判日期和裁判结果应同时填写"))
    if LitigationCase.objects.filter(court=v["court"], number=v["number"], unit=v["unit"]).exists():
        reason = f"“{v['number']}”（{v['court']}，被告{v['unit'].name}）已在系统中登记"
        errors.append(RowError(n, H("number"), reason))
    number = v.get("reconsideration")
    if number is not None:
        found = list(visible_to(ReconsiderationCase.objects.all(), actor).filter(number=number)[:2])
        if len(found) != 1:
            problem = "对应多件复议案件" if found else "在系统中找不到（请先导入行政复议台账）"
            errors.append(RowError(n, H("reconsideration"), f"复议案号“{number}”{problem}"))
        else:
            case.link = found[0]
    return errors


# --- import: the service calls ---------------------------------------------------------------
def _register(actor: Actor, case: _Case) -> None:
    v = case.values
    case.created = services.case_register(
        actor=actor,
        unit=v["unit"],
        number=v["number"],
        court=v["court"],
        filed_on=v["filed_on"],
        level=v["level"],
        plaintiff_name=v.get("plaintiff_name", ""),
        cause=v.get("cause", ""),
        act_category=v.get("act_category", "other"),
        reconsideration=case.link,
        complaint_received_on=v.get("complaint_received_on"),
    )


def _defence(actor: Actor, case: _Case) -> None:
    services.defence_file(actor=actor, case=case.it, filed_on=case.values["defence_filed_on"])


def _service(actor: Actor, case: _Case) -> None:
    services.service_record(actor=actor, case=case.it, served_on=case.values["served_on"])


def _hearing(actor: Actor, case: _Case, row: Row) -> None:
    services.hearing_add(
        actor=actor,
        case=case.it,
        held_on=row.get("held_on"),
        head_appeared=row.get("head_appeared"),
        head_name=row.get("head_name", ""),
        head_post=row.get("head_post", ""),
        head_category=row.get("head_category", ""),
        absence_reason=row.get("absence_reason", ""),
        staff_appeared=row.get("staff_appeared", True),
    )


def _close(actor: Actor, case: _Case) -> None:
    v = case.values
    case.created = services.case_close(
        actor=actor,
        case=case.it,
        judged_on=v["judged_on"],
        result=v["result"],
        note=v.get("result_note", ""),
    )


HEARING_FIELDS = {
    "date": H("held_on"),
    "head_post": H("head_post"),
    "head_category": H("head_category"),
    "absence_reason": H("absence_reason"),
}


def _steps(actor: Actor, case: _Case) -> list[Step]:
    v, n = case.values, case.first
    fields = {
        "date": H("filed_on"),
        "unit": H("unit"),
        "complaint_received_on": H("complaint_received_on"),
    }
    steps = [Step(n, H("filed_on"), partial(_register, actor, case), v["filed_on"], fields)]
    if "defence_filed_on" in v:
        run = partial(_defence, actor, case)
        fields = {"date": H("defence_filed_on")}
        steps.append(Step(n, H("defence_filed_on"), run, v["defence_filed_on"], fields))
    for row in sorted(case.hearings, key=lambda r: (r.get("held_on"), r.number)):
        run = partial(_hearing, actor, case, row)
        steps.append(Step(row.number, H("held_on"), run, row.get("held_on"), HEARING_FIELDS))
    if "judged_on" in v:
        fields = {"date": H("judged_on"), "result": H("result")}
        steps.append(Step(n, H("judged_on"), partial(_close, actor, case), v["judged_on"], fields))
    if "served_on" in v:
        fields = {"date": H("served_on"), "document": H("served_on")}
        steps.append(
            Step(n, H("served_on"), partial(_service, actor, case), v["served_on"], fields)
        )
    return steps


def import_xlsx(
    data: bytes,
    *,
    actor: Actor,
    unit: OrgUnit,
    dry_run: bool = False,
    progress: excel.Progress | None = None,
) -> ImportResult:
    """Import an .xlsx of cases whose 被告 is ``unit`` or below it, all or nothing.

    Rows are grouped into cases and checked first (format, consistency of a case's rows,
    hearings vs judgment, 案号 already registered, 关联复议案号 found); then each case is
    registered, its hearings added and its judgment recorded through the services in short
    batches (:func:`fazhi.core.excel.execute`; ``progress(done, total)`` after each). Any
    error, or ``dry_run``, leaves the database unchanged (a failing batch rolls back and the
    earlier ones are undone). Raises PermissionDenied unless the actor may edit records of
    ``unit``.
    """
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(unit, actor)
    sheet = excel.read_xlsx(SPEC, data, units=excel.UnitMatcher(unit))
    cases = _group(sheet.rows)
    errors = list(sheet.errors)
    for case in cases:
        errors += _check_case(case, actor)
    bad = {error.row for error in errors}
    cases = [case for case in cases if not {row.number for row in case.rows} & bad]
    hearings = sum(len(case.hearings) for case in cases)
    groups = [_steps(actor, case) for case in cases]
    detail = f"，开庭记录 {hearings} 次"
    return excel.run_import(
        SPEC,
        groups,
        errors,
        rows=sheet.rows,
        dry_run=dry_run,
        detail=detail,
        progress=progress,
        actor=actor,
        whole_records=False,  # 败诉剖析 counts the file's earlier losses in date order
    )


REGISTER = excel.ExcelRegister(
    key="litigation",
    title="行政应诉",
    spec=SPEC,
    import_xlsx=import_xlsx,
    export_queryset=export_queryset,
    export_xlsx=export_xlsx,
    unit_help="被告所在的单位范围：被告须为该单位或其下级单位",
)
