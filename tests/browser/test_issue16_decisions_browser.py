"""End-to-end (Playwright, the system Chromium): a 重大行政决策 of the county government whose
draft has gone to the 合法性审查 is blocked at 提请集体讨论 — a grey button with the gate's reason
(重大行政决策程序暂行条例 第二十五条) — until the 司法局 concludes the review 合法; then the
decision goes to the 集体讨论 and is decided, each member's position recorded.

Clock frozen (ticking) at 2025-06-20; every step is entered with an earlier date. Pages are
photographed at 1366 and 1024 px when ``FAZHI_SCREENSHOTS`` is set.
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

from fazhi.decisions import services as svc
from fazhi.decisions.models import Decision, MemberPosition, Status
from fazhi.legality.models import Review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TODAY = dt.date(2025, 6, 20)
TITLE = "湘江县城区公共停车场收费管理办法"


@pytest.fixture
def browser(live_server: Any, settings: Any, tmp_path: Path) -> Iterator[Any]:
    settings.MEDIA_ROOT = tmp_path / "media"
    with frozen_at(TODAY), chromium() as browser:
        yield browser, live_server.url


def shots(page: Any, name: str) -> None:
    folder = os.environ.get("FAZHI_SCREENSHOTS")
    if not folder:
        return
    for width in (1366, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(
            path=os.path.join(folder, f"issue16-decisions-{name}-{width}.png"), full_page=True
        )
    page.set_viewport_size({"width": 1366, "height": 900})


def in_review(county: County) -> Decision:
    actor = county.actor("coordinator")
    d = dt.date.fromisoformat
    catalogue = svc.catalogue_register(
        actor=actor,
        unit=county.root,
        year=2025,
        title="湘江县2025年度重大行政决策事项目录",
        drawn_up_on=d("2025-01-06"),
    )
    svc.catalogue_publish(
        actor=actor,
        catalogue=catalogue,
        party_approved_on=d("2025-01-20"),
        published_on=d("2025-01-24"),
        url="https://www.example.gov.cn/zdjc/ml",
    )
    decision = svc.decision_register(
        actor=actor,
        unit=county.root,
        lead_unit=county.dept,
        title=TITLE,
        category="policy",
        listed_on=d("2025-02-10"),
        catalogue=catalogue,
    )
    svc.decision_start(actor=actor, decision=decision, started_on=d("2025-02-20"))
    svc.decision_participate(
        actor=actor,
        decision=decision,
        methods="座谈会、向社会公开征求意见",
        started_on=d("2025-03-03"),
        ended_on=d("2025-04-02"),
    )
    svc.decision_expert(
        actor=actor,
        decision=decision,
        done_on=d("2025-04-08"),
        performed_by="湘江大学法学院",
        participants="专家3名",
        signed=True,
        dissent="一名专家认为夜间收费偏高",
    )
    svc.decision_not_applicable(
        actor=actor, decision=decision, kind="risk", reason="收费标准调整幅度小，不影响社会稳定"
    )
    svc.decision_submit_review(
        actor=actor, decision=decision, submitted_on=d("2025-06-10"), review_unit=county.dept
    )
    return decision


def test_decision_blocked_at_discussion_until_the_review_is_lawful(
    browser: Any, county: County
) -> None:
    decision = in_review(county)
    chromium_browser, url = browser
    page = new_page(chromium_browser, url, accept_dialogs=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, "coordinator")

    page.goto("/decisions/decisions/")
    assert TITLE in page.content()
    shots(page, "list")
    page.click(f"text={TITLE}")
    page.wait_for_url(f"**/decisions/decisions/{decision.pk}/")
    grey = page.locator("span.action-disabled", has_text="提请集体讨论")
    assert grey.locator("button").is_disabled()
    reason = grey.locator("small").inner_text()
    review = Review.objects.get(pk=Decision.objects.get(pk=decision.pk).legality_review_id)
    assert reason == (
        f"合法性审查尚未完成（审查编号 {review.number}，期限 {review.due_on:%Y-%m-%d}），"
        "不能提交集体讨论"
    )
    assert page.locator("table.procedures").inner_text().count("不适用") >= 1
    shots(page, "blocked")

    from fazhi.legality.services import review_conclude

    review_conclude(
        actor=county.actor("dept_clerk"),
        review=review,
        completed_on=dt.date(2025, 6, 19),
        conclusion="lawful",
    )

    page.reload()
    assert page.locator("span.action-disabled", has_text="提请集体讨论").count() == 0
    with page.expect_navigation():
        page.click("a.button:has-text('提请集体讨论')")
    page.fill("#id_proposed_on", "2025-06-19")
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    assert Decision.objects.get(pk=decision.pk).status == Status.DISCUSSION

    with page.expect_navigation():
        page.click("a.button:has-text('集体讨论决定')")
    page.fill("#id_decided_on", "2025-06-20")
    page.select_option("#id_meeting_kind", "standing")
    page.fill("#id_meeting", "县人民政府2025年第10次常务会议")
    page.fill(
        "#id_positions",
        "李副县长，常务副县长，同意\n张副县长，副县长，保留意见，建议设过渡期\n王县长，县长，同意",
    )
    shots(page, "discuss-form")
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    assert page.url.rstrip("/").endswith(f"/decisions/decisions/{decision.pk}"), page.content()[
        :3000
    ]
    done = Decision.objects.get(pk=decision.pk)
    assert done.status == Status.DECIDED and done.decided_on == TODAY
    assert list(
        MemberPosition.objects.filter(decision=done).values_list("position", flat=True)
    ) == ["agree", "reserved", "agree"]
    assert "集体讨论组成人员意见" in page.content()
    shots(page, "decided")

    page.goto("/decisions/catalogues/")
    assert "湘江县2025年度重大行政决策事项目录" in page.content()
    shots(page, "catalogues")
    page.click("text=湘江县2025年度重大行政决策事项目录")
    page.wait_for_url("**/decisions/catalogues/*/")
    assert TITLE in page.locator("table.grid").inner_text()
    shots(page, "catalogue")
