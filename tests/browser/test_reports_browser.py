"""End-to-end (Playwright, the system Chromium): the 依法治办 drafts the county's 2025 annual
report on 法治政府建设 from the registers, fills in every marked prompt ``{{?…}}``
(inserting one figure token with the editor's “插入” button), and takes it through 保密审查 →
审议 → 报送 → 公开; an anonymous visitor then reads it on the public portal and downloads the
Word file, while another unit's draft stays invisible there. A second test checks the 依法治办's
overview of overdue submissions."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from tests.browser.chromium import chromium, frozen_at, login, new_page
from tests.metrics.builders import closed, lawsuit, save_recon
from tests.personas import County

from fazhi.reports import tokens
from fazhi.reports.models import AnnualReport, ReportState
from fazhi.reports.services import report_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TODAY = dt.date(2026, 3, 5)  # drafting the 2025 report: before the 4月1日 deadlines
HEADINGS = [
    "一、主要举措和成效",
    "二、存在的不足和原因",
    "三、党政主要负责人履行推进法治建设第一责任人职责情况",
    "四、下一年度主要安排",
    "五、其他需要报告的情况",
]
TITLE = "湘江县人民政府2025年法治政府建设年度报告"
DEPT_TITLE = "湘江县司法局2025年法治政府建设年度报告"
PUBLISH_URL = "https://www.example.gov.cn/fzzf/2025.html"
# Every prompt left in a part, replaced in the browser (the same pattern as reports.tokens).
FILL_PROMPTS = r"""() => {
  for (const n of [1, 2, 3, 4]) {
    const el = document.getElementById("id_part" + n);
    el.value = el.value.replace(/\{\{\?[^\n]*?\}\}/g, "已按年度工作要点推进，成效明显。");
  }
}"""


@pytest.fixture
def browser(live_server: Any, settings: Any, tmp_path: Path) -> Iterator[Any]:
    settings.MEDIA_ROOT = tmp_path / "media"
    with frozen_at(TODAY), chromium() as browser:
        yield browser, live_server.url


def session(browser: Any, username: str | None = None) -> Any:
    """A fresh browser context, logged in as ``username`` (anonymous without one)."""
    chromium_browser, url = browser
    page = new_page(chromium_browser, url)
    if username:
        login(page, username)
    return page


def click(page: Any, selector: str) -> None:
    """Click and wait for the page it leads to (after any redirect), which must not fail."""
    with page.expect_navigation() as navigation:
        page.click(selector)
    response = navigation.value
    assert response is None or response.status < 400, f"{response.status} {response.url}"


def received_in_2025(county: County) -> int:
    """复议 cases of the county for 2025 (three received in 2025, one received in 2024 and
    closed in 2025), and one 应诉 case; returns the 收案数 the draft should state."""
    d = dt.date
    cases = save_recon(
        closed(county.dept, d(2025, 3, 10), "uphold"),
        closed(county.dept, d(2025, 6, 18), "annul"),
        closed(county.town_a, d(2025, 9, 9), "vary"),
        closed(county.dept, d(2025, 1, 20), "uphold"),  # received 2024-12-18: not counted
    )
    lawsuit(county.dept, filed_on=d(2025, 2, 1), hearings=[(d(2025, 4, 1), True)])
    return sum(c.received_on.year == 2025 for c in cases)


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    lines = [p.text for p in document.paragraphs]
    lines += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(lines)


def test_draft_edit_review_deliberate_submit_publish_and_read_on_portal(
    browser: Any, county: County, tmp_path: Path
) -> None:
    received = received_in_2025(county)
    assert received == 3
    sentence = f"全年收到行政复议申请{received}件"
    # another unit's report, still a draft: never on the portal
    other = report_create(actor=county.actor("coordinator"), unit=county.dept, year=2025)
    assert other.title == DEPT_TITLE

    # 1. the 依法治办 generates the county government's draft from the data
    office = session(browser, "coordinator")
    office.goto("/")
    click(office, "nav.sidenav >> text=年度报告")
    assert office.url.endswith("/reports/")
    office.select_option("#id_unit", label="湘江县人民政府")
    office.select_option("#id_year", value="2025")
    click(office, "#new-report button:has-text('从数据生成草稿')")
    assert "已从台账和工作计划生成草稿" in office.inner_text(".messages")
    report = AnnualReport.objects.get(unit=county.root, year=2025)
    assert office.url.endswith(f"/reports/{report.pk}/")
    assert office.inner_text("h1") == TITLE
    assert office.inner_text("#state") == "起草中"
    text = office.locator("#report-text")
    assert text.locator("h3.l1").all_inner_texts() == HEADINGS
    assert sentence in text.inner_text()
    figures = text.locator("a.figure[data-code='reconsideration.received']")
    figure = figures.first
    assert figure.inner_text() == f"{received}件"
    href = figure.get_attribute("href") or ""
    assert href.startswith("/metrics/reconsideration.received/drill/"), href
    assert "unit=430199" in href and "period=2025" in href
    errors = office.locator("#check ul.errors li").all_inner_texts()
    # one line per prompt left, naming its part
    left = sum(len(tokens.prompts_in(p.body)) for p in report.parts.all())
    assert len(errors) == left and left >= 5, errors
    assert all("有待填写的提示：" in e for e in errors), errors
    for heading in HEADINGS:
        assert any(heading in e for e in errors), (heading, errors)
    assert office.locator("button[value=send_review]").is_disabled()
    # the figure drills down to exactly the cases it counts
    click(office, "#report-text a.figure[data-code='reconsideration.received']")
    assert "收案数" in office.inner_text("h1")
    assert office.locator("main table.grid tbody tr").count() == received
    office.go_back()
    office.wait_for_selector("#edit-link")

    # 2. edit: every prompt answered, part 五 typed by hand, one figure inserted at the cursor
    click(office, "#edit-link")
    assert office.inner_text("h1") == "编辑年度报告"
    assert "{{?请填写" in office.input_value("#id_part1")
    assert office.locator("ul.prompt-list[data-for=id_part1] li").count() >= 1
    office.evaluate(FILL_PROMPTS)
    part5 = office.locator("#id_part5")
    part5.fill("")
    part5.press_sequentially("无。")
    part3 = office.locator("#id_part3")
    part3.click()
    part3.press("Control+End")
    part3.press("Enter")
    part3.press_sequentially("本级政府全年收到行政复议申请")
    office.click("#figure-list button[data-insert='{{reconsideration.received}}']")
    part3.press_sequentially("，均依法办理。")  # the cursor stays right after the token
    body3 = part3.input_value()
    assert re.search(r"\{\{\s*reconsideration\.received\s*\}\}", body3), body3
    assert body3.endswith("本级政府全年收到行政复议申请{{reconsideration.received}}，均依法办理。")
    for n in range(1, 6):
        assert "{{?" not in office.input_value(f"#id_part{n}"), n
    click(office, "button[name=then][value=done]")
    assert "已保存" in office.inner_text(".messages")
    assert office.url.endswith(f"/reports/{report.pk}/")
    assert office.locator("#check ul.errors").count() == 0
    assert office.locator("#check li.error").count() == 0
    inserted = f"本级政府全年收到行政复议申请{received}件，均依法办理。"
    assert inserted in office.inner_text("#report-text")
    assert figures.count() == 2  # the draft's sentence in part 一 and the inserted one
    assert "无。" in office.inner_text("#report-text")
    send = office.locator("button[value=send_review]")
    assert send.is_enabled()
    click(office, "button[value=send_review]")
    assert "已提交保密审查" in office.inner_text(".messages")
    assert office.inner_text("#state") == "待保密审查"
    assert office.locator("#edit-link").count() == 0

    # 3. 保密审查
    office.fill("#id_reviewer", "县委保密办")
    office.fill("#id_reviewed_on", TODAY.isoformat())
    click(office, "#secrecy-form button[value=secrecy_pass]")
    assert "保密审查已通过" in office.inner_text(".messages")
    assert office.inner_text("#state") == "待审议"

    # 4. 审议
    office.fill("#id_meeting", "湘江县人民政府第5次常务会议")
    office.fill("#id_meeting_on", TODAY.isoformat())
    click(office, "#deliberation-form button[value=deliberate_pass]")
    assert "已登记审议通过" in office.inner_text(".messages")
    assert office.inner_text("#state") == "待报送"

    # 5. 报送, to the recipients a county government reports to
    recipients = office.input_value("#id_recipients")
    assert "本级人大常委会" in recipients.splitlines(), recipients
    office.fill("#id_submitted_on", TODAY.isoformat())
    click(office, "#submit-form button[value=submit]")
    assert "已登记报送" in office.inner_text(".messages")
    assert office.inner_text("#state") == "待公开"

    # 6. 公开 (the button asks first)
    office.fill("#id_url", PUBLISH_URL)
    office.fill("#id_published_on", TODAY.isoformat())
    asked: list[str] = []

    def accept(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept()

    office.once("dialog", accept)
    click(office, "#publish-form button[value=publish]")
    assert asked and "门户网站" in asked[0], asked
    assert "已登记公开" in office.inner_text(".messages")
    assert office.inner_text("#state") == "已公开"
    record = office.locator("#workflow-record li").all_inner_texts()
    assert [line.split("：")[0] for line in record] == ["保密审查", "审议", "报送", "公开"], record
    assert "县委保密办" in record[0]
    assert "湘江县人民政府第5次常务会议" in record[1]
    assert "本级人大常委会" in record[2]
    assert PUBLISH_URL in record[3]
    assert all(TODAY.isoformat() in line for line in record), record
    deadlines = office.locator("#deadlines li")
    assert deadlines.count() == 2
    for i in range(2):
        assert deadlines.nth(i).get_attribute("data-state") == "done"
    assert "已于 2026-03-05 报送" in deadlines.nth(0).inner_text()
    assert "已于 2026-03-05 公开" in deadlines.nth(1).inner_text()
    report.refresh_from_db()
    assert report.state == ReportState.PUBLISHED
    assert (report.secrecy_on, report.meeting_on) == (TODAY, TODAY)
    assert (report.submitted_on, report.published_on) == (TODAY, TODAY)

    # 7. anyone, without logging in, reads it on the public portal
    public = session(browser)
    public.goto("/portal/reports/")
    listed = public.locator("#public-reports tbody")
    assert TITLE in listed.inner_text()
    assert DEPT_TITLE not in listed.inner_text()
    assert listed.locator("tr").count() == 1
    click(public, f"#public-reports a:has-text('{TITLE}')")
    assert public.url.endswith(f"/portal/reports/{report.pk}/")
    assert public.inner_text("h1.report-title") == TITLE
    article = public.locator("#report-text")
    assert article.locator("h3.l1").all_inner_texts() == HEADINGS
    assert sentence in article.inner_text()
    assert inserted in article.inner_text()
    assert public.locator("a[href*='/metrics/']").count() == 0
    assert public.locator("a.figure").count() == 0
    assert public.locator("nav.sidenav").count() == 0
    with public.expect_download() as download_info:
        public.click("#download-docx")
    download = download_info.value
    assert download.suggested_filename == f"{TITLE}.docx"
    saved = tmp_path / "public.docx"
    download.save_as(saved)
    words = docx_text(saved)
    assert "湘江县人民政府\n2025年法治政府建设年度报告" in words  # the title breaks after the unit
    for heading in HEADINGS:
        assert heading in words, heading
    assert sentence in words

    # 8. the other unit's draft is not public, not even by its address
    assert public.goto(f"/portal/reports/{other.pk}/").status == 404
    assert public.goto(f"/portal/reports/{other.pk}/docx/").status == 404
    # and the internal pages still need a login
    public.goto(f"/reports/{report.pk}/")
    assert "/accounts/login/" in public.url


def test_overview_shows_department_overdue(browser: Any, county: County) -> None:
    """After 2月28日 the 司法局 (a department: 3月1日之前报送) has not submitted: overdue; the
    county government (4月1日之前) still has time."""
    report_create(actor=county.actor("coordinator"), unit=county.dept, year=2025)
    office = session(browser, "coordinator")
    office.goto("/reports/")
    click(office, "text=查看本地区各单位报送和公开情况")
    assert "/reports/overview/" in office.url
    office.goto("/reports/overview/?year=2025")
    assert office.inner_text("h1") == "2025年度法治政府建设年度报告报送和公开情况"
    dept = office.locator("#overview tr[data-unit='430199001']")
    assert "起草" in dept.locator("td").nth(2).inner_text()
    submit = dept.locator("td").nth(3)
    assert submit.get_attribute("data-state") == "overdue"
    assert "error" in (submit.get_attribute("class") or "").split()
    assert "尚未报送，已逾期 5 天（期限 2月28日）" in submit.inner_text()
    root = office.locator("#overview tr[data-unit='430199']")
    assert "未起草" in root.inner_text()
    assert root.locator("td").nth(3).get_attribute("data-state") == "open"
    # the 未报送 filter keeps both; the 逾期 filter keeps the 司法局, not the county government
    with office.expect_navigation():
        office.select_option("#id_show", value="late")
    assert "show=late" in office.url
    assert office.locator("#overview tr[data-unit='430199001']").count() == 1
    assert office.locator("#overview tr[data-unit='430199']").count() == 0
