"""Issue 13 item 23: every download has a Chinese file name — a register's Excel export
(``行政复议台账-2025.xlsx`` for the year filtered, else the day's date), the import template,
the plan exports and the annual report's Word file."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import time_machine
from django.http import HttpResponse
from tests.personas import County
from tests.plans.test_plan_pages import make_plan

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2025, 6, 20, 10, tzinfo=dt.UTC)


def file_name(response: HttpResponse) -> str:
    """The name a browser saves the download as (RFC 6266 ``filename*`` wins)."""
    assert response.status_code == 200
    header = response["Content-Disposition"]
    assert header.startswith("attachment")
    found = re.search(r"filename\*=(?i:utf-8)''([^;]+)", header)
    assert found, header
    return unquote(found.group(1))


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("persona", "url", "expected"),
    [
        ("dept_clerk", "/reconsideration/cases/export.xlsx?year=2025", "行政复议台账-2025.xlsx"),
        ("dept_clerk", "/reconsideration/cases/export.xlsx", "行政复议台账-20250620.xlsx"),
        (
            "dept_clerk",
            "/reconsideration/cases/export.xlsx?closed_year=2024",
            "行政复议台账-2024.xlsx",
        ),
        ("dept_clerk", "/reconsideration/cases/export.xlsx?year=abc", "行政复议台账-20250620.xlsx"),
        ("dept_clerk", "/litigation/cases/export.xlsx?year=2024", "行政应诉台账-2024.xlsx"),
        ("dept_clerk", "/litigation/suggestions/export.xlsx", "司法建议台账-20250620.xlsx"),
        ("clerk_a", "/orgs/units/export.xlsx", "单位信息台账-20250620.xlsx"),
    ],
)
def test_register_exports_have_chinese_names(
    county: County, persona: str, url: str, expected: str
) -> None:
    response = county.client(persona).get(url)
    assert file_name(response) == expected
    # an ASCII fallback for old clients, without the personal or Chinese part
    assert re.search(r'filename="[A-Za-z0-9_.-]+"', response["Content-Disposition"])


def test_the_import_template_has_a_chinese_name(county: County) -> None:
    client = county.client("dept_clerk")
    got = file_name(client.get("/import/reconsideration/?template=1"))
    assert got == "行政复议台账导入模板.xlsx"
    got = file_name(client.get("/import/litigation/?template=1"))
    assert got == "行政应诉台账导入模板.xlsx"


@time_machine.travel(TODAY, tick=False)
def test_the_plan_exports_have_chinese_names(county: County, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    plan = make_plan(county)
    client = county.client("coordinator")
    assert file_name(client.get(f"/plans/{plan.pk}/export/matrix.xlsx")) == (
        "2025-任务分工矩阵-20250620.xlsx"
    )
    assert file_name(client.get(f"/plans/{plan.pk}/export/reports.xlsx")) == (
        "2025-进展报告-20250620.xlsx"
    )


def test_an_evidence_file_downloads_under_its_original_name(
    county: County, settings: Any, tmp_path: Path
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fazhi.plans.models import Assignment, Evidence
    from fazhi.plans.services import report_submit

    settings.MEDIA_ROOT = tmp_path
    plan = make_plan(county)
    a = Assignment.objects.get(task__plan=plan, task__number="（一）", unit=county.town_a)
    pdf = SimpleUploadedFile("案卷评查报告.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    report_submit(actor=county.actor("clerk_a"), assignment=a, text="进展", files=[pdf])
    evidence = Evidence.objects.get()
    response = county.client("clerk_a").get(f"/plans/evidence/{evidence.pk}/")
    assert file_name(response) == "案卷评查报告.pdf"
