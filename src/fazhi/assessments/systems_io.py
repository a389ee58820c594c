"""Indicator systems in and out: one row per indicator (Excel, and the shipped JSON files).

The same row format serves the Excel workbook (Chinese headers, docs/EXCEL.md) and the shipped
systems in ``fixtures/systems/*.json`` (the column keys, values in their codes). The parent of
an indicator is found from its 编号 (1.2 is under 1); every row is checked first, with the row
and the column named, and a file with any error creates nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from fazhi.assessments import scoring
from fazhi.assessments.models import (
    Answerer,
    Indicator,
    IndicatorKind,
    IndicatorSystem,
    Kind,
    Rule,
    SystemStatus,
)
from fazhi.core.excel import Column, RowError, Spec, choices_of, export_xlsx, read_xlsx
from fazhi.core.excel import Kind as ColumnKind
from fazhi.core.services import record_write
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope

OPS = tuple((op, op) for op in scoring.OPS)
OP_ALIASES = (
    *((word, op) for op, word in scoring.OP_WORDS.items()),
    ("≥", ">="),
    ("≤", "<="),
    ("=", "=="),
)
NUMBER_KEYS = ("points", "target", "deduct", "full", "zero", "each", "cap")

SPEC = Spec(
    title="指标体系",
    columns=(
        Column(
            "编号", "code", required=True, max_length=20, help="如 1、1.2、1.2.3；上级由编号确定"
        ),
        Column("指标名称", "name", required=True, max_length=200),
        Column("考核标准", "standard"),
        Column("分值", "points", help="一级、二级指标的分值；只从上级扣分的扣分项填 0"),
        Column(
            "类型",
            "kind",
            ColumnKind.CHOICE,
            choices=choices_of(IndicatorKind),
            help="留空：计分；上级为加分或一票否决的，留空即同上级",
        ),
        Column(
            "计分规则",
            "rule",
            ColumnKind.CHOICE,
            choices=tuple((v, lbl) for v, lbl in choices_of(Rule) if v),
            help="留空：按下级指标合计（须有下级指标）",
        ),
        Column(
            "数据来源",
            "answered_by",
            ColumnKind.CHOICE,
            choices=choices_of(Answerer),
            help="留空：填了统计指标编码的为系统台账，否则为评审人员",
        ),
        Column(
            "统计指标编码",
            "metric_code",
            max_length=80,
            help="系统台账计算的指标，如 litigation.head_rate_case",
        ),
        Column(
            "数值名称",
            "figure_name",
            max_length=60,
            help="说明扣分时的数值名称，如 负责人出庭应诉率",
        ),
        Column("数值单位", "figure_unit", max_length=10, help="如 %、件、次"),
        Column(
            "比较方式",
            "op",
            ColumnKind.CHOICE,
            choices=OPS,
            aliases=OP_ALIASES,
            help="达标判断：不低于（>=）、高于、不高于（<=）、低于、等于",
        ),
        Column("目标值", "target", help="达标判断的目标；按件扣分时为应达到的次数（每少一次扣分）"),
        Column("扣分", "deduct", help="达标判断未达标时扣的分，留空为扣分上限"),
        Column("满分值", "full", help="按比例计分：数值达到此值得满分"),
        Column("零分值", "zero", help="按比例计分：数值达到此值不得分"),
        Column("每件扣分", "each", help="按件（次）扣分：每件（次）扣（加）的分"),
        Column("扣分上限", "cap", help="留空：分值（扣完为止）"),
        Column(
            "佐证清单",
            "items",
            help="佐证清单计分：项目（扣分）用“；”分隔，如 年度计划（1）；报送备案（0.5）",
        ),
        Column("佐证要求", "evidence", help="需要提供的佐证材料，多项用“；”分隔"),
    ),
    notes=(
        "一行一个指标。编号决定层级：1 是一级指标，1.1 是它下面的二级指标，1.1.1 是三级指标。",
        "计分规则：达标判断、按比例计分、按件（次）扣分、佐证清单、评审打分；留空的指标按下级指标合计，"
        "下级扣分合计不超过本级分值（扣完为止）。",
        "类型为“加分”的指标得分计入加分（加分的上级指标以其分值为限），合计不超过指标体系的加分上限；"
        "类型为“一票否决”的指标未达标时整体不合格。",
        "导入时全部行校验通过才写入；任何一行有错误，整个文件都不导入。",
    ),
)
H = SPEC.header_of
_ITEM = re.compile(r"^(?P<text>.+?)[（(](?P<n>\d+(?:\.\d+)?)[）)]$")
#: points and cap are stored as decimal(6, 2)
STORED_MAX = Decimal("9999.99")


@dataclass
class Row:
    number: int
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Parsed:
    code: str
    parent: str | None
    level: int
    fields: dict[str, Any]
    number: int
    kind_given: bool = True


def _number(row: Row, key: str, errors: list[RowError]) -> Decimal | None:
    raw = row.values.get(key)
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).strip().removesuffix("分"))
    except InvalidOperation:
        errors.append(RowError(row.number, H(key), f"“{raw}”不是数字"))
        return None
    if not value.is_finite() or value < 0:
        errors.append(RowError(row.number, H(key), f"“{raw}”不是非负数"))
        return None
    if key in ("points", "cap") and (
        value > STORED_MAX or value != value.quantize(Decimal("0.01"))
    ):
        errors.append(RowError(row.number, H(key), f"“{raw}”应不超过9999.99，最多两位小数"))
        return None
    return value


def _items(row: Row, errors: list[RowError]) -> list[dict[str, Any]]:
    raw = str(row.values.get("items") or "").strip()
    out: list[dict[str, Any]] = []
    for part in (p.strip() for p in re.split(r"[；;\n]", raw)):
        if not part:
            continue
        found = _ITEM.match(part)
        if not found:
            errors.append(
                RowError(row.number, H("items"), f"“{part}”应写作 项目（扣分），如 年度计划（1）")
            )
            continue
        out.append({"text": found["text"].strip(), "deduct": float(found["n"])})
    return out


def parse_rows(rows: Sequence[Row]) -> tuple[list[Parsed], list[RowError]]:
    """Rows → indicators with their fields, or every error (row and column named)."""
    errors: list[RowError] = []
    parsed: list[Parsed] = []
    seen: dict[str, int] = {}
    for row in rows:
        v = row.values
        code = str(v.get("code") or "").strip().rstrip(".")
        if not re.fullmatch(r"\d+(\.\d+)*", code):
            errors.append(
                RowError(row.number, H("code"), f"编号“{code}”应为 1、1.2、1.2.3 这样的数字")
            )
            continue
        if code in seen:
            errors.append(RowError(row.number, H("code"), f"编号“{code}”与第{seen[code]}行重复"))
            continue
        seen[code] = row.number
        numbers = {k: _number(row, k, errors) for k in NUMBER_KEYS}
        metric = str(v.get("metric_code") or "").strip()
        rule = str(v.get("rule") or "")
        params: dict[str, Any] = {}
        for key in ("op", "figure_name", "figure_unit"):
            if v.get(key):
                params[key] = str(v[key]).strip()
        for key in ("target", "deduct", "full", "zero", "each"):
            if numbers[key] is not None:
                params[key] = float(numbers[key])  # type: ignore[arg-type]
        if rule == Rule.CHECKLIST:
            params["items"] = _items(row, errors)
        evidence = [
            {"text": t.strip()}
            for t in re.split(r"[；;\n]", str(v.get("evidence") or ""))
            if t.strip()
        ]
        answered = str(v.get("answered_by") or "") or (
            Answerer.REGISTER if metric else Answerer.REVIEWER
        )
        if answered == Answerer.REGISTER and not metric and rule:
            errors.append(
                RowError(row.number, H("metric_code"), "数据来源为系统台账的，须填写统计指标编码")
            )
        if metric and rule and rule not in scoring.FIGURE_RULES:
            errors.append(
                RowError(
                    row.number,
                    H("rule"),
                    "填写了统计指标编码的，计分规则须为达标判断、按比例计分或按件（次）扣分",
                )
            )
        parent = code.rsplit(".", 1)[0] if "." in code else None
        parsed.append(
            Parsed(
                code=code,
                parent=parent,
                level=code.count(".") + 1,
                number=row.number,
                kind_given=bool(v.get("kind")),
                fields={
                    "name": str(v.get("name") or "").strip(),
                    "standard": str(v.get("standard") or "").strip(),
                    "points": numbers["points"] or Decimal(0),
                    "kind": str(v.get("kind") or IndicatorKind.SCORE),
                    "rule": rule,
                    "params": params,
                    "cap": numbers["cap"],
                    "answered_by": answered,
                    "metric_code": metric,
                    "evidence": evidence,
                },
            )
        )
    codes = {p.code for p in parsed}
    parents = {p.parent for p in parsed if p.parent}
    for p in parsed:
        if p.parent and p.parent not in codes:
            errors.append(RowError(p.number, H("code"), f"上级指标“{p.parent}”不在表中"))
        if not p.fields["rule"] and p.code not in parents:
            errors.append(RowError(p.number, H("rule"), "没有下级指标的，须填写计分规则"))
    errors += _inherit_kinds(parsed)
    errors += _rule_errors(parsed)
    return parsed, errors


def _inherit_kinds(parsed: Sequence[Parsed]) -> list[RowError]:
    """Below a 加分 or 一票否决 indicator every indicator is of the same kind: a blank 类型 takes
    the parent's, another one is refused (a 计分 item there would count nowhere)."""
    errors = []
    by_code = {p.code: p for p in parsed}
    for p in sorted(parsed, key=lambda p: p.level):
        parent = by_code.get(p.parent) if p.parent else None
        if parent is None or parent.fields["kind"] == IndicatorKind.SCORE:
            continue
        kind = parent.fields["kind"]
        if not p.kind_given:
            p.fields["kind"] = kind
        elif p.fields["kind"] != kind:
            label = IndicatorKind(kind).label
            errors.append(
                RowError(
                    p.number,
                    H("kind"),
                    f"上级指标“{parent.code}”的类型为{label}，下级指标也须为{label}（可留空）",
                )
            )
    return errors


