"""End-to-end: the 领导驾驶舱 of a province. A small province from the bulk seeder (two cities,
three counties, one year) — its 依法治办 coordinator sees the cities (not the counties) as rows,
with the figures of :func:`fazhi.metrics.selectors.metric_breakdown`, sorts them, goes down to a
city's dashboard (whose rows are its counties) and from a figure to its records; a county
coordinator of the same province cannot open the province's dashboard and sees only its county.

The clock is frozen (``time_machine``, ticking) in December of the seeded year, so the default
year is that year whatever day the test runs.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from tests.browser.chromium import chromium_page, frozen_at, login

from fazhi.demo.data import DEMO_PASSWORD
from fazhi.demo.generator import SeedResult
from fazhi.demo.scale import seed_province
from fazhi.metrics import selectors
from fazhi.metrics.dashboard import key_definitions
from fazhi.metrics.engine import MetricValue
from fazhi.metrics.periods import Period
from fazhi.orgs.models import Membership, OrgUnit, UnitKind
from fazhi.orgs.scoping import Actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

YEAR = 2025
TODAY = dt.date(YEAR, 12, 20)
RECEIVED = "reconsideration.received"
LOSS_RATE = "litigation.loss_rate"
LIT_CASES = "litigation.cases"


@pytest.fixture
def frozen_today() -> Iterator[dt.date]:
    with frozen_at(TODAY):
        yield TODAY


@pytest.fixture
def province(transactional_db: Any) -> SeedResult:
    """潇湘省 with 2 cities and 3 counties, registers for one year (about 2,000 rows, ~1 s)."""
    return seed_province(seed=7, cities=2, counties=3, volume=1, years=1, last_year=YEAR)


@pytest.fixture
def page(live_server: Any, frozen_today: dt.date) -> Iterator[Any]:
    with chromium_page(live_server.url, "dashboard-province.png") as page:
        yield page


# --- helpers ---------------------------------------------------------------------------------
def open_dashboard(page: Any) -> None:
    with page.expect_navigation():
        page.click("nav.sidenav >> text=领导驾驶舱")
    assert page.inner_text("main h1") == "领导驾驶舱"


def row_names(page: Any) -> list[str]:
    names: list[str] = page.locator("#breakdown tbody th").all_inner_texts()
    return [name.strip() for name in names]


def sort_by(page: Any, column: str) -> None:
    page.click(f"#breakdown thead th >> text={column}")


def actor_of(username: str) -> Actor:
    membership = Membership.objects.select_related("unit", "user").get(user__username=username)
    return Actor.for_membership(membership)


def children(unit: OrgUnit) -> list[OrgUnit]:
    return list(OrgUnit.objects.filter(parent=unit, is_active=True).order_by("sort_order", "path"))


def columns() -> list[str]:
    """The codes of the table's figure columns, in order (as the dashboard chooses them)."""
    return [d.code for d in key_definitions(selectors.definitions_for_year(YEAR))]


def breakdown(actor: Actor, unit: OrgUnit) -> dict[str, dict[str, MetricValue]]:
    """``metric_breakdown`` of ``unit`` for the year, as {row label: {code: value}}."""
    found = selectors.metric_breakdown(
        actor=actor, unit=unit, period=Period.for_year(YEAR), codes=columns()
    )
    rows = {child.display_name: {v.code: v for v in values} for child, values in found.children}
    rows[f"{unit.display_name}本级"] = {v.code: v for v in found.own}
    rows["合计"] = {v.code: v for v in found.total}
    return rows


def cell(page: Any, label: str, code: str) -> Any:
    """The table cell of row ``label`` (a body row, or 合计 in the footer) and metric ``code``."""
    row = page.locator("#breakdown tr", has=page.locator(f"xpath=th[normalize-space()='{label}']"))
    assert row.count() == 1, f"找不到“{label}”这一行"
    return row.locator("td").nth(columns().index(code))


def sorted_labels(
    expected: dict[str, dict[str, MetricValue]], labels: Sequence[str], code: str, *, desc: bool
) -> list[str]:
    """The order the page's sorting gives: by value, blanks ("—") last, ties in page order."""

    def key(item: tuple[int, str]) -> tuple[bool, Decimal, int]:
        position, label = item
        value = expected[label][code].value
        if value is None:
            return True, Decimal(0), position
        return False, -value if desc else value, position

    return [label for _, label in sorted(enumerate(labels), key=key)]


