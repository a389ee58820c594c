"""End-to-end (Playwright, the system Chromium), issue 19: the county's 依法治办 opens a 考核 →
白沙镇's clerk self-evaluates, the 学法 figure already prefilled from the register (not an
input), typing only what no register holds → the 司法局 reviewer scores with a note → the
organiser publishes → 白沙镇 files an 异议 on the explanation page → the organiser upholds it
(the score and the page change) → deductions become 整改 tasks in plans. Confirm dialogs are
accepted. Pages are photographed at 1366 and 1024 px when ``FAZHI_SCREENSHOTS`` is set."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from tests.assessments.test_campaign_flow import answer, make_system
from tests.browser.chromium import chromium, frozen_at, login, new_page
from tests.personas import County

from fazhi.assessments import services
from fazhi.assessments.models import Campaign, Finding, Objection, ObjectionStatus, Status
from fazhi.plans.models import TaskKind
from fazhi.study.services import session_register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TODAY = dt.date(2026, 1, 12)
D = Decimal


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
            path=os.path.join(folder, f"issue19-assessment-{name}-{width}.png"), full_page=True
        )
    page.set_viewport_size({"width": 1366, "height": 900})


def as_user(chrome: Any, url: str, persona: str, county: County) -> Any:
    page = new_page(chrome, url, accept_dialogs=True)
    login(page, county.users[persona].username)
    return page


def click(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def test_open_self_evaluate_score_publish_object_and_rectify(browser: Any, county: County) -> None:
    chrome, url = browser
    for n in range(4):
        session_register(
            actor=county.actor("clerk_a"),
            unit=county.town_a,
            kind="executive",
            held_on=dt.date(2025, 3 + n, 10),
            subject=f"学法{n}",
            attendee_count=10,
        )
    campaign = services.campaign_create(
        actor=county.actor("coordinator"),
        organiser=county.root,
        system=make_system(),
        year=2025,
        title="2025年度法治政府建设考核",
        self_due=dt.date(2026, 1, 20),
        review_due=dt.date(2026, 2, 10),
    )
    services.reviewer_set(
        actor=county.actor("coordinator"),
        campaign=campaign,
        unit=county.dept,
        indicators=list(campaign.system.indicators.filter(code__in=["1.3"])),
    )
    base = f"/assessments/{campaign.pk}/"

    organiser = as_user(chrome, url, "coordinator", county)
    organiser.goto(base)
    assert "筹备中" in organiser.inner_text("#phases")
    shots(organiser, "draft")
    click(organiser, "button[name=action][value=open]")
    assert Campaign.objects.get(pk=campaign.pk).status == Status.SELF

    town = campaign.evaluations.get(unit=county.town_a)
    clerk = as_user(chrome, url, "clerk_a", county)
    clerk.goto(f"{base}units/{town.pk}/")
    studies = clerk.locator("tr[data-code='1.1']")
    assert "4次" in studies.inner_text() and "系统台账" in studies.inner_text()
    assert studies.locator("input[name^=value_]").count() == 0  # a register figure: no input
    a12 = answer(town, "1.2")
    clerk.fill(f"input[name=value_{a12.pk}]", "3")
    a2 = answer(town, "2")
    clerk.check(f"input[name=check_{a2.pk}_0]")
    clerk.check(f"input[name=check_{a2.pk}_1]")
    shots(clerk, "self")
    click(clerk, "button[name=action][value=save]")
    assert answer(town, "1.2").figure == D(3)
    click(clerk, "button[name=action][value=submit]")
    town.refresh_from_db()
    assert town.status == "submitted" and town.typed_fields == 1

    campaign.refresh_from_db()
    for e in campaign.evaluations.exclude(unit=county.town_a):  # the other units: by the services
        services.evaluation_submit(actor=county.actor("coordinator"), evaluation=e)
    organiser.goto(base)
    click(organiser, "button[name=action][value=review]")
    campaign.refresh_from_db()
    for e in campaign.evaluations.exclude(unit=county.town_a):
        services.answer_review(
            actor=county.actor("coordinator"), answer=answer(e, "1.3"), deduction=D(0)
        )

    reviewer = as_user(chrome, url, "reviewer", county)
    reviewer.goto(f"{base}units/{town.pk}/")
    a13 = answer(town, "1.3")
    reviewer.fill(f"input[name=deduction_{a13.pk}]", "2")
    click(reviewer, "button[name=action][value=review]")
    assert "请填写扣分理由" in reviewer.content()  # a deduction needs its note
    reviewer.fill(f"input[name=deduction_{a13.pk}]", "2")
    reviewer.fill(f"input[name=rnote_{a13.pk}]", "年度报告逾期报送")
    shots(reviewer, "review")
    click(reviewer, "button[name=action][value=review]")
    assert answer(town, "1.3").applied == D(2)

    organiser.goto(base)
    organiser.fill("input[name=objection_due]", "2026-01-19")
    click(organiser, "button[name=action][value=publish]")
    assert Campaign.objects.get(pk=campaign.pk).status == Status.PUBLICITY
    shots(organiser, "published")

    clerk.goto(f"{base}units/{town.pk}/explain/")
    text = clerk.inner_text("#explain")
    assert "学法次数 4次，要求6次，差2，每次扣0.5分" in text and "年度报告逾期报送" in text
    clerk.select_option("select[name=indicator]", str(a13.indicator_id))
    clerk.fill("textarea[name=reason]", "年度报告已于截止日前报送，有报送回执")
    shots(clerk, "explain")
    click(clerk, "#objection-form button[type=submit]")
    objection = Objection.objects.get()
    before = campaign.evaluations.get(unit=county.town_a).total

    organiser.goto(f"{base}objections/")
    organiser.check(f"tr[data-id='{objection.pk}'] input[name=upheld][value='1']")
    organiser.fill(f"tr[data-id='{objection.pk}'] input[name=new_value]", "0")
    organiser.fill(f"tr[data-id='{objection.pk}'] textarea[name=answer]", "核实回执属实")
    click(organiser, f"tr[data-id='{objection.pk}'] button[type=submit]")
    objection.refresh_from_db()
    after = campaign.evaluations.get(unit=county.town_a).total
    assert objection.status == ObjectionStatus.UPHELD and after == before + 2  # type: ignore[operator]
    clerk.goto(f"{base}units/{town.pk}/explain/")
    assert "异议成立" in clerk.inner_text("#explain")

    organiser.goto(base)
    click(organiser, "button[name=action][value=findings]")
    findings = list(Finding.objects.select_related("assignment__task"))
    assert findings and all(f.assignment.task.kind == TaskKind.RECTIFICATION for f in findings)  # type: ignore[union-attr]
    organiser.goto(f"{base}findings/")
    assert "学法次数" in organiser.inner_text("#findings")
    shots(organiser, "findings")
    with organiser.expect_navigation():
        organiser.locator("#findings a").first.click()
    assert "/plans/assignments/" in organiser.url
