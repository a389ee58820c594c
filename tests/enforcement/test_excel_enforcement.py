"""执法人员 in Excel: `fazhi export/import enforcement_officers` round trip (same certificates,
same figures), the ID number import-only and encrypted, a bad row naming its row and column
with nothing written."""

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
from tests.registers.matrix import exported_values

from fazhi.enforcement.models import CertStatus, Officer

from .conftest import MakeOfficer, MakeSubject

pytestmark = pytest.mark.django_db
ID = "430199199001011237"


def run(*args: str) -> str:
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as exc:
        raise AssertionError(f"{exc}\n{err.getvalue()}") from None
    return out.getvalue().strip()


def test_round_trip(
    county: County, make_officer: MakeOfficer, make_subject: MakeSubject, tmp_path: Path
) -> None:
    subject = make_subject(name="白沙镇人民政府执法主体")
    make_officer(
        name="持证甲",
        issued="2024-03-01",
        subject=subject,
        id_number=ID,
        legal_reviewer=True,
        categories="行政处罚",
    )
    make_officer(name="旧证乙", issued="2019-01-01", expires="2026-12-31")  # a card's own expiry
    make_officer(name="申领丙", applied_on=county and __import__("datetime").date(2026, 6, 1))
    before = sorted(
        Officer.objects.values_list(
            "name",
            "status",
            "cert_number",
            "cert_issued_on",
            "cert_expires_on",
            "legal_reviewer",
            "subject__name",
        )
    )
    out = tmp_path / "out.xlsx"
    assert run(
        "export", "enforcement_officers", "--unit", county.root.code, "--out", str(out)
    ).startswith("已导出执法人员")
    values = exported_values(out.read_bytes())
    assert ID not in values and not any(ID[-6:] in v for v in values)
    header = next(load_workbook(out, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert header[:3] == ("姓名", "所在单位", "执法主体") and "身份证号码" not in header
    assert "证件状态" in header and "证件预警" in header
    Officer.objects.all().delete()
    assert run("import", "enforcement_officers", str(out), "--unit", county.root.code).startswith(
        "导入完成：新增 3 "
    )
    after = sorted(
        Officer.objects.values_list(
            "name",
            "status",
            "cert_number",
            "cert_issued_on",
            "cert_expires_on",
            "legal_reviewer",
            "subject__name",
        )
    )
    assert after == before
    assert Officer.objects.get(name="持证甲").status == CertStatus.ISSUED


def workbook(rows: list[dict[str, Any]]) -> bytes:
    headers = ["姓名", "所在单位", "身份证号码", "在编", "申领日期", "执法证号", "发证日期"]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_import_encrypts_the_id_and_refuses_a_bad_row_whole(county: County, tmp_path: Path) -> None:
    good = {
        "姓名": "导入甲",
        "所在单位": "白沙镇人民政府",
        "身份证号码": ID,
        "执法证号": "X-1",
        "发证日期": "2025-03-01",
    }
    rows = [
        good,
        {**good, "姓名": "导入乙", "执法证号": "X-2", "身份证号码": "12345"},
        {**good, "姓名": "导入丙", "执法证号": "X-3"},
    ]
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook(rows))
    err = StringIO()
    with pytest.raises(CommandError) as info:
        call_command(
            "import",
            "enforcement_officers",
            str(path),
            "--unit",
            county.root.code,
            stdout=StringIO(),
            stderr=err,
        )
    assert "未写入任何数据" in str(info.value)
    assert err.getvalue().splitlines()[0].startswith("第3行【身份证号码】")
    assert not Officer.objects.exists()
    # a non-在编 holder is refused by the workflow, named on its row
    path.write_bytes(workbook([good, {**good, "姓名": "临聘", "执法证号": "X-4", "在编": "否"}]))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import",
            "enforcement_officers",
            str(path),
            "--unit",
            county.root.code,
            stdout=StringIO(),
            stderr=err,
        )
    assert "第3行" in err.getvalue() and "不是在编人员" in err.getvalue()
    assert not Officer.objects.exists()
    path.write_bytes(workbook([good]))
    assert run("import", "enforcement_officers", str(path), "--unit", county.root.code).startswith(
        "导入完成：新增 1 "
    )
    officer = Officer.objects.get()
    assert officer.id_number == ID and officer.cert_expires_on is not None
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM enforcement_officer")
        (raw,) = cursor.fetchone()
    assert ID not in str(raw)
