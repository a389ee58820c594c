"""End-to-end: a 行政复议 case from 登记 to 审结 in the browser, then the metric it feeds.

The clock is frozen (``time_machine``, ticking) at a fixed day so the dates, the statutory
deadlines and the metric period do not depend on when the test runs: the services refuse
dates after "today", and the live server runs in a thread of this process, so it sees the
travelled clock too. Session and CSRF cookies are session / Max-Age cookies, so the real
clock of the browser does not expire them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from tests.browser.chromium import chromium_page, frozen_at, login
from tests.personas import County

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the
# test itself (fixtures, assertions) are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TODAY = dt.date(2025, 6, 20)  # a Friday in a year the holiday calendar covers
RECEIVED = "2025-05-06"  # the first working day after the 2025 May Day holiday
ACCEPTED = "2025-05-08"
CLOSED = "2025-06-16"


@pytest.fixture
def frozen_today() -> Iterator[dt.date]:
    with frozen_at(TODAY):
        yield TODAY


@pytest.fixture
def page(live_server: Any, frozen_today: dt.date) -> Iterator[Any]:
    # Irreversible steps ask window.confirm() first (data-confirm); the clerk agrees.
    with chromium_page(live_server.url, "last-page.png", accept_dialogs=True) as page:
        yield page


def submit(page: Any) -> None:
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def take_step(page: Any, label: str, fields: dict[str, str]) -> None:
    """Click an action button on the case page, fill its form, submit, and land back."""
    with page.expect_navigation():
        page.click(f"main .actions >> text={label}")
    for selector, value in fields.items():
        if page.locator(selector).evaluate("e => e.tagName") == "SELECT":
            page.select_option(selector, label=value)
        else:
            page.fill(selector, value)
    submit(page)
    assert page.locator("main .error").count() == 0, page.inner_text("main")
    assert f"已办理：{label}" in page.inner_text(".messages")


def test_clerk_registers_accepts_and_annuls_then_metrics_show_it(page: Any, county: County) -> None:
    login(page, "dept_clerk")
    # The live server runs in a thread of this process: it sees the travelled clock.
    assert "今天是 2025年6月20日" in page.inner_text("main")

    # 登记: the 司法局 clerk registers an application against a township.
    page.click("nav.sidenav >> text=行政复议")
    with page.expect_navigation():
        page.click("main .actions >> text=登记新案件")
    page.fill("#id_received_on", RECEIVED)
    page.select_option("#id_act_category", label="行政处罚")
    page.select_option("#id_respondent", label="白沙镇人民政府")
    page.fill("#id_applicant_name", "张三")
    page.fill("#id_matter", "不服罚款决定，请求撤销")
    submit(page)
    assert "已登记案件：〔2025〕第1号" in page.inner_text(".messages")
    case_url = page.url
    assert re.search(r"/reconsideration/cases/\d+/$", case_url)
    fields = page.inner_text("main")
    assert "收到·审查中" in fields and "白沙镇人民政府" in fields

    # 受理 and 审结 with 撤销 (a correction of the respondent's act).
    take_step(page, "受理", {"#id_accepted_on": ACCEPTED, "#id_procedure": "普通程序"})
    assert "已受理·审理中" in page.inner_text("dl.fields")
    take_step(
        page,
        "审结",
        {"#id_closed_on": CLOSED, "#id_outcome": "撤销", "#id_note": "主要事实不清"},
    )
    details = page.inner_text("dl.fields")
    assert "审结" in details and "撤销" in details and "2025-06-16" in details

    # The timeline: the events in date order, with the statutory deadlines between them.
    timeline = page.locator("ol.timeline li")
    entries = [" ".join(text.split()) for text in timeline.all_inner_texts()]
    events = [e for e in entries if "受理审查期限" not in e and "审理期限" not in e]
    assert [e.split()[:2] for e in events] == [
        ["2025-05-06", "收到申请"],
        ["2025-05-08", "受理"],
        ["2025-06-16", "审结"],
    ], entries
    assert any(e.startswith("2025-05-13 受理审查期限") and "按期" in e for e in entries)
    assert any(e.startswith("2025-07-07 审理期限") for e in entries), entries
    assert page.locator("ol.timeline li.overdue").count() == 0

    # 统计分析 for the 司法局 and 2025: one case closed, corrected → 纠错率 100.0%.
    page.click("nav.sidenav >> text=统计分析")
    page.fill("input[name=period]", "2025")
    with page.expect_navigation():
        page.click("button:has-text('查询')")
    assert "湘江县司法局（含下级单位）· 2025年" in page.inner_text("main")
    row = page.locator("tr#reconsideration\\.correction_rate")
    assert row.locator("td.value").inner_text() == "100.0%"
    numerator, denominator = row.locator("td a").all_inner_texts()
    assert (numerator, denominator) == ("1", "1")

    # The numerator's drill-down lists exactly that case, linked to its page.
    with page.expect_navigation():
        row.locator("td a").first.click()
    assert "纠错率 · 分子" in page.inner_text("h1")
    rows = page.locator("main table.grid tbody tr")
    assert rows.count() == 1
    assert "〔2025〕第1号" in rows.first.inner_text()
    assert "2025-06-16" in rows.first.inner_text()
    with page.expect_navigation():
        rows.first.locator("a").click()
    assert page.url == case_url
