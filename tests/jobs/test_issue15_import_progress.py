"""Issue 15 item 2: `fazhi import` prints progress on standard error — one line updated in place
on a terminal, plain lines otherwise (a log file, a pipe); standard output keeps the result."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from tests.excel.helpers import xlsx
from tests.personas import County

pytestmark = pytest.mark.django_db

ROWS = [
    {"案号": f"进{i}", "法院": "湘江县人民法院", "审级": "一审", "被告": "白沙镇人民政府",
     "立案日期": "2025-03-03"}
    for i in range(5)
]  # fmt: skip


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _run(county: County, tmp_path: Path, err: io.StringIO) -> str:
    path = tmp_path / "应诉.xlsx"
    path.write_bytes(xlsx(ROWS))
    out = io.StringIO()
    code = county.town_a.code
    call_command("import", "litigation", str(path), "--unit", code, stdout=out, stderr=err)
    assert out.getvalue().startswith("导入完成：新增 5 件")  # the result alone
    return err.getvalue()


def test_plain_lines_when_not_a_terminal(county: County, tmp_path: Path, settings: object) -> None:
    settings.FAZHI_IMPORT_BATCH = 2  # type: ignore[attr-defined]
    text = _run(county, tmp_path, io.StringIO())
    assert "导入进度：2/5 件（40%）\n导入进度：4/5 件（80%）\n导入进度：5/5 件（100%）\n" in text
    assert "\r" not in text


def test_one_line_in_place_on_a_terminal(county: County, tmp_path: Path, settings: object) -> None:
    settings.FAZHI_IMPORT_BATCH = 2  # type: ignore[attr-defined]
    text = _run(county, tmp_path, Terminal())
    assert text.startswith(
        "\r导入进度：2/5 件（40%）\r导入进度：4/5 件（80%）\r导入进度：5/5 件（100%）\n"
    )
