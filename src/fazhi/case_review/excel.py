"""Excel of the 案卷评查 app (grammar in docs/EXCEL.md “案卷评查标准”):

* :func:`read_standard` reads a scoring standard, one row per 评查项目, columns 部分, 部分分值,
  评查项目, 分值, 扣分规则, 否决项 (a 说明 column and any other column are ignored). Every
  error names its row and column; a file with any error is refused whole.
* :func:`standard_import` creates the standard (a new version when the name exists).
* :func:`standard_xlsx` writes a standard in the same layout (so an export imports again).
* :func:`results_xlsx` writes a campaign's results: per unit, and one row per file.
"""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from fazhi.case_review.models import Campaign, CaseFile, Standard
from fazhi.case_review.rules import parse_rule
from fazhi.case_review.scoring import VETO
from fazhi.case_review.selectors import results
from fazhi.case_review.services import ItemData, PartData, item_problem, standard_create
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor

COLUMNS = ("部分", "部分分值", "评查项目", "分值", "扣分规则", "否决项")
REQUIRED = ("部分", "评查项目", "分值", "扣分规则")
YES = {"是", "Y", "y", "1", "否决", "√"}
NO = {"", "否", "N", "n", "0"}
MAX_ROWS = 2000


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _points(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{text}”不是数字") from None
    if value < 0 or value != value.quantize(Decimal("0.1")):
        raise ValueError(f"“{text}”应为不小于0、最多一位小数的数字")
    return value


def read_standard(content: bytes) -> list[PartData]:
    """The parts of the standard in ``content`` (.xlsx), in file order; ValidationError with
    one message per error (“第N行“列”：…”)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable file gets the same answer
        raise ValidationError("文件不是有效的 Excel（.xlsx）文件") from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [_cell(c) for c in next(rows, ())]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ValidationError(f"第1行缺少列：{'、'.join(missing)}（应有：{'、'.join(COLUMNS)}）")
    col = {name: header.index(name) for name in COLUMNS if name in header}
    errors: list[str] = []
    parts: dict[str, tuple[Decimal | None, list[ItemData]]] = {}
    seen: set[tuple[str, str]] = set()
    for number, raw in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            errors.append(f"超过 {MAX_ROWS} 行，请拆分")
            break
        values = {name: _cell(raw[i]) if i < len(raw) else "" for name, i in col.items()}
        if not any(values.values()):
            continue

        def err(column: str, message: str, n: int = number) -> None:
            errors.append(f"第{n}行“{column}”：{message}")

        part, name = values["部分"], values["评查项目"]
        if not part:
            err("部分", "不能为空")
        if not name:
            err("评查项目", "不能为空")
        if part and name and (part, name) in seen:
            err("评查项目", f"“{name}”在“{part}”中重复")
        seen.add((part, name))
        part_points: Decimal | None = None
        if values.get("部分分值"):
            try:
                part_points = _points(values["部分分值"])
            except ValueError as exc:
                err("部分分值", str(exc))
        veto_text = values.get("否决项", "")
        if veto_text not in YES | NO:
            err("否决项", f"“{veto_text}”无效，应填“是”或“否”（或留空）")
        veto = veto_text in YES
        rule_text = values["扣分规则"] or ("否决" if veto else "")
        rule = None
        try:
            rule = parse_rule(rule_text)
        except ValueError as exc:
            err("扣分规则", str(exc) if rule_text else "不能为空")
        if rule is not None and veto and rule.kind != VETO:
            err("扣分规则", "否决项的扣分规则应为“否决”")
        if rule is not None and not veto and rule.kind == VETO and veto_text in NO and veto_text:
            err("否决项", "扣分规则为“否决”的项目，否决项应填“是”")
        points = Decimal("0")
        if values["分值"]:
            try:
                points = _points(values["分值"])
            except ValueError as exc:
                err("分值", str(exc))
                rule = None
        elif rule is not None and rule.kind != VETO:
            err("分值", "不能为空（否决项可留空）")
            rule = None
        if rule is not None:
            item = ItemData(name, points, rule)
            problem = item_problem(item)
            if problem:
                err("扣分规则" if problem.startswith("扣分") else "分值", problem)
            elif part and name:
                stated, items = parts.setdefault(part, (part_points, []))
                if part_points is not None and stated is not None and part_points != stated:
                    err("部分分值", f"与“{part}”前面各行写的 {stated} 分不一致")
                elif part_points is not None and stated is None:
                    parts[part] = (part_points, items)
                items.append(item)
    result: list[PartData] = []
    for part, (stated, items) in parts.items():
        if stated is None:
            veto_only = all(i.rule.kind == VETO for i in items)
            if not veto_only:
                errors.append(f"部分“{part}”：请在“部分分值”列写明该部分的分值")
                continue
            stated = Decimal("0")
        result.append(PartData(part, stated, items))
    if not errors and not result:
        errors.append("文件中没有评查项目")
    if errors:
        raise ValidationError(errors)
    return result


def standard_import(
    *,
    actor: Actor,
    owner: OrgUnit | None,
    name: str,
    content: bytes,
    province_code: str = "",
    source: str = "",
) -> Standard:
    """Read ``content`` and create the standard (草稿; the next version when ``owner``
    already has one of this name). Nothing is written when any row is wrong."""
    parts = read_standard(content)
    return standard_create(
        actor=actor,
        owner=owner,
        name=name,
        parts=parts,
        province_code=province_code,
        source=source or "Excel导入",
    )


def _num(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


def standard_xlsx(standard: Standard) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "评查标准"
    sheet.append([*COLUMNS, "说明"])
    for part in standard.parts.prefetch_related("items"):
        for n, item in enumerate(part.items.all()):
            sheet.append(
                [
                    part.name,
                    _num(part.points) if n == 0 else None,
                    item.name,
                    _num(item.points) if not item.is_veto else None,
                    item.rule_text,
                    "是" if item.is_veto else "否",
                    f"{standard}" if (n == 0 and part.order == 1) else None,
                ]
            )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def results_xlsx(campaign: Campaign, files: list[CaseFile]) -> bytes:
    """Two sheets: 各单位结果 and 案卷明细 (only ``files``, already scoped)."""
    from openpyxl import Workbook

    by_unit, whole = results(campaign, CaseFile.objects.filter(pk__in=[f.pk for f in files]))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "各单位结果"
    sheet.append(
        [
            "被评查单位",
            "评查单位",
            "抽取卷数",
            "评查完成",
            "平均分",
            "优秀",
            "合格",
            "不合格",
            "合格率（%）",
        ]
    )
    for r in [*by_unit, whole]:
        if r is not whole and not r.files:
            continue
        sheet.append(
            [
                r.unit_name,
                r.reviewer,
                r.files,
                r.done,
                _num(r.average) if r.average is not None else None,
                r.excellent,
                r.passed,
                r.failed,
                _num(r.pass_rate) if r.pass_rate is not None else None,
            ]
        )
    detail = book.create_sheet("案卷明细")
    detail.append(
        [
            "被评查单位",
            "执法主体",
            "文书号",
            "执法类别",
            "决定日期",
            "评查单位",
            "状态",
            "得分",
            "等次",
            "否决",
            "评查人",
        ]
    )
    for f in files:
        detail.append(
            [
                f.unit.name,
                f.subject_name,
                f.case_number,
                f.kind_label,
                f.decided_on,
                f.reviewer_unit.name if f.reviewer_unit else "",
                f.get_status_display(),
                _num(f.score) if f.score is not None else None,
                f.get_grade_display() if f.grade else "",
                "是" if f.veto else "",
                f.reviewed_by,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
