"""The plan screens: import (upload → review → confirm, nothing saved before), the matrix and
a unit's own tasks (each sees only its subtree), the assignment page (report with evidence,
review, 督办), evidence download and reminders; query-count guards on the matrix."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.personas import County

from fazhi.plans.models import Assignment, AssignmentStatus, Plan, ProgressReport, Reminder
from fazhi.plans.parser import parse_plan
from fazhi.plans.services import plan_import, report_submit

pytestmark = pytest.mark.django_db

PLAN = """湘江县2025年法治政府建设工作要点
一、严格规范公正文明执法
（一）开展案卷评查。9月30日前完成评查。（牵头单位：湘江县司法局；责任单位：各乡镇、县编办）
（二）落实述法。6月底前完成。（责任单位：白沙镇人民政府）
"""


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(text: str = PLAN, name: str = "要点.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/plain")


def make_plan(county: County, tasks: int = 2) -> Plan:
    text = PLAN + "".join(
        f"（{n}）任务{n}。年底前完成。（责任单位：黄金乡人民政府）\n" for n in range(3, tasks + 1)
    )
    resolution = {
        "湘江县司法局": [county.dept],
        "各乡镇": [county.town_a, county.town_b],
        "县编办": [],
        "白沙镇人民政府": [county.town_a],
        "黄金乡人民政府": [county.town_b],
    }
    return plan_import(
        actor=county.actor("coordinator"),
        unit=county.root,
        parsed=parse_plan(text),
        resolution=resolution,
        allow_unmatched=True,
    ).plan


def test_import_upload_review_confirm(county: County) -> None:
    client = county.client("coordinator")
    page = client.get("/plans/import/")
    assert page.status_code == 200 and "确认前不保存任何内容" in page.content.decode()
    response = client.post("/plans/import/", {"file": upload(), "unit": county.root.code})
    assert response.status_code == 302 and response["Location"] == "/plans/import/review/"
    html = client.get("/plans/import/review/").content.decode()
    assert "县编办" in html and "未匹配" in html and "确认展开为以上 2 个单位" in html
    assert 'value="2025-09-30"' in html  # the completion date, correctable
    # nothing decided for 各乡镇 / 县编办: refused, nothing saved
    html = client.post("/plans/import/review/", {"name_0": "430199001"}).content.decode()
    assert "请为“各乡镇”选择对应单位" in html and "请为“县编办”选择对应单位" in html
    assert not Plan.objects.exists()
    names = re.findall(r'<select name="(name_\d+)" aria-label="([^"]+)对应单位"', html)
    decisions = {"湘江县司法局": "430199001", "各乡镇": "all", "县编办": "skip"}
    decisions["白沙镇人民政府"] = "430199101"
    data = {field: decisions[name] for field, name in names}
    data |= {"title_1": "落实年度述法", "due_1": "2025-07-15"}
    response = client.post("/plans/import/review/", data)
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/plans/{plan.pk}/"
    task = plan.tasks.get(number="（二）")
    assert (task.title, task.due_on) == ("落实年度述法", dt.date(2025, 7, 15))
    assert set(
        plan.tasks.get(number="（一）").assignments.values_list("unit__code", flat=True)
    ) == {
        "430199001",
        "430199101",
        "430199102",
    }
    followed = client.get(response["Location"]).content.decode()
    assert (
        "已导入《湘江县2025年法治政府建设工作要点》：2 项任务，4 条分工；未分配：县编办" in followed
    )
    assert client.get("/plans/import/review/").status_code == 302  # the upload is used up


def test_upload_errors(county: County) -> None:
    client = county.client("coordinator")
    html = client.post(
        "/plans/import/", {"file": upload(name="要点.docx"), "unit": county.root.code}
    ).content.decode()
    assert "请上传 .txt 文本文件" in html
    html = client.post(
        "/plans/import/", {"file": upload("没有编号"), "unit": county.root.code}
    ).content.decode()
    assert "未找到编号条目" in html
    html = client.post(
        "/plans/import/",
        {"file": upload("工作要点\n一、总体\n（一）完成。"), "unit": county.root.code},
    ).content.decode()
    assert "未能从文件中识别年度，请填写年度" in html


@pytest.mark.parametrize("persona", ["clerk_a", "reviewer", "leader", "dept_clerk"])
def test_only_coordinators_import(county: County, persona: str) -> None:
    assert county.client(persona).get("/plans/import/").status_code == 403


def columns(html: str) -> set[str]:
    return set(re.findall(r'data-unit="(\d+)"', html))


def test_matrix_shows_each_actor_its_subtree(county: County) -> None:
    plan = make_plan(county)
    url = f"/plans/{plan.pk}/"
    html = county.client("coordinator").get(url).content.decode()
    assert columns(html) == {"430199001", "430199101", "430199102"}
    assert "牵头·未开始" in html and "责任·未开始" in html
    html = county.client("clerk_a").get(url).content.decode()
    assert columns(html) == {"430199101"}
    assert "（一）" in html and "（二）" in html
    filtered = county.client("coordinator").get(url, {"unit": county.town_b.pk}).content.decode()
    assert "（二）" not in filtered.split('id="matrix"')[1]
    assert county.client("clerk_a").get("/plans/").content.decode().count(plan.title) == 1


def test_matrix_query_count_does_not_grow(county: County) -> None:
    def queries(tasks: int) -> int:
        Plan.objects.all().delete()
        plan = make_plan(county, tasks)
        client = county.client("coordinator")
        client.get(f"/plans/{plan.pk}/")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/plans/{plan.pk}/").status_code == 200
        return len(ctx.captured_queries)

    assert queries(3) == queries(25)


@time_machine.travel(dt.datetime(2025, 6, 28, 9, tzinfo=dt.UTC), tick=False)
def test_own_tasks_page(county: County) -> None:
    make_plan(county)
    html = county.client("clerk_a").get("/plans/mine/").content.decode()
    assert html.count('<td class="cell') == 2  # (一) and (二) of 白沙镇 only
    assert "黄金乡" not in html and 'class="cell yellow"' in html  # (二) due 06-30


def test_assignment_page_report_and_evidence(county: County) -> None:
    plan = make_plan(county)
    a = Assignment.objects.get(task__plan=plan, task__number="（一）", unit=county.town_a)
    url = f"/plans/assignments/{a.pk}/"
    client = county.client("clerk_a")
    assert "报送进展" in client.get(url).content.decode()
    pdf = SimpleUploadedFile("评查.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    response = client.post(url, {"action": "report", "text": "已完成", "files": [pdf]})
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "已报送进展" in html and "评查.pdf" in html
    evidence = ProgressReport.objects.get().evidence.get()
    got = client.get(f"/plans/evidence/{evidence.pk}/")
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF-1.4 x"
    assert county.client("clerk_b").get(f"/plans/evidence/{evidence.pk}/").status_code == 404
    assert county.client("clerk_b").get(url).status_code == 404
    bad = client.post(url, {"action": "report", "text": ""})
    assert bad.status_code == 400  # the form again, the reason next to the field (issue 13 #22)
    assert "请填写进展情况" in bad.content.decode()


def test_review_and_notice_through_the_page(county: County) -> None:
    plan = make_plan(county)
    a = Assignment.objects.get(task__plan=plan, task__number="（二）", unit=county.town_a)
    report = report_submit(actor=county.actor("clerk_a"), assignment=a, text="进展")
    url = f"/plans/assignments/{a.pk}/"
    coordinator = county.client("coordinator")
    assert 'value="return"' in coordinator.get(url).content.decode()
    assert 'value="return"' not in county.client("clerk_a").get(url).content.decode()
    coordinator.post(url, {"action": "return", "report": report.pk, "note": "请补充材料"})
    report.refresh_from_db()
    assert report.status == "returned"
    coordinator.post(url, {"action": "notice", "content": "请加快", "reply_due": "2099-01-01"})
    assert "督办〔2025〕1号" in county.client("clerk_a").get(url).content.decode()
    a.refresh_from_db()
    assert a.status == AssignmentStatus.IN_PROGRESS


def test_reminders_page(county: County) -> None:
    make_plan(county)
    Reminder.objects.create(unit=county.town_a, key="k1", text="测试提醒")
    client = county.client("clerk_a")
    html = client.get("/plans/reminders/").content.decode()
    assert "测试提醒" in html and "未读 1 条" in html
    client.post("/plans/reminders/")
    assert "未读 0 条" in client.get("/plans/reminders/").content.decode()
    assert "测试提醒" not in county.client("clerk_b").get("/plans/reminders/").content.decode()


def test_excel_exports_from_the_matrix(county: County) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    plan = make_plan(county)
    client = county.client("clerk_a")
    assert (
        f"/plans/{plan.pk}/export/matrix.xlsx" in client.get(f"/plans/{plan.pk}/").content.decode()
    )
    for kind in ("matrix", "reports"):
        response = client.get(f"/plans/{plan.pk}/export/{kind}.xlsx")
        assert response.status_code == 200
        assert "filename*=UTF-8''2025-" in response["Content-Disposition"]
        load_workbook(BytesIO(response.content))  # a real workbook
    assert client.get(f"/plans/{plan.pk}/export/other.xlsx").status_code == 404
    assert county.client("clerk_b").get(f"/plans/{plan.pk}/export/matrix.xlsx").status_code == 200
    other = make_plan(county)
    Assignment.objects.filter(task__plan=other, unit=county.town_b).delete()
    assert county.client("clerk_b").get(f"/plans/{other.pk}/export/matrix.xlsx").status_code == 404


def test_a_lead_unit_sees_the_tasks_it_leads(county: County) -> None:
    plan = make_plan(county)
    led = Assignment.objects.get(task__plan=plan, task__number="（一）", unit=county.town_a)
    other = Assignment.objects.get(task__plan=plan, task__number="（二）", unit=county.town_a)
    client = county.client("reviewer")  # 湘江县司法局 leads (一), not (二)
    assert client.get(f"/plans/assignments/{led.pk}/").status_code == 200
    assert client.get(f"/plans/assignments/{other.pk}/").status_code == 404
    html = client.get(f"/plans/{plan.pk}/").content.decode()
    assert columns(html) == {"430199001", "430199101", "430199102"}
    assert "（二）" not in html.split('id="matrix"')[1]


def test_completion_figures_link_from_the_matrix(county: County) -> None:
    plan = make_plan(county)
    client = county.client("coordinator")
    html = client.get(f"/plans/{plan.pk}/").content.decode()
    link = re.search(r'id="plan-metrics" href="([^"]+)"|href="([^"]+)" id="plan-metrics"', html)
    assert link is not None
    url = (link.group(1) or link.group(2)).replace("&amp;", "&")
    dashboard = client.get(url).content.decode()
    assert "按期完成率" in dashboard and "白沙镇人民政府" in dashboard
