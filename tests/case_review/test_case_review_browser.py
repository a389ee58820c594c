"""End-to-end (Playwright, the system Chromium): a 评查 campaign from drawing files to a unit's
整改 reply. The 司法局 creates the campaign, names the 交叉评查 unit and draws the files; the
司法局's 审核 scores a file of 白沙镇 item by item and submits it; the 司法局 issues the 整改通知;
白沙镇 replies through the plans page and the 司法局's 审核 approves it. Clock frozen (ticking)
at 2026-06-30."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from tests.browser.chromium import chromium, frozen_at, login, new_page
from tests.personas import County

from fazhi.case_review.models import Campaign, FileStatus, Standard
from fazhi.plans.models import Assignment, AssignmentStatus

from .conftest import MakeRecords

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TODAY = dt.date(2026, 6, 30)


@pytest.fixture
def browser(live_server: Any) -> Iterator[Any]:
    with frozen_at(TODAY), chromium() as browser:
        yield browser, live_server.url


def submit(page: Any, selector: str = "form.form button[type=submit]") -> None:
    with page.expect_navigation():
        page.click(selector)


def test_campaign_from_drawing_to_the_rectification_reply(
    browser: Any, county: County, standard: Standard, make_records: MakeRecords
) -> None:
    make_records(county.town_a, 6)
    chrome, url = browser
    organiser = new_page(chrome, url, accept_dialogs=True)
    login(organiser, county.users["dept_clerk"].username)
    organiser.goto("/case-review/campaigns/new/")
    organiser.select_option("#id_organiser", county.dept.code)
    organiser.fill("#id_year", "2026")
    organiser.fill("#id_title", "2026年度行政处罚案卷评查")
    organiser.select_option("#id_standard", str(standard.pk))
    organiser.fill("#id_units", county.town_a.code)
    organiser.select_option("#id_kinds", "penalty")
    organiser.fill("#id_per_unit", "2")
    submit(organiser)
    campaign = Campaign.objects.get()
    base = f"/case-review/campaigns/{campaign.pk}"
    organiser.goto(f"{base}/assign/")
    organiser.select_option("#id_unit", county.town_a.code)
    organiser.select_option("#id_reviewer_unit", county.town_a.code)
    submit(organiser)
    assert "交叉评查" in organiser.content()  # refused: its own unit
    organiser.select_option("#id_reviewer_unit", county.dept.code)
    submit(organiser)
    organiser.goto(f"{base}/draw/")
    organiser.fill("#id_seed", "2026")
    submit(organiser)
    campaign.refresh_from_db()
    assert (campaign.seed, campaign.files.count()) == (2026, 2)
    assert "白沙镇人民政府" in organiser.inner_text("#results")

    # the 司法局's 审核 scores one file item by item and submits it
    case_file = campaign.files.order_by("pk").first()
    assert case_file is not None
    ids = {i.name: i.pk for p in standard.parts.all() for i in p.items.all()}
    reviewer = new_page(chrome, url, accept_dialogs=True)
    login(reviewer, county.users["reviewer"].username)
    reviewer.goto(f"/case-review/files/{case_file.pk}/")
    with reviewer.expect_navigation():
        reviewer.click("#score-link")
    reviewer.fill(f"input[name=instances_{ids['文书填写']}]", "2")
    reviewer.click("#score-form button[value='0']")
    reviewer.wait_for_selector("#score-errors")
    assert "“文书填写”扣分须填写说明" in reviewer.inner_text("#score-errors")
    reviewer.fill(f"input[name=note_{ids['文书填写']}]", "两处涂改未盖章")
    reviewer.fill(f"input[name=amount_{ids['强制措施']}]", "6")
    reviewer.fill(f"input[name=note_{ids['强制措施']}]", "扣押超过法定期限")
    with reviewer.expect_navigation():
        reviewer.click("#score-form button[value='1']")
    case_file.refresh_from_db()
    assert (case_file.status, case_file.score, case_file.grade) == (
        FileStatus.DONE,
        Decimal(92),
        "excellent",
    )
    assert "两处涂改未盖章" in reviewer.inner_text("#marks")

    # the 司法局 issues the 整改通知
    organiser.goto(f"{base}/rectify/")
    organiser.select_option("#id_unit", county.town_a.code)
    organiser.fill("#id_due_on", "2026-08-31")
    submit(organiser)
    assignment = Assignment.objects.get(unit=county.town_a)
    assert "期限 2026-08-31" in organiser.inner_text("#results")

    # 白沙镇 replies through the plans page; the 司法局's 审核 approves
    unit = new_page(chrome, url, accept_dialogs=True)
    login(unit, county.users["clerk_a"].username)
    unit.goto("/plans/mine/")
    with unit.expect_navigation():
        unit.click(f"a[href='/plans/assignments/{assignment.pk}/']")
    assert "文书填写" in unit.content()
    unit.fill("#id_text", "已补盖印章，规范扣押期限，组织专题学习")
    unit.check("input[name=claims_completion]")
    submit(unit, "#report-form button[value=report]")
    reviewer.goto(f"/plans/assignments/{assignment.pk}/")
    submit(reviewer, "form.review button[value=approve]")
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.COMPLETED
    organiser.goto(f"{base}/")
    assert "已完成" in organiser.inner_text("#results")
