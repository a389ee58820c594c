"""Excel both ways: ``fazhi import/export counsel`` (roster) and ``counsel_participations``
(typed participations, the adviser named by 聘请单位 and 姓名): round trips, --dry-run, the
phone imported but never exported, a bad file refused whole naming row and column."""

from __future__ import annotations

import io
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook
from tests.counsel.conftest import MakeCounsel
from tests.counsel.records import review
from tests.personas import County

from fazhi.counsel.counting import participations_refresh
from fazhi.counsel.models import Counsel, CoverageYear, Participation

pytestmark = pytest.mark.django_db

ROSTER = {
    "姓名": "欧阳明远",
    "聘请单位": "白沙镇人民政府",
    "类别": "常年法律顾问",
    "律师事务所": "湘江律师事务所",
    "所在单位职务": "",
    "执业证号": "14301201810012345",
    "合同编号": "BS-FG-2025-01",
    "聘期开始日期": "2025-01-01",
    "聘期届满日期": "2026年12月31日",
    "年聘用费用（元）": 50000,
    "联系电话": "13812345678",
}
PART = {
    "聘请单位": "白沙镇人民政府",
    "法律顾问姓名": "欧阳明远",
    "日期": "2025-03-02",
    "事项类别": "合同审查",
    "事项": "审查物业服务合同",
    "说明": "提出修改意见5条",
}


