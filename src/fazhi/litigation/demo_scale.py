"""行政应诉 at city and province scale: the bulk demo seeder (kit hook ``demo_scale``).

Per government and year, the shares of the county filler (:mod:`fazhi.litigation.demo_fillers`):
一审 cases against its departments, 乡镇 and itself, some brought after a 复议 decision that
upheld the act (``ctx.decided``, published by the 行政复议 seeder, which runs first in kit
order), about a fifth appealed (二审), with their court sessions and a few 司法建议. Every case is
played out from its filing date and cut at the horizon. Status moves go through the declared
state machine's bulk path, :meth:`CASES.advance <fazhi.core.workflow.Workflow.advance>` (登记开庭
for each session, 结案 with the judgment; never an assignment to ``status``), and the hearing
summary fields are those the service derives from the sessions.
"""

from __future__ import annotations

import datetime as dt
import random

from fazhi.demo import cases as c
from fazhi.demo.scale import (
    PROVINCE_NAME,
    PROVINCE_SHORT,
    Government,
    ScaleContext,
    township_weight,
)
from fazhi.litigation import demo_fillers as tables
from fazhi.litigation.models import (
    LOSS_RESULTS,
    HeadCategory,
    Hearing,
    JudicialSuggestion,
    Level,
    LitigationCase,
    Result,
    Status,
)
from fazhi.litigation.workflow import CASES
from fazhi.orgs.models import OrgUnit, UnitKind, UnitLevel

#: 一审 cases filed a year at volume 1 (a county's also scaled by its size, 0.6–1.5). County
#: figures are the county filler's (a 湖南 county report: 45–65).
VOLUMES: dict[str, tuple[int, int]] = {
    UnitLevel.COUNTY: (46, 64),
    UnitLevel.CITY: (40, 80),
    UnitLevel.PROVINCE: (60, 120),
}
HEAD_CATEGORIES: tuple[tuple[str, float], ...] = (
    (HeadCategory.DEPUTY, 78), (HeadCategory.PRINCIPAL, 12), (HeadCategory.OTHER_IN_CHARGE, 10),
)  # fmt: skip

#: (filing date, defendant, its key, act category, 复议 case id or None) of one 一审 case.
Suit = tuple[dt.date, OrgUnit, str, str, int | None]


def seed(ctx: ScaleContext) -> int:
    """Write every government's 行政应诉 cases for ``ctx.years``; return how many cases."""
    ctx.writer.register(LitigationCase)
    ctx.writer.register(Hearing, "庭审记录")
    ctx.writer.register(JudicialSuggestion, "司法建议")
    seeder = LitigationSeeder(ctx)
    for gov, year in ctx.government_years():
        seeder.year(gov, year)
    return ctx.writer.counts[LitigationCase]


