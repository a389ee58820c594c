"""Demo data for the 人民调解 registers, written through the services.

:func:`fill` (kit hook ``demo_county``) gives every 乡镇/街道 a 人民调解委员会 and two village
committees, the county 司法局 two 行业性专业性 committees (医疗纠纷, 道路交通事故), two to four
mediators each, and about 200 disputes per full year with a realistic mix of types, about 97%
mediated successfully, some agreements sent for 司法确认 within the 30-day period, a few
reported to the police. Some committees' terms started long enough ago to have ended: they are
marked 任期届满 (as the daily sweep would). Dates come from ``ctx.year_range`` (and never after
``ctx.as_of``), randomness from ``ctx.rng_for(NAME)`` only; no clock is read.
"""

from __future__ import annotations

import datetime as dt
import random

from fazhi.demo import cases as c
from fazhi.demo.generator import CountyContext
from fazhi.mediation import services
from fazhi.mediation.models import Committee, CommitteeKind, DisputeType
from fazhi.orgs.models import OrgUnit

NAME = "mediation"
LABEL = "人民调解案件"
CASES_PER_YEAR = (170, 230)
#: (type code, weight): 婚姻家庭 and 邻里 lead, as in the yearly 人民调解 statistics
TYPE_MIX = (
    ("marriage", 22), ("neighbour", 20), ("housing", 10), ("contract", 8), ("business", 5),
    ("damages", 9), ("labour", 6), ("land", 7), ("expropriation", 3), ("medical", 2),
    ("traffic", 4), ("property", 2), ("other", 2),
)  # fmt: skip
SOURCES = (("application", 70), ("own", 18), ("court", 5), ("police", 5), ("other", 2))
VILLAGES = ("红星", "新塘", "石桥", "枫林", "荷花", "长岭")
TERMS = (
    "当事人一方一次性赔偿对方医疗费、误工费等损失",
    "双方确认边界，拆除越界部分，互不追究",
    "分三期支付欠款，每期于月底前付清",
    "双方同意协议离婚，子女由女方抚养，男方按月支付抚养费",
    "物业公司减免部分物业费，业主按期缴纳其余费用",
)


def _committees(ctx: CountyContext, rng: random.Random) -> list[Committee]:
    first_year = ctx.year_range[0]
    made: list[Committee] = []

    def make(unit: OrgUnit, name: str, kind: str) -> None:
        start = c.pick_workday(rng, dt.date(first_year - 3, 1, 1), dt.date(first_year, 6, 30))
        made.append(
            services.committee_register(
                actor=ctx.actor,
                unit=unit,
                name=name,
                kind=kind,
                director=c.person_name(rng),
                members=rng.randint(3, 9),
                term_start=start,
                filed_on=c.add_workdays(start, rng.randint(3, 25)),
            )
        )

    for town in c.townships(ctx):
        make(town, f"{town.short_name or town.name}人民调解委员会", CommitteeKind.TOWNSHIP)
        for village in rng.sample(VILLAGES, 2):
            make(town, f"{village}村人民调解委员会", CommitteeKind.VILLAGE)
    bureau = c.justice_bureau(ctx)
    for name in ("医疗纠纷人民调解委员会", "道路交通事故纠纷人民调解委员会"):
        make(bureau, name, CommitteeKind.INDUSTRY)
    return made


def _expire_or_renew(ctx: CountyContext, rng: random.Random, committees: list[Committee]) -> None:
    """Terms that ended before ``as_of``: most renewed on time, some left 任期届满."""
    for committee in committees:
        while committee.term_end < ctx.as_of:
            committee = services.committee_expire(actor=ctx.actor, committee=committee)
            renew_on = committee.term_end + dt.timedelta(days=rng.randint(1, 20))
            if rng.random() >= 0.8 or renew_on > ctx.as_of:
                break
            committee = services.committee_renew(
                actor=ctx.actor,
                committee=committee,
                term_start=renew_on,
                director=c.person_name(rng),
                members=rng.randint(3, 9),
            )


