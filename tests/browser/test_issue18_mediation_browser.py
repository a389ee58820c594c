"""End-to-end (Playwright, the system Chromium): 白沙镇's clerk receives a 纠纷 on the 受理 page
of the 人民调解 register, records 调解成功 with a written agreement through the step form (with
its confirmation), then the 司法确认 application; the detail page shows each state and the
司法确认 due date (day 30 a Sunday, rolled over to Monday). Pages are photographed at 1366 and
1024 px when ``FAZHI_SCREENSHOTS`` is set. Clock frozen (ticking) at 2026-06-30."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest
from tests.browser.chromium import chromium, frozen_at, login, new_page
from tests.personas import County

from fazhi.mediation.models import Case, CaseStatus
from fazhi.mediation.services import committee_register
from fazhi.orgs.scoping import Actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TODAY = dt.date(2026, 6, 30)


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
            path=os.path.join(folder, f"issue18-mediation-{name}-{width}.png"), full_page=True
        )
    page.set_viewport_size({"width": 1366, "height": 900})


def submit(page: Any) -> None:
    with page.expect_navigation():
        page.click("form.form button[type=submit]")


def test_receive_succeed_and_apply_for_confirmation(browser: Any, county: County) -> None:
    committee = committee_register(
        actor=Actor.command_line(),
        unit=county.town_a,
        name="白沙镇人民调解委员会",
        kind="township",
        director="刘主任",
        members=5,
        term_start=dt.date(2024, 3, 1),
    )
    chrome, url = browser
    page = new_page(chrome, url, accept_dialogs=True)
    login(page, county.users["clerk_a"].username)
    page.goto("/mediation/cases/new/")
    page.select_option("#id_committee", str(committee.pk))
    page.fill("#id_received_on", "2026-06-08")
    page.select_option("#id_source", "application")
    page.select_option("#id_dispute_type", "neighbour")
    page.fill("#id_applicant_name", "张三丰")
    page.fill("#id_respondent_name", "李四光")
    page.fill("#id_summary", "相邻通行纠纷")
    shots(page, "create")
    submit(page)
    case = Case.objects.get()
    base = f"/mediation/cases/{case.pk}"
    assert page.url.endswith(f"{base}/")
    text = page.content()
    assert "已受理" in text and "张三丰" not in text  # the party's name is masked
    page.goto("/mediation/cases/")
    assert case.number in page.content()
    shots(page, "list")

    page.goto(f"{base}/succeed/")
    page.select_option("#id_agreement_kind", "written")
    page.fill("#id_agreement_on", "2026-06-12")
    page.fill("#id_terms", "打通通道，互谅互让")
    shots(page, "succeed")
    submit(page)  # the confirmation dialog is accepted
    case.refresh_from_db()
    assert (case.status, case.confirmation_due) == (CaseStatus.SUCCESS, dt.date(2026, 7, 13))
    text = page.content()
    assert "调解成功" in text and "2026-07-13" in text  # day 30 (07-12) is a Sunday

    page.goto(f"{base}/apply_confirmation/")
    assert "应于2026年7月13日前申请司法确认（人民调解法第三十三条）" in page.content()
    page.fill("#id_applied_on", "2026-06-29")
    page.fill("#id_court", "湘江县人民法院")
    submit(page)
    case.refresh_from_db()
    assert case.confirmation_applied_on == dt.date(2026, 6, 29)
    page.goto(f"{base}/")
    text = page.content()
    assert "申请司法确认" in text and "湘江县人民法院" in text and "2026-07-13" in text
    assert "已于2026-06-29办理" in text
    shots(page, "detail")