class LitigationSeeder:
    """Plays out one government-year of suits at a time; 案号 run on per court and year."""

    def __init__(self, ctx: ScaleContext) -> None:
        self.ctx = ctx
        self.horizon = ctx.horizon
        self.numbers: dict[tuple[str, str, int], int] = {}
        self.leaders: dict[int, tuple[str, tuple[str, ...], str]] = {}

    def defendants(self, gov: Government) -> list[tuple[OrgUnit, str, float]]:
        weights = dict(tables.DEFENDANT_WEIGHTS)
        pool = [(u, k, weights[k]) for u, k in gov.members if k in weights]
        towns = [(u, k) for u, k in gov.members if k == "township"]
        if towns:
            raw = [township_weight(u) for u, _ in towns]
            total = sum(raw)
            pool += [
                (u, k, tables.TOWNSHIP_WEIGHT * w / total)
                for (u, k), w in zip(towns, raw, strict=True)
            ]
        pool.append((gov.unit, "root", tables.ROOT_WEIGHT))
        return pool

    def year(self, gov: Government, year: int) -> None:
        ctx = self.ctx
        rng = ctx.rng(gov, f"litigation:{year}")
        n = ctx.count(rng, gov, VOLUMES[gov.level])
        first, last = c.year_bounds(year)
        decided = ctx.decided.get(gov.unit.pk, [])
        candidates = [d for d in decided if first <= d.closed_on <= c.days(last, -25)]
        linked = round(c.share(rng, n, 0.15, 0.22) * c.year_share(year, self.horizon))
        picked = sorted(c.chosen(rng, range(len(candidates)), linked))
        suits: list[Suit] = []
        for k in picked:
            d = candidates[k]
            filed = ctx.on_or_after(c.days(d.closed_on, rng.randint(8, 22)))
            suits.append((filed, d.respondent, d.key, d.category, d.case_id))
        pool = self.defendants(gov)
        rest = n - len(suits)
        dates = ctx.filing_dates(rng, year, rest, 0.0)
        picks = rng.choices(pool, weights=[w for _, _, w in pool], k=rest)
        for filed, (unit, key, _) in zip(dates, picks, strict=True):
            category = c.weighted(rng, c._CATEGORY_WEIGHTS.get(key, c._CATEGORY_WEIGHTS["*"]))
            suits.append((filed, unit, key, category, None))
        suits.sort(key=lambda s: s[0])
        for i, (filed, unit, key, category, rec_id) in enumerate(suits, start=1):
            if filed > self.horizon:
                continue
            case_rng = ctx.rng(gov, f"lit:{year}:{i}")
            self.suit(gov, unit, key, category, rec_id, filed, case_rng)

    def court_for(self, gov: Government, unit: OrgUnit) -> tuple[str, str]:
        """First-instance court: the 中院 for a government (行政诉讼法第15条), else the basic."""
        if unit.kind == UnitKind.GOVERNMENT:
            return gov.upper_court, gov.upper_court_code
        return gov.court, gov.court_code

    def number(self, rng: random.Random, court: str, code: str, kind: str, year: int) -> str:
        key = (court, kind, year)
        step = 30 if code == PROVINCE_SHORT else (12 if len(code) == 3 else 3)
        start = self.numbers.get(key, rng.randint(1, step * 3))
        self.numbers[key] = start + rng.randint(1, step)
        return f"（{year}）{code}{kind}{start}号"

    def result(self, rng: random.Random, filed: dt.date, category: str) -> str:
        roll = rng.random()
        if filed.month <= 9 and roll < 0.087:
            return str(c.weighted(rng, tables.LOSS_TYPES.get(category, tables.LOSS_TYPES["*"])))
        roll = rng.random()
        if roll < 0.25:
            return Result.WITHDRAWN
        if roll < 0.34:
            return Result.DISMISSED
        if roll < 0.355:
            return Result.MEDIATED
        return Result.WIN

    def suit(
        self,
        gov: Government,
        unit: OrgUnit,
        key: str,
        category: str,
        rec_id: int | None,
        filed: dt.date,
        rng: random.Random,
    ) -> None:
        ctx = self.ctx
        act = rng.choice(c._ACTS[category].get(key, c._ACTS[category]["*"]))
        cause = f"{c.CAUSES[category]}（经行政复议）" if rec_id else c.cause_text(category, act)
        court, code = self.court_for(gov, unit)
        result = self.result(rng, filed, category)
        if result in (Result.WITHDRAWN, Result.DISMISSED):
            sessions = 0 if rng.random() < 0.5 else 1
        elif result == Result.MEDIATED:
            sessions = 1
        else:
            sessions = 2 if rng.random() < 0.22 else 1
        appeared = [rng.random() >= 0.07 for _ in range(sessions)]
        case = self.case(
            unit, court, self.number(rng, court, code, "行初", filed.year), Level.FIRST,
            filed, cause, category, rec_id,
        )  # fmt: skip
        day = filed
        hearings: list[Hearing] = []
        for k, present in enumerate(appeared):
            day = ctx.on_or_after(
                c.days(day, rng.randint(30, 75) if k == 0 else rng.randint(20, 45))
            )
            if day > self.horizon:
                break
            self.add_hearing(case, hearings, day, present, rng)
        judged = ctx.on_or_after(
            c.days(day, rng.randint(10, 45) if sessions else rng.randint(20, 80))
        )
        closed = len(hearings) == sessions and judged <= self.horizon
        self.close(case, hearings, judged if closed else None, result)
        if not closed:
            return
        judged_ok = result not in (Result.WITHDRAWN, Result.MEDIATED)
        if judged_ok and filed.month <= 6:
            p = 0.5 if result in LOSS_RESULTS else 0.05
            if rng.random() < p:
                self.suggestion(case, judged, category, rng)
        if judged_ok and rng.random() < 0.27:
            self.appeal(gov, case, judged, result, rng)

    def case(
        self,
        unit: OrgUnit,
        court: str,
        number: str,
        level: str,
        filed: dt.date,
        cause: str,
        category: str,
        rec_id: int | None,
    ) -> LitigationCase:
        return LitigationCase(
            id=self.ctx.writer.new_id(LitigationCase),
            number=number,
            court=court,
            level=level,
            unit=unit,
            cause=cause,
            act_category=category,
            reconsideration_id=rec_id,
            filed_on=filed,
            status=Status.PENDING,  # the state a case is created in (立案)
        )

    def add_hearing(
        self,
        case: LitigationCase,
        hearings: list[Hearing],
        day: dt.date,
        present: bool,
        rng: random.Random,
    ) -> None:
        """登记开庭 (the case stays pending): one more session in ``hearings``."""
        CASES.advance(case, "add_hearing")
        hearings.append(self.hearing(case, day, present, rng))

    def close(
        self,
        case: LitigationCase,
        hearings: list[Hearing],
        judged: dt.date | None,
        result: str,
        note: str | None = None,
    ) -> None:
        """Store the hearing summary, 结案 if ``judged`` (None: still pending), buffer the rows."""
        case.hearing_count = len(hearings)
        case.first_hearing_on = hearings[0].held_on if hearings else None
        case.head_appeared = any(h.head_appeared for h in hearings)
        if judged is not None:
            case.judged_on = judged
            case.result = result
            case.result_note = note if note is not None else tables.RESULT_NOTES[result]
            case.is_loss = result in LOSS_RESULTS
            CASES.advance(case, "close")
        writer = self.ctx.writer
        writer.add(case)
        for hearing in hearings:
            writer.add(hearing)

    def hearing(
        self, case: LitigationCase, day: dt.date, present: bool, rng: random.Random
    ) -> Hearing:
        if not present:
            return Hearing(
                case=case,
                held_on=day,
                head_appeared=False,
                absence_reason=rng.choice(tables.ABSENCE_REASONS),
            )
        principal, deputies, other = self.leaders_of(case.unit)
        category = c.weighted(rng, HEAD_CATEGORIES)
        head_post, deputy_post, other_post = _posts(case.unit)
        if category == HeadCategory.PRINCIPAL:
            name, post = principal, head_post
        elif category == HeadCategory.DEPUTY:
            name, post = rng.choice(deputies), deputy_post
        else:
            name, post = other, other_post
        return Hearing(
            case=case,
            held_on=day,
            head_appeared=True,
            head_name=name,
            head_post=post,
            head_category=category,
        )

    def leaders_of(self, unit: OrgUnit) -> tuple[str, tuple[str, ...], str]:
        found = self.leaders.get(unit.pk)
        if found is None:
            rng = self.ctx.rng_for(f"leaders:{unit.code}")
            names = [c.person_name(rng) for _ in range(4)]
            found = self.leaders[unit.pk] = (names[0], (names[1], names[2]), names[3])
        return found

    def appeal(
        self,
        gov: Government,
        first: LitigationCase,
        judged: dt.date,
        result: str,
        rng: random.Random,
    ) -> None:
        ctx = self.ctx
        filed = ctx.on_or_after(c.days(judged, rng.randint(25, 60)))
        if filed > self.horizon:
            return
        court, code = _appeal_court(gov, first.court)
        case = self.case(
            first.unit, court, self.number(rng, court, code, "行终", filed.year), Level.SECOND,
            filed, first.cause, first.act_category, first.reconsideration_id,
        )  # fmt: skip
        day = filed
        hearings: list[Hearing] = []
        if rng.random() < 0.5:
            day = ctx.on_or_after(c.days(filed, rng.randint(20, 50)))
            if day > self.horizon:
                return self.close(case, hearings, None, result)
            self.add_hearing(case, hearings, day, rng.random() < 0.9, rng)
        day = ctx.on_or_after(c.days(day, rng.randint(15, 45)))
        second = tables.LitigationFiller.appeal_result(result, rng)
        note = tables.APPEAL_NOTES.get(second, tables.RESULT_NOTES[second])
        self.close(case, hearings, day if day <= self.horizon else None, second, note)

    def suggestion(
        self, case: LitigationCase, judged: dt.date, category: str, rng: random.Random
    ) -> None:
        ctx = self.ctx
        received = ctx.pick(rng, c.days(judged, 10), c.days(judged, 40))
        if received > self.horizon:
            return
        replied = ctx.pick(rng, c.days(received, 20), c.days(received, 55))
        done = replied <= self.horizon
        ctx.writer.add(
            JudicialSuggestion(
                case=case,
                unit=case.unit,
                court=case.court,
                received_on=received,
                content=tables.SUGGESTIONS.get(category, tables.SUGGESTIONS["*"]),
                reply_due=c.days(received, 60),
                replied_on=replied if done else None,
                reply_note=rng.choice(tables.SUGGESTION_REPLIES) if done else "",
            )
        )


def _posts(unit: OrgUnit) -> tuple[str, str, str]:
    """(正职, 副职, 其他分管负责人) titles of a unit's leaders, for 负责人出庭."""
    if unit.kind == UnitKind.GOVERNMENT:
        place = unit.name.removesuffix("人民政府")[-1]  # 省, 市, 县 or 区
        head = f"{place}长"
        return head, f"副{head}", f"{place}人民政府党组成员"
    if unit.name.endswith("厅"):
        return "厅长", "副厅长", "党组成员"
    if unit.name.endswith("委员会"):
        return "主任", "副主任", "党组成员"
    head, deputy = c.leader_posts(unit)
    other = "党（工）委委员、人武部部长" if unit.kind == UnitKind.TOWNSHIP else "党组成员"
    return head, deputy, other


def _appeal_court(gov: Government, court: str) -> tuple[str, str]:
    """The court one level up: basic → 中院, 中院 → 高院."""
    if court.endswith("中级人民法院"):
        return f"{PROVINCE_NAME}高级人民法院", PROVINCE_SHORT
    return gov.upper_court, gov.upper_court_code
