"""Excel both ways: ``fazhi export normative_docs`` → ``fazhi import normative_docs`` into an
empty county gives the same figures; a file with one bad row in the middle writes nothing and
names the row and the column; the displayed 状态 is exported."""

from __future__ import annotations

import io
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook
from tests.normative_docs.conftest import CLI, d, on, walk
from tests.personas import County

from fazhi.normative_docs import services as s
from fazhi.normative_docs.models import Document, FilingResult
from fazhi.orgs.models import UnitKind, UnitLevel
from fazhi.orgs.services import orgunit_create

pytestmark = pytest.mark.django_db

HEADERS = [
    "文件名称",
    "文号",
    "制定机关",
    "统一登记号",
    "公布日期",
    "施行日期",
    "有效期至",
    "报送备案日期",
    "备案机关",
    "备案结果",
]


def run(*args: str) -> str:
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as exc:
        raise AssertionError(f"{exc}\n{err.getvalue()}") from None
    return out.getvalue().strip()


def xlsx(rows: list[list[Any]], headers: list[str] = HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


FIGURES = ("issued", "filed", "filing_rate", "filing_on_time_rate", "suspended", "expiring")


def figures(county: County, unit: Any) -> dict[str, Any]:
    from fazhi.metrics.periods import Period
    from fazhi.metrics.selectors import metric_value

    actor = CLI()
    return {
        code: (v.value, v.numerator, v.denominator)
        for code in FIGURES
        for v in [
            metric_value(
                actor=actor, unit=unit, period=Period.for_year(2025), code=f"normative_docs.{code}"
            )
        ]
    }


def test_round_trip_into_an_empty_county(county: County, tmp_path: Path) -> None:
    cli = CLI()
    with on("2025-12-01"):
        a = walk(county.root, "湘江县甲办法")
        for f in a.filings.all():
            s.document_submit_filing(actor=cli, document=a, filing=f, submitted_on=d("2025-03-20"))
            s.document_record_result(
                actor=cli,
                document=a,
                filing=f,
                result=FilingResult.REGISTERED,
                result_on=d("2025-03-20"),
            )
        b = walk(county.root, "湘江县乙暂行办法", published_on="2025-09-16")
        f = b.filings.get(authority_kind="government")
        s.document_submit_filing(actor=cli, document=b, filing=f, submitted_on=d("2025-10-20"))
        s.document_record_result(
            actor=cli,
            document=b,
            filing=f,
            result=FilingResult.SUSPENDED,
            result_on=d("2025-10-20"),
        )
        walk(county.root, "湘江县丙办法", published_on="2025-06-03", valid_until=d("2025-11-30"))
        out = tmp_path / "out.xlsx"
        message = run("export", "normative_docs", "--unit", county.root.code, "--out", str(out))
        assert message.startswith("已导出规范性文件 3 件")
        book = load_workbook(out)
        sheet = book.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert rows[0] == [*HEADERS, "状态"]
        by_title = {r[0]: r for r in rows[1:]}
        assert by_title["湘江县丙办法"][-1] == "失效"  # expired 2025-11-30, shown without a step
        assert by_title["湘江县乙暂行办法"][8:10] == ["上一级人民政府", "暂缓备案登记"]
        # the same workbook, for an empty county named 湘南县
        other = orgunit_create(
            actor=cli,
            code="430299",
            name="湘南县人民政府",
            kind=UnitKind.GOVERNMENT,
            level=UnitLevel.COUNTY,
            parent=None,
            short_name="湘南县",
            province_code="43",
        )
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = cell.value.replace("湘江县", "湘南县")
        book.save(out)
        assert (
            run("import", "normative_docs", str(out), "--unit", other.code) == "导入完成：新增 3 件"
        )
        assert figures(county, other) == figures(county, county.root)
        copied = Document.objects.get(unit=other, title="湘南县乙暂行办法")
        assert (copied.valid_until, copied.trial) == (b.valid_until, True)
        assert copied.filings.get(authority_kind="government").correction_due == d("2025-11-04")


def test_a_bad_row_in_the_middle_writes_nothing(county: County, tmp_path: Path) -> None:
    good = [
        "湘江县甲办法",
        "湘政规〔2025〕1号",
        "湘江县人民政府",
        "",
        "2025-03-03",
        "",
        "",
        "2025-03-20",
        "",
        "备案登记",
    ]
    rows = [
        good,
        [
            "湘江县乙办法",
            "湘政规〔2025〕2号",
            "湘江县人民政府",
            "",
            "2025-03-05",
            "",
            "",
            "2025-03-20",
            "长沙市人大常委会",
            "备案登记",
        ],  # not one of its 备案机关
        [*good[:1], "湘政规〔2025〕3号", *good[2:]],
    ]
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx(rows))
    err = StringIO()
    with on("2025-12-01"), pytest.raises(CommandError) as info:
        call_command(
            "import",
            "normative_docs",
            str(path),
            "--unit",
            county.root.code,
            stdout=StringIO(),
            stderr=err,
        )
    assert str(info.value) == "导入失败：发现 1 处错误，未写入任何数据"
    assert err.getvalue().splitlines() == [
        "第3行【备案机关】“长沙市人大常委会”不是湘江县人民政府的备案机关"
        "（应为：上一级人民政府、湘江县人大常委会）"
    ]
    assert not Document.objects.exists()


def test_dry_run_and_template(county: County, tmp_path: Path) -> None:
    row = [
        "湘江县甲办法",
        "湘政规〔2025〕1号",
        "430199",
        "",
        "2025-03-03",
        "",
        "",
        "2025-03-20",
        "湘江县人大常委会",
        "暂缓",
    ]
    path = tmp_path / "one.xlsx"
    path.write_bytes(xlsx([row]))
    with on("2025-12-01"):
        assert (
            run("import", "normative_docs", str(path), "--unit", county.root.code, "--dry-run")
            == "校验通过：可新增 1 件（尚未写入）"
        )
        assert not Document.objects.exists()
        assert run("import", "normative_docs", str(path), "--unit", county.root.code) == (
            "导入完成：新增 1 件"
        )
        template = tmp_path / "template.xlsx"
        run("export", "normative_docs", "--template", "--out", str(template))
    doc = Document.objects.get()
    congress = doc.filings.get(authority_kind="congress")
    assert (congress.submitted_on, congress.result) == (d("2025-03-20"), FilingResult.SUSPENDED)
    assert congress.correction_due == d("2025-04-07")  # 03-20 + 15 = 04-04 (清明) → 04-07
    assert doc.filings.get(authority_kind="government").submitted_on is None
    header = next(load_workbook(template).worksheets[0].iter_rows(values_only=True))
    assert list(header) == HEADERS  # 状态 is not imported
