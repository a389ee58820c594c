"""The 统计分析 page, the drill-down and the API: scoped like every screen, bounded queries."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from typing import Any

import pytest
from django.urls import NoReverseMatch
from pytest_django import DjangoAssertNumQueries
from tests.metrics.builders import closed, lawsuit, save_recon, shipped_codes
from tests.personas import County

from fazhi.reconsideration.models import ReconsiderationCase

D = dt.date
pytestmark = pytest.mark.django_db


def some_cases(county: County, n: int = 3) -> None:
    save_recon(
        *(closed(county.town_a, D(2024, 5, 1), "annul") for _ in range(n)),
        *(closed(county.village_a, D(2024, 5, 2), "uphold") for _ in range(n)),
        *(closed(county.town_b, D(2024, 5, 3), "vary") for _ in range(n)),
    )


def test_metrics_page_lists_every_metric_with_links(county: County) -> None:
    some_cases(county)
    response = county.client("coordinator").get("/metrics/?period=2024")
    assert response.status_code == 200
    text = response.content.decode()
    for name in ("纠错率", "实质性化解率", "平均办理天数", "负责人出庭应诉率（按庭次）", "败诉率"):
        assert name in text
    assert "66.7%" in text  # 6 corrections of 9
    assert (
        "/metrics/reconsideration.correction_rate/drill/?unit=430199&amp;period=2024&amp;part=numerator"
        in text
    )
    assert "白沙镇人民政府" in text and "2020年至今" in text
    assert 'href="/metrics/"' in text  # the navigation entry


def test_township_clerk_sees_own_subtree_and_404_outside(county: County) -> None:
    some_cases(county)
    client = county.client("clerk_a")
    text = client.get("/metrics/?period=2024").content.decode()
    assert "白沙镇人民政府（含下级单位）" in text
    assert "50.0%" in text  # 3 corrections of 6 in town A's subtree
    assert "黄金乡" not in text
    assert client.get("/metrics/?unit=430199102&period=2024").status_code == 404
    assert client.get("/metrics/?unit=430199&period=2024").status_code == 404
    drill = "/metrics/reconsideration.closed/drill/?unit={}&period=2024&part=numerator"
    assert client.get(drill.format("430199102")).status_code == 404
    assert client.get(drill.format("430199101001")).status_code == 200
    assert client.get("/api/v1/metrics/?unit=430199102&period=2024").status_code == 404


def test_roles_without_record_access_are_refused(county: County) -> None:
    for persona in ("secadmin", "auditor"):
        client = county.client(persona)
        assert client.get("/metrics/").status_code == 403
        assert client.get("/api/v1/metrics/").status_code == 403


def test_drill_down_lists_exactly_the_records(county: County) -> None:
    some_cases(county)
    client = county.client("coordinator")
    base = "/metrics/reconsideration.correction_rate/drill/?unit=430199101&period=2024&part="
    numerator = client.get(base + "numerator").content.decode()
    denominator = client.get(base + "denominator").content.decode()
    town_a = ReconsiderationCase.objects.filter(unit__path__startswith=county.town_a.path)
    corrected = {c.number for c in town_a if c.outcome == "annul"}
    upheld = {c.number for c in town_a if c.outcome == "uphold"}
    assert all(n in numerator for n in corrected) and not any(n in numerator for n in upheld)
    assert all(n in denominator for n in corrected | upheld)
    assert "共 3 条" in numerator and "共 6 条" in denominator
    assert "黄金乡人民政府" not in denominator
    assert "查看分母" in numerator and "查看分子" in denominator
    case = town_a.first()
    assert case is not None
    with contextlib.suppress(NoReverseMatch):  # the register's pages may not be installed
        assert f'href="{case.get_absolute_url()}"' in denominator


def test_drill_down_shows_the_value_field_for_averages(county: County) -> None:
    some_cases(county)
    text = (
        county.client("coordinator")
        .get("/metrics/reconsideration.avg_days/drill/?unit=430199&period=2024&part=denominator")
        .content.decode()
    )
    assert "办理天数" in text and "共 9 条" in text


def test_drill_down_of_hearings(county: County) -> None:
    lawsuit(
        county.dept,
        filed_on=D(2024, 1, 1),
        hearings=[(D(2024, 2, 1), True), (D(2024, 3, 1), False)],
    )
    text = (
        county.client("coordinator")
        .get(
            "/metrics/litigation.head_rate_hearing/drill/?unit=430199&period=2024&part=denominator"
        )
        .content.decode()
    )
    assert (
        "庭审记录" in text and "开庭日期" in text and "共 2 条" in text and "湘江县司法局" in text
    )


@pytest.mark.parametrize(
    "url",
    [
        "/metrics/nothing.here/drill/?unit=430199&period=2024",
        "/metrics/reconsideration.closed/drill/?unit=430199&period=2024&part=denominator",
        "/metrics/reconsideration.closed/drill/?unit=430199&period=2024&part=bogus",
        "/metrics/reconsideration.closed/drill/?unit=430199&period=20x4",
        "/metrics/reconsideration.closed/drill/?unit=430199&period=2019",
        "/metrics/reconsideration.closed/drill/?unit=NOPE&period=2024",
    ],
)
def test_drill_down_bad_requests_are_404(county: County, url: str) -> None:
    assert county.client("coordinator").get(url).status_code == 404


def test_bad_period_on_the_page_is_explained(county: County) -> None:
    response = county.client("coordinator").get("/metrics/?period=2024Q5")
    assert response.status_code == 200
    assert "无法识别的统计期间“2024Q5”" in response.content.decode()
    assert "纠错率" not in response.content.decode()  # no figures of some other period


def test_average_shows_the_total_as_its_numerator(county: County) -> None:
    some_cases(county)
    text = county.client("coordinator").get("/metrics/?period=2024").content.decode()
    assert "合计" in text and "天</a>" in text


def test_quarter_and_child_unit_navigation(county: County) -> None:
    some_cases(county)
    text = county.client("coordinator").get("/metrics/?period=2024Q2").content.decode()
    assert "2024年第二季度" in text
    assert "?unit=430199101&amp;period=2024Q2" in text  # link to a sub-unit's figures
    assert "2024年第一季度" in text  # period shortcuts


def page_queries(county: County, django_assert_max_num_queries: Any, url: str, limit: int) -> str:
    client = county.client("coordinator")
    client.get(url)  # warm the session
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_page_and_drill_query_counts_do_not_grow_with_rows(
    county: County, django_assert_max_num_queries: type[DjangoAssertNumQueries]
) -> None:
    some_cases(county, n=2)
    for _ in range(4):
        lawsuit(county.dept, filed_on=D(2024, 1, 1), hearings=[(D(2024, 2, 1), True)])
    page = "/metrics/?period=2024"
    drill = "/metrics/reconsideration.closed/drill/?unit=430199&period=2024&part=numerator"
    hearings = (
        "/metrics/litigation.head_rate_hearing/drill/?unit=430199&period=2024&part=denominator"
    )
    # session, user, memberships; the menu's unread-reminder count (issue 13 item 20);
    # definitions; one aggregate per (source, unit field); picker.
    limits = {page: 10, drill: 7, hearings: 7}
    small = [page_queries(county, django_assert_max_num_queries, u, n) for u, n in limits.items()]
    some_cases(county, n=40)
    for _ in range(30):
        lawsuit(county.town_a, filed_on=D(2024, 1, 1), hearings=[(D(2024, 2, 1), False)])
    big = [page_queries(county, django_assert_max_num_queries, u, n) for u, n in limits.items()]
    assert "共 6 条" in small[1] and "共 126 条" in big[1]
    assert re.search(r"第 1 / \d+ 页", big[1])


def test_api_lists_metrics_for_a_unit(county: County) -> None:
    some_cases(county)
    client = county.client("coordinator")
    response = client.get("/api/v1/metrics/?unit=430199101&period=2024")
    assert response.status_code == 200
    rows = {r["code"]: r for r in response.json()}
    assert set(rows) == shipped_codes(2024)  # every register's metrics, once each
    assert len(response.json()) == len(rows)
    rate = rows["reconsideration.correction_rate"]
    assert rate | {"numerator_url": "", "denominator_url": ""} == {
        "code": "reconsideration.correction_rate",
        "name": "纠错率",
        "group": "行政复议",
        "value": 50.0,
        "display": "50.0%",
        "unit": "%",
        "numerator": 3,
        "denominator": 6,
        "version": 2020,
        "period": "2024",
        "period_label": "2024年",
        "org_unit": "430199101",
        "numerator_url": "",
        "denominator_url": "",
    }
    assert rate["numerator_url"].endswith("part=numerator")
    assert rows["reconsideration.closed"]["value"] == 6
    assert rows["reconsideration.closed"]["denominator"] is None
    assert (
        rows["litigation.loss_rate"]["value"] is None
        and rows["litigation.loss_rate"]["display"] == "—"
    )
    one = client.get("/api/v1/metrics/?period=2024Q2&code=reconsideration.closed").json()
    assert [(r["code"], r["value"], r["org_unit"]) for r in one] == [
        ("reconsideration.closed", 9, "430199")
    ]
    assert client.get("/api/v1/metrics/?period=bad").status_code == 422
    assert "/api/v1/metrics/" in client.get("/api/v1/openapi.json").content.decode()
