"""`fazhi import` and `fazhi export`: output, per-row errors, exit code 2, argument checks."""

from __future__ import annotations

import io
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook
from tests.excel.helpers import counts, xlsx
from tests.personas import County

from fazhi.cli import main
from fazhi.reconsideration.models import ReconsiderationCase

ROW = {
    "复议案号": "C1",
    "被申请人": "白沙镇人民政府",
    "申请人类别": "自然人",
    "收到申请日期": "2025-03-03",
    "行政行为类别": "行政处罚",
    "受理情况": "不予受理",
    "不予受理决定日期": "2025-03-05",
    "不予受理理由": "重复申请",
}


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path: Path, rows: list[dict[str, Any]], name: str = "in.xlsx") -> str:
    path = tmp_path / name
    path.write_bytes(xlsx(rows))
    return str(path)


@pytest.mark.django_db
def test_import_and_dry_run(county: County, tmp_path: Path) -> None:
    path = write(tmp_path, [ROW, {**ROW, "复议案号": "C2"}])
    out, _ = run("import", "reconsideration", path, "--unit", county.dept.code, "--dry-run")
    assert out.strip() == "校验通过：可新增 2 件（尚未写入）"
    assert not ReconsiderationCase.objects.exists()
    out, _ = run("import", "reconsideration", path, "--unit", county.dept.code)
    # progress lines after each batch (issue 15), then the summary
    assert out.strip().splitlines()[-1] == "导入完成：新增 2 件"
    assert ReconsiderationCase.objects.count() == 2


@pytest.mark.django_db
def test_import_errors_are_listed_one_per_line(county: County, tmp_path: Path) -> None:
    rows = [
        ROW,
        {**ROW, "复议案号": "C2", "不予受理决定日期": "2025-03-01"},
        {**ROW, "复议案号": "C1"},
    ]
    path = write(tmp_path, rows)
    before = counts()
    err = StringIO()
    with pytest.raises(CommandError) as info:
        call_command(
            "import",
            "reconsideration",
            path,
            "--unit",
            county.dept.code,
            stdout=StringIO(),
            stderr=err,
        )
    assert info.value.returncode == 2
    assert str(info.value) == "导入失败：发现 2 处错误，未写入任何数据"
    assert err.getvalue().splitlines() == [
        "第3行【不予受理决定日期】不能早于收到申请日期（2025年3月3日）",
        "第4行【复议案号】“C1”与第2行重复",
    ]
    assert counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("import", "reconsideration", "{f}", "--unit", "NOPE"), "未知的单位编码：NOPE"),
        (("import", "reconsideration", "{d}/none.xlsx", "--unit", "430199001"), "找不到文件"),
        (("import", "reconsideration", "{d}/a.csv", "--unit", "430199001"), "只能导入 .xlsx 文件"),
        (("export", "litigation", "--out", "{d}/o.xlsx"), "缺少参数：--unit"),
        (("export", "litigation", "--unit", "430199", "--out", "{d}/o.csv"), "应以 .xlsx 结尾"),
        (("export", "litigation", "--unit", "430199", "--out", "{d}/no/o.xlsx"), "目录不存在"),
        (
            ("export", "litigation", "--unit", "430199", "--year", "3000", "--out", "{d}/o.xlsx"),
            "年度超出范围",
        ),
    ],
)
def test_argument_errors(
    county: County, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    values = {"f": write(tmp_path, [ROW]), "d": str(tmp_path)}
    with pytest.raises(CommandError) as info:
        run(*(a.format(**values) for a in args))
    assert info.value.returncode == 2
    assert message in str(info.value)


@pytest.mark.django_db
def test_unknown_register_is_refused(county: County) -> None:
    with pytest.raises(CommandError, match=r"invalid choice: .normative."):
        run("export", "normative", "--template", "--out", "x.xlsx")


@pytest.mark.django_db
def test_export_template(tmp_path: Path) -> None:
    path = tmp_path / "模板.xlsx"
    out, _ = run("export", "litigation", "--template", "--out", str(path))
    assert out.strip() == f"已生成行政应诉导入模板：{path}"
    book = load_workbook(io.BytesIO(path.read_bytes()))
    assert book.sheetnames == ["行政应诉案件", "填写说明", "选项"]
    header = [c.value for c in book["行政应诉案件"][1]]
    for name in (
        "案号",
        "法院",
        "审级",
        "被告",
        "立案日期",
        "开庭日期",
        "负责人是否出庭",
        "出庭负责人职务",
        "裁判日期",
        "裁判结果",
        "案由",
        "被诉行为类别",
        "出庭负责人类别",
        "未出庭理由",
        "关联复议案号",
    ):
        assert name in header
    assert book["行政应诉案件"].max_row == 1
    guide = {r[0].value: [c.value for c in r] for r in book["填写说明"].iter_rows(min_row=2)}
    assert guide["出庭负责人类别"][3] == "正职、副职、其他分管负责人"
    assert "败诉：撤销或部分撤销" in guide["裁判结果"][3]


@pytest.mark.django_db(transaction=True)
def test_console_script_exit_code(county: County, tmp_path: Path, capsys: Any) -> None:
    path = write(tmp_path, [{**ROW, "不予受理决定日期": "2025-03-01"}])
    with pytest.raises(SystemExit) as info:
        main(["import", "reconsideration", path, "--unit", county.dept.code])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "第2行【不予受理决定日期】不能早于收到申请日期（2025年3月3日）",
        "错误：导入失败：发现 1 处错误，未写入任何数据",
    ]
    assert not ReconsiderationCase.objects.exists()
