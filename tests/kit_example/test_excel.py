"""Excel import/export of the example register through ``fazhi import/export counsels``, the
:class:`ExcelRegister` the generic one-row-one-record helper builds, and the upload page.
Today is 2025-06-30."""

from __future__ import annotations

import io
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook
from tests.kit_example import installed  # noqa: F401  (skips this module unless installed)
from tests.kit_example.models import Counsel, Status
from tests.personas import County

from fazhi.core.excel import excel_register
from fazhi.core.models import AuditEntry
from fazhi.orgs.scoping import Actor

pytestmark = pytest.mark.django_db

ROW = {
    "姓名": "欧阳明远",
    "聘请单位": "白沙镇人民政府",
    "律师事务所": "湘江律师事务所",
    "类别": "常年法律顾问",
    "聘期开始日期": "2025-01-01",
    "聘期届满日期": "2026年12月31日",
}


def xlsx(rows: list[dict[str, Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(ROW))
    for row in rows:
        sheet.append([row.get(header) for header in ROW])
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


def sheet_rows(path: Path) -> list[tuple[Any, ...]]:
    book = load_workbook(path, read_only=True)
    return [tuple(row) for row in book["法律顾问"].iter_rows(values_only=True)]


def test_import_through_the_command_then_export(county: County, tmp_path: Path) -> None:
    second = {**ROW, "姓名": "李思齐", "聘请单位": county.village_a.code, "类别": "special"}
    path = tmp_path / "in.xlsx"
    path.write_bytes(xlsx([ROW, second]))
    unit = county.town_a.code
    assert run("import", "counsels", str(path), "--unit", unit, "--dry-run") == (
        "校验通过：可新增 2 件（尚未写入）"
    )
    assert not Counsel.objects.exists()
    assert run("import", "counsels", str(path), "--unit", unit) == "导入完成：新增 2 件"
    imported = {c.name: c for c in Counsel.objects.select_related("unit")}
    assert imported["李思齐"].unit == county.village_a and imported["李思齐"].kind == "special"
    assert str(imported["欧阳明远"].contract_end) == "2026-12-31"
    # each row went through the service: its event and its audit entry
    assert AuditEntry.objects.filter(action="kit_example.register").count() == 2
    assert [e.kind for e in imported["欧阳明远"].events.all()] == ["聘用"]

    out = tmp_path / "out.xlsx"
    message = run("export", "counsels", "--unit", unit, "--year", "2025", "--out", str(out))
    assert message == f"已导出法律顾问 2 人（白沙镇人民政府，2025年）：{out}"
    rows = sheet_rows(out)
    assert rows[0] == (
        "姓名",
        "聘请单位",
        "律师事务所",
        "类别",
        "聘期开始日期",
        "聘期届满日期",
        "状态",
    )
    assert {r[0]: r[1:4] + r[6:] for r in rows[1:]} == {
        "欧阳明远": ("白沙镇人民政府", "湘江律师事务所", "常年法律顾问", "在聘"),
        "李思齐": ("白沙镇综合行政执法办", "湘江律师事务所", "专项法律顾问", "在聘"),
    }
    template = tmp_path / "template.xlsx"
    run("export", "counsels", "--template", "--out", str(template))
    assert sheet_rows(template) == [rows[0][:-1]]  # 状态 is not imported


def test_a_bad_file_writes_nothing_and_names_rows_and_columns(
    county: County, tmp_path: Path, make_counsel: Callable[..., Counsel]
) -> None:
    make_counsel(county.town_a, "王守仁", "2024-01-01", "2026-12-31")
    rows = [
        ROW,
        {**ROW, "姓名": "李思齐", "聘请单位": "黄金乡人民政府"},  # outside the importing unit
        {**ROW, "姓名": "张居正", "聘期届满日期": "2024-12-31"},  # the service refuses it
        {**ROW, "姓名": "王守仁"},  # the service refuses a second 在聘 row
        {**ROW, "姓名": "海瑞", "类别": "顾问"},  # not a kind
    ]
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx(rows))
    err = StringIO()
    with pytest.raises(CommandError) as info:
        args = ("import", "counsels", str(path), "--unit", county.town_a.code)
        call_command(*args, stdout=StringIO(), stderr=err)
    assert info.value.returncode == 2
    assert str(info.value) == "导入失败：发现 4 处错误，未写入任何数据"
    assert err.getvalue().splitlines() == [
        "第3行【聘请单位】在“白沙镇人民政府”及其下级单位中找不到“黄金乡人民政府”"
        "（可填写全称、简称或单位编码）",
        "第4行【聘期届满日期】应晚于聘期开始日期",
        "第5行【姓名】王守仁已是白沙镇人民政府的在聘法律顾问",
        "第6行【类别】“顾问”不是有效的取值，可选：常年法律顾问、专项法律顾问、公职律师",
    ]
    assert list(Counsel.objects.values_list("name", flat=True)) == ["王守仁"]


def test_the_same_person_twice_in_one_file_is_refused(county: County, tmp_path: Path) -> None:
    """Both rows land in one write batch, staged in memory (core/staging.py): the service's
    check sees the first row although it is not in the database yet."""
    path = tmp_path / "twice.xlsx"
    path.write_bytes(xlsx([ROW, {**ROW, "聘期开始日期": "2025-02-01"}]))
    err = StringIO()
    with pytest.raises(CommandError):
        args = ("import", "counsels", str(path), "--unit", county.town_a.code)
        call_command(*args, stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        f"第3行【姓名】{ROW['姓名']}已是白沙镇人民政府的在聘法律顾问"
    ]
    assert not Counsel.objects.exists()


def test_the_excel_register_api_is_scoped(county: County) -> None:
    register = excel_register("counsels")
    assert (register.key, register.title) == ("counsels", "法律顾问")
    result = register.import_xlsx(
        xlsx([ROW]), actor=county.actor("clerk_a"), unit=county.town_a, dry_run=False
    )
    assert result.ok and result.created == 1
    assert Counsel.objects.get().status == Status.ACTIVE
    qs = register.export_queryset(Actor.command_line(county.town_b), None)
    assert not qs.exists()  # scoped like the list
    with pytest.raises(Exception, match="不在您的管辖范围内"):
        register.import_xlsx(xlsx([ROW]), actor=county.actor("clerk_a"), unit=county.town_b)


def test_the_upload_page_checks_then_imports(county: County) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    clerk = county.client("clerk_a")
    assert "导入法律顾问台账" in clerk.get("/import/counsels/").content.decode()
    upload = SimpleUploadedFile("顾问.xlsx", xlsx([ROW]))
    checked = clerk.post("/import/counsels/", {"file": upload})
    assert "校验通过：可新增 1 件（尚未写入）" in checked.content.decode()
    assert not Counsel.objects.exists()
    token = checked.context["token"]
    done = clerk.post("/import/counsels/", {"confirm": "1", "token": token}, follow=True)
    [(job_url, status)] = done.redirect_chain  # a background job (run at once in tests)
    assert job_url.startswith("/jobs/") and status == 302
    assert "导入完成：新增 1 件" in done.content.decode()
    assert 'href="/kit-counsel/counsels/"' in done.content.decode()
    assert Counsel.objects.get().unit == county.town_a