def _rule_errors(parsed: Sequence[Parsed]) -> list[RowError]:
    """Each indicator's rule checked as the scoring function will read it."""
    errors = []
    for p in parsed:
        f = p.fields
        spec = scoring.IndicatorSpec(
            key=p.code,
            code=p.code,
            name=f["name"] or p.code,
            points=f["points"],
            kind=f["kind"],
            rule=f["rule"],
            params=f["params"],
            cap=f["cap"],
            children=(
                scoring.IndicatorSpec(
                    key="_", code="_", name="_", rule="reviewer", points=Decimal(1)
                ),
            )
            if not f["rule"]
            else (),
        )
        try:
            scoring.check_spec(spec)
        except scoring.ScoringError as exc:
            errors.append(RowError(p.number, H("rule"), str(exc)))
    return errors


def _known_metrics(parsed: Sequence[Parsed], errors: list[RowError]) -> None:
    from fazhi.metrics.models import MetricDefinition

    codes = {p.fields["metric_code"] for p in parsed if p.fields["metric_code"]}
    known = set(MetricDefinition.objects.filter(code__in=codes).values_list("code", flat=True))
    for p in parsed:
        code = p.fields["metric_code"]
        if code and code not in known:
            errors.append(RowError(p.number, H("metric_code"), f"统计指标“{code}”不存在"))