# --- the tests -------------------------------------------------------------------------------
def test_province_coordinator_sees_cities_sorts_and_drills_down(
    page: Any, province: SeedResult
) -> None:
    root = OrgUnit.objects.get(code=province.root_code)
    cities = [u for u in children(root) if u.kind == UnitKind.GOVERNMENT]
    counties = [u for city in cities for u in children(city) if u.kind == UnitKind.GOVERNMENT]
    assert len(cities) == 2 and len(counties) == 3
    actor = actor_of("sheng_yfzb")
    expected = breakdown(actor, root)

    login(page, "sheng_yfzb", DEMO_PASSWORD)
    open_dashboard(page)
    assert f"潇湘省人民政府（含下级单位）· {YEAR}年" in page.inner_text("main")

    # Rows: the province's direct sub-units (its departments and its cities), then 本级.
    own = "潇湘省本级"
    labels = [u.display_name for u in children(root)] + [own]
    assert row_names(page) == labels
    city_names = [c.display_name for c in cities]
    assert all(name in labels for name in city_names)
    assert not {c.display_name for c in counties} & set(row_names(page))
    assert not {c.name for c in counties} & set(row_names(page))

    # Figures are those of metric_breakdown — and real ones, not zeros.
    for name in city_names:
        for code in (RECEIVED, LIT_CASES, LOSS_RATE):
            value = expected[name][code]
            assert value.value is not None and value.value > 0, (name, code)
            assert cell(page, name, code).inner_text() == value.display
    total = expected["合计"][RECEIVED]
    assert total.value is not None and total.value > sum(
        expected[n][RECEIVED].value or 0 for n in city_names
    )  # the province's own 司法厅 receives cases too
    assert cell(page, "合计", RECEIVED).inner_text() == total.display
    card = page.locator("#kpi-reconsideration\\.received .kpi-value")
    assert card.inner_text() == total.display

    # Sorting by 收案数: largest first, then smallest first.
    sort_by(page, "收案数")
    descending = sorted_labels(expected, labels, RECEIVED, desc=True)
    assert row_names(page) == descending
    assert descending[0] != labels[0]  # the sort did change the order
    sort_by(page, "收案数")
    assert row_names(page) == sorted_labels(expected, labels, RECEIVED, desc=False)
    header = page.locator("#breakdown thead th", has_text="收案数")
    assert header.get_attribute("aria-sort") == "ascending"

    # Down to the busiest city's dashboard: its rows are its departments and counties.
    city = max(cities, key=lambda c: expected[c.display_name][RECEIVED].value or 0)
    with page.expect_navigation():
        page.click(f"#breakdown tbody th a:text-is('{city.display_name}')")
    assert f"unit={city.code}" in page.url
    assert f"{city.name}（含下级单位）· {YEAR}年" in page.inner_text("main")
    city_labels = [u.display_name for u in children(city)] + [f"{city.display_name}本级"]
    assert row_names(page) == city_labels
    own_counties = [c for c in counties if c.parent_id == city.pk]
    assert own_counties and all(c.display_name in city_labels for c in own_counties)
    assert not set(city_names) & set(row_names(page))
    in_city = breakdown(actor, city)
    county = own_counties[0]
    received = in_city[county.display_name][RECEIVED]
    assert received.value is not None and received.value > 0
    assert cell(page, county.display_name, RECEIVED).inner_text() == received.display
    assert (
        cell(page, "合计", RECEIVED).inner_text() == expected[city.display_name][RECEIVED].display
    )

    # A figure leads to its records: the county's 收案数 lists exactly those cases.
    with page.expect_navigation():
        cell(page, county.display_name, RECEIVED).locator("a").click()
    assert page.inner_text("main h1") == "收案数 · 分子"
    main = page.inner_text("main")
    assert f"{county.name}（含下级单位）· {YEAR}年" in main
    assert f"共 {received.numerator} 条" in main
    shown = min(int(received.numerator), settings.FAZHI_PAGE_SIZE)
    assert page.locator("main table.grid tbody tr").count() == shown


def test_county_coordinator_cannot_open_the_province(page: Any, province: SeedResult) -> None:
    root = OrgUnit.objects.get(code=province.root_code)
    county = actor_of("sheng_xian_yfzb").unit
    assert county.depth == root.depth + 2
    city = county.parent
    assert city is not None
    other_city = next(
        u for u in children(root) if u.kind == UnitKind.GOVERNMENT and u.pk != city.pk
    )

    login(page, "sheng_xian_yfzb", DEMO_PASSWORD)
    for code in (root.code, city.code, other_city.code):
        response = page.goto(f"/metrics/dashboard/?unit={code}")
        assert response is not None and response.status == 404, code  # never reveals the unit
        assert "不在您的管辖范围内" in page.inner_text("main")
        assert "领导驾驶舱" not in page.inner_text("main h1")

    page.goto("/")
    open_dashboard(page)
    main = page.inner_text("main")
    assert f"{county.name}（含下级单位）· {YEAR}年" in main
    for outside in (root.name, "潇湘省", city.name, other_city.display_name):
        assert outside not in main, outside
    expected = breakdown(actor_of("sheng_xian_yfzb"), county)
    assert row_names(page) == [u.display_name for u in children(county)] + [
        f"{county.display_name}本级"
    ]
    total = expected["合计"][RECEIVED]
    assert total.value is not None and total.value > 0
    assert cell(page, "合计", RECEIVED).inner_text() == total.display
    codes = page.locator("#dashboard-filters select[name=unit] option").evaluate_all(
        "options => options.map(o => o.value)"
    )
    assert county.code in codes and root.code not in codes and city.code not in codes
