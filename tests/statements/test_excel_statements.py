"""Excel import/export of the 述法 register through ``fazhi import/export statements``: the
import replays 登记 → 送审 → 审核通过 → 已述法 → 评议 by the dates given; a round trip; a
bad file is refused whole, naming rows and columns; the reviewing unit's rule holds."""

from __future__ import annotations

import io
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook
from tests.personas import County

from fazhi.core.excel import excel_register
from fazhi.statements.models import Statement, StatementDuty, Status

pytestmark = pytest.mark.django_db

ROW = {
    "述法单位": "白沙镇人民政府",
    "年度": 2026,
    "述法人": "王某某",
    "职务": "镇长",
    "述法人类别": "乡镇（街道）主要负责人",
    "述法形式": "年终述职中述法",
    "计划述法日期": "2026-12-20",
    "登记日期": "2026-11-02",
    "送审日期": "2026-11-20",
    "审核通过日期": "2026-12-01",
    "述法日期": "2026-12-20",
    "述法会议": "",
    "评议日期": "2026-12-21",
    "评议结果": "较好",
    "评议意见": "问题查摆较深入",
    "述法材料": "一、履职情况……",
}


def xlsx(rows: list[dict[str, Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(ROW))
    for row in rows:
        sheet.append([row.get(h) for h in ROW])
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


def test_import_replays_the_steps_then_round_trips(county: County, tmp_path: Path) -> None:
    path = tmp_path / "in.xlsx"
    rows = [
        ROW,
        {**ROW, "述法单位": "湘江县司法局", "述法人": "李某", "职务": "局长",
         "述法人类别": "部门主要负责人", "审核通过日期": None, "述法日期": None,
         "评议日期": None, "评议结果": None, "评议意见": None},
        {**ROW, "述法单位": "湘江县人民政府", "述法人": "赵某", "职务": "县长",
         "述法人类别": "政府主要负责人", "述法形式": "专题述法", "述法日期": "2026-12-26",
         "述法会议": "县委全面依法治县委员会会议", "评议日期": "2026-12-26", "评议结果": "好"},
    ]  # fmt: skip
    path.write_bytes(xlsx(rows))
    root = county.root.code
    assert "新增 3" in run("import", "statements", str(path), "--unit", root, "--dry-run")
    assert not Statement.objects.exists()
    assert "新增 3" in run("import", "statements", str(path), "--unit", root)
    got = {s.person: s for s in Statement.objects.select_related("unit")}
    wang = got["王某某"]
    assert (wang.status, wang.rating, str(wang.held_on)) == (
        Status.RATED,
        "fairly_good",
        "2026-12-20",
    )
    assert [e.kind for e in wang.events.order_by("on", "pk")] == [
        "登记", "送审", "审核通过", "已述法", "评议",
    ]  # fmt: skip
    assert got["李某"].status == Status.SUBMITTED
    assert got["赵某"].form == "committee" and got["赵某"].status == Status.RATED
    assert StatementDuty.objects.get(unit=county.town_a, year=2026).held

    out = tmp_path / "out.xlsx"
    assert "3" in run("export", "statements", "--out", str(out), "--unit", root)
    sheet = load_workbook(out, read_only=True)["述法"]
    values = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    header = values[0]
    assert header[-1] == "状态"
    exported = {r[header.index("述法人")]: r for r in values[1:]}
    assert exported["王某某"][header.index("状态")] == "已评议"
    assert exported["李某"][header.index("评议结果")] in (None, "")
    # the export, without its 状态 column, is importable again (all refused: already there)
    Statement.objects.all().delete()
    assert "新增 3" in run("import", "statements", str(out), "--unit", root)
    again = {s.person: s.status for s in Statement.objects.all()}
    assert again == {"王某某": Status.RATED, "李某": Status.SUBMITTED, "赵某": Status.RATED}


def test_a_bad_file_writes_nothing_and_names_rows_and_columns(
    county: County, tmp_path: Path
) -> None:
    path = tmp_path / "bad.xlsx"
    rows = [
        ROW,
        {**ROW, "述法人": "李某", "送审日期": None},  # 审核通过 without 送审
        {**ROW, "述法人": "张某", "评议结果": None},  # 评议日期 without 评议结果
        {**ROW, "述法人": "王某某"},  # twice in the file
        {**ROW, "述法人": "孙某", "述法单位": "黄金乡人民政府"},  # outside the importing unit
        {**ROW, "述法人": "周某", "述法日期": "2026-11-25"},  # before 审核通过 (service)
    ]
    path.write_bytes(xlsx(rows))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import", "statements", str(path), "--unit", county.town_a.code,
            stdout=StringIO(), stderr=err,
        )  # fmt: skip
    text = err.getvalue()
    assert "第3行" in text and "送审日期" in text and "填写了审核通过日期的，此项必填" in text
    assert "第4行" in text and "评议日期和评议结果应同时填写" in text
    assert "第5行" in text and "与第2行重复" in text
    assert "第6行" in text and "述法单位" in text
    assert "第7行【述法日期】不能早于审核通过日期" in text
    assert text.count("第3行") == 1
    assert not Statement.objects.exists()


def test_a_township_import_cannot_approve_its_own_statement(county: County) -> None:
    register = excel_register("statements")
    result = register.import_xlsx(
        xlsx([ROW]), actor=county.actor("coordinator_a"), unit=county.town_a
    )
    assert not result.ok
    assert any(e.row == 2 and e.column == "审核通过日期" for e in result.errors), result.errors
    assert not Statement.objects.exists()
    ok = register.import_xlsx(xlsx([ROW]), actor=county.actor("coordinator"), unit=county.town_a)
    assert ok.ok and Statement.objects.get().status == Status.RATED