def _create(system: IndicatorSystem, parsed: Sequence[Parsed]) -> None:
    made: dict[str, Indicator] = {}
    for order, p in enumerate(sorted(parsed, key=lambda p: [int(x) for x in p.code.split(".")]), 1):
        made[p.code] = Indicator.objects.create(
            system=system,
            parent=made.get(p.parent) if p.parent else None,
            order=order,
            code=p.code,
            level=p.level,
            **p.fields,
        )


def rows_from_dicts(items: Iterable[Mapping[str, Any]]) -> list[Row]:
    return [Row(n, dict(item)) for n, item in enumerate(items, start=1)]


@dataclass(frozen=True)
class SystemImport:
    system: IndicatorSystem | None
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors


@transaction.atomic
def system_import(
    *,
    actor: Actor,
    owner: OrgUnit,
    name: str,
    data: bytes,
    kind: str = Kind.ANNUAL,
    grades: Sequence[tuple[str, float]] = (("优秀", 90), ("良好", 80), ("合格", 60)),
    bonus_cap: Decimal | None = None,
    source: str = "",
    confidence: str = "",
    dry_run: bool = False,
) -> SystemImport:
    """A new draft version of system ``name`` of ``owner`` from an .xlsx (one row per
    indicator); all or nothing."""
    actor.require(Cap.COORDINATE)
    require_unit_in_scope(owner, actor)
    if not name.strip():
        raise ValidationError({"name": "请填写指标体系名称"})
    if len(name.strip()) > 120:
        raise ValidationError({"name": "指标体系名称不能超过120个字"})
    if kind not in Kind.values:
        raise ValidationError({"kind": "请选择指标体系的用途"})
    if bonus_cap is not None and (not bonus_cap.is_finite() or not 0 <= bonus_cap < 10000):
        raise ValidationError({"bonus_cap": "加分上限应为0至9999.99之间的数"})
    sheet = read_xlsx(SPEC, data)
    rows = [Row(r.number, dict(r.values)) for r in sheet.rows]
    parsed, errors = parse_rows(rows)
    errors = list(sheet.errors) + errors
    _known_metrics(parsed, errors)
    if not rows and not errors:
        errors.append(RowError(0, "", "文件中没有指标"))
    if errors or dry_run:
        return SystemImport(
            None, sorted(set(errors), key=lambda e: (e.row, SPEC.order_of(e.column)))
        )
    latest = (
        IndicatorSystem.objects.filter(owner=owner, name=name.strip()).order_by("-version").first()
    )
    system = IndicatorSystem.objects.create(
        owner=owner,
        name=name.strip(),
        kind=kind,
        version=(latest.version + 1) if latest else 1,
        status=SystemStatus.DRAFT,
        grades=[list(g) for g in grades],
        bonus_cap=bonus_cap,
        source=source,
        confidence=confidence,
        based_on=latest,
    )
    _create(system, parsed)
    record_write(
        actor=actor,
        action="assessment_system.import",
        obj=system,
        before=None,
        after={"指标数": len(parsed), "version": system.version},
        summary=f"从Excel导入指标体系{system}（{len(parsed)}项指标）",
    )
    return SystemImport(system, [])


