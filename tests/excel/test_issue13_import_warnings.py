"""Issue 13 item 24 in the Excel import: a past year's register may hold received dates before
2000 or more than a year ago — they are imported and listed as warnings in the summary (the
command's result and the upload page); ID numbers and phone numbers are checked as on the forms.
The Excel tests run on 2025-06-30."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.excel.helpers import xlsx
from tests.personas import County

from fazhi.core.excel import Column, RowError, Spec, read_xlsx
from fazhi.orgs.scoping import Actor
from fazhi.reconsideration.excel import import_xlsx
from fazhi.reconsideration.models import ReconsiderationCase


def row(number: str, received: str) -> dict[str, Any]:
    return {
        "复议案号": number,
        "被申请人": "白沙镇人民政府",
        "申请人类别": "自然人",
        "收到申请日期": received,
        "行政行为类别": "行政处罚",
        "受理情况": "受理",
        "受理日期": (dt.date.fromisoformat(received) + dt.timedelta(days=2)).isoformat(),
        "审理程序": "普通程序",
    }


ROWS = [row("旧1", "1999-03-03"), row("旧2", "2024-01-08"), row("新", "2025-03-03")]


@pytest.mark.django_db
def test_old_received_dates_are_imported_and_listed_as_warnings(county: County) -> None:
    actor = Actor.command_line(county.dept)
    result = import_xlsx(xlsx(ROWS), actor=actor, unit=county.dept)
    assert result.ok, result.errors
    assert ReconsiderationCase.objects.count() == 3
    assert result.warnings == [
        RowError(2, "收到申请日期", "1999-03-03早于2000年，请核对"),
        RowError(3, "收到申请日期", "2024-01-08距今已超过1年，请核对"),
    ]
    assert result.summary() == "导入完成：新增 3 件；2 处日期请核对"


@pytest.mark.django_db
def test_the_upload_page_lists_the_warnings(county: County, settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path
    client = county.client("dept_clerk")
    response = client.post(
        "/import/reconsideration/",
        {"validate": "1", "file": SimpleUploadedFile("2024年台账.xlsx", xlsx(ROWS))},
    )
    page = response.content.decode()
    assert "校验通过：可新增 3 件（尚未写入）；2 处日期请核对" in page
    assert 'id="import-warnings"' in page and 'id="confirm-form"' in page
    assert "1999-03-03早于2000年，请核对" in page and "2024-01-08距今已超过1年" in page


SPEC = Spec(
    "名单",
    (
        Column("姓名", "applicant_name"),
        Column("类别", "applicant_kind"),
        Column("证件号码", "applicant_id_number"),
        Column("电话", "applicant_phone"),
    ),
)


def test_id_numbers_and_phones_are_checked_in_a_file() -> None:
    data = xlsx(
        [
            {"姓名": "甲", "证件号码": "11010519491231002x", "电话": "0731-88886666"},
            {"姓名": "乙", "证件号码": "430102199001011234", "电话": "1380013800"},
            {"姓名": "丙公司", "类别": "legal_person", "证件号码": "91350100M000100Y43"},
            {"姓名": "丁", "证件号码": 43010219900101123, "电话": 13800138000},
        ]
    )
    sheet = read_xlsx(SPEC, data)
    assert sheet.rows[0].values["applicant_id_number"] == "11010519491231002X"
    assert sheet.rows[3].values["applicant_phone"] == "13800138000"
    reasons = [(e.row, e.column, e.reason[:11]) for e in sheet.errors]
    assert reasons == [
        (3, "证件号码", "公民身份号码校验位不符"),
        (3, "电话", "电话号码格式不正确：手"),
        (5, "证件号码", "公民身份号码应为18位"),
    ]