def xlsx(headers: dict[str, Any], rows: list[dict[str, Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(*args: str) -> str:
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as exc:
        raise AssertionError(f"{exc}\n{err.getvalue()}") from None
    return out.getvalue().strip()


def refused(*args: str) -> tuple[str, list[str]]:
    err = StringIO()
    with pytest.raises(CommandError) as info:
        call_command(*args, stdout=StringIO(), stderr=err)
    return str(info.value), err.getvalue().splitlines()


def sheet(path: Path, title: str) -> list[tuple[Any, ...]]:
    book = load_workbook(path, read_only=True)
    return [tuple(r) for r in book[title].iter_rows(values_only=True)]


def test_roster_round_trip(county: County, tmp_path: Path) -> None:
    staff = {
        **ROSTER, "姓名": "李思齐", "聘请单位": county.village_a.code, "类别": "公职律师",
        "律师事务所": "", "所在单位职务": "综合行政执法办法制员", "联系电话": "",
    }  # fmt: skip
    path = tmp_path / "in.xlsx"
    path.write_bytes(xlsx(ROSTER, [ROSTER, staff]))
    unit = county.town_a.code
    assert run("import", "counsel", str(path), "--unit", unit, "--dry-run").startswith("校验通过")
    assert not Counsel.objects.exists()
    assert run("import", "counsel", str(path), "--unit", unit) == "导入完成：新增 2 件"
    first = Counsel.objects.get(name="欧阳明远")
    assert (first.phone, first.fee, first.contract_no, str(first.contract_end)) == (
        "13812345678", 50000, "BS-FG-2025-01", "2026-12-31",
    )  # fmt: skip
    # the deferred refresh ran after the batch's flush: the coverage rows are there
    assert set(CoverageYear.objects.filter(covered=True).values_list("unit__code", "year")) == {
        (county.town_a.code, 2025), (county.town_a.code, 2026),
        (county.village_a.code, 2025), (county.village_a.code, 2026),
    }  # fmt: skip
    out = tmp_path / "out.xlsx"
    assert run("export", "counsel", "--unit", unit, "--year", "2025", "--out", str(out)) == (
        f"已导出法律顾问 2 人（白沙镇人民政府，2025年）：{out}"
    )
    rows = sheet(out, "法律顾问")
    assert "联系电话" not in rows[0] and "13812345678" not in str(rows)
    got = {r[0]: tuple(x or "" for x in r[1:4]) for r in rows[1:]}
    assert got == {
        "欧阳明远": ("白沙镇人民政府", "常年法律顾问", "湘江律师事务所"),
        "李思齐": ("白沙镇综合行政执法办", "公职律师", ""),
    }
    # the exported file imports again into a fresh database state (round trip)
    Counsel.objects.all().delete()
    assert run("import", "counsel", str(out), "--unit", unit) == "导入完成：新增 2 件"
    assert sorted(Counsel.objects.values_list("name", "kind", "post")) == [
        ("李思齐", "staff", "综合行政执法办法制员"),
        ("欧阳明远", "retained", ""),
    ]


def test_a_bad_roster_writes_nothing_and_names_rows_and_columns(
    county: County, tmp_path: Path, make_counsel: MakeCounsel
) -> None:
    make_counsel(county.town_a, "王守仁", "2024-01-01", "2026-12-31")
    rows = [
        ROSTER,
        {**ROSTER, "姓名": "李思齐", "聘请单位": "黄金乡人民政府"},
        {**ROSTER, "姓名": "张居正", "聘期届满日期": "2024-12-31"},
        {**ROSTER, "姓名": "王守仁"},
        {**ROSTER, "姓名": "海瑞", "类别": "公职律师", "律师事务所": ""},
        {**ROSTER, "姓名": "于谦", "年聘用费用（元）": "五万"},
    ]
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx(ROSTER, rows))
    message, lines = refused("import", "counsel", str(path), "--unit", county.town_a.code)
    assert message == "导入失败：发现 5 处错误，未写入任何数据"
    assert lines[0] == (
        "第3行【聘请单位】在“白沙镇人民政府”及其下级单位中找不到“黄金乡人民政府”"
        "（可填写全称、简称或单位编码）"
    )
    assert lines[1:3] == [
        "第4行【聘期届满日期】应晚于聘期开始日期",
        "第5行【姓名】王守仁已是白沙镇人民政府的在聘法律顾问",
    ]
    assert lines[3] == "第6行【所在单位职务】公职律师请填写所在单位职务"
    assert lines[4].startswith("第7行【年聘用费用（元）】")
    assert list(Counsel.objects.values_list("name", flat=True)) == ["王守仁"]


def test_participations_round_trip_and_refusals(
    county: County, tmp_path: Path, make_counsel: MakeCounsel
) -> None:
    make_counsel(county.town_a, "欧阳明远", "2025-01-01", "2025-12-31")
    review(county.town_a, "2025-05-01", [{"name": "欧阳明远", "kind": "counsel"}])
    participations_refresh()  # a counted row: not in the Excel, which imports again
    second = {
        **PART,
        "日期": "2025-04-02",
        "事项类别": "诉讼代理",
        "事项": "代理（2025）湘0199行初1号",
    }
    path = tmp_path / "p.xlsx"
    path.write_bytes(xlsx(PART, [PART, second]))
    unit = county.town_a.code
    assert run("import", "counsel_participations", str(path), "--unit", unit) == (
        "导入完成：新增 2 件"
    )
    typed = Participation.objects.filter(source="typed")
    assert sorted(typed.values_list("kind", "subject", "source")) == [
        ("contract", "审查物业服务合同", "typed"),
        ("litigation", "代理（2025）湘0199行初1号", "typed"),
    ]
    out = tmp_path / "p-out.xlsx"
    run("export", "counsel_participations", "--unit", unit, "--out", str(out))
    rows = sheet(out, "法律顾问参与事项")
    assert rows[0][:5] == ("聘请单位", "法律顾问姓名", "日期", "事项类别", "事项")
    assert sorted(r[1:2] + r[3:5] for r in rows[1:]) == [
        ("欧阳明远", "合同审查", "审查物业服务合同"),
        ("欧阳明远", "诉讼代理", "代理（2025）湘0199行初1号"),
    ]
    assert len(rows) == 3 and "合法性审查" not in str(rows)  # header + the 2 typed rows
    Participation.objects.filter(source="typed").delete()
    run("import", "counsel_participations", str(out), "--unit", unit)
    assert Participation.objects.filter(source="typed").count() == 2

    bad = [
        {**PART, "法律顾问姓名": "王守仁"},
        {**PART, "事项类别": "合法性审查意见"},
        {**PART, "日期": "2024-12-31"},
        PART,
    ]
    path.write_bytes(xlsx(PART, bad))
    message, lines = refused("import", "counsel_participations", str(path), "--unit", unit)
    assert message == "导入失败：发现 3 处错误，未写入任何数据"
    assert lines[0] == "第2行【法律顾问姓名】白沙镇人民政府没有名为“王守仁”的法律顾问"
    assert lines[1].startswith("第3行【事项类别】“合法性审查意见”不是有效的取值")
    assert lines[2].startswith("第4行【日期】")
    assert Participation.objects.filter(source="typed").count() == 2