def system_rows(system: IndicatorSystem) -> list[dict[str, Any]]:
    """The system's indicators as workbook rows (by column key)."""
    out = []
    for ind in system.indicators.order_by("order", "pk"):
        p = ind.params or {}
        out.append(
            {
                "code": ind.code,
                "name": ind.name,
                "standard": ind.standard,
                "points": scoring.num(ind.points) if ind.points else None,
                "kind": ind.kind,
                "rule": ind.rule or None,
                "answered_by": ind.answered_by if ind.rule else None,
                "metric_code": ind.metric_code,
                "figure_name": p.get("figure_name"),
                "figure_unit": p.get("figure_unit"),
                "op": p.get("op"),
                **{
                    k: scoring.num(Decimal(str(p[k]))) if k in p else None
                    for k in ("target", "deduct", "full", "zero", "each")
                },
                "cap": scoring.num(ind.cap) if ind.cap is not None else None,
                "items": "；".join(
                    f"{it['text']}（{scoring.num(Decimal(str(it.get('deduct', 0))))}）"
                    for it in p.get("items", [])
                )
                or None,
                "evidence": "；".join(e.get("text", "") for e in ind.evidence or []) or None,
            }
        )
    return out


def system_xlsx(system: IndicatorSystem) -> bytes:
    return export_xlsx(SPEC, system_rows(system))


def template_xlsx() -> bytes:
    return export_xlsx(SPEC, [], template=True)


def system_from_data(
    *,
    name: str,
    rows: Iterable[Mapping[str, Any]],
    kind: str,
    version: int = 1,
    grades: Sequence[Sequence[Any]] = (),
    bonus_cap: Decimal | None = None,
    source: str = "",
    confidence: str = "",
    province_code: str = "",
) -> IndicatorSystem:
    """A shipped (owner-less, frozen) system from rows; ValidationError listing bad rows."""
    parsed, errors = parse_rows(rows_from_dicts(rows))
    _known_metrics(parsed, errors)
    if errors:
        raise ValidationError([f"{name}：{e}" for e in errors])
    system = IndicatorSystem.objects.create(
        owner=None,
        name=name,
        kind=kind,
        version=version,
        status=SystemStatus.FROZEN,
        grades=[list(g) for g in grades],
        bonus_cap=bonus_cap,
        source=source,
        confidence=confidence,
        province_code=province_code,
    )
    _create(system, parsed)
    return system
