"""End-to-end (Playwright, the system Chromium): the 司法局 registers an item sent by 白沙镇 on
the 登记 page, finds it on the list, returns it for supplement, records the supplement (the
period restarts), and concludes it 修改后合法 through the step form (with its confirmation);
白沙镇 (the 送审单位) then reads it but has no buttons. Pages are photographed at 1366 and
1024 px when ``FAZHI_SCREENSHOTS`` is set. Clock frozen (ticking) at 2026-06-30."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest
from tests.browser.chromium import chromium, frozen_at, login, new_page
from tests.personas import County

from fazhi.legality.models import Review, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TODAY = dt.date(2026, 6, 30)
TITLE = "关于印发《白沙镇农村建房管理办法》的通知（送审稿）"


@pytest.fixture
def browser(live_server: Any) -> Iterator[Any]:
    with frozen_at(TODAY), chromium() as browser:
        yield browser, live_server.url


def shots(page: Any, name: str) -> None:
    folder = os.environ.get("FAZHI_SCREENSHOTS")
    if not folder:
        return
    for width in (1366, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(
            path=os.path.join(folder, f"issue16-legality-{name}-{width}.png"), full_page=True
        )
    page.set_viewport_size({"width": 1366, "height": 900})


def test_register_return_supplement_and_conclude(browser: Any, county: County) -> None:
    chrome, url = browser
    page = new_page(chrome, url, accept_dialogs=True)
    login(page, county.users["dept_clerk"].username)
    page.goto("/legality/reviews/new/")
    page.select_option("#id_unit", county.dept.code)
    page.select_option("#id_submitter", county.town_a.code)
    page.fill("#id_title", TITLE)
    page.select_option("#id_category", "normative_doc")
    page.fill("#id_received_on", "2026-06-10")
    page.fill("#id_reviewers", "张三、李四（法律顾问）")
    shots(page, "create")
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    review = Review.objects.get(title=TITLE)
    assert review.due_on == dt.date(2026, 7, 2)  # 15 working days; 端午 2026-06-19 off
    page.goto("/legality/reviews/?category=normative_doc")
    assert TITLE in page.content()
    shots(page, "list")

    base = f"/legality/reviews/{review.pk}"
    page.goto(f"{base}/return/")
    page.fill("#id_returned_on", "2026-06-11")
    page.fill("#id_return_reason", "缺少起草说明和征求意见情况")
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    page.goto(f"{base}/supplement/")
    page.fill("#id_supplemented_on", "2026-06-15")
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    review.refresh_from_db()
    assert (review.status, review.due_on) == (Status.RECEIVED, dt.date(2026, 7, 7))

    page.goto(f"{base}/conclude/")
    page.fill("#id_completed_on", "2026-06-29")
    page.select_option("#id_conclusion", "amended")
    page.fill("#id_opinion", "建议删除第八条增设的审批条件")
    page.select_option("#id_adopted", "true")
    shots(page, "conclude")
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    review.refresh_from_db()
    assert (review.status, review.conclusion, review.adopted) == (Status.DONE, "amended", True)
    page.goto(f"{base}/")
    text = page.content()
    assert "修改后合法" in text and "审查期限" in text and "收到补充材料" in text
    shots(page, "detail")

    town = new_page(chrome, url)
    login(town, county.users["clerk_a"].username)
    town.goto(f"{base}/")
    assert TITLE in town.content() and f"{base}/adopt/" not in town.content()
    town.goto("/")
    assert "合法性审查" in town.content()
    shots(town, "home")
