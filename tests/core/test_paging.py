"""Bounded pagination: the total is counted only up to a cap, in one bounded query."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.personas import County

from fazhi.core.paging import BoundedPaginator
from fazhi.orgs.models import OrgUnit


class Small(BoundedPaginator):
    cap = 3


def test_lists_are_counted_up_to_the_cap() -> None:
    assert Small(list(range(3)), 2).count_label == "共 3 条"
    many = Small(list(range(50)), 2)
    assert (many.count, many.capped, many.count_label) == (4, True, "超过 3 条")


def test_querysets_are_counted_with_a_limit(county: County) -> None:
    qs: Any = OrgUnit.objects.order_by("path")
    paginator = Small(qs, 2)
    with CaptureQueriesContext(connection) as ctx:
        assert paginator.count == 4 and paginator.capped
    assert len(ctx.captured_queries) == 1
    assert "LIMIT 4" in ctx.captured_queries[0]["sql"].upper()
    assert BoundedPaginator(qs, 2).count == 5  # the test county's units, below the cap
