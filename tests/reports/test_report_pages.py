"""Report screens, the 依法治办's overview, and the public portal (no login)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import docx
import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.personas import County
from tests.reports.conftest import Data, at
from tests.reports.test_report_workflow import fill_prompts

from fazhi.orgs.models import OrgUnit, UnitKind, UnitLevel
from fazhi.orgs.scoping import Actor
from fazhi.orgs.services import orgunit_create
from fazhi.reports.models import AnnualReport, ReportState
from fazhi.reports.services import (
    report_create,
    report_deliberate,
    report_publish,
    report_secrecy_review,
    report_send_to_review,
    report_submit,
)

pytestmark = pytest.mark.django_db
D = dt.date


def published(county: County, unit: OrgUnit, year: int = 2025) -> AnnualReport:
    actor = county.actor("coordinator")
    report = report_create(actor=actor, unit=unit, year=year)
    fill_prompts(county, report)
    report.refresh_from_db()
    report = report_send_to_review(actor=actor, report=report)
    day = timezone.localdate()
    report = report_secrecy_review(
        actor=actor, report=report, approve=True, reviewer="保密办", reviewed_on=day, opinion=""
    )
    report = report_deliberate(
        actor=actor, report=report, approve=True, meeting="常务会议", meeting_on=day
    )
    report = report_submit(
        actor=actor, report=report, submitted_on=day, recipients=["本级党委"], copy_to=[]
    )
    return report_publish(actor=actor, report=report, published_on=day, url="")


def test_start_a_draft_from_the_list(data: Data, frozen: Any) -> None:
    county = data.county
    client = county.client("coordinator")
    page = client.get("/reports/").content.decode()
    assert "从数据生成草稿" in page and 'value="2025" selected' in page
    response = client.post("/reports/new/", {"unit": county.root.pk, "year": "2025"})
    report = AnnualReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    html = client.get(f"/reports/{report.pk}/").content.decode()
    assert "一、主要举措和成效" in html and "五、其他需要报告的情况" in html
    assert 'class="figure" href="/metrics/reconsideration.received/drill/?unit=430199' in html
    assert "待填写的提示" in html and 'value="send_review" class="primary" disabled' in html
    assert "尚未报送，距期限 3月31日 还有 49 天" in html
    again = client.post("/reports/new/", {"unit": county.root.pk, "year": "2025"})
    assert again["Location"] == f"/reports/{report.pk}/"  # opens the existing report
    assert AnnualReport.objects.count() == 1
    # the form now proposes a unit that has no 2025 report yet
    assert (
        f'<option value="{county.root.pk}" selected>'
        not in client.get("/reports/").content.decode()
    )


def test_edit_page_saves_and_refuses_a_stale_revision(data: Data, frozen: Any) -> None:
    county = data.county
    report = report_create(actor=county.actor("coordinator"), unit=county.root, year=2025)
    client = county.client("coordinator")
    form = client.get(f"/reports/{report.pk}/edit/").content.decode()
    assert 'data-insert="{{reconsideration.received}}"' in form
    post = {"revision": report.revision, "title": report.title, "preamble": "导语"}
    post |= {f"part{p.number}": p.body for p in report.parts.all()}
    post["part5"] = "无。"
    assert client.post(f"/reports/{report.pk}/edit/", post).status_code == 302
    assert report.parts.get(number=5).body == "无。"
    stale = client.post(f"/reports/{report.pk}/edit/", post | {"part5": "改"})
    assert stale.status_code == 400 and "本次保存未执行" in stale.content.decode()
    assert report.parts.get(number=5).body == "无。"


def test_workflow_through_the_pages(data: Data, frozen: Any) -> None:
    county = data.county
    report = report_create(actor=county.actor("coordinator"), unit=county.root, year=2025)
    fill_prompts(county, report)
    client = county.client("coordinator")
    act = f"/reports/{report.pk}/act/"
    steps = [
        {"action": "send_review"},
        {"action": "secrecy_pass", "reviewer": "保密办", "reviewed_on": "2026-02-10"},
        {"action": "deliberate_pass", "meeting": "第5次常务会议", "meeting_on": "2026-02-10"},
        {
            "action": "submit",
            "recipients": "本级党委\n本级人大常委会",
            "submitted_on": "2026-02-10",
        },
        {"action": "publish", "url": "https://x.gov.cn/", "published_on": "2026-02-10"},
    ]
    for step in steps:
        client.post(act, step)
    report.refresh_from_db()
    assert report.state == ReportState.PUBLISHED
    assert report.recipients == ["本级党委", "本级人大常委会"]
    bad = client.post(act, {"action": "publish", "published_on": "x"}, follow=True)
    assert "公开日期格式不对" in bad.content.decode()


def test_step_forms_follow_state_and_role(data: Data, frozen: Any) -> None:
    county = data.county
    report = report_create(actor=county.actor("dept_clerk"), unit=county.dept, year=2025)
    fill_prompts(county, report, "dept_clerk")
    report_send_to_review(actor=county.actor("dept_clerk"), report=report)
    url = f"/reports/{report.pk}/"
    assert 'id="secrecy-form"' in county.client("reviewer").get(url).content.decode()
    assert 'id="secrecy-form"' not in county.client("dept_clerk").get(url).content.decode()
    response = county.client("dept_clerk").post(
        f"{url}act/", {"action": "secrecy_pass", "reviewer": "x", "reviewed_on": "2026-02-10"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SECRECY


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("leader", 200),
        ("dept_clerk", 200),
        ("reviewer", 200),
        ("clerk_a", 404),
        ("coordinator_a", 404),
        ("auditor", 403),
    ],
)
def test_report_page_scope(data: Data, frozen: Any, persona: str, status: int) -> None:
    county = data.county
    report = report_create(actor=county.actor("coordinator"), unit=county.dept, year=2025)
    client = county.client(persona)
    assert client.get(f"/reports/{report.pk}/").status_code == status
    assert client.get(f"/reports/{report.pk}/docx/").status_code == status
    listed = client.get("/reports/")
    if status == 200:
        assert report.title in listed.content.decode()
    elif listed.status_code == 200:
        assert report.title not in listed.content.decode()


def test_docx_download(data: Data, frozen: Any) -> None:
    county = data.county
    report = report_create(actor=county.actor("coordinator"), unit=county.root, year=2025)
    response = county.client("coordinator").get(f"/reports/{report.pk}/docx/")
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert "filename*=UTF-8''%E6%B9%98" in response["Content-Disposition"]
    text = [p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs]
    assert text[0].replace("\n", "") == report.title
    assert "全年收到行政复议申请5件" in "".join(text)


def test_overview_flags_who_has_not_submitted_or_published(data: Data) -> None:
    county = data.county
    with time_machine.travel(at(D(2026, 3, 2)), tick=False):
        published(county, county.dept)
        report_create(actor=county.actor("coordinator"), unit=county.town_a, year=2025)
        html = county.client("coordinator").get("/reports/overview/?year=2025").content.decode()
    rows = {
        code: html.split(f'data-unit="{code}"')[1].split("</tr>")[0]
        for code in ("430199", "430199001", "430199101", "430199102", "430199101001")
    }
    assert "2026-03-02 报送，逾期 2 天（期限 2月28日）" in rows["430199001"]
    assert "已于 2026-03-02 公开（期限 3月31日）" in rows["430199001"]
    assert "未起草" in rows["430199"] and "尚未报送，距期限 3月31日 还有 29 天" in rows["430199"]
    assert "起草" in rows["430199101"] and 'data-state="soon"' not in rows["430199101"]
    assert 'data-state="overdue"' in rows["430199101001"]  # a department: 2月28日 has passed
    assert "共 5 个单位，未报送 4 个，未公开 4 个，逾期 2 个" in html
    with time_machine.travel(at(D(2026, 3, 2)), tick=False):
        late = county.client("coordinator").get("/reports/overview/?year=2025&show=late")
    assert late.content.decode().count("data-unit=") == 2


def test_overview_only_for_the_coordinator_and_in_scope(data: Data) -> None:
    county = data.county
    assert county.client("clerk_a").get("/reports/overview/").status_code == 403
    html = county.client("coordinator_a").get("/reports/overview/?year=2025").content.decode()
    assert html.count("data-unit=") == 2  # 白沙镇 and its 综合行政执法办
    assert 'data-unit="430199001"' not in html


def test_overview_query_count_does_not_grow(county: County) -> None:
    client = county.client("coordinator")

    def queries() -> int:
        client.get("/reports/overview/?year=2025")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/reports/overview/?year=2025").status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    cli = Actor.command_line()
    for i in range(12):
        unit = orgunit_create(
            actor=cli,
            code=f"4301990{50 + i}",
            name=f"湘江县第{i}局",
            kind=UnitKind.DEPARTMENT,
            level=UnitLevel.COUNTY,
            parent=county.root,
        )
        if i % 2:
            report_create(actor=county.actor("coordinator"), unit=unit, year=2025)
    assert queries() == few


def test_portal_shows_published_reports_only_without_login(data: Data, frozen: Any) -> None:
    county = data.county
    report = published(county, county.root)
    draft = report_create(actor=county.actor("coordinator"), unit=county.dept, year=2025)
    public = Client()
    listing = public.get("/portal/reports/").content.decode()
    assert report.title in listing and draft.title not in listing
    assert public.get("/portal/reports/?year=2024").content.decode().count("<tr>") == 1 + 1
    page = public.get(f"/portal/reports/{report.pk}/").content.decode()
    assert "全年收到行政复议申请5件" in page and "/metrics/" not in page
    assert "一、主要举措和成效" in page and "【请填写" not in page
    assert public.get(f"/portal/reports/{draft.pk}/").status_code == 404
    assert public.get(f"/portal/reports/{draft.pk}/docx/").status_code == 404
    download = public.get(f"/portal/reports/{report.pk}/docx/")
    title = docx.Document(io.BytesIO(download.content)).paragraphs[0].text
    assert title == "湘江县人民政府\n2025年法治政府建设年度报告"
    assert public.get("/portal/").status_code == 302
    assert public.get("/reports/").status_code == 302  # the working pages need a login


def test_portal_list_query_count(county: County) -> None:
    public = Client()
    with time_machine.travel(at(D(2026, 3, 5)), tick=False):
        published(county, county.root)
    public.get("/portal/reports/")
    with CaptureQueriesContext(connection) as ctx:
        public.get("/portal/reports/")
    few = len(ctx.captured_queries)
    with time_machine.travel(at(D(2026, 3, 5)), tick=False):
        for unit in (county.dept, county.town_a):
            published(county, unit)
    with CaptureQueriesContext(connection) as ctx:
        assert public.get("/portal/reports/").content.decode().count("<tr>") == 4
    assert len(ctx.captured_queries) == few


def test_bad_form_values_are_messages_not_errors(data: Data, frozen: Any) -> None:
    county = data.county
    client = county.client("coordinator")
    response = client.post("/reports/new/", {"unit": "x", "year": "2025"}, follow=True)
    assert "请选择报告单位" in response.content.decode()
    assert client.post("/reports/new/", {"unit": county.town_b.pk + 999}).status_code == 404
    report = report_create(actor=county.actor("coordinator"), unit=county.root, year=2025)
    edit = client.post(f"/reports/{report.pk}/edit/", {"revision": "abc", "title": "t"})
    assert edit.status_code == 400 and "本次保存未执行" in edit.content.decode()
    unknown = client.post(f"/reports/{report.pk}/act/", {"action": "drop"}, follow=True)
    assert "未知的操作" in unknown.content.decode()
    # a refused step leaves the browser on …/act/: reloading it goes back to the report
    assert client.get(f"/reports/{report.pk}/act/")["Location"] == f"/reports/{report.pk}/"


def test_list_query_count_does_not_grow(county: County) -> None:
    client = county.client("coordinator")

    def queries() -> int:
        client.get("/reports/")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/reports/").status_code == 200
        return len(ctx.captured_queries)

    with time_machine.travel(at(D(2026, 2, 10)), tick=False):
        report_create(actor=county.actor("coordinator"), unit=county.root, year=2025)
        few = queries()
        for unit in (county.dept, county.town_a, county.town_b, county.village_a):
            report_create(actor=county.actor("coordinator"), unit=unit, year=2025)
        report_create(actor=county.actor("coordinator"), unit=county.root, year=2024)
        assert queries() == few


def test_a_refused_step_keeps_what_was_typed(data: Data, frozen: Any) -> None:
    county = data.county
    report = report_create(actor=county.actor("coordinator"), unit=county.root, year=2025)
    fill_prompts(county, report)
    report_send_to_review(actor=county.actor("coordinator"), report=report)
    client = county.client("coordinator")
    response = client.post(
        f"/reports/{report.pk}/act/",
        {"action": "secrecy_pass", "reviewer": "县保密办张三", "reviewed_on": "2026-02-11"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="step-error">保密审查日期不能晚于今天' in html
    assert 'value="县保密办张三"' in html and 'value="2026-02-11"' in html
    fresh = client.get(f"/reports/{report.pk}/").content.decode()
    assert 'value="依法明"' in fresh and 'value="2026-02-10"' in fresh
