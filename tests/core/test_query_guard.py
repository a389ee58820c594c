"""A NUL in a query string is refused with 400 before any view reads it (PostgreSQL cannot hold
NUL in text, so a filter passing it on would answer 500)."""

from __future__ import annotations

import pytest
from tests.personas import County


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["?act_category=%00", "?q=a%00b", "?%00=1", "?year=2024&status=%00accepted"]
)
def test_a_page_refuses_nul_with_a_chinese_page(county: County, query: str) -> None:
    response = county.client("clerk_a").get("/reconsideration/cases/" + query)
    assert response.status_code == 400
    assert "不允许的控制字符" in response.content.decode()


@pytest.mark.django_db
def test_the_api_refuses_nul_with_json(county: County) -> None:
    response = county.client("clerk_a").get("/api/v1/reconsideration/cases?status=%00")
    assert response.status_code == 400
    assert "不允许的控制字符" in response.json()["detail"]


@pytest.mark.django_db
def test_ordinary_queries_pass(county: County) -> None:
    response = county.client("clerk_a").get("/reconsideration/cases/?q=%E6%B9%98")
    assert response.status_code == 200
