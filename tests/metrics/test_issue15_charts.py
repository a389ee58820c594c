"""Issue 15 item 7: the dashboard's charts are Apache ECharts. Without a browser: the ranking
and the top and bottom N (``FAZHI_DASHBOARD_CHART_TOP_N``), the JSON each chart carries in its
``data-chart`` attribute (no inline script: the page's CSP forbids it), the table beside each
chart, the page's containers and scripts, and ECharts installed by ``make install``."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from tests.metrics.builders import recon, save_recon
from tests.personas import County

from fazhi.metrics.charts import Datum, bar_chart, line_chart, ranked, top_bottom
from fazhi.orgs.models import UnitKind, UnitLevel
from fazhi.orgs.scoping import Actor
from fazhi.orgs.services import orgunit_create

URL = "/metrics/dashboard/"
ECHARTS = "vendor/echarts/echarts.min.js"
ROOT = Path(__file__).resolve().parents[2]


def data(*values: int | None) -> list[Datum]:
    return [
        Datum(f"单位{i}", None if v is None else Decimal(v), "—" if v is None else f"{v}件")
        for i, v in enumerate(values)
    ]


def labels(items: list[Datum]) -> list[str]:
    return [d.label for d in items]


# --- ranking and the top and bottom N ----------------------------------------------------------
def test_ranked_highest_first_ties_in_given_order_blanks_last() -> None:
    items = data(1, None, 5, 0, 5, None, 3)
    assert labels(ranked(items)) == ["单位2", "单位4", "单位6", "单位0", "单位3", "单位1", "单位5"]


def test_few_units_are_not_folded() -> None:
    split = top_bottom(data(*range(20)), limit=10)  # 20 = 2 × 10: everything shows
    assert not split.folded and len(split.top) == 20 and split.bottom == []


def test_many_units_show_the_top_and_bottom_n() -> None:
    # 69 units, most of them 0 (the county): 第0…9 have 10…1, the rest 0, two "—".
    values: list[int | None] = [10 - i for i in range(10)] + [0] * 57 + [None, None]
    split = top_bottom(data(*values), limit=10)
    assert split.folded
    assert labels(split.top) == [f"单位{i}" for i in range(10)]
    assert [d.value for d in split.bottom] == [0] * 10
    assert labels(split.bottom) == [f"单位{i}" for i in range(57, 67)]  # the last 0s
    assert len(split.rest) == 69 - 20 and labels(split.rest)[-2:] == ["单位67", "单位68"]
    groups = [group for group, _ in split.ranked()]
    assert groups == ["top"] * 10 + ["rest"] * 47 + ["bottom"] * 10 + ["rest"] * 2


def test_blanks_do_not_take_the_bottom_places() -> None:
    split = top_bottom(data(*range(12), *[None] * 10), limit=5)
    assert [d.value for d in split.top] == [11, 10, 9, 8, 7]
    assert [d.value for d in split.bottom] == [4, 3, 2, 1, 0]
    assert [d.value for d in split.rest] == [6, 5] + [None] * 10


def test_fewer_known_values_than_twice_n() -> None:
    split = top_bottom(data(3, 2, 1, *[None] * 30), limit=2)
    assert [d.value for d in split.top] == [3, 2] and [d.value for d in split.bottom] == [1]
    assert len(split.rest) == 30


# --- the chart JSON and its table --------------------------------------------------------------
def test_bar_chart_json_and_table() -> None:
    items = data(*range(25))
    items[3] = Datum("单位3", Decimal(3), "3件", "/metrics/x/drill/?unit=3&period=2025")
    chart = bar_chart(items, title="各单位收案数", chart_id="bars", series="收案数（件）", limit=10)
    spec = json.loads(chart.data)
    assert (spec["kind"], spec["title"], spec["total"], spec["shown"]) == (
        "bar",
        "各单位收案数",
        25,
        20,
    )
    assert spec["folded"] and chart.folded and chart.total == 25 and chart.limit == 10
    assert spec["names"] == {
        "top": "前10名",
        "bottom": "后10名",
        "rest": "其余单位",
        "all": "收案数（件）",
    }
    first = spec["items"][0]
    assert first == {
        "label": "单位24",
        "name": "单位24",
        "value": 24.0,
        "display": "24件",
        "url": "",
        "group": "top",
        "rank": 1,
    }
    assert [i["group"] for i in spec["items"]].count("rest") == 5
    linked = next(i for i in spec["items"] if i["label"] == "单位3")
    assert linked["url"] == "/metrics/x/drill/?unit=3&period=2025" and linked["group"] == "bottom"
    # the table: every unit, ranked like the chart
    assert chart.headers == ["单位", "收案数（件）"]
    assert [label for label, _ in chart.rows] == [i["name"] for i in spec["items"]]
    assert len(chart.rows) == 25 and not chart.empty


def test_small_bar_chart_is_one_series() -> None:
    spec = json.loads(bar_chart(data(2, None, 5), title="t", series="纠错率（%）").data)
    assert not spec["folded"] and [i["group"] for i in spec["items"]] == ["all"] * 3
    assert [i["value"] for i in spec["items"]] == [5.0, 2.0, None]
    assert [i["rank"] for i in spec["items"]] == [1, 2, None]


def test_line_chart_json_and_table() -> None:
    this = [
        Datum(f"{m}月", Decimal(m) if m <= 6 else None, f"{m}件", full_label=f"2025年{m}月")
        for m in range(1, 13)
    ]
    last = [Datum(f"{m}月", Decimal(1), "1件") for m in range(1, 13)]
    chart = line_chart([("2025年", this), ("2024年", last)], title="各月收案数", chart_id="trend")
    spec = json.loads(chart.data)
    assert spec["labels"] == [f"{m}月" for m in range(1, 13)]
    assert [s["name"] for s in spec["series"]] == ["2025年", "2024年"]
    assert spec["series"][0]["items"][6]["value"] is None
    assert spec["series"][0]["items"][0]["name"] == "2025年1月"
    assert chart.headers == ["月份", "2025年", "2024年"]
    assert chart.rows[0][0] == "1月" and [d.display for d in chart.rows[0][1]] == ["1件", "1件"]


@pytest.mark.parametrize("values", [[], [None, None]])
def test_nothing_to_show_is_empty(values: list[int | None]) -> None:
    assert bar_chart(data(*values), title="t").empty
    assert line_chart([("2025年", data(*values))], title="t").empty
    assert not line_chart([("2025年", data(None)), ("2024年", data(1))], title="t").empty
    html = render_to_string("metrics/_chart.html", {"c": bar_chart(data(*values), title="标题")})
    assert "暂无数据" in html and "data-chart" not in html


def test_labels_are_escaped_in_the_attribute_and_the_table() -> None:
    nasty = '<script>alert("x")</script>&\''
    chart = bar_chart([Datum(nasty, Decimal(1), "1件", full_label=nasty)], title=nasty)
    html = render_to_string("metrics/_chart.html", {"c": chart, "caption": nasty})
    assert "<script>" not in html
    attribute = re.search(r'data-chart="([^"]*)"', html)
    assert attribute is not None
    spec = json.loads(htmllib.unescape(attribute.group(1)))
    assert spec["title"] == nasty and spec["items"][0]["name"] == nasty


# --- the page ----------------------------------------------------------------------------------
@pytest.fixture
def today() -> Iterator[dt.date]:
    moment = dt.datetime(2025, 6, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=False):
        yield moment.date()


def many_units(county: County, count: int) -> None:
    cli = Actor.command_line()
    for i in range(1, count + 1):
        unit = orgunit_create(
            actor=cli,
            code=f"430199{200 + i}",
            name=f"湘江县第{i}乡",
            kind=UnitKind.TOWNSHIP,
            level=UnitLevel.TOWNSHIP,
            parent=county.root,
        )
        if i <= 3:
            save_recon(*(recon(unit, received_on=dt.date(2025, 3, 1 + n)) for n in range(i)))


def chart_of(html: str, chart: str) -> dict[str, Any]:
    found = re.search(rf'id="chart-{chart}" data-chart="([^"]*)"', html)
    assert found, f"no chart-{chart}"
    spec: dict[str, Any] = json.loads(htmllib.unescape(found.group(1)))
    return spec


def table_rows(html: str, table: str) -> list[str]:
    body = html.split(f'id="{table}"', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<th scope="row">([^<]+)', body)


@pytest.mark.django_db
def test_dashboard_carries_the_charts_and_their_tables(county: County, today: dt.date) -> None:
    many_units(county, 22)  # 25 sub-units
    html = county.client("coordinator").get(URL + "?year=2025").content.decode()
    bars = chart_of(html, "bars")
    assert bars["folded"] and bars["total"] == 25 and bars["limit"] == 10
    assert bars["items"][0]["name"] == "湘江县第3乡" and bars["items"][0]["value"] == 3
    assert bars["items"][0]["url"].startswith(
        "/metrics/reconsideration.received/drill/?unit=430199203"
    )
    assert '<button type="button" class="chart-toggle" data-chart-toggle="chart-bars" ' in html
    assert "显示全部 25 个单位" in html
    assert len(table_rows(html, "bars-table")) == 25
    trend = chart_of(html, "trend")
    assert [s["name"] for s in trend["series"]] == ["2025年", "2024年"]
    assert table_rows(html, "trend-table") == [f"{m}月" for m in range(1, 13)]
    # ECharts and the page's script are static files (script-src 'self'); no inline script
    assert '<script src="/static/vendor/echarts/echarts.min.js" defer></script>' in html
    assert '<script src="/static/js/charts.js" defer></script>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html) and " style=" not in html


@pytest.mark.django_db
def test_top_n_is_a_setting(county: County, today: dt.date, settings: Any) -> None:
    settings.FAZHI_DASHBOARD_CHART_TOP_N = 2
    html = county.client("coordinator").get(URL + "?year=2025").content.decode()
    bars = chart_of(html, "bars")  # 3 sub-units ≤ 2 × 2: not folded
    assert not bars["folded"] and "显示全部" not in html
    settings.FAZHI_DASHBOARD_CHART_TOP_N = 1
    html = county.client("coordinator").get(URL + "?year=2025").content.decode()
    bars = chart_of(html, "bars")
    assert bars["folded"] and bars["names"]["top"] == "前1名" and "显示全部 3 个单位" in html


@pytest.mark.django_db
def test_a_township_sees_only_its_own_units_in_the_charts(county: County, today: dt.date) -> None:
    many_units(county, 3)
    html = county.client("clerk_a").get(URL + "?year=2025").content.decode()
    names = [item["name"] for item in chart_of(html, "bars")["items"]]
    assert names == ["白沙镇综合行政执法办"]
    assert "湘江县第" not in html


# --- installed by make install -----------------------------------------------------------------
def test_echarts_is_installed_as_a_static_file() -> None:
    found = finders.find(ECHARTS)
    assert found, (
        f"static/{ECHARTS} 不存在：ECharts 在安装时从 npm 取得，请运行 make install"
        "（npm ci 后复制 node_modules/echarts/dist/echarts.min.js）"
    )
    text = Path(str(found)).read_text(encoding="utf-8")
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    version = lock["packages"]["node_modules/echarts"]["version"]
    assert f'version="{version}"' in text, f"static/{ECHARTS} 不是 {version}：请运行 make install"
    assert (Path(str(found)).parent / "LICENSE").is_file()
    assert "sourceMappingURL" not in text  # collectstatic's manifest would look for the map


def test_package_json_pins_echarts_and_git_ignores_the_copy() -> None:
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    assert re.fullmatch(r"\d+\.\d+\.\d+", package["dependencies"]["echarts"])
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "src/fazhi/static/vendor/" in ignored and "node_modules/" in ignored
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert (
        "ci --no-audit --no-fund" in makefile
        and "node_modules/echarts/dist/echarts.min.js" in makefile
    )
