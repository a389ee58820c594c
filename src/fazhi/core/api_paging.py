"""One page of a REST list (``?limit=&offset=``) with the total counted up to a cap, as on the
list pages (:class:`fazhi.core.paging.BoundedPaginator`): an exact ``COUNT(*)`` over a million
filtered rows costs more than the page itself.

An endpoint's response schema extends :class:`PageOut` with its ``items``::

    class CasePage(PageOut):
        items: list[CaseOut]

    page = api_page(qs, limit=limit, offset=offset)
    return CasePage(**page.counts, items=[CaseOut.of(c) for c in page.rows])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models
from ninja import Field, Schema

from fazhi.core.paging import COUNT_CAP, BoundedPaginator, bounded_count

#: The most rows one request returns (a larger ``limit`` is reduced to it).
MAX_LIMIT = 500

T = TypeVar("T", bound=models.Model)


class PageOut(Schema):
    """The counting fields of a list response (the endpoint adds ``items``)."""

    count: int = Field(
        description=f"符合条件的记录数；超过上限（{COUNT_CAP}）时为上限，并且 count_capped 为 true"
    )
    count_capped: bool = Field(
        description=(
            "为 true 时记录数超过 count（只数到上限）；按 offset 翻页，直到返回的条数少于 limit"
        )
    )


@dataclass(frozen=True)
class ApiPage(Generic[T]):
    """The rows of one page and the total: exact up to ``cap``; beyond it ``count == cap``
    and ``capped``."""

    rows: list[T]
    count: int
    capped: bool

    @property
    def counts(self) -> dict[str, Any]:
        """The fields of :class:`PageOut`."""
        return {"count": self.count, "count_capped": self.capped}


def api_page(
    qs: models.QuerySet[T], *, limit: int, offset: int, cap: int | None = None
) -> ApiPage[T]:
    """The page ``qs[offset : offset + limit]`` (``limit`` clamped to 1..:data:`MAX_LIMIT`,
    ``offset`` to 0 and up) and the bounded total. ``cap`` defaults to the list pages' cap.

    A short page that is not past the end is the last one, so its total is known without
    counting; otherwise one ``COUNT`` over at most ``cap + 1`` rows.
    """
    cap = BoundedPaginator.cap if cap is None else cap
    limit, offset = max(1, min(limit, MAX_LIMIT)), max(0, offset)
    rows = list(qs[offset : offset + limit])
    if len(rows) < limit and (rows or offset == 0):
        total = offset + len(rows)
    else:
        total = bounded_count(qs, cap)
    return ApiPage(rows=rows, count=min(total, cap), capped=total > cap)
