"""Numbers out of range in a generated list's query never reach the database: the API answers
422 with the parameter named, the list page shows an empty list (never a 500). Issue 14: limits,
negative offsets and ids in paths too (tests/core/test_issue14_api_errors.py has the rest)."""

from __future__ import annotations

import pytest
from tests.personas import County

HUGE = "1" + "0" * 30


@pytest.mark.parametrize(
    ("query", "param"),
    [
        (f"year={HUGE}", "year"),
        ("year=99999", "year"),
        (f"offset={HUGE}", "offset"),
        ("offset=-1", "offset"),
        ("limit=0", "limit"),
        ("limit=-1", "limit"),
        ("limit=501", "limit"),
        (f"limit={HUGE}", "limit"),
        (f"closed_year={HUGE}", "closed_year"),
        (f"judged_year={HUGE}", "judged_year"),
    ],
)
def test_api_refuses_out_of_range_numbers(county: County, query: str, param: str) -> None:
    client = county.client("clerk_a")
    apps = ("reconsideration", "litigation")
    if param.endswith("_year"):  # each register's own 年度 filter
        apps = ("reconsideration",) if param == "closed_year" else ("litigation",)
    for app in apps:
        response = client.get(f"/api/v1/{app}/cases?{query}")
        assert response.status_code == 422
        assert response.json()["detail"][0].startswith(f"查询参数 {param}：")


@pytest.mark.parametrize("case_id", [HUGE, str(2**63), "0", "-3"])
def test_api_refuses_ids_out_of_range(county: County, case_id: str) -> None:
    client = county.client("clerk_a")
    for app in ("reconsideration", "litigation"):
        response = client.get(f"/api/v1/{app}/cases/{case_id}")
        assert response.status_code == 422
        assert response.json()["detail"] == [
            "路径参数 case_id：" + ("不能小于 1" if int(case_id) < 1 else f"不能大于 {2**63 - 1}")
        ]


@pytest.mark.parametrize("year", [HUGE, "99999", "abc"])
def test_list_page_shows_nothing_for_an_impossible_year(county: County, year: str) -> None:
    client = county.client("clerk_a")
    for path in ("/reconsideration/cases/", "/litigation/cases/"):
        response = client.get(f"{path}?year={year}")
        assert response.status_code == 200