def _mediators(ctx: CountyContext, rng: random.Random, committees: list[Committee]) -> int:
    n = 0
    for committee in committees:
        for _ in range(rng.randint(2, 4)):
            joined = committee.term_start
            services.mediator_register(
                actor=ctx.actor,
                committee=committee,
                name=c.person_name(rng),
                kind="full" if rng.random() < 0.3 else "part",
                phone=f"13{rng.randrange(10**9):09d}",
                joined_on=joined,
                last_trained_on=c.pick_workday(
                    rng, dt.date(ctx.last_year, 3, 1), dt.date(ctx.last_year, 11, 30)
                ),
                trainings_this_year=rng.randint(1, 4),
            )
            n += 1
    return n


def _case(
    ctx: CountyContext,
    rng: random.Random,
    committee: Committee,
    received: dt.date,
    types: dict[str, DisputeType],
    n: int,
) -> None:
    parties = c.person_name(rng), c.person_name(rng)
    case = services.case_receive(
        actor=ctx.actor,
        committee=committee,
        received_on=received,
        source=c.weighted(rng, SOURCES),
        dispute_type=types[c.weighted(rng, TYPE_MIX)],
        applicant_name=parties[0],
        respondent_name=parties[1],
        applicant_id_number=c.synthetic_id_number(rng),
        applicant_phone=f"13{rng.randrange(10**9):09d}",
        summary="双方因琐事发生纠纷，申请调解",
        amount=rng.choice((None, 2000, 8000, 30000)),
        number=f"（{received.year}）调字第{n}号",
    )
    end = min(received + dt.timedelta(days=rng.randint(0, 25)), ctx.as_of)
    if rng.random() < 0.03:
        case = services.case_step(
            actor=ctx.actor,
            case=case,
            step="report_police",
            reported_on=received,
            note="纠纷有激化可能，已报告派出所",
        )
    roll = rng.random()
    if end >= ctx.as_of - dt.timedelta(days=3):
        return  # still being mediated
    if roll < 0.015:
        services.case_step(
            actor=ctx.actor,
            case=case,
            step="fail",
            failed_on=end,
            route_judicial=True,
            route_arbitration=rng.random() < 0.3,
        )
        return
    if roll < 0.03:
        services.case_step(
            actor=ctx.actor,
            case=case,
            step="terminate",
            terminated_on=end,
            reason="一方当事人明确拒绝继续调解",
        )
        return
    case = services.case_succeed(
        actor=ctx.actor,
        case=case,
        agreement_kind="written" if rng.random() < 0.7 else "oral",
        agreement_on=end,
        terms=rng.choice(TERMS),
    )
    if case.agreement_kind == "written" and rng.random() < 0.15:
        applied = min(end + dt.timedelta(days=rng.randint(1, 20)), ctx.as_of)
        case = services.case_apply_confirmation(
            actor=ctx.actor, case=case, applied_on=applied, court="县人民法院"
        )
    done = min(end + dt.timedelta(days=rng.randint(5, 40)), ctx.as_of)
    if done > end:
        services.case_step(
            actor=ctx.actor,
            case=case,
            step="perform",
            performance="performed" if rng.random() < 0.95 else "unperformed",
            recorded_on=done,
        )


def fill(ctx: CountyContext) -> int:
    """Committees, mediators and the years' cases; returns how many cases."""
    rng = ctx.rng_for(NAME)
    committees = _committees(ctx, rng)
    _expire_or_renew(ctx, rng, committees)
    _mediators(ctx, rng, committees)
    types = {t.code: t for t in DisputeType.objects.all()}
    weights = [(k, 3.0 if k.kind == CommitteeKind.TOWNSHIP else 1.0) for k in committees]
    written = 0
    for year in ctx.year_range:
        count = rng.randint(*CASES_PER_YEAR)
        days = [day for day in c.filing_dates(rng, year, count, 0.05) if day <= ctx.as_of]
        for n, received in enumerate(days, start=1):
            _case(ctx, rng, c.weighted(rng, weights), received, types, n)
            written += 1
    return written
