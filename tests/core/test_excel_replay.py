"""The declared step-replay Excel layer (``core.excel_replay``): each rule type on rows, the
grouping of rows into records, lookups in one query, the arguments a blank cell gives, and the
three registers that use it having no import code of their own."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from tests.personas import County

from fazhi.core.excel import Column, Kind, Row, RowError, Spec
from fazhi.core.excel_replay import (
    Call,
    Chain,
    Context,
    Group,
    Lookup,
    NotAfter,
    OnlyWhen,
    Record,
    Required,
    Requires,
    Rule,
    Together,
    Unique,
    View,
    _kwargs,
    _lookups,
    _records,
)
from fazhi.orgs.models import OrgUnit

D = dt.date
SPEC = Spec(
    title="示例",
    columns=(
        Column("编号", "number", required=True),
        Column("单位", "unit", Kind.UNIT),
        Column("甲日期", "a", Kind.DATE),
        Column("乙日期", "b", Kind.DATE),
        Column("丙日期", "c", Kind.DATE),
        Column("结果", "result", Kind.CHOICE, choices=(("ok", "成功"), ("no", "不成"))),
        Column("说明", "note"),
        Column("途径", "routes", Kind.CHOICE, choices=(("x", "甲"), ("y", "乙")), multiple=True),
        Column("次数", "count", Kind.INT),
    ),
)


def check(rule: Rule, *rows: Row, group: Group | None = None) -> list[str]:
    records, errors = _records(SPEC, list(rows), group)
    ctx = Context(SPEC, records)
    out: list[RowError] = list(errors)
    for record in records:
        out += rule.check(record, ctx)
    return [str(e) for e in out]


def row(number: int, bad: set[str] | None = None, **values: Any) -> Row:
    return Row(number, {"number": f"N{number}", **values}, bad or set())


def test_required() -> None:
    assert check(Required(("note",)), row(2), row(3, note="有")) == ["第2行【说明】导入时必填"]


def test_together_names_the_blank_cell() -> None:
    rule = Together("a", "result")
    assert check(rule, row(2, a=D(2025, 1, 1)), row(3, result="ok"), row(4)) == [
        "第2行【结果】“甲日期”和“结果”应同时填写",
        "第3行【甲日期】“甲日期”和“结果”应同时填写",
    ]
    assert check(Together("a", "b", "{a}和{b}应同时填写"), row(5, b=D(2025, 1, 1))) == [
        "第5行【甲日期】甲日期和乙日期应同时填写"
    ]


def test_a_cell_that_did_not_parse_is_not_called_blank() -> None:
    assert check(Together("a", "result"), row(2, {"a"}, result="ok")) == []


def test_requires() -> None:
    rule = Requires("c", ("a", "b"))
    assert check(rule, row(2, c=D(2025, 3, 1), a=D(2025, 1, 1)), row(3, a=D(2025, 1, 1))) == [
        "第2行【乙日期】填写了丙日期的，此项必填"
    ]


def test_chain_names_each_missing_step_once_with_the_first_step_needing_it() -> None:
    rule = Chain(("a", "b", "c"))
    assert check(rule, row(2, b=D(2025, 2, 1), c=D(2025, 3, 1)), row(3, c=D(2025, 3, 1))) == [
        "第2行【甲日期】填写了乙日期的，此项必填",
        "第3行【甲日期】填写了丙日期的，此项必填",
        "第3行【乙日期】填写了丙日期的，此项必填",
    ]


def test_only_when() -> None:
    rule = OnlyWhen(
        ("note", "routes"), lambda v: v.get("result") == "no", "结果不是不成的，不应填写"
    )
    assert check(rule, row(2, result="ok", note="x"), row(3, result="no", note="x")) == [
        "第2行【说明】结果不是不成的，不应填写"
    ]


def test_not_after() -> None:
    rule = NotAfter("a", "b", "甲日期晚于乙日期（{date:%Y年%-m月%-d日}）")
    rows = (row(2, a=D(2025, 5, 2), b=D(2025, 5, 1)), row(3, a=D(2025, 5, 1), b=D(2025, 5, 1)))
    assert check(rule, *rows) == ["第2行【甲日期】甲日期晚于乙日期（2025年5月1日）"]


GROUP = Group(by=("number",), row_keys=("a", "note"), noun="案件")


def test_grouped_rows_merge_their_record_cells_and_keep_their_own() -> None:
    rows = [
        Row(2, {"number": "X", "b": D(2025, 1, 1), "a": D(2025, 2, 1)}),
        Row(3, {"number": "X", "a": D(2025, 3, 1), "result": "ok"}),
        Row(4, {"number": "X", "b": D(2025, 1, 2)}),
        Row(5, {"b": D(2025, 1, 2)}),  # no 编号: reported by the reader, not grouped
    ]
    records, errors = _records(SPEC, rows, GROUP)
    assert [str(e) for e in errors] == ["第4行【乙日期】与同一案件第2行的“2025-01-01”不一致"]
    (record,) = records
    assert record.values == {"number": "X", "b": D(2025, 1, 1), "result": "ok"}
    assert [v.values.get("a") for v in record.views(("a",))] == [D(2025, 2, 1), D(2025, 3, 1), None]
    assert [v.number for v in record.views(("b",))] == [2]


def test_a_row_rule_on_a_grouped_record_checks_each_row() -> None:
    rule = Requires("a", ("note",))
    rows = (
        Row(2, {"number": "X", "a": D(2025, 1, 1), "note": "有"}),
        Row(3, {"number": "X", "a": D(2025, 2, 1)}),
    )
    assert check(rule, *rows, group=GROUP) == ["第3行【说明】填写了甲日期的，此项必填"]


def test_blank_cells_give_the_column_blank_or_the_declared_default() -> None:
    call = Call(
        "a",
        print,
        args={
            "note": "note",
            "result": "result",
            "routes": "routes",
            "on": "a",
            "count": "count",
            "flag": ("count", 7),
            "double": lambda v: v.get("count", 0) * 2,
        },
    )
    assert _kwargs(SPEC, call, {}, set()) == {
        "note": "",
        "result": "",
        "routes": [],
        "on": None,
        "count": None,
        "flag": 7,
        "double": 0,
    }
    assert _kwargs(SPEC, call, {"count": 2}, set())["double"] == 4
    assert _kwargs(SPEC, call, {}, {"note"})["note"] is None  # a looked-up cell: None


@pytest.mark.django_db
def test_lookups_match_by_any_field_in_one_query(
    county: County, django_assert_num_queries: Any
) -> None:
    lookup = Lookup(
        "note",
        lambda actor, unit: OrgUnit.objects.filter(path__startswith=unit.path),
        missing="单位“{value}”找不到",
        many="单位“{value}”对应多个",
        by=("name", "code"),
    )
    rows = [
        Row(2, {"number": "1", "note": county.town_a.name}),
        Row(3, {"number": "2", "note": county.town_b.code}),
        Row(4, {"number": "3", "note": "没有的单位"}),
        Row(5, {"number": "4"}),
    ]
    records, _ = _records(SPEC, rows, None)
    with django_assert_num_queries(1):
        errors = _lookups([lookup], records, county.actor("coordinator"), county.root, SPEC)
    assert [str(e) for e in errors] == ["第4行【说明】单位“没有的单位”找不到"]
    assert [r.values.get("note") for r in records] == [
        county.town_a,
        county.town_b,
        "没有的单位",
        None,
    ]
    assert "note" in records[2].bad  # so that a rule does not also call it blank


@pytest.mark.django_db
def test_unique_in_the_file_and_in_the_database_in_one_query(
    county: County, django_assert_num_queries: Any
) -> None:
    rule = Unique(
        OrgUnit,
        ("name",),
        "number",
        registered="“{name}”已有",
        repeated="与第{row}行重复",
    )
    records = [
        Record([Row(2)], None, {"name": "新单位"}),
        Record([Row(3)], None, {"name": "新单位"}),
        Record([Row(4)], None, {"name": county.town_a.name}),
        Record([Row(5)], None, {}),
    ]
    ctx = Context(SPEC, records)
    with django_assert_num_queries(1):
        errors = [str(e) for r in records for e in rule.check(r, ctx)]
    assert errors == ["第3行【编号】与第2行重复", f"第4行【编号】“{county.town_a.name}”已有"]


def test_view_filled_counts_a_bad_cell() -> None:
    view = View(2, {"a": 1}, {"b"})
    assert view.filled("a") and view.filled("b") and not view.filled("c")


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("fazhi.mediation.excel", "CASES"),
        ("fazhi.statements.excel", "REGISTER"),
        ("fazhi.litigation.excel", "REGISTER"),
    ],
)
def test_step_registers_are_declarations(module: str, name: str) -> None:
    """Their import and export functions are the layer's; the module defines no function of
    its own beyond small predicates and lookups querysets (no service-call code)."""
    import importlib
    import inspect

    mod = importlib.import_module(module)
    register = getattr(mod, name)
    for fn in (register.import_xlsx, register.export_queryset, register.export_xlsx):
        assert fn.__module__ == "fazhi.core.excel_replay"
    own = [f for _, f in inspect.getmembers(mod, inspect.isfunction) if f.__module__ == module]
    assert all(len(inspect.getsource(f).splitlines()) <= 3 for f in own), [f.__name__ for f in own]
