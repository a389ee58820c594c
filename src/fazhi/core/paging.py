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


class BoundedPaginator(Paginator):  # type: ignore[type-arg]
    """A Paginator whose ``count`` is ``min(rows, cap + 1)``: one bounded query."""

    cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        qs: Any = self.object_list
        if hasattr(qs, "order_by"):
            return int(qs.order_by()[: self.cap + 1].count())
        return min(len(qs), self.cap + 1)

    @property
    def capped(self) -> bool:
        """True when there are more rows than were counted."""
        return self.count > self.cap

    @property
    def count_label(self) -> str:
        return f"超过 {self.cap} 条" if self.capped else f"共 {self.count} 条"
