"""Numbers out of range in a generated list's query never reach the database: the API answers
422 with the parameter named, the list page shows an empty list (never a 500)."""

from __future__ import annotations

import pytest
from tests.personas import County

HUGE = "1" + "0" * 30


@pytest.mark.parametrize(
    ("query", "param"),
    [(f"year={HUGE}", "year"), ("year=99999", "year"), (f"offset={HUGE}", "offset")],
)
def test_api_refuses_out_of_range_numbers(county: County, query: str, param: str) -> None:
    client = county.client("clerk_a")
    for app in ("reconsideration", "litigation"):
        response = client.get(f"/api/v1/{app}/cases?{query}")
        assert response.status_code == 422
        assert param in response.content.decode()


@pytest.mark.parametrize("year", [HUGE, "99999", "abc"])
def test_list_page_shows_nothing_for_an_impossible_year(county: County, year: str) -> None:
    client = county.client("clerk_a")
    for path in ("/reconsideration/cases/", "/litigation/cases/"):
        response = client.get(f"{path}?year={year}")
        assert response.status_code == 200
