"""Reads of the 行政执法培训 register, including the contract other apps call.

Contract (docs: CONTRACT of issue 17; H1's 年度注册 calls :func:`hours_short_problem`):

* :func:`hours_by_officer` — total hours per officer in a year (from the attendance rows);
* :func:`target_hours` — the yearly target for a province (data: :class:`HoursTarget`);
* :func:`hours_short_problem` — "" when the year's hours meet the target, else the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q, Sum

from fazhi.core.selectors import province_code_of
from fazhi.enforcement_training.models import Attendance, HoursTarget, OfficerYear
from fazhi.enforcement_training.targets import fixture_rows
from fazhi.orgs.scoping import Actor, visible_to

if TYPE_CHECKING:
    from fazhi.enforcement.models import Officer

ZERO = Decimal("0")
TYPE_FIELDS = ("public_hours", "professional_hours", "skill_hours")


@dataclass(frozen=True)
class Target:
    """The target that applies to a province in a year."""

    hours: Decimal
    min_public: Decimal = ZERO
    min_professional: Decimal = ZERO
    min_skill: Decimal = ZERO
    basis: str = ""


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def hours_text(value: Decimal) -> str:
    """42 → "42", 42.5 → "42.5"."""
    text = f"{value.normalize():f}"
    return text


def target_for(*, province_code: str, year: int) -> Target:
    """The province's own row with the latest ``from_year`` ≤ ``year``, else the rows for
    every province (blank code), else the fixture's default."""
    rows = HoursTarget.objects.filter(
        Q(province_code=province_code) | Q(province_code=""), from_year__lte=year
    ).order_by("-province_code", "-from_year")
    row = rows.first()
    if row is not None:
        return Target(row.hours, row.min_public, row.min_professional, row.min_skill, row.basis)
    default = next(r for r in fixture_rows() if not r["province_code"])
    return Target(Decimal(default["hours"]), basis=default.get("basis", ""))


def target_hours(*, province_code: str, year: int) -> Decimal:
    """The yearly target in 学时 for ``province_code`` (default 60, data per province)."""
    return target_for(province_code=province_code, year=year).hours


def hours_by_type(*, officer_ids: Sequence[int], year: int) -> dict[int, dict[str, Decimal]]:
    """Hours by type per officer in ``year`` (officers without any are left out)."""
    first, last = year_bounds(year)
    rows = (
        Attendance.objects.filter(officer_id__in=list(officer_ids), on__range=(first, last))
        .values("officer_id")
        .annotate(**{name: Sum(name) for name in TYPE_FIELDS})
    )
    return {r["officer_id"]: {n: r[n] or ZERO for n in TYPE_FIELDS} for r in rows}


def hours_by_officer(*, officer_ids: Sequence[int], year: int) -> dict[int, Decimal]:
    """Total hours per officer in ``year``; every id given is a key (0 when none)."""
    found = hours_by_type(officer_ids=officer_ids, year=year)
    return {pk: sum(found.get(pk, {}).values(), ZERO) for pk in officer_ids}


def shortfall(by_type: dict[str, Decimal], target: Target, year: int) -> str:
    """The reason the hours miss the target ("" when met)."""
    total = sum(by_type.values(), ZERO)
    if total < target.hours:
        return (
            f"{year}年度培训学时 {hours_text(total)} 学时，未达到 {hours_text(target.hours)} 学时"
        )
    minimums = (
        ("public_hours", "公共法律知识", target.min_public),
        ("professional_hours", "专业法律知识", target.min_professional),
        ("skill_hours", "执法技能", target.min_skill),
    )
    for name, label, least in minimums:
        have = by_type.get(name, ZERO)
        if least and have < least:
            return (
                f"{year}年度{label}培训学时 {hours_text(have)} 学时，"
                f"未达到 {hours_text(least)} 学时"
            )
    return ""


def hours_short_problem(officer: Officer, year: int) -> str:
    """ "" when ``officer``'s hours in ``year`` meet the target of the officer's province, else
    e.g. "2026年度培训学时 42 学时，未达到 60 学时，不予年度注册"."""
    by_type = hours_by_type(officer_ids=[officer.pk], year=year).get(officer.pk, {})
    target = target_for(province_code=province_code_of(officer.unit), year=year)
    reason = shortfall({n: by_type.get(n, ZERO) for n in TYPE_FIELDS}, target, year)
    return f"{reason}，不予年度注册" if reason else ""


def short_count(actor: Actor, year: int) -> int:
    """Officers holding a certificate in ``year`` in the actor's subtree short of the target
    (the home tile)."""
    qs = OfficerYear.objects.filter(year=year, certified=True, met=False)
    return visible_to(qs, actor).count()
