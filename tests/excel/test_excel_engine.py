"""The generic engine: cell kinds, date forms, header matching, unit matching, templates."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from tests.excel.helpers import read_back, xlsx
from tests.personas import County

from fazhi.core.excel import (
    Column,
    Kind,
    RowError,
    Spec,
    UnitMatcher,
    export_xlsx,
    parse_cell,
    read_xlsx,
)
from fazhi.orgs.models import UnitKind, UnitLevel
from fazhi.orgs.scoping import Actor
from fazhi.orgs.services import orgunit_create

SPEC = Spec(
    title="测试台账",
    columns=(
        Column("编号", "number", required=True, max_length=5),
        Column("日期", "on", Kind.DATE, required=True),
        Column("类别", "kind", Kind.CHOICE, choices=(("a", "甲类"), ("b", "乙类（含丙）"))),
        Column("是否", "flag", Kind.BOOL),
        Column("天数", "days", Kind.INT),
        Column("单位", "unit", Kind.UNIT, text_fallback=True),
        Column("多日", "many", Kind.DATE, multiple=True),
        Column("派生", "derived", Kind.TEXT, importable=False),
    ),
    notes=("规则：测试",),
)
DATE = Column("日期", "on", Kind.DATE)


@pytest.mark.parametrize(
    "text",
    [
        "2024-03-05",
        "2024/3/5",
        "2024.3.5",
        "2024年3月5日",
        "2024年03月05日",
        " 2024-3-5 ",
        "20240305",
    ],
)
def test_date_forms(text: str) -> None:
    assert parse_cell(DATE, text) == dt.date(2024, 3, 5)


@pytest.mark.parametrize(
    "cell",
    [dt.datetime(2024, 3, 5), dt.datetime(2024, 3, 5, 14, 30), dt.date(2024, 3, 5), 45356, 45356.0],  # noqa: DTZ001 — Excel cells hold naive datetimes
)
def test_excel_date_cells(cell: object) -> None:
    # 45356 is the Excel serial number of 2024-03-05 (an unformatted date cell).
    assert parse_cell(DATE, cell) == dt.date(2024, 3, 5)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2024-02-30", "不存在"),
        ("3月5日", "无法识别"),
        ("1900-01-01", "超出范围"),
        ("abc", "无法识别"),
    ],
)
def test_bad_dates_say_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_cell(DATE, text)


def test_real_date_cells_in_a_file() -> None:
    data = xlsx(
        [
            {"编号": "1", "日期": dt.datetime(2024, 3, 5)},  # noqa: DTZ001 — Excel cells hold naive datetimes
            {"编号": "2", "日期": dt.date(2024, 3, 6)},
            {"编号": 3, "日期": "2024年3月7日"},
        ]
    )
    sheet = read_xlsx(SPEC, data)
    assert sheet.errors == []
    assert [(r.get("number"), r.get("on")) for r in sheet.rows] == [
        ("1", dt.date(2024, 3, 5)),
        ("2", dt.date(2024, 3, 6)),
        ("3", dt.date(2024, 3, 7)),
    ]


def test_choice_bool_int_and_lists() -> None:
    kind = SPEC.column("kind")
    assert parse_cell(kind, "甲类") == "a"
    assert parse_cell(kind, "b") == "b"  # the stored value is accepted too
    assert parse_cell(kind, "乙类(含丙)") == "b"  # half-width brackets
    with pytest.raises(ValueError, match="可选：甲类、乙类（含丙）"):
        parse_cell(kind, "丁类")
    flag = SPEC.column("flag")
    assert [parse_cell(flag, v) for v in ("是", "否", True, "Y", 0)] == [
        True,
        False,
        True,
        True,
        False,
    ]
    with pytest.raises(ValueError, match="请填写“是”或“否”"):
        parse_cell(flag, "也许")
    days = SPEC.column("days")
    assert [parse_cell(days, v) for v in (30, 30.0, "30", "30日", "15天")] == [30, 30, 30, 30, 15]
    with pytest.raises(ValueError, match="不是整数"):
        parse_cell(days, "三十")
    many = SPEC.column("many")
    assert parse_cell(many, "2024-03-05；2024/4/1;2024年5月1日") == [
        dt.date(2024, 3, 5),
        dt.date(2024, 4, 1),
        dt.date(2024, 5, 1),
    ]
    assert parse_cell(many, dt.datetime(2024, 3, 5)) == [dt.date(2024, 3, 5)]  # noqa: DTZ001 — Excel cells hold naive datetimes


def test_header_order_free_extra_columns_ignored_title_rows_and_blank_rows() -> None:
    data = xlsx(
        [
            {"序号": 1, "备注": "x", "日期": "2024-03-05", "编号": "A"},
            {"序号": 2},  # only an unknown column: a blank row
            {},
            {"序号": 3, "日期": "2024-03-06", "编号": "B", "派生": "ignored"},
        ],
        headers=["序号", "备注", "日期", "编号", "派生"],
        above=[["2024年测试台账"], []],
    )
    sheet = read_xlsx(SPEC, data)
    assert sheet.errors == []
    # The header is on row 3, so the data rows are 4 and 7 as Excel shows them.
    assert [(r.number, r.get("number")) for r in sheet.rows] == [(4, "A"), (7, "B")]
    assert "derived" not in sheet.rows[1].values


def test_header_spelling_is_forgiving() -> None:
    data = xlsx([{" 编 号*": "A", "日期（必填）": "2024-03-05"}])
    sheet = read_xlsx(SPEC, data)
    assert sheet.errors == []
    assert sheet.rows[0].get("number") == "A"


def test_missing_required_column_and_duplicate_header() -> None:
    data = xlsx([{"编号": "A"}], headers=["编号", "类别", "类别"])
    errors = read_xlsx(SPEC, data).errors
    assert RowError(1, "日期", "缺少必填列") in errors
    assert RowError(1, "类别", "列名重复出现2次") in errors


def test_every_cell_error_is_collected() -> None:
    data = xlsx(
        [
            {"编号": "A", "日期": "2024-13-01", "类别": "丁", "是否": "也许"},
            {"编号": "TOOLONG", "日期": None, "天数": "x"},
            {"编号": "C", "日期": "2024-01-01"},
        ]
    )
    errors = [str(e) for e in read_xlsx(SPEC, data).errors]
    assert errors == [
        "第2行【日期】日期“2024-13-01”不存在（2024年13月1日）",
        "第2行【类别】“丁”不是有效的取值，可选：甲类、乙类（含丙）",
        "第2行【是否】“也许”无效，请填写“是”或“否”",
        "第3行【编号】超过5个字",
        "第3行【日期】必填，不能为空",
        "第3行【天数】“x”不是整数",
    ]


def test_not_an_xlsx_and_no_header() -> None:
    assert [str(e) for e in read_xlsx(SPEC, b"not a zip").errors] == [
        "文件：无法读取：请上传 Excel 2007 及以上版本的 .xlsx 文件"
    ]
    errors = read_xlsx(SPEC, xlsx([{"甲": 1}])).errors
    assert "找不到表头" in str(errors[0])


@pytest.mark.django_db
def test_unit_matching(county: County) -> None:
    cli = Actor.command_line()
    orgunit_create(
        actor=cli,
        code="430199101002",
        name="白沙镇综合行政执法办",  # the same name as village_a, under town B
        kind=UnitKind.DEPARTMENT,
        level=UnitLevel.TOWNSHIP,
        parent=county.town_b,
    )
    matcher = UnitMatcher(county.root)
    assert matcher.match("白沙镇人民政府") == county.town_a
    assert matcher.match("湘江县") == county.root  # short name
    assert matcher.match("430199102") == county.town_b  # code
    assert matcher.match(" 黄金乡人民政府 ") == county.town_b
    assert matcher.match("不存在的局") is None
    with pytest.raises(ValueError, match=r"对应多个单位.*请改填单位编码"):
        matcher.match("白沙镇综合行政执法办")
    assert matcher.match("430199101001") == county.village_a
    # Only the subtree is searched.
    inside_a = UnitMatcher(county.town_a)
    assert inside_a.match("黄金乡人民政府") is None
    assert inside_a.match("白沙镇综合行政执法办") == county.village_a
    unit_col = SPEC.column("unit")
    assert parse_cell(unit_col, "黄金乡人民政府", inside_a) == "黄金乡人民政府"  # kept as text
    strict = Column("被告", "unit", Kind.UNIT)
    with pytest.raises(ValueError, match="在“白沙镇人民政府”及其下级单位中找不到“黄金乡人民政府”"):
        parse_cell(strict, "黄金乡人民政府", inside_a)


def test_template_has_guide_sheet_and_dropdowns() -> None:
    data = export_xlsx(SPEC, [], template=True)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["测试台账", "填写说明", "选项"]
    assert book["选项"].sheet_state == "hidden"
    assert read_back(data)[0] == ["编号", "日期", "类别", "是否", "天数", "单位", "多日"]
    guide = read_back(data, "填写说明")
    assert guide[0] == ["列名", "是否必填", "格式", "可选值", "说明"]
    rows = {line[0]: line for line in guide[1:] if line and line[0]}
    assert rows["编号"][1] == "必填"
    assert rows["类别"][3] == "甲类、乙类（含丙）"
    assert "多个值用“；”分隔" in rows["多日"][2]
    assert "规则：测试" in rows
    validations = book["测试台账"].data_validations.dataValidation
    formulas = {str(v.sqref).split(":")[0]: v.formula1 for v in validations}
    assert formulas["C2"] == "'选项'!$A$2:$A$3"
    assert formulas["D2"] == '"是,否"'
    assert [c.value for c in book["选项"]["A"]] == ["类别", "甲类", "乙类（含丙）"]


def test_export_writes_real_dates_labels_and_lists() -> None:
    data = export_xlsx(
        SPEC,
        [
            {
                "number": "A",
                "on": dt.date(2024, 3, 5),
                "kind": "b",
                "flag": False,
                "many": [dt.date(2024, 3, 5), dt.date(2024, 4, 1)],
                "derived": "算出",
            }
        ],
    )
    header, line = read_back(data)[:2]
    row = dict(zip(header, line, strict=True))
    assert row["日期"] == dt.datetime(2024, 3, 5)  # noqa: DTZ001 — Excel cells hold naive datetimes
    assert row["类别"] == "乙类（含丙）"
    assert row["是否"] == "否"
    assert row["多日"] == "2024-03-05；2024-04-01"
    assert row["派生"] == "算出"
    # and it reads back
    sheet = read_xlsx(SPEC, data)
    assert sheet.errors == []
    assert sheet.rows[0].values == {
        "number": "A",
        "on": dt.date(2024, 3, 5),
        "kind": "b",
        "flag": False,
        "many": [dt.date(2024, 3, 5), dt.date(2024, 4, 1)],
    }


def test_text_that_looks_like_a_formula_is_exported_as_text() -> None:
    data = export_xlsx(SPEC, [{"number": "=1+1", "on": dt.date(2024, 3, 5)}])
    book = load_workbook(io.BytesIO(data))
    cell = book["测试台账"]["A2"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")
    assert read_xlsx(SPEC, data).rows[0].get("number") == "=1+1"
