"""The yearly 法律顾问覆盖 rows (:class:`CoverageYear`): one per unit and year, for the units
that should have an adviser (by kind, ``fixtures/coverage.json``) and those that have one.

A unit is *covered* in a year when one of its own advisers (any kind) was in post on some day
of that year: ``contract_start`` ≤ 31 Dec and the last day in post (``ended_on`` if 已解聘,
otherwise ``contract_end``) ≥ 1 Jan. The rows are refreshed by the 登记 service and the
transitions for the adviser's unit and years, by the daily sweep for the current year, and by
the demo filler for its years; the metrics count them (the engine counts stored rows only).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from django.db.models import Count, Q

from fazhi.counsel.models import Counsel, CoverageYear, Status
from fazhi.orgs.models import OrgUnit

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "coverage.json"


@cache
def required_kinds() -> tuple[str, ...]:
    """OrgUnit kinds that should have a 法律顾问 (data parameter, default 政府、部门、乡镇街道)."""
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return tuple(data["required_kinds"])


def in_post_q(first: dt.date, last: dt.date) -> Q:
    """Advisers in post on some day of ``first``…``last``."""
    ended = Q(status=Status.TERMINATED, ended_on__isnull=False)
    return Q(contract_start__lte=last) & (
        (ended & Q(ended_on__gte=first)) | (~ended & Q(contract_end__gte=first))
    )


def advisers_by_unit(year: int, unit_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Unit id → how many of its own advisers were in post on some day of ``year``."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = Counsel.objects.filter(in_post_q(first, last))
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=list(unit_ids))
    counts = rows.order_by().values("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n")
    return dict(counts)


def coverage_refresh(*, year: int, units: Iterable[OrgUnit] | None = None) -> int:
    """Bring the rows of ``year`` (for ``units``, default every active unit and every unit with
    a row) in line with the roster (an inactive unit is not required); returns how many rows
    were written or deleted. Idempotent."""
    if units is None:  # every active unit, and those with a row (a unit since deactivated)
        with_row = CoverageYear.objects.filter(year=year).values("unit_id")
        units = OrgUnit.objects.filter(Q(is_active=True) | Q(pk__in=with_row))
    chosen = list(units)
    counts = advisers_by_unit(year, [u.pk for u in chosen])
    existing = {
        row.unit_id: row
        for row in CoverageYear.objects.filter(year=year, unit__in=[u.pk for u in chosen])
    }
    kinds = required_kinds()
    changed = 0
    for unit in chosen:
        required = unit.is_active and unit.kind in kinds
        advisers = counts.get(unit.pk, 0)
        has = advisers > 0
        row = existing.get(unit.pk)
        if not required and not has:
            if row is not None:
                row.delete()
                changed += 1
            continue
        if row is None:
            CoverageYear(
                unit=unit,
                year=year,
                on=dt.date(year, 1, 1),
                required=required,
                covered=has,
                advisers=advisers,
            ).save()
            changed += 1
        elif (row.required, row.covered, row.advisers) != (required, has, advisers):
            row.required, row.covered, row.advisers = required, has, advisers
            row.save(update_fields=["required", "covered", "advisers"])
            changed += 1
    return changed


def coverage_refresh_for(counsel: Counsel) -> int:
    """The rows of the adviser's unit for every year of the contract."""
    return sum(
        coverage_refresh(year=year, units=[counsel.unit])
        for year in range(counsel.contract_start.year, counsel.contract_end.year + 1)
    )
