"""Issue 15 item 7 in Chromium: the 领导驾驶舱's charts are Apache ECharts, served by the site
itself (``/static/vendor/echarts/``, installed by ``make install``) under the
Content-Security-Policy without a single violation: a tooltip on hovering a bar, a legend entry
that hides its bars, “显示全部 25 个单位” over the top and bottom 10, a click on a bar that leads
to its records, download as PNG, and the data table (hidden but read by screen readers, shown by
“显示数据表”, and shown instead of the chart without JavaScript). Screenshots at 1366 and 1024 px
(``FAZHI_SCREENSHOTS``)."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from tests.browser.chromium import chromium, frozen_at, login, new_page
from tests.metrics.builders import recon, save_recon
from tests.personas import County

from fazhi.orgs.models import UnitKind, UnitLevel
from fazhi.orgs.scoping import Actor
from fazhi.orgs.services import orgunit_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TODAY = dt.date(2025, 6, 20)
URL = "/metrics/dashboard/?year=2025"
EXTRA = 22  # 3 sub-units of the county + 22 = 25 > 2 × 10: folded
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""
REFUSED = re.compile(r"Refused to|Content Security Policy", re.IGNORECASE)
CHART = "document.getElementById('chart-bars')"
INSTANCE = f"window.echarts.getInstanceByDom({CHART})"


@pytest.fixture
def many_units(county: County) -> County:
    """25 sub-units of 湘江县: 第1…8乡 received 1…8 cases in 2025 (第8乡 the most), the other
    units none."""
    cli = Actor.command_line()
    for i in range(1, EXTRA + 1):
        unit = orgunit_create(
            actor=cli,
            code=f"430199{200 + i}",
            name=f"湘江县第{i}乡",
            kind=UnitKind.TOWNSHIP,
            level=UnitLevel.TOWNSHIP,
            parent=county.root,
        )
        if i <= 8:
            save_recon(*(recon(unit, received_on=dt.date(2025, 3, 1 + n)) for n in range(i)))
    return county


@pytest.fixture
def browser(live_server: Any) -> Iterator[Any]:
    with frozen_at(TODAY), chromium() as browser:
        yield browser


def watched(browser: Any, base_url: str) -> tuple[Any, list[str]]:
    page = new_page(browser, base_url)
    refused: list[str] = []
    page.add_init_script(WATCH)
    page.on("console", lambda m: refused.append(m.text) if REFUSED.search(m.text) else None)
    page.on("pageerror", lambda error: refused.append(f"JavaScript error: {error}"))
    return page, refused


def screenshot(page: Any, name: str) -> None:
    folder = os.environ.get("FAZHI_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, name), full_page=True)


def series(page: Any) -> dict[str, int]:
    """Each bar series' name and how many bars it draws."""
    script = f"""() => Object.fromEntries({INSTANCE}.getOption().series.map(
        (s) => [s.name, s.data.filter((d) => d && d.value !== "-").length]))"""
    drawn: dict[str, int] = page.evaluate(script)
    return drawn


def bar_point(page: Any, index: int) -> tuple[float, float]:
    """The viewport coordinates of the middle of the ``index``-th bar from the top (scrolled
    into view)."""
    page.locator("#chart-bars").scroll_into_view_if_needed()
    script = f"""i => {{
        const chart = {INSTANCE};
        const s = chart.getOption().series.find((s) => s.data[i] && s.data[i].value !== "-");
        const [x, y] = chart.convertToPixel({{ gridIndex: 0 }}, [s.data[i].value / 2, i]);
        const box = {CHART}.getBoundingClientRect();
        return [box.left + x, box.top + y];
    }}"""
    x, y = page.evaluate(script, index)
    return float(x), float(y)


