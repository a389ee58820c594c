"""行政复议 at city and province scale: the bulk demo seeder (kit hook ``demo_scale``).

Per government with a 司法局/司法厅 (the 复议机构) and year, the shares of the county filler
(:mod:`fazhi.reconsideration.demo_fillers`): each application is played out from its receipt
date and cut at the horizon, with its 中止 records and a few 意见书. Status moves go through
the declared state machine's bulk path, :meth:`CASES.advance <fazhi.core.workflow.Workflow.advance>`
(never an assignment to ``status``), and the stored deadlines are the services' own
:func:`~fazhi.reconsideration.rules.derive_deadlines`, so the rows are what the services would
have stored. The closed 维持/驳回 cases are published on the context (``ctx.decided``) for the
行政应诉 seeder, whose suits may follow them.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

from fazhi.demo import cases as c
from fazhi.demo.scale import Decided, Government, ScaleContext, township_weight
from fazhi.orgs.models import OrgUnit, UnitLevel
from fazhi.reconsideration import demo_fillers as tables
from fazhi.reconsideration.demo_fillers import (
    ACCEPT,
    CORRECT_ABANDON,
    CORRECT_ACCEPT,
    CORRECT_REFUSE,
    CORRECTION_PATHS,
    DEEM,
    REFUSE,
    REFUSE_PATHS,
)
from fazhi.reconsideration.models import (
    CORRECTING_OUTCOMES,
    AcceptanceKind,
    ApplicantKind,
    Channel,
    LetterKind,
    OpinionLetter,
    Outcome,
    Procedure,
    ReconsiderationCase,
    Status,
    Suspension,
    SuspensionGround,
)
from fazhi.reconsideration.rules import CLOSABLE_WHILE_SUSPENDED, Rules, derive_deadlines
from fazhi.reconsideration.workflow import CASES

#: 复议 applications received a year at volume 1 (a county's also scaled by its size, 0.6–1.5).
#: County figures are the county filler's (a 湖南 county report: 120–150); a city's 司法局 and
#: the province's 司法厅 handle the cases against their departments and the governments one
#: level down.
VOLUMES: dict[str, tuple[int, int]] = {
    UnitLevel.COUNTY: (122, 150),
    UnitLevel.CITY: (150, 300),
    UnitLevel.PROVINCE: (300, 600),
}
#: Total weight of the governments one level down among a city's or the province's
#: respondents (the department weights of the county filler add up to about 92).
LOWER_GOVERNMENTS_WEIGHT: dict[str, float] = {UnitLevel.CITY: 25.0, UnitLevel.PROVINCE: 20.0}

#: The path of an application (the county filler's shares, drawn per case).
PATHS: tuple[tuple[str, float], ...] = (
    (ACCEPT, 76.3), (REFUSE, 13.5), (CORRECT_ACCEPT, 7.5), (CORRECT_ABANDON, 4.0),
    (CORRECT_REFUSE, 0.7), (DEEM, 1.0),
)  # fmt: skip
SUSPENSION_GROUNDS: tuple[tuple[str, float], ...] = (
    (SuspensionGround.G8, 45), (SuspensionGround.G5, 25), (SuspensionGround.G7, 15),
    (SuspensionGround.G10, 15),
)  # fmt: skip
APPLICANT_KINDS: tuple[tuple[str, float], ...] = (
    (ApplicantKind.PERSON, 78), (ApplicantKind.LEGAL_PERSON, 18), (ApplicantKind.OTHER_ORG, 4),
)  # fmt: skip
WORKDAY_CHANNELS: tuple[tuple[str, float], ...] = (
    (Channel.IN_PERSON, 52), (Channel.ONLINE, 26), (Channel.POST, 16), (Channel.ORAL, 3),
    (Channel.FORWARDED, 3),
)  # fmt: skip
REST_DAY_CHANNELS: tuple[tuple[str, float], ...] = ((Channel.ONLINE, 70), (Channel.POST, 30))


def seed(ctx: ScaleContext) -> int:
    """Write every government's 复议 cases for ``ctx.years``; return how many cases."""
    ctx.writer.register(ReconsiderationCase)
    ctx.writer.register(Suspension, "中止记录")
    ctx.writer.register(OpinionLetter, "行政复议意见书")
    seeder = ReconsiderationSeeder(ctx)
    for gov, year in ctx.government_years():
        ctx.decided.setdefault(gov.unit.pk, []).extend(seeder.year(gov, year))
    return ctx.writer.counts[ReconsiderationCase]


