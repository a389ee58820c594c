"""End-to-end (Playwright, the system Chromium): a 规范性文件 of 白沙镇 from 起草 through
征求意见, 合法性审核 (concluded 合法 in the legality register; 集体审议 is refused before),
集体审议, 签署公布 and 报送备案, the county government records 备案登记 from its 备案审查
list, and an anonymous visitor finds the document in the portal library (现行有效) and sends a
审查建议 that lands in the county government's register.

Clock frozen (ticking) at 2025-06-20; every step is entered with an earlier date.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.browser.chromium import chromium, frozen_at, login, new_page
from tests.personas import County

from fazhi.filing_review.models import Suggestion
from fazhi.normative_docs.models import Document, Filing, FilingResult, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TODAY = dt.date(2025, 6, 20)
TITLE = "白沙镇农村人居环境整治管理办法"
NUMBER = "白政发〔2025〕9号"


@pytest.fixture
def browser(live_server: Any, settings: Any, tmp_path: Path) -> Iterator[Any]:
    settings.MEDIA_ROOT = tmp_path / "media"
    with frozen_at(TODAY), chromium() as browser:
        yield browser, live_server.url


def session(browser: Any, username: str | None = None) -> Any:
    chromium_browser, url = browser
    page = new_page(chromium_browser, url, accept_dialogs=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    if username:
        login(page, username)
    return page


def shot(page: Any, name: str) -> None:
    folder = os.environ.get("FAZHI_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"issue16-normative-{name}.png"), full_page=True)


def step(
    page: Any,
    doc: Document,
    name: str,
    fields: dict[str, str],
    selects: dict[str, str] | None = None,
) -> None:
    page.goto(f"/normative/documents/{doc.pk}/{name}/")
    for field, value in fields.items():
        page.fill(f"#id_{field}", value)
    for field, value in (selects or {}).items():
        page.select_option(f"#id_{field}", value)
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    assert page.url.rstrip("/").endswith(f"/normative/documents/{doc.pk}"), page.content()[:3000]


def test_normative_document_to_filing_and_portal_library(browser: Any, county: County) -> None:
    clerk = session(browser, "clerk_a")
    # 起草
    clerk.goto("/normative/documents/new/")
    clerk.select_option("#id_unit", county.town_a.code)
    clerk.fill("#id_title", TITLE)
    clerk.fill("#id_drafted_on", "2025-03-03")
    with clerk.expect_navigation():
        clerk.click("form.form button[type=submit]")
    doc = Document.objects.get(title=TITLE)
    assert doc.status == Status.DRAFTING
    # 征求意见 (30 days and more: no reason needed)
    step(clerk, doc, "consult", {"consult_start": "2025-03-10", "consult_end": "2025-04-10"})
    # 送合法性审核: registered in the legality register (白沙镇's 司法所 = the township)
    step(clerk, doc, "send_review", {"sent_on": "2025-04-14"})
    doc.refresh_from_db()
    assert doc.status == Status.REVIEWING and doc.legality_review_id is not None
    # 集体审议 is refused while the review is pending: the button is grey with the reason
    clerk.goto(f"/normative/documents/{doc.pk}/")
    assert "合法性审查尚未完成" in clerk.content()
    shot(clerk, "1-review-pending")
    # 合法性审查 concluded 合法 in the legality register
    clerk.goto(f"/legality/reviews/{doc.legality_review_id}/conclude/")
    clerk.fill("#id_completed_on", "2025-04-21")
    clerk.select_option("#id_conclusion", "lawful")
    with clerk.expect_navigation():
        clerk.click("form.form button[type=submit]")
    # 集体审议, 签署公布, 报送备案
    step(
        clerk, doc, "deliberate", {"meeting": "白沙镇党政联席会议", "deliberated_on": "2025-04-25"}
    )
    step(
        clerk,
        doc,
        "publish",
        {"register_no": "BSZ-2025-009", "doc_number": NUMBER, "published_on": "2025-05-06"},
    )
    doc.refresh_from_db()
    assert doc.status == Status.PUBLISHED
    assert doc.effective_from == dt.date(2025, 6, 5)  # 30 days after 公布
    filing = Filing.objects.get(document=doc, authority=county.root)
    step(clerk, doc, "submit_filing", {"submitted_on": "2025-05-08"}, {"filing": str(filing.pk)})
    shot(clerk, "2-filed")

    # The county government: the filing is in its 备案审查 list, 待审查
    gov = session(browser, "coordinator")
    gov.goto("/filing-review/filings/?result=pending")
    assert TITLE in gov.content()
    shot(gov, "3-received")
    with gov.expect_navigation():
        gov.click(f"table.grid a:has-text('{TITLE}')")
    assert "2025-05-15" in gov.content()  # 形式审查: 5 working days from Thu 05-08
    gov.goto(f"/normative/documents/{doc.pk}/record_result/")
    gov.select_option("#id_filing", str(filing.pk))
    gov.select_option("#id_result", FilingResult.REGISTERED)
    gov.fill("#id_result_on", "2025-05-12")
    with gov.expect_navigation():
        gov.click("form.form button[type=submit]")
    filing.refresh_from_db()
    assert filing.result == FilingResult.REGISTERED
    gov.goto("/filing-review/catalogue/?year=2025&month=5")
    assert TITLE in gov.inner_text("#monthly-catalogue")

    # The public library: 现行有效, searchable by 文号
    visitor = session(browser)
    visitor.goto("/portal/library/")
    visitor.fill("#id_number", NUMBER)
    with visitor.expect_navigation():
        visitor.click("#library-search button[type=submit]")
    assert TITLE in visitor.inner_text("#library-list")
    shot(visitor, "4-library")
    with visitor.expect_navigation():
        visitor.click(f"#library-list a:has-text('{TITLE}')")
    assert visitor.inner_text("#document-status") == "现行有效"
    # 审查建议 from a citizen: lands in the county government's register, nothing in the URL
    visitor.fill("#id_applicant_name", "欧阳明远")
    visitor.fill("#id_contact_phone", "13912345678")
    visitor.fill("#id_text", "第八条设定的罚款没有上位法依据，建议审查。")
    with visitor.expect_navigation():
        visitor.click("#feedback-form button[type=submit]")
    assert "13912345678" not in visitor.url and "欧阳" not in visitor.url
    assert "您的审查建议已收到" in visitor.inner_text("#feedback-sent")
    shot(visitor, "5-feedback-sent")
    suggestion = Suggestion.objects.get()
    assert suggestion.unit == county.root and suggestion.document == doc
    gov.goto("/filing-review/suggestions/")
    assert suggestion.number in gov.content()
