"""End-to-end: the 领导驾驶舱 for a county coordinator and a township clerk — each sees only
their subtree, the sub-unit table sorts by a clicked column, the ECharts charts draw, and a figure
leads to its records.

The clock is frozen (``time_machine``, ticking) at a fixed day, so the default year (the latest
with records) and the months shown do not depend on when the test runs.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest
from tests.browser.chromium import chromium_page, frozen_at, login
from tests.metrics.builders import closed, recon, save_recon
from tests.personas import County

from fazhi.orgs.models import OrgUnit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TODAY = dt.date(2025, 6, 20)
D = dt.date


@pytest.fixture
def frozen_today() -> Iterator[dt.date]:
    with frozen_at(TODAY):
        yield TODAY


@pytest.fixture
def page(live_server: Any, frozen_today: dt.date) -> Iterator[Any]:
    with chromium_page(live_server.url, "dashboard.png") as page:
        yield page


def received(unit: OrgUnit, count: int, month: int) -> None:
    save_recon(*(recon(unit, received_on=D(2025, month, 1 + i)) for i in range(count)))


def some_records(county: County) -> None:
    """2025 收案数: 白沙镇 subtree 3 (2 + 1 in its 执法办), 黄金乡 5, 司法局 1; one 白沙镇 case
    closed with 撤销 (纠错率 100%, the only rate that is not "—")."""
    received(county.town_a, 2, 2)
    received(county.village_a, 1, 3)
    received(county.town_b, 5, 4)
    received(county.dept, 1, 5)
    save_recon(closed(county.town_a, D(2025, 6, 10), "annul", days=10))


def open_dashboard(page: Any) -> None:
    with page.expect_navigation():
        page.click("nav.sidenav >> text=领导驾驶舱")
    assert page.inner_text("main h1") == "领导驾驶舱"


def row_names(page: Any) -> list[str]:
    names: list[str] = page.locator("#breakdown tbody th").all_inner_texts()
    return [name.strip() for name in names]


def sort_by(page: Any, column: str) -> None:
    page.click(f"#breakdown thead th >> text={column}")


#: The values each series of a drawn ECharts chart shows, by series name ("-": None).
DRAWN = """id => {
  const el = document.getElementById("chart-" + id);
  const option = window.echarts.getInstanceByDom(el).getOption();
  const values = {};
  option.series.forEach((s) => {
    values[s.name] = s.data.map((d) => (d && typeof d === "object" ? d.value : d))
      .map((v) => (v === "-" ? null : v));
  });
  return values;
}"""


def drawn(page: Any, chart: str) -> dict[str, list[float | None]]:
    page.wait_for_selector(f"#chart-{chart}[data-ready=true] canvas")
    values: dict[str, list[float | None]] = page.evaluate(DRAWN, chart)
    return values


def labels(page: Any, chart: str) -> list[str]:
    script = "id => window.echarts.getInstanceByDom(document.getElementById('chart-' + id))"
    names: list[str] = page.evaluate(script + ".getOption().yAxis[0].data", chart)
    return names


def test_county_dashboard_sorts_and_draws_charts(page: Any, county: County) -> None:
    some_records(county)
    login(page, "coordinator")
    open_dashboard(page)
    # The default year is the latest with records; the running year is compared with the same
    # part of the year before.
    assert "湘江县人民政府（含下级单位）· 2025年，与上年同期" in page.inner_text("main")
    card = page.locator("#kpi-reconsideration\\.received")
    assert card.locator(".kpi-value").inner_text() == "10件"  # 9 received + the closed case
    assert row_names(page) == ["白沙镇人民政府", "黄金乡人民政府", "湘江县司法局", "湘江县本级"]

    # Sorting: a number column sorts largest first, then smallest first; "—" stays last.
    sort_by(page, "收案数")
    assert row_names(page) == ["黄金乡人民政府", "白沙镇人民政府", "湘江县司法局", "湘江县本级"]
    header = page.locator("#breakdown thead th", has_text="收案数")
    assert header.get_attribute("aria-sort") == "descending"
    sort_by(page, "收案数")
    assert row_names(page) == ["湘江县本级", "湘江县司法局", "白沙镇人民政府", "黄金乡人民政府"]
    assert header.get_attribute("aria-sort") == "ascending"
    for _ in range(2):
        sort_by(page, "纠错率")
        assert row_names(page)[0] == "白沙镇人民政府"  # 100.0%; the others are "—"

    # The bar chart (ECharts): one bar per sub-unit, highest first (黄金乡 5, 白沙镇 4, 司法局 1).
    assert drawn(page, "bars") == {"收案数（件）": [5, 4, 1]}
    assert labels(page, "bars") == ["黄金乡人民政府", "白沙镇人民政府", "湘江县司法局"]
    assert page.locator("#bars-table caption").text_content() == "湘江县各下级单位收案数（2025年）"
    # The line chart: this year's points for each month so far (January to June), and last year.
    assert drawn(page, "trend")["2025年"] == [0, 2, 1, 5, 2, 0] + [None] * 6
    assert page.locator("#trend-table caption").text_content() == "湘江县2025年各月收案数"

    # Another metric for the charts.
    page.select_option("select[name=metric]", "reconsideration.correction_rate")
    with page.expect_navigation():
        page.click("#dashboard-filters button[type=submit]")
    assert page.locator("#bars-table caption").text_content() == "湘江县各下级单位纠错率（2025年）"
    assert drawn(page, "bars") == {"纠错率（%）": [100, 0, 0]}  # "—" as an empty bar

    # A figure leads to its records.
    with page.expect_navigation():
        card.locator(".kpi-value").click()
    assert "收案数 · 分子" in page.inner_text("h1")
    assert "共 10 条" in page.inner_text("main")


def test_township_dashboard_shows_only_its_subtree(page: Any, county: County) -> None:
    some_records(county)
    login(page, "clerk_a")
    open_dashboard(page)
    main = page.inner_text("main")
    assert "白沙镇人民政府（含下级单位）· 2025年" in main
    assert "黄金乡" not in main and "湘江县司法局" not in main
    assert row_names(page) == ["白沙镇综合行政执法办", "白沙镇人民政府本级"]
    card = page.locator("#kpi-reconsideration\\.received .kpi-value")
    assert card.inner_text() == "4件"
    assert len(drawn(page, "bars")["收案数（件）"]) == 1
    assert drawn(page, "trend")["2025年"][:6] == [0, 2, 1, 0, 1, 0]
    response = page.goto("/metrics/dashboard/?unit=430199102")
    assert response is not None and response.status == 404
