"""County demo data of the 法律顾问 registers (kit hook ``demo_county``), written through the
services: for each demo year, the county government and most departments and townships engage
a 常年法律顾问 (some units none, so the coverage is under 100 %), the government two 公职律师,
and each adviser takes a few typed 涉法事务. Randomness from ``ctx.rng_for(NAME)`` only, dates
within ``ctx.year_range`` (never the clock). The participations counted from the 合法性审查 and
重大行政决策 demo data (reviewers of kind 法律顾问/公职律师 whose names are on the roster) are
stored by :func:`fazhi.counsel.counting.participations_refresh` at the end.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict

from fazhi.counsel.counting import ADVISER_REVIEWERS, participations_refresh
from fazhi.counsel.coverage import coverage_refresh
from fazhi.counsel.models import Counsel, CounselKind, ParticipationKind
from fazhi.counsel.services import counsel_register, participation_register
from fazhi.demo import cases as c
from fazhi.demo.generator import CountyContext
from fazhi.legality.models import Review
from fazhi.orgs.models import OrgUnit, UnitKind

NAME = "counsel"
LABEL = "法律顾问"
FIRMS = ("湘江律师事务所", "芙蓉律师事务所", "潇湘律师事务所", "明德律师事务所")
#: Share of departments and townships with an adviser (the rest: coverage under 100 %).
SHARE = 0.8
TYPED = (
    (ParticipationKind.CONTRACT, "审查{}合同"),
    (ParticipationKind.LITIGATION, "代理{}行政诉讼案件"),
    (ParticipationKind.PETITION, "参与{}信访事项化解"),
    (ParticipationKind.INVESTMENT, "参与{}招商引资项目谈判"),
)
SUBJECTS = ("政府采购", "国有土地使用权出让", "征收补偿", "特许经营", "物业服务", "工程建设")


def _name(rng: random.Random, unit: OrgUnit, taken: set[tuple[int, str]]) -> str:
    name = c.person_name(rng)
    while (unit.pk, name) in taken:
        name = c.person_name(rng)
    taken.add((unit.pk, name))
    return name


def _typed(ctx: CountyContext, rng: random.Random, counsel: Counsel, year: int) -> int:
    first, last = c.year_bounds(year)
    first, last = max(first, counsel.contract_start), min(last, counsel.contract_end)
    if first > last:
        return 0
    written = 0
    for _ in range(rng.randint(1, 3)):
        kind, pattern = rng.choice(TYPED)
        participation_register(
            actor=ctx.actor,
            counsel=counsel,
            on=first + dt.timedelta(days=rng.randint(0, (last - first).days)),
            kind=kind,
            subject=pattern.format(rng.choice(SUBJECTS)),
        )
        written += 1
    return written


def _named_in_reviews(ctx: CountyContext) -> dict[int, list[str]]:
    """Unit id → the names of 法律顾问/公职律师 reviewers in the 合法性审查 demo items it reviewed
    (most frequent first): the roster engages them, so their opinions are counted."""
    first, last = dt.date(ctx.year_range.start, 1, 1), dt.date(ctx.year_range.stop - 1, 12, 31)
    tally: dict[int, Counter[str]] = defaultdict(Counter)
    rows = Review.objects.filter(
        unit__in=[u.pk for u in ctx.units.values()], completed_on__range=(first, last)
    ).order_by("pk")
    for unit_id, reviewers in rows.values_list("unit_id", "reviewers"):
        for item in reviewers or []:
            if isinstance(item, dict) and item.get("kind") in ADVISER_REVIEWERS:
                tally[unit_id][str(item["name"])] += 1
    return {unit_id: [n for n, _ in counts.most_common()] for unit_id, counts in tally.items()}


def fill(ctx: CountyContext) -> int:
    """One contract per unit over all the demo years (1 January of the first to 31 December of
    the last) for the county government and about four in five departments and townships —
    named after the advisers the 合法性审查 demo items name where there are some — and two
    公职律师 of the government; a few typed participations a year each; then the coverage rows
    of every demo year and the counted participations. Returns advisers + typed rows written."""
    rng = ctx.rng_for(NAME)
    kinds = (UnitKind.DEPARTMENT, UnitKind.TOWNSHIP)
    others = sorted(
        (u for u in ctx.units.values() if u.kind in kinds and u != ctx.root), key=lambda u: u.code
    )
    chosen = [u for u in others if rng.random() < SHARE]
    named = _named_in_reviews(ctx)
    start, end = dt.date(ctx.year_range.start, 1, 1), dt.date(ctx.year_range.stop - 1, 12, 31)
    taken: set[tuple[int, str]] = set()
    engaged: list[Counsel] = []
    for unit in [ctx.root, *chosen]:
        names = [n for n in named.get(unit.pk, []) if (unit.pk, n) not in taken]
        name = names[0] if names else _name(rng, unit, taken)
        taken.add((unit.pk, name))
        engaged.append(
            counsel_register(
                actor=ctx.actor,
                unit=unit,
                name=name,
                kind=CounselKind.RETAINED,
                firm=rng.choice(FIRMS),
                contract_no=f"FG-{start.year}-{unit.code[-4:]}",
                contract_start=start,
                contract_end=end,
                fee=rng.choice((30000, 50000, 80000)),
            )
        )
    for _ in range(2):
        engaged.append(
            counsel_register(
                actor=ctx.actor,
                unit=ctx.root,
                name=_name(rng, ctx.root, taken),
                kind=CounselKind.STAFF,
                post="县司法局公职律师",
                contract_start=start,
                contract_end=end,
            )
        )
    written = len(engaged)
    for year in ctx.year_range:
        for counsel in engaged:
            written += _typed(ctx, rng, counsel, year)
        coverage_refresh(year=year, units=list(ctx.units.values()))
    participations_refresh()
    return written
