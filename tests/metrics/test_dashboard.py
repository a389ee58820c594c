"""领导驾驶舱: scoped to the actor's subtree, bounded queries, and the charts' containers."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.metrics.builders import closed, lawsuit, recon, save_recon
from tests.personas import County

from fazhi.metrics.dashboard import Comparison, comparison_periods
from fazhi.orgs.models import OrgUnit, UnitKind, UnitLevel
from fazhi.orgs.scoping import Actor
from fazhi.orgs.services import orgunit_create

D = dt.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = D(2025, 6, 20)
URL = "/metrics/dashboard/"


@pytest.fixture
def today() -> Iterator[dt.date]:
    moment = dt.datetime(TODAY.year, TODAY.month, TODAY.day, 10, 0, tzinfo=SHANGHAI)
    with time_machine.travel(moment, tick=False):
        yield TODAY


def received(unit: OrgUnit, *days: dt.date) -> None:
    save_recon(*(recon(unit, received_on=day) for day in days))


def some_records(county: County) -> None:
    """2024: 白沙镇 subtree 5 received (3 own + 2 in its 执法办), 黄金乡 1, 司法局 4; 2023: 2."""
    received(county.town_a, D(2024, 1, 5), D(2024, 3, 5), D(2024, 3, 9))
    received(county.village_a, D(2024, 3, 10), D(2024, 11, 2))
    received(county.town_b, D(2024, 5, 1))
    received(county.dept, *(D(2024, 7, d) for d in (1, 2, 3, 4)))
    received(county.root, D(2024, 8, 1))  # the county government itself: its 本级 row
    received(county.town_a, D(2023, 2, 1), D(2023, 2, 2))
    save_recon(
        closed(county.town_a, D(2024, 4, 1), "annul"),
        closed(county.town_b, D(2024, 4, 2), "uphold"),
    )


def get(county: County, persona: str, query: str = "") -> str:
    response = county.client(persona).get(URL + query)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def row_labels(html: str, table: str = "breakdown") -> list[str]:
    body = html.split(f'id="{table}"', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<th scope="row"[^>]*>(?:<a [^>]*>)?([^<]+)', body)


def kpi(html: str, code: str) -> str:
    block = html.split(f'id="kpi-{code}"', 1)[1].split("</li>", 1)[0]
    return re.sub(r"<[^>]+>", "", block)


# --- pages -------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_county_coordinator_sees_every_child_unit(county: County, today: dt.date) -> None:
    some_records(county)
    html = get(county, "coordinator", "?year=2024")
    assert "湘江县人民政府（含下级单位）· 2024年，与2023年比较" in html
    assert row_labels(html) == ["白沙镇人民政府", "黄金乡人民政府", "湘江县司法局", "湘江县本级"]
    # 收案数 2024: 5 + 1 + 4 + 1 (本级) + 2 closed cases received in 2024 = 13; 2023: 2.
    card = kpi(html, "reconsideration.received")
    assert "13件" in card and "增加 11件" in card and "上年 2件" in card
    assert (
        "/metrics/reconsideration.received/drill/?unit=430199&amp;period=2024&amp;part=numerator"
        in html
    )
    assert (
        "/metrics/reconsideration.received/drill/?unit=430199&amp;period=2023&amp;part=numerator"
        in html
    )
    # each child's cell links to that child's records; the child's name to its own dashboard
    assert "drill/?unit=430199101&amp;period=2024&amp;part=numerator" in html
    assert 'href="?unit=430199101&amp;year=2024&amp;metric=reconsideration.received"' in html
    assert 'class="echart echart-bar" id="chart-bars" data-chart="' in html
    assert "湘江县各下级单位收案数（2024年）" in html and "湘江县2024年各月收案数" in html
    assert 'href="/metrics/dashboard/" aria-current="page"' in html  # the navigation entry


@pytest.mark.django_db
def test_township_clerk_sees_only_its_subtree(county: County, today: dt.date) -> None:
    some_records(county)
    html = get(county, "clerk_a", "?year=2024")
    assert row_labels(html) == ["白沙镇综合行政执法办", "白沙镇人民政府本级"]
    assert "黄金乡" not in html and "湘江县司法局" not in html
    assert "6件" in kpi(html, "reconsideration.received")  # 5 received + 1 closed case
    client = county.client("clerk_a")
    for outside in ("430199102", "430199", "430199001", "NOPE"):
        assert client.get(f"{URL}?unit={outside}&year=2024").status_code == 404
    assert client.get(f"{URL}?unit=430199101001&year=2024").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "rows"),
    [
        ("leader", ["白沙镇人民政府", "黄金乡人民政府", "湘江县司法局", "湘江县本级"]),
        ("leader_a", ["白沙镇综合行政执法办", "白沙镇人民政府本级"]),
    ],
)
def test_leaders_see_their_subtree(
    county: County, today: dt.date, persona: str, rows: list[str]
) -> None:
    some_records(county)
    assert row_labels(get(county, persona, "?year=2024")) == rows


@pytest.mark.django_db
def test_roles_without_record_access_are_refused(county: County) -> None:
    for persona in ("secadmin", "auditor"):
        assert county.client(persona).get(URL).status_code == 403


@pytest.mark.django_db
def test_default_year_is_the_latest_with_data(county: County, today: dt.date) -> None:
    assert "湘江县人民政府（含下级单位）· 2025年" in get(county, "coordinator")  # nothing yet
    some_records(county)
    html = get(county, "coordinator")
    assert "· 2024年，与2023年比较" in html
    assert '<option value="2024" selected>' in html


@pytest.mark.django_db
def test_the_running_year_is_compared_with_the_same_part_of_last_year(
    county: County, today: dt.date
) -> None:
    received(county.town_a, D(2025, 2, 1), D(2025, 3, 1), D(2024, 6, 20), D(2024, 6, 21))
    html = get(county, "coordinator", "?year=2025")
    assert "上年同期（2024年1月1日至6月20日）" in html
    card = kpi(html, "reconsideration.received")
    assert "2件" in card and "增加 1件" in card and "上年 1件" in card
    assert "period=2024-01-01..2024-06-20" in html
    # months still to come are not listed
    months = row_labels(html, "trend")
    assert months == [f"2025年{m}月" for m in range(1, 7)]


@pytest.mark.django_db
def test_chart_metric_is_selectable(county: County, today: dt.date) -> None:
    some_records(county)
    lawsuit(county.town_b, filed_on=D(2024, 9, 1))
    html = get(county, "coordinator", "?year=2024&metric=litigation.cases")
    assert "湘江县各下级单位应诉案件数（2024年）" in html
    assert '<option value="litigation.cases" selected>' in html
    fallback = get(county, "coordinator", "?year=2024&metric=no.such")
    assert "湘江县各下级单位收案数（2024年）" in fallback


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["20x4", "1800", "-1"])
def test_bad_year_is_404(county: County, year: str) -> None:
    assert county.client("coordinator").get(f"{URL}?year={year}").status_code == 404


@pytest.mark.django_db
def test_query_count_does_not_grow_with_child_units(county: County, today: dt.date) -> None:
    cli = Actor.command_line()

    def add_children(n: int, start: int) -> None:
        for i in range(start, start + n):
            child = orgunit_create(
                actor=cli,
                code=f"430199101{i:03d}",
                name=f"白沙镇第{i}村",
                kind=UnitKind.DEPARTMENT,
                level=UnitLevel.TOWNSHIP,
                parent=county.town_a,
            )
            received(child, D(2024, 3, 1))
            lawsuit(child, filed_on=D(2024, 4, 1), hearings=[(D(2024, 5, 1), True)])

    def count(query: str) -> tuple[int, str]:
        client = county.client("coordinator_a")
        client.get(URL + query)  # warm the session
        with CaptureQueriesContext(connection) as queries:
            html = client.get(URL + query).content.decode()
        return len(queries), html

    add_children(1, 2)  # village_a and one more: 2 children
    # "" finds the default year: one MAX query per (source, unit field) of the definitions
    small = {query: count(query) for query in ("?year=2024", "")}
    add_children(18, 3)  # 20 children
    big = {query: count(query) for query in ("?year=2024", "")}
    for query in small:
        assert len(row_labels(small[query][1])) == 2 + 1  # the children and 本级
        assert len(row_labels(big[query][1])) == 20 + 1
        assert small[query][0] == big[query][0], (query, small[query][0], big[query][0])
    # session, user, memberships; definitions and unit picker; this year and last year (one
    # aggregate per source and unit field each); the breakdown and the monthly trend. Finding
    # the default year adds the definitions in force this year and one MAX per (source, unit
    # field) of them (issue 17's 行政执法 registers brought ten more sources), never one per
    # child unit.
    from fazhi.metrics.selectors import _group_by_source, definitions_for_year

    sources = len(list(_group_by_source(definitions_for_year(TODAY.year))))
    assert big["?year=2024"][0] <= 25 and big[""][0] <= big["?year=2024"][0] + 1 + sources


@pytest.mark.django_db
def test_comparison_text() -> None:
    current, previous, label = comparison_periods(2024, TODAY)
    assert (current.key, previous and previous.key, label) == ("2024", "2023", "2023年")
    _, running, label = comparison_periods(2024, D(2024, 2, 29))
    assert running is not None and running.key == "2023-01-01..2023-02-28"
    assert comparison_periods(1949, TODAY)[1] is None


# The charts' own tests (ranking, top and bottom N, the JSON and tables): test_issue15_charts.py


def test_comparison_arrows() -> None:
    def value(v: str | None, unit: str = "件") -> Any:
        return type("V", (), {"value": None if v is None else Decimal(v), "display_unit": unit})()

    up = Comparison(value("5"), value("3"))
    assert (up.arrow, up.change_text) == ("▲", "增加 2件")
    down = Comparison(value("40.0", "%"), value("52.5", "%"))
    assert (down.arrow, down.change_text) == ("▼", "下降 12.5个百分点")
    assert Comparison(value("1"), value("1")).change_text == "持平"
    assert Comparison(value(None, "%"), value("3", "%")).change_text == "无可比数据"
    assert Comparison(value("1"), None).arrow == ""


# --- groups (issue 17: the dashboard gains an 行政执法 group) ------------------------------------
def table_headers(html: str, table: str = "breakdown") -> list[str]:
    head = html.split(f'id="{table}"', 1)[1].split("</thead>", 1)[0]
    return re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', head)[1:]


@pytest.mark.django_db
def test_cards_are_grouped_and_the_tables_follow_the_chosen_group(
    county: County, today: dt.date
) -> None:
    from fazhi.metrics.dashboard import key_codes
    from fazhi.metrics.models import MetricDefinition

    some_records(county)
    html = get(county, "coordinator", "?year=2024")
    key = {d.code: d for d in MetricDefinition.objects.filter(code__in=key_codes())}
    groups = list(dict.fromkeys(key[c].group for c in key_codes() if c in key))
    assert len(groups) > 1 and "行政执法" in groups
    headings = re.findall(r'<h3 id="kpi-group-\d+">([^<]+)</h3>', html)
    assert headings == groups
    # each card sits under its own group's heading
    for code, definition in key.items():
        section = html.split(f'id="kpi-{code}"', 1)[0].rsplit('<h3 id="kpi-group-', 1)[1]
        assert section.split(">", 1)[1].startswith(definition.group + "</h3>"), code
    everything = table_headers(html)
    assert len(everything) == len(key)

    chosen = groups[0]
    html = get(county, "coordinator", f"?year=2024&group={chosen}")
    names = [d.name for c in key_codes() if (d := key.get(c)) and d.group == chosen]
    assert table_headers(html) == names
    assert table_headers(html, "trend") == names
    assert f"<strong>{chosen}</strong>" in html and '<input type="hidden" name="group"' in html
    assert f"&amp;group={quote(chosen)}" in html  # a sub-unit's link keeps the group
    # every card is still shown; an unknown group shows all columns, never an error
    assert len(re.findall(r'<li class="kpi" id=', html)) == len(key)
    assert table_headers(get(county, "coordinator", "?year=2024&group=不存在")) == everything
