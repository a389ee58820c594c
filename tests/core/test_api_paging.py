"""API list pages (``core.api_paging.api_page``): the page's rows and a total counted up to the
list pages' cap, with as few queries as possible."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.personas import County

from fazhi.core.api_paging import MAX_LIMIT, PageOut, api_page
from fazhi.core.paging import COUNT_CAP, BoundedPaginator
from fazhi.orgs.models import OrgUnit


def units() -> Any:
    return OrgUnit.objects.order_by("path")  # the test county: 5 units


def test_the_count_is_exact_up_to_the_cap(county: County) -> None:
    page = api_page(units(), limit=2, offset=0, cap=5)
    assert [u.code for u in page.rows] == [u.code for u in units()[:2]]
    assert (page.count, page.capped) == (5, False)
    assert page.counts == {"count": 5, "count_capped": False}
    assert PageOut(**page.counts).count == 5


def test_beyond_the_cap_the_count_is_the_cap(county: County) -> None:
    for offset in (0, 2, 4, 9):
        page = api_page(units(), limit=2, offset=offset, cap=3)
        assert (page.count, page.capped) == (3, True), offset
    assert len(api_page(units(), limit=2, offset=4, cap=3).rows) == 1


def test_the_cap_is_the_list_pages_cap(county: County, monkeypatch: pytest.MonkeyPatch) -> None:
    assert BoundedPaginator.cap == COUNT_CAP == 10_000
    monkeypatch.setattr(BoundedPaginator, "cap", 4)
    page = api_page(units(), limit=1, offset=0)
    assert (page.count, page.capped) == (4, True)


def test_one_bounded_count_query_and_none_on_the_last_page(county: County) -> None:
    with CaptureQueriesContext(connection) as ctx:
        page = api_page(units(), limit=2, offset=0, cap=3)
    assert (page.count, page.capped) == (3, True)
    assert len(ctx.captured_queries) == 2
    assert "LIMIT 4" in ctx.captured_queries[1]["sql"].upper()
    with CaptureQueriesContext(connection) as ctx:
        last = api_page(units(), limit=4, offset=2, cap=10)
    assert (len(last.rows), last.count, last.capped) == (3, 5, False)
    assert len(ctx.captured_queries) == 1  # a short page is the last one: nothing to count
    with CaptureQueriesContext(connection) as ctx:
        past = api_page(units(), limit=2, offset=7, cap=10)
    assert (past.rows, past.count, past.capped) == ([], 5, False)
    assert len(ctx.captured_queries) == 2


def test_limit_and_offset_are_clamped(county: County) -> None:
    assert len(api_page(units(), limit=0, offset=-3).rows) == 1
    with CaptureQueriesContext(connection) as ctx:
        api_page(units(), limit=10_000, offset=0)
    assert f"LIMIT {MAX_LIMIT}" in ctx.captured_queries[0]["sql"].upper()
