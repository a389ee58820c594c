"""Issue 15 (read speed) in the browser: the register list's unit filter is a type-ahead picker.
The coordinator types part of a name, sees units of the county only, picks one with the
keyboard and filters; a value typed without choosing (a name) is resolved by the server; an
unknown one shows a notice in Chinese. No inline script or style is needed (CSP)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest
from tests.browser.chromium import chromium, frozen_at, login, new_page
from tests.personas import County

from fazhi.orgs.scoping import Actor
from fazhi.reconsideration import services as svc
from fazhi.reconsideration.models import ActCategory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TODAY = dt.date(2025, 6, 20)


@pytest.fixture
def browser(live_server: Any) -> Iterator[Any]:
    with frozen_at(TODAY), chromium() as found:
        yield found


def shot(page: Any, name: str) -> None:
    artifacts = os.environ.get("FAZHI_SCREENSHOTS")
    if artifacts:
        page.screenshot(path=os.path.join(artifacts, name), full_page=True)


def cases(county: County) -> None:
    for number, unit in (
        ("湘江复〔2025〕1号", county.town_a),
        ("湘江复〔2025〕2号", county.town_b),
    ):
        svc.case_receive(
            actor=Actor.command_line(),
            unit=unit,
            respondent=unit,
            number=number,
            received_on=dt.date(2025, 6, 3),
            act_category=ActCategory.PENALTY,
            applicant_name="欧阳明远",
        )


@pytest.mark.parametrize("width", [1366, 1024])
def test_pick_a_unit_by_typing(browser: Any, live_server: Any, county: County, width: int) -> None:
    from playwright.sync_api import expect

    cases(county)
    page = new_page(browser, live_server.url)
    page.set_viewport_size({"width": width, "height": 800})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, "coordinator")
    page.goto("/reconsideration/cases/")
    box = page.locator("input[name=unit]")
    assert box.get_attribute("role") == "combobox"
    box.fill("黄金")
    options = page.locator("#filter-unit-list li[role=option]")
    options.filter(has_text="黄金乡人民政府").wait_for()
    expect(page.locator("#filter-unit-list li")).to_have_count(1)
    assert "430199102" in options.first.inner_text()  # the code, to tell namesakes apart
    shot(page, f"issue15-unit-picker-{width}.png")
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "filter-unit-opt-0"
    box.press("Enter")  # chooses the option, does not submit yet
    assert box.input_value() == "430199102"
    assert page.inner_text("#filter-unit-note") == "黄金乡人民政府"
    with page.expect_navigation():
        page.click("main form.filters button[type=submit]")
    listed = page.inner_text("main table")
    assert "湘江复〔2025〕2号" in listed and "湘江复〔2025〕1号" not in listed
    assert page.input_value("input[name=unit]") == "430199102"
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_names_resolve_and_unknown_units_are_explained(
    browser: Any, live_server: Any, county: County
) -> None:
    cases(county)
    page = new_page(browser, live_server.url)
    login(page, "clerk_a")
    page.goto("/reconsideration/cases/")
    page.fill("input[name=unit]", "黄金")  # another township: never offered to town A's clerk
    page.wait_for_timeout(600)
    offered = page.locator("#filter-unit-list").inner_text()
    assert "黄金乡" not in offered and "本辖区没有匹配的单位" in offered
    page.fill("input[name=unit]", "白沙镇人民政府")  # typed in full, not chosen
    page.keyboard.press("Escape")
    with page.expect_navigation():
        page.click("main form.filters button[type=submit]")
    assert "湘江复〔2025〕1号" in page.inner_text("main table")
    page.fill("input[name=unit]", "黄金乡人民政府")
    page.keyboard.press("Escape")
    with page.expect_navigation():
        page.click("main form.filters button[type=submit]")
    assert "未找到单位“黄金乡人民政府”" in page.inner_text("#filter-unit-note")
    assert "湘江复〔2025〕" not in page.inner_text("main table")
    shot(page, "issue15-unit-picker-notice.png")
