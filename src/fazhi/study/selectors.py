"""Reads of the 学法 register: a unit's category and target, the sessions counted, the home
tile's count."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from fazhi.orgs.models import OrgUnit, UnitKind, UnitLevel
from fazhi.orgs.scoping import Actor, visible_to
from fazhi.study.models import StudyTarget, UnitCategory, UnitYear
from fazhi.study.targets import fixture_rows

ABOVE_TOWNSHIP = (UnitLevel.PROVINCE, UnitLevel.CITY, UnitLevel.COUNTY)


@dataclass(frozen=True)
class Target:
    """The target that applies to a unit category in a province and year."""

    min_sessions: int
    kinds: tuple[str, ...]  # empty: every kind counts
    basis: str = ""

    @property
    def kinds_text(self) -> str:
        return ",".join(self.kinds)


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def category_of(unit: OrgUnit) -> str:
    """The unit's category for the targets ("" when none applies): a 人民政府 at county level or
    above, a 政府工作部门 at county level or above, a 乡镇人民政府 (a township, or a government at
    township level). Party offices, courts and township-level offices have no target."""
    if unit.kind == UnitKind.GOVERNMENT:
        if unit.level in ABOVE_TOWNSHIP:
            return UnitCategory.GOVERNMENT
        return UnitCategory.TOWNSHIP
    if unit.kind == UnitKind.TOWNSHIP:
        return UnitCategory.TOWNSHIP
    if unit.kind == UnitKind.DEPARTMENT and unit.level in ABOVE_TOWNSHIP:
        return UnitCategory.DEPARTMENT
    return ""


def target_for(*, province_code: str, year: int, category: str) -> Target | None:
    """The province's own row with the latest ``from_year`` ≤ ``year`` for the category, else
    the rows for every province (blank code), else the fixture's; None without a category."""
    if not category:
        return None
    row = (
        StudyTarget.objects.filter(
            Q(province_code=province_code) | Q(province_code=""),
            category=category,
            from_year__lte=year,
        )
        .order_by("-province_code", "-from_year")
        .first()
    )
    if row is not None:
        return Target(row.min_sessions, row.kind_codes, row.basis)
    for item in fixture_rows():
        if not item["province_code"] and item["category"] == category:
            kinds = tuple(k for k in item.get("kinds", "").split(",") if k)
            return Target(int(item["min_sessions"]), kinds, item.get("basis", ""))
    return None


def categorized_units(units: Sequence[OrgUnit]) -> list[OrgUnit]:
    """The units (active) that have a category, in tree order."""
    return sorted((u for u in units if u.is_active and category_of(u)), key=lambda u: u.path)


def quarters_done(today: dt.date) -> int:
    """Whole quarters of ``today``'s year already over (0 in the first quarter)."""
    return (today.month - 1) // 3


def behind(qs: QuerySet[UnitYear], today: dt.date) -> QuerySet[UnitYear]:
    """Rows of ``today``'s year behind the pace of their target: fewer sessions than the
    target's share of the quarters already over (target × quarters ÷ 4; none in the first
    quarter). Rows of past years: those that missed the target."""
    done = quarters_done(today)
    current = Q(year=today.year) & Q(paced__lt=F("target") * done)
    return qs.annotate(paced=F("counted") * 4).filter(current | Q(year__lt=today.year, met=False))


def short_count(actor: Actor, today: dt.date) -> int:
    """Units in the actor's subtree behind the pace of this year's 学法 target (the home
    tile)."""
    rows = UnitYear.objects.filter(year=today.year, met=False)
    return behind(visible_to(rows, actor), today).count()
