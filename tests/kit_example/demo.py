"""Demo data for the 法律顾问 register: the county filler and the city/province seeder.

* :func:`fill` (kit hook ``demo_county``) registers a few counsels a year for the county
  government and its 乡镇/街道 through :func:`tests.kit_example.services.counsel_register`,
  so every row has its timeline event and audit entry. Dates come from ``ctx.year_range``
  and randomness from ``ctx.rng_for(NAME)`` only (never the clock).
* :func:`seed` (kit hook ``demo_scale``) writes counsels in bulk through ``ctx.writer``; a
  contract that ended before the horizon is moved with ``COUNSELS.advance(obj, "expire")``,
  never by assigning ``status``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from tests.kit_example.models import Counsel, CounselKind
from tests.kit_example.services import counsel_register
from tests.kit_example.workflow import COUNSELS

from fazhi.demo import cases as c
from fazhi.demo.generator import CountyContext
from fazhi.demo.scale import ScaleContext
from fazhi.orgs.models import OrgUnit, UnitKind

NAME = "kit_example"  # the RNGs' name: the app label
FIRMS = ("湘江律师事务所", "芙蓉律师事务所", "潇湘律师事务所", "明德律师事务所")
KINDS = ((CounselKind.RETAINED, 6.0), (CounselKind.SPECIAL, 3.0), (CounselKind.STAFF, 1.0))


Pick = Callable[[random.Random, dt.date, dt.date], dt.date]


def _terms(
    rng: random.Random, year: int, n: int, pick: Pick = c.pick_workday
) -> list[tuple[dt.date, dt.date]]:
    """``n`` contract periods starting on working days of ``year``: one to three years each."""
    first, last = c.year_bounds(year)
    starts = sorted(pick(rng, first, last) for _ in range(n))
    return [(s, s + dt.timedelta(days=365 * rng.randint(1, 3) - 1)) for s in starts]


def _person(rng: random.Random, unit: OrgUnit, taken: set[tuple[int, str]]) -> str:
    name = c.person_name(rng)
    while (unit.pk, name) in taken:
        name = c.person_name(rng)
    taken.add((unit.pk, name))
    return name


def fill(ctx: CountyContext) -> int:
    """A retained counsel for the county government each year, and one for about a third of
    the 乡镇/街道; returns how many were registered."""
    rng = ctx.rng_for(NAME)
    towns = [u for u in ctx.units.values() if u.kind == UnitKind.TOWNSHIP]
    taken: set[tuple[int, str]] = set()
    written = 0
    for year in ctx.year_range:
        units = [ctx.root, *(t for t in towns if rng.random() < 0.35)]
        for unit, (start, end) in zip(units, _terms(rng, year, len(units)), strict=True):
            counsel_register(
                actor=ctx.actor,
                unit=unit,
                name=_person(rng, unit, taken),
                firm=rng.choice(FIRMS),
                kind=c.weighted(rng, KINDS) if unit != ctx.root else CounselKind.RETAINED,
                contract_start=start,
                contract_end=end,
            )
            written += 1
    return written


def seed(ctx: ScaleContext) -> int:
    """One to three counsels a year per government (scaled by its size), in bulk."""
    ctx.writer.register(Counsel)
    written = 0
    for gov, year in ctx.government_years():
        rng = ctx.rng(gov, NAME)
        units = [gov.unit, *(unit for unit, _ in gov.members)]
        for start, end in _terms(rng, year, ctx.count(rng, gov, (1, 3)), ctx.pick):
            counsel = Counsel(
                unit=rng.choice(units),
                name=c.person_name(rng),
                firm=rng.choice(FIRMS),
                kind=c.weighted(rng, KINDS),
                contract_start=start,
                contract_end=end,
            )
            if end < ctx.horizon:
                COUNSELS.advance(counsel, "expire")
                counsel.ended_on = end
            ctx.writer.add(counsel)
            written += 1
    return written
