"""Issue 15 item 2 in the browser: the progress page's bar follows the job (polled JSON, a static
script — no inline script or style under the CSP) and turns into the result page when the job
ends; the result page lists row errors. Screenshots at 1366 and 1024 px (FAZHI_SCREENSHOTS)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from tests.browser.chromium import chromium, login, new_page
from tests.personas import County

from fazhi.jobs.models import Job, State

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser(live_server: Any) -> Iterator[tuple[Any, str]]:
    with chromium() as browser:
        yield browser, live_server.url


def _job(county: County, **fields: Any) -> Job:
    membership = county.memberships["dept_clerk"]
    values: dict[str, Any] = {
        "kind": "import",
        "register": "reconsideration",
        "title": "导入行政复议台账",
        "created_by": membership.user,
        "membership": membership,
        "unit": membership.unit,
        "file_name": "2025年复议案件台账.xlsx",
        "file_path": "jobs/none.xlsx",
        **fields,
    }
    return Job.objects.create(**values)


def _shoot(page: Any, name: str) -> None:
    folder = os.environ.get("FAZHI_SCREENSHOTS")
    if not folder:
        return
    for width in (1366, 1024):
        page.set_viewport_size({"width": width, "height": 768})
        page.screenshot(path=os.path.join(folder, f"{name}-{width}.png"), full_page=True)


def test_the_bar_follows_the_job_then_shows_the_result(
    browser: tuple[Any, str], county: County
) -> None:
    now = timezone.now()
    job = _job(
        county,
        state=State.RUNNING,
        done=120,
        total=300,
        message="校验并写入（全部通过才保存）：120/300 件",
        started_at=now,
        heartbeat_at=now,
    )
    chrome, url = browser
    page = new_page(chrome, url)
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    login(page, "dept_clerk")
    page.goto(f"/jobs/{job.pk}/")
    assert page.get_attribute("#job-bar", "value") == "120"
    assert page.inner_text("#job-percent") == "40%"
    assert page.inner_text("#job-state") == "进行中"
    _shoot(page, "job-progress")
    Job.objects.filter(pk=job.pk).update(
        done=240, message="校验并写入（全部通过才保存）：240/300 件"
    )
    page.wait_for_selector("#job-percent:text-is('80%')")  # polled, no reload
    assert "240/300" in page.inner_text("#job-message")
    Job.objects.filter(pk=job.pk).update(
        state=State.DONE,
        done=300,
        finished_at=timezone.now(),
        message="导入完成：新增 300 件",
        result={"ok": True, "summary": "导入完成：新增 300 件", "created": 300, "errors": []},
    )
    page.wait_for_selector("#job-result")  # the script reloads the page when the job ends
    assert "导入完成：新增 300 件" in page.inner_text("#job-result")
    assert page.inner_text("#job-state") == "已完成"
    _shoot(page, "job-done")
    page.click("text=查看台账")
    assert page.url.endswith("/reconsideration/cases/")
    assert violations == []


def test_the_result_page_lists_the_row_errors(browser: tuple[Any, str], county: County) -> None:
    errors = [
        {"row": 3, "column": "受理日期", "reason": "不能早于收到申请日期（2025年3月3日）"},
        {"row": 7, "column": "受理情况", "reason": "“?”不是有效的取值"},
        {"row": 12, "column": "被申请人", "reason": "在“湘江县人民政府”及其下级单位中找不到“某局”"},
    ]  # fmt: skip
    job = _job(
        county,
        state=State.FAILED,
        done=3,
        total=3,
        started_at=timezone.now(),
        finished_at=timezone.now(),
        message="导入失败：发现 3 处错误，未写入任何数据",
        result={
            "ok": False,
            "summary": "导入失败：发现 3 处错误，未写入任何数据",
            "errors": errors,
        },
    )
    chrome, url = browser
    page = new_page(chrome, url)
    login(page, "dept_clerk")
    page.goto("/jobs/")
    page.click(f"#jobs >> a[href='/jobs/{job.pk}/']")
    assert page.locator("#import-errors tbody tr").count() == 3
    assert "第 7 行" in page.inner_text("#import-errors")
    assert page.locator("#retry-form").count() == 0
    _shoot(page, "job-errors")
    page.goto("/jobs/")
    _shoot(page, "job-list")
