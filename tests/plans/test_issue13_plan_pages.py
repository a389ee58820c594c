"""Issue 13, what a clerk hits first on the plan screens: the matrix's 完成情况统计 link opens
for everyone who sees the matrix (item 18), the reminders page is paginated (item 20), and a
rejected evidence file keeps the text the user typed (item 22)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.personas import County
from tests.plans.test_plan_pages import make_plan

from fazhi.plans.models import Assignment, ProgressReport, Reminder

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def metrics_link(html: str) -> tuple[str, str]:
    found = re.search(r'<a href="([^"]+)" id="plan-metrics">([^<]+)</a>', html)
    assert found, "the matrix has no 完成情况统计 link"
    return unescape(found.group(1)), found.group(2)


# --- item 18 -------------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["coordinator", "clerk_a", "clerk_b", "dept_clerk", "leader_a"])
def test_the_statistics_link_opens_for_whoever_sees_the_matrix(
    county: County, persona: str
) -> None:
    plan = make_plan(county)
    client = county.client(persona)
    page = client.get(f"/plans/{plan.pk}/")
    assert page.status_code == 200
    url, label = metrics_link(page.content.decode())
    response = client.get(url)
    assert response.status_code == 200, (persona, url)
    assert "完成情况统计" in label and "year=2025" in url and "plans.on_time_rate" in url


def test_the_issuer_sees_the_plan_units_figures_a_township_its_own(county: County) -> None:
    plan = make_plan(county)
    url, label = metrics_link(
        county.client("coordinator").get(f"/plans/{plan.pk}/").content.decode()
    )
    assert f"unit={county.root.code}" in url and "按单位分列" in label
    url, label = metrics_link(county.client("clerk_a").get(f"/plans/{plan.pk}/").content.decode())
    assert f"unit={county.root.code}" not in url and label.startswith("本单位完成情况统计")
    html = county.client("clerk_a").get(url).content.decode()
    assert county.town_a.name in html


# --- item 20 (reminders) -----------------------------------------------------------------------
def test_reminders_are_paginated(county: County, settings: Any) -> None:
    settings.FAZHI_PAGE_SIZE = 20
    Reminder.objects.bulk_create(
        Reminder(unit=county.town_a, key=f"k{n}", text=f"第{n:02d}条提醒") for n in range(1, 46)
    )
    client = county.client("clerk_a")
    first = client.get("/plans/reminders/").content.decode()
    assert first.count("条提醒</") == 20
    assert "第 1 / 3 页，共 45 条" in first and "未读 45 条" in first
    assert 'href="?page=2"' in first
    last = client.get("/plans/reminders/", {"page": 3}).content.decode()
    assert last.count("条提醒</") == 5 and "第 3 / 3 页" in last
    # all 45 are shown across the pages, each once
    seen = set()
    for page in (1, 2, 3):
        html = client.get("/plans/reminders/", {"page": page}).content.decode()
        seen |= set(re.findall(r"第(\d\d)条提醒", html))
    assert len(seen) == 45
    # a page number out of range is the last page, not an error
    assert client.get("/plans/reminders/", {"page": 99}).status_code == 200
    assert client.get("/plans/reminders/", {"page": "x"}).status_code == 200


# --- item 22 -------------------------------------------------------------------------------------
TYPED = "已完成案卷评查 120 卷，发现问题 8 个，均已反馈整改。\n第二行说明"


def _assignment(county: County) -> Assignment:
    plan = make_plan(county)
    return Assignment.objects.get(task__plan=plan, task__number="（一）", unit=county.town_a)


def test_a_rejected_evidence_file_keeps_the_typed_text(county: County) -> None:
    a = _assignment(county)
    url = f"/plans/assignments/{a.pk}/"
    bad = SimpleUploadedFile("评查报告.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = county.client("clerk_a").post(
        url, {"action": "report", "text": TYPED, "claims_completion": "1", "files": [bad]}
    )
    assert response.status_code == 400  # the page again, not a redirect that drops the text
    html = response.content.decode()
    form = html.split('id="report-form"')[1].split("</form>")[0]
    assert f">{TYPED}</textarea>" in unescape(form)
    assert 'name="claims_completion" value="1" checked' in form
    # the file error is named, next to the file field, and says to choose the file again
    assert "“评查报告.exe”：不支持的文件类型" in form and "请重新选择" in form
    assert not ProgressReport.objects.exists()


def test_a_file_whose_content_does_not_match_keeps_the_text_too(county: County) -> None:
    a = _assignment(county)
    fake = SimpleUploadedFile("评查.pdf", b"not a pdf", content_type="application/pdf")
    response = county.client("clerk_a").post(
        f"/plans/assignments/{a.pk}/", {"action": "report", "text": TYPED, "files": [fake]}
    )
    assert response.status_code == 400
    form = response.content.decode().split('id="report-form"')[1].split("</form>")[0]
    assert TYPED in unescape(form) and "“评查.pdf”：文件内容与扩展名 .pdf 不符" in form
    assert 'name="claims_completion" value="1">' in form  # not ticked: it was not


def test_an_empty_text_is_named_next_to_the_text_field(county: County) -> None:
    a = _assignment(county)
    response = county.client("clerk_a").post(
        f"/plans/assignments/{a.pk}/", {"action": "report", "text": "  "}
    )
    assert response.status_code == 400
    form = response.content.decode().split('id="report-form"')[1].split("</form>")[0]
    assert "请填写进展情况" in form


def test_a_good_report_still_redirects(county: County) -> None:
    a = _assignment(county)
    pdf = SimpleUploadedFile("评查.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    client = county.client("clerk_a")
    response = client.post(
        f"/plans/assignments/{a.pk}/", {"action": "report", "text": TYPED, "files": [pdf]}
    )
    assert response.status_code == 302
    assert ProgressReport.objects.get().text == TYPED.strip()


# --- item 25: no metric codes on the assignment page ---------------------------------------------
def test_a_task_s_indicators_are_named_not_coded(county: County) -> None:
    a = _assignment(county)
    a.task.indicator_codes = ["plans.on_time_rate", "enforcement.review_rate"]
    a.task.save()
    html = county.client("clerk_a").get(f"/plans/assignments/{a.pk}/").content.decode()
    card = unescape(html.split('class="card"', 1)[1].split("</div>", 1)[0])
    assert "指标：按期完成率" in card
    assert "plans.on_time_rate" not in html and "enforcement.review_rate" not in html
    assert 'id="indicator-choices"' not in html
    # the plan's 依法治办, who maintains the codes, is told which ones exist
    html = county.client("coordinator").get(f"/plans/assignments/{a.pk}/").content.decode()
    choices = html.split('id="indicator-choices"', 1)[1].split("</details>", 1)[0]
    assert "<code>plans.on_time_rate</code> 按期完成率" in choices
