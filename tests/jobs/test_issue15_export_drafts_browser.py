"""Issue 15 item 2 in the browser: a large register export (the 导出 link → the page that asks →
the job → its result page → the downloaded .xlsx), and the overview's batch drafting (the
button → the confirmation → the result page listing the units). No inline script or style
(CSP). Screenshots of each new or changed page at 1366 and 1024 px (FAZHI_SCREENSHOTS)."""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterator
from typing import Any

import pytest
from openpyxl import load_workbook
from tests.browser.chromium import chromium, login, new_page
from tests.metrics.builders import lawsuit
from tests.personas import County

from fazhi.jobs.models import Job, State
from fazhi.reports import selectors
from fazhi.reports.models import AnnualReport
from fazhi.reports.services import report_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser(live_server: Any, settings: Any) -> Iterator[tuple[Any, str]]:
    settings.FAZHI_EXPORT_JOB_ROWS = 3
    with chromium() as browser:
        yield browser, live_server.url


def _shoot(page: Any, name: str) -> None:
    folder = os.environ.get("FAZHI_SCREENSHOTS")
    if not folder:
        return
    for width in (1366, 1024):
        page.set_viewport_size({"width": width, "height": 768})
        page.screenshot(path=os.path.join(folder, f"{name}-{width}.png"), full_page=True)


def _csp_watch(page: Any) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return violations


def test_a_large_export_in_the_browser(browser: tuple[Any, str], county: County) -> None:
    for day in range(1, 6):
        lawsuit(county.town_a, filed_on=dt.date(2025, 3, day))
    chrome, url = browser
    page = new_page(chrome, url)
    violations = _csp_watch(page)
    login(page, "clerk_a")
    page.goto("/litigation/cases/")
    page.click("text=导出 Excel")
    page.wait_for_selector("#export-job-form")
    assert "所选记录共 5 件，超过 3 件" in page.inner_text("#export-job")
    _shoot(page, "export-confirm")
    page.click("#export-job-form button[type=submit]")
    page.wait_for_selector("#job-download")
    assert "已生成 Excel 文件：5 件" in page.inner_text("#job-result")
    assert page.inner_text("#job-state") == "已完成"
    _shoot(page, "export-result")
    with page.expect_download() as info:
        page.click("#job-download")
    saved = info.value.path()
    assert info.value.suggested_filename.startswith("行政应诉台账-")
    with open(saved, "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read()), read_only=True).worksheets[0]
        assert len(list(sheet.iter_rows(values_only=True))) == 1 + 5
    page.goto("/jobs/")
    assert "导出行政应诉台账" in page.inner_text("#jobs")
    _shoot(page, "jobs-list")
    assert violations == []


def test_batch_drafting_in_the_browser(browser: tuple[Any, str], county: County) -> None:
    report_create(actor=county.actor("coordinator"), unit=county.dept, year=2025)
    units = selectors.reporting_units(county.actor("coordinator"))
    chrome, url = browser
    page = new_page(chrome, url)
    violations = _csp_watch(page)
    login(page, "coordinator")
    page.goto("/reports/overview/?year=2025")
    button = page.locator("#drafts-offer a")
    assert button.inner_text() == f"为未起草的单位批量生成草稿（{len(units) - 1} 个）"
    _shoot(page, "reports-overview")
    button.click()
    page.wait_for_selector("#drafts-form")
    assert page.locator("#drafts-units tbody tr").count() == len(units) - 1
    _shoot(page, "drafts-confirm")
    page.click("#drafts-form button[type=submit]")
    page.wait_for_selector("#drafts-drafted")
    assert page.locator("#drafts-drafted tbody tr").count() == len(units) - 1
    page.click("#drafts-skipped summary")
    assert "湘江县司法局" in page.inner_text("#drafts-skipped")
    _shoot(page, "drafts-result")
    assert AnnualReport.objects.filter(year=2025).count() == len(units)
    job = Job.objects.get(kind="report_drafts")
    assert job.state == State.DONE
    # a running batch: the bar shows the units done so far
    Job.objects.filter(pk=job.pk).update(
        state=State.RUNNING, done=2, total=5, message="起草报告：2/5 个单位"
    )
    page.goto(f"/jobs/{job.pk}/")
    assert page.get_attribute("#job-bar", "value") == "2"
    _shoot(page, "drafts-progress")
    Job.objects.filter(pk=job.pk).update(state=State.DONE, done=5, total=5)
    assert violations == []