def test_dashboard_charts_in_chromium(browser: Any, live_server: Any, many_units: County) -> None:
    page, refused = watched(browser, live_server.url)
    login(page, "coordinator")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(URL)
    page.wait_for_selector("#chart-bars[data-ready=true] canvas")
    page.wait_for_selector("#chart-trend[data-ready=true] canvas")
    assert page.evaluate("window.echarts.version").startswith("6.")

    # The top and bottom 10 of 25 units, the rest behind the toggle.
    assert series(page) == {"前10名": 10, "后10名": 10}
    toggle = page.locator("button[data-chart-toggle=chart-bars]")
    assert toggle.is_visible() and toggle.inner_text() == "显示全部 25 个单位"
    # The table is there for screen readers (visually hidden), with all 25 units.
    table, holder = page.locator("#bars-table"), page.locator("#bars-figure .chart-data")
    assert table.locator("tbody tr").count() == 25 and holder.bounding_box()["width"] <= 1
    screenshot(page, "issue15-charts-1366.png")

    # Hovering the first bar (湘江县第8乡, 8件) shows its tooltip.
    x, y = bar_point(page, 0)
    page.mouse.move(x, y)
    tip = page.locator(".echart-tip").first
    tip.wait_for(state="visible")
    assert "湘江县第8乡" in tip.inner_text() and "收案数（件）：8件" in tip.inner_text()
    assert "第1名（共25个单位）" in tip.inner_text()
    assert "点击查看计入的记录" in tip.inner_text()
    folder = os.environ.get("FAZHI_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, "issue15-charts-tooltip.png"))

    # The legend: a click on “前10名” hides those bars and shows them again.
    page.locator("#chart-bars").scroll_into_view_if_needed()
    box = page.locator("#chart-bars").bounding_box()
    legend = f"{INSTANCE}.getOption().legend[0].selected"
    page.mouse.click(box["x"] + 10, box["y"] + 34)  # charts.js: legend
    assert page.evaluate(legend) == {"前10名": False, "后10名": True}
    page.mouse.click(box["x"] + 10, box["y"] + 34)  # charts.js: legend
    assert page.evaluate(legend) == {"前10名": True, "后10名": True}

    # “显示全部”: all 25 units, the middle ones as 其余单位; the chart grows; and back.
    height = box["height"]
    toggle.click()
    assert series(page) == {"前10名": 10, "其余单位": 5, "后10名": 10}
    assert toggle.inner_text() == "只显示前10名和后10名"
    assert toggle.get_attribute("aria-pressed") == "true"
    assert page.locator("#chart-bars").bounding_box()["height"] > height
    screenshot(page, "issue15-charts-all-1366.png")
    toggle.click()
    assert series(page) == {"前10名": 10, "后10名": 10}

    # “显示数据表” shows the table under the chart.
    page.locator("#bars-figure button.chart-table-toggle").click()
    assert holder.bounding_box()["width"] > 100 and table.is_visible()
    assert page.locator("#bars-figure button.chart-table-toggle").inner_text() == "隐藏数据表"

    # Download as PNG from the toolbox (top right of the chart).
    page.locator("#chart-bars").scroll_into_view_if_needed()
    box = page.locator("#chart-bars").bounding_box()
    with page.expect_download() as download:
        page.mouse.click(box["x"] + box["width"] - 16, box["y"] + 12)  # charts.js: toolbox
    assert download.value.suggested_filename == "湘江县各下级单位收案数（2025年）.png"

    # A click on a bar leads to the records behind it.
    x, y = bar_point(page, 0)
    with page.expect_navigation():
        page.mouse.click(x, y)
    assert "/drill/" in page.url and "unit=430199208" in page.url
    assert "共 8 条" in page.inner_text("main")

    page.set_viewport_size({"width": 1024, "height": 900})
    page.goto(URL)
    page.wait_for_selector("#chart-bars[data-ready=true] canvas")
    width = page.locator("#chart-bars").bounding_box()["width"]
    assert width < 1024 - 200  # beside the menu, inside the page
    screenshot(page, "issue15-charts-1024.png")

    violations = page.evaluate("window.__violations") + refused
    assert violations == [], violations


def test_without_javascript_the_tables_show(
    browser: Any, live_server: Any, many_units: County
) -> None:
    context = browser.new_context(
        locale="zh-CN", base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    login(page, "coordinator")
    page.goto(URL)
    assert page.locator("#chart-bars").is_hidden()
    table = page.locator("#bars-table")
    assert table.is_visible() and table.locator("tbody tr").count() == 25
    assert page.locator("#trend-table").is_visible()
    assert page.locator("button[data-chart-toggle]").is_hidden()
    screenshot(page, "issue15-charts-nojs-1366.png")