class ReconsiderationSeeder:
    """Plays out one government-year of applications at a time."""

    def __init__(self, ctx: ScaleContext) -> None:
        self.ctx = ctx
        self.horizon = ctx.horizon
        # The province's rules, on the context's spelled-out calendar (same answers, faster).
        self.rules: Rules = replace(Rules.for_unit(ctx.root), calendar=ctx.calendar)

    def respondents(self, gov: Government) -> list[tuple[OrgUnit, str, float]]:
        """(unit, key, weight): the county filler's weights; the 乡镇 share the township total;
        a city's or the province's lower governments share theirs."""
        weights = dict(tables.RESPONDENT_WEIGHTS)
        pool = [(u, k, weights[k]) for u, k in gov.members if k in weights]
        towns = [(u, k) for u, k in gov.members if k == "township"]
        if towns:
            raw = [township_weight(u) for u, _ in towns]
            total = sum(raw)
            pool += [
                (u, k, tables.TOWNSHIP_WEIGHT * w / total)
                for (u, k), w in zip(towns, raw, strict=True)
            ]
        if gov.lower:
            each = LOWER_GOVERNMENTS_WEIGHT[gov.level] / len(gov.lower)
            pool += [(lower.unit, "root", each) for lower in gov.lower]
        return pool

    def year(self, gov: Government, year: int) -> list[Decided]:
        """The year's applications at ``gov``; returns the closed 维持/驳回 ones."""
        if gov.justice is None:
            return []
        ctx = self.ctx
        rng = ctx.rng(gov, f"reconsideration:{year}")
        pool = self.respondents(gov)
        weights = [w for _, _, w in pool]
        n = ctx.count(rng, gov, VOLUMES[gov.level])
        dates = ctx.filing_dates(rng, year, n, 0.06)
        picks = rng.choices(pool, weights=weights, k=n)
        upheld: list[Decided] = []
        for i, (received, (unit, key, _)) in enumerate(zip(dates, picks, strict=True), start=1):
            if received > self.horizon:
                continue
            case_rng = ctx.rng(gov, f"rec:{year}:{i}")
            case = self.case(gov, unit, key, received, f"〔{year}〕第{i}号", case_rng)
            if (
                case.status == Status.CLOSED
                and case.outcome in (Outcome.UPHOLD, Outcome.REJECT_CLAIM)
                and case.closed_on is not None
            ):
                upheld.append(Decided(case.pk, unit, key, case.closed_on, case.act_category))
        return upheld

    def case(
        self,
        gov: Government,
        respondent: OrgUnit,
        key: str,
        received: dt.date,
        number: str,
        rng: random.Random,
    ) -> ReconsiderationCase:
        assert gov.justice is not None
        writer = self.ctx.writer
        category = c.weighted(rng, c._CATEGORY_WEIGHTS.get(key, c._CATEGORY_WEIGHTS["*"]))
        acts = c._ACTS[category]
        act = rng.choice(acts.get(key, acts["*"]))
        workday = self.ctx.workday(received)
        channel = c.weighted(rng, WORKDAY_CHANNELS if workday else REST_DAY_CHANNELS)
        case = ReconsiderationCase(
            id=writer.new_id(ReconsiderationCase),
            number=number,
            unit=gov.justice,
            authority=gov.unit.name,
            respondent=respondent,
            respondent_name=respondent.name,
            applicant_kind=c.weighted(rng, APPLICANT_KINDS),
            received_on=received,
            channel=channel,
            act_category=category,
            matter=c.matter_text(respondent, category, act),
            status=Status.REVIEWING,  # the state a case is created in (收到申请)
        )
        pauses: list[Suspension] = []
        self.play(case, pauses, rng)
        derive_deadlines(case, pauses, self.rules)
        writer.add(case)
        for pause in pauses:
            writer.add(pause)
        return case

    def play(self, case: ReconsiderationCase, pauses: list[Suspension], rng: random.Random) -> None:
        """Set the case's dates and move it as the services would have by the horizon."""
        ctx, horizon, rules = self.ctx, self.horizon, self.rules
        path = c.weighted(rng, PATHS)
        start = case.received_on
        if path in CORRECTION_PATHS:
            review_due = ctx.due(start, rules.review)
            notified = ctx.pick(rng, c.days(start, 1), min(ctx.add_workdays(start, 4), review_due))
            if notified > horizon:
                return self.deem(case)
            case.correction_notified_on = notified
            CASES.advance(case, "request_correction")
            correction_due = ctx.due(notified, rules.correction)
            if path == CORRECT_ABANDON:
                on = ctx.on_or_after(c.days(correction_due, rng.randint(1, 6)))
                if on <= horizon:
                    CASES.advance(case, "abandon")
                return None
            start = ctx.pick(rng, c.days(notified, 2), correction_due)
            if start > horizon:
                return None
            case.correction_received_on = start
            CASES.advance(case, "receive_correction")
        review_due = ctx.due(start, rules.review)
        if path in REFUSE_PATHS:
            on = ctx.pick(rng, c.days(start, 1), review_due)
            if on > horizon:
                return self.deem(case)
            case.refused_on = on
            case.refusal_reason = rng.choice(tables.REFUSAL_REASONS)
            CASES.advance(case, "refuse")
            return None
        simple = path != DEEM and rng.random() < 0.15
        if path == DEEM:
            self.deem(case)
            assert case.accepted_on is not None
            if c.days(case.accepted_on, 1) <= horizon:
                self.hear(case, pauses, rng)
            return None
        on = ctx.pick(rng, c.days(start, 1), review_due)
        if on > horizon:
            return self.deem(case)
        case.accepted_on = on
        case.acceptance_kind = AcceptanceKind.DECIDED
        case.procedure = Procedure.SIMPLE if simple else Procedure.ORDINARY
        CASES.advance(case, "accept")
        return self.hear(case, pauses, rng)

    def deem(self, case: ReconsiderationCase) -> None:
        """视为受理 on the last day of the review period (what the daily sweep does)."""
        start = case.correction_received_on or case.received_on
        case.accepted_on = self.ctx.due(start, self.rules.review)
        case.acceptance_kind = AcceptanceKind.DEEMED
        case.procedure = Procedure.ORDINARY
        CASES.advance(case, "deem_accepted")

    def outcome(self, rng: random.Random, category: str) -> str:
        roll = rng.random()
        if roll < 0.40:
            return str(c.weighted(rng, tables.WITHDRAWALS))
        if roll < 0.555:
            corrections = tables.CORRECTIONS.get(category, tables.CORRECTIONS["*"])
            return str(c.weighted(rng, corrections))
        if roll < 0.575:
            return Outcome.TERMINATED
        return Outcome.UPHOLD if rng.random() < 0.75 else Outcome.REJECT_CLAIM

    def hear(self, case: ReconsiderationCase, pauses: list[Suspension], rng: random.Random) -> None:
        ctx, horizon, rules = self.ctx, self.horizon, self.rules
        accepted = case.accepted_on
        assert accepted is not None
        outcome = self.outcome(rng, case.act_category)
        withdrawal = outcome in tables.WITHDRAWAL_OUTCOMES
        ordinary = case.procedure == Procedure.ORDINARY
        rule = (
            rules.decision_simple if case.procedure == Procedure.SIMPLE else rules.decision_ordinary
        )
        due = ctx.due(accepted, rule)
        roll = rng.random()
        suspend = ordinary and roll < 0.04
        extend = ordinary and not suspend and not withdrawal and roll < 0.095
        late = ordinary and not suspend and not extend and not withdrawal and roll > 0.995
        if suspend:
            suspended = ctx.pick(rng, c.days(accepted, 8), c.days(accepted, 30))
            if suspended > horizon:
                return
            if withdrawal:
                ground: str = SuspensionGround.G6
            else:
                ground = c.weighted(rng, SUSPENSION_GROUNDS)
            note = tables.SUSPENSION_NOTES[ground]
            pause = Suspension(case=case, ground=ground, suspended_on=suspended, note=note)
            pauses.append(pause)
            CASES.advance(case, "suspend")
            if outcome in CLOSABLE_WHILE_SUSPENDED and rng.random() < 0.5:
                closed = ctx.pick(rng, c.days(suspended, 10), c.days(suspended, 40))
                if closed > horizon:
                    return
                pause.resumed_on = closed
            else:
                resumed = ctx.pick(rng, c.days(suspended, 15), c.days(suspended, 70))
                if resumed > horizon:
                    return
                pause.resumed_on = resumed
                CASES.advance(case, "resume")
                derive_deadlines(case, pauses, rules)
                assert case.decision_due is not None
                closed = ctx.pick(rng, c.days(resumed, 5), case.decision_due)
        elif extend:
            approved = ctx.pick(rng, max(c.days(due, -12), c.days(accepted, 1)), c.days(due, -2))
            if approved > horizon:
                return
            CASES.advance(case, "extend")
            case.extension_approved_on = approved
            case.extension_days = 30 if rng.random() < 0.7 else rng.randint(15, 29)
            derive_deadlines(case, pauses, rules)
            assert case.decision_due is not None
            closed = ctx.pick(rng, c.days(due, 2), case.decision_due)
        elif late:
            closed = ctx.on_or_after(c.days(due, rng.randint(1, 5)))
        else:
            if case.procedure == Procedure.SIMPLE:
                handling = rng.randint(8, 26)
            elif withdrawal or outcome == Outcome.TERMINATED:
                handling = rng.randint(10, 50)
            else:
                handling = rng.randint(28, 57)
            closed = ctx.on_or_after(c.days(accepted, handling))
            closed = closed if closed <= due else ctx.on_or_before(due)
        if closed > horizon:
            return
        case.closed_on = closed
        case.outcome = outcome
        case.outcome_note = tables.OUTCOME_NOTES[outcome]
        CASES.advance(case, "close")
        if outcome in CORRECTING_OUTCOMES and case.received_on.month <= 9 and rng.random() < 0.15:
            self.letter(case, closed, rng)

    def letter(self, case: ReconsiderationCase, closed: dt.date, rng: random.Random) -> None:
        """A 行政复议意见书 to the respondent after a correcting decision (第76条)."""
        ctx = self.ctx
        issued = ctx.pick(rng, c.days(closed, 3), c.days(closed, 15))
        served = ctx.pick(rng, c.days(issued, 1), c.days(issued, 4))
        if served > self.horizon:
            return
        reply_due = ctx.due(served, self.rules.letter_reply)
        replied = ctx.pick(rng, c.days(served, 25), c.days(reply_due, -3))
        done = replied <= self.horizon
        assert case.respondent is not None
        ctx.writer.add(
            OpinionLetter(
                case=case,
                kind=LetterKind.OPINION,
                recipient=case.respondent,
                recipient_name=case.respondent.name,
                issued_on=issued,
                served_on=served,
                reply_due=reply_due,
                replied_on=replied if done else None,
                reply_note=rng.choice(tables.LETTER_REPLIES) if done else "",
                content=f"办理本案中发现被申请人存在{rng.choice(tables.LETTER_PROBLEMS)}的问题，"
                "请予以纠正并在收到本意见书之日起六十日内报送纠正情况",
            )
        )
