"""Issue 13 items 19 and 24 in the browser: the 司法局 clerk finds a case by the applicant's ID
number from the list's search box — no address the browser visits holds it — and reads the
name in full on the case page; a 1999 received date is registered after ticking
“我已核对日期无误”."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from tests.browser.chromium import chromium_page, frozen_at, login
from tests.personas import County

from fazhi.orgs.scoping import Actor
from fazhi.reconsideration import services as svc
from fazhi.reconsideration.models import ActCategory, ReconsiderationCase

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TODAY = dt.date(2025, 6, 20)
ID_NUMBER = "11010519491231002X"
NAME = "欧阳明远"


@pytest.fixture
def page(live_server: Any) -> Iterator[Any]:
    with frozen_at(TODAY), chromium_page(live_server.url, "issue13-search.png") as page:
        yield page


def test_search_by_id_number_keeps_it_out_of_every_address(page: Any, county: County) -> None:
    for number, id_number in (("湘司复〔2025〕1号", ID_NUMBER), ("湘司复〔2025〕2号", "")):
        svc.case_receive(
            actor=Actor.command_line(),
            unit=county.dept,
            respondent=county.town_a,
            number=number,
            received_on=dt.date(2025, 6, 3),
            act_category=ActCategory.PENALTY,
            applicant_name=NAME if id_number else "诸葛亮",
            applicant_id_number=id_number,
        )
    visited: list[str] = []
    page.on("request", lambda request: visited.append(request.url))
    login(page, "dept_clerk")
    page.goto("/".join(page.url.split("/")[:3]) + "/reconsideration/cases/")
    page.fill("input[name=q]", ID_NUMBER)
    with page.expect_navigation():
        page.click("main form.filters button[type=submit]")
    listed = page.inner_text("main table")
    assert "湘司复〔2025〕1号" in listed and "湘司复〔2025〕2号" not in listed
    assert page.input_value("input[name=q]") == ID_NUMBER  # the box keeps what was typed
    with page.expect_navigation():
        page.click("main table >> text=湘司复〔2025〕1号")
    assert NAME in page.inner_text("main")  # the handling clerk reads the name in full
    history = page.evaluate("() => performance.getEntriesByType('navigation')[0].name")
    for url in [*visited, page.url, history]:
        assert ID_NUMBER not in url and quote(ID_NUMBER) not in url and quote(NAME) not in url


def test_an_old_received_date_is_registered_after_confirming(page: Any, county: County) -> None:
    login(page, "dept_clerk")
    base = "/".join(page.url.split("/")[:3])
    page.goto(base + "/reconsideration/cases/new/")
    page.fill("#id_received_on", "1999-06-01")
    page.select_option("#id_act_category", label="行政处罚")
    page.select_option("#id_respondent", label="白沙镇人民政府")
    page.fill("#id_applicant_name", "张三")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "1999-06-01早于2000年" in page.inner_text("#id_received_on-error")
    assert not ReconsiderationCase.objects.exists()
    page.check("input[name=confirm_dates]")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "已登记案件" in page.inner_text(".messages")
    assert ReconsiderationCase.objects.get().received_on == dt.date(1999, 6, 1)
