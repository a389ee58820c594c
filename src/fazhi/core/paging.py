"""Pagination that stays fast on large tables: the total is counted up to a cap only.

``COUNT(*)`` over a million filtered rows costs more than the page itself; users need "more
than 10,000" rather than the exact figure, and the metric values already give exact totals.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator

#: Count at most this many rows; beyond it the pager says "超过 N 条".
COUNT_CAP = 10_000


def bounded_count(rows: Any, cap: int) -> int:
    """``min(len(rows), cap + 1)``; for a queryset one ``COUNT`` over at most ``cap + 1`` rows
    (a subquery with ``LIMIT``, ordering dropped), so a result above ``cap`` means "more"."""
    if hasattr(rows, "order_by"):
        return int(rows.order_by()[: cap + 1].count())
    return min(len(rows), cap + 1)


class BoundedPaginator(Paginator[Any]):
    """A Paginator whose ``count`` is ``min(rows, cap + 1)``: one bounded query. ``cap`` is
    also the cap of the API lists (:mod:`fazhi.core.api_paging`)."""

    cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        return bounded_count(self.object_list, self.cap)

    @property
    def capped(self) -> bool:
        """True when there are more rows than were counted."""
        return self.count > self.cap

    @property
    def count_label(self) -> str:
        return f"超过 {self.cap} 条" if self.capped else f"共 {self.count} 条"


#: The largest id or count a query parameter may name: a 32-bit signed integer, which every
#: database column the pages filter on holds.
QUERY_INT_MAX = 2**31 - 1


def query_int(value: str | None, *, low: int = 0, high: int = QUERY_INT_MAX) -> int | None:
    """A query parameter as an integer in ``low``–``high``, or None when it is missing, not
    a number, or out of range (so that ``?unit=10**30`` filters to nothing rather than failing
    in the database)."""
    text = (value or "").strip()
    if not text.lstrip("-").isdigit() or len(text) > 12:
        return None
    number = int(text)
    return number if low <= number <= high else None
