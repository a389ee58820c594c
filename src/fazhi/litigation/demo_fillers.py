"""Demo data: a realistic year of 行政应诉 cases per filled year (``fazhi seed``).

About 46–64 first-instance cases a year against the county's departments, 乡镇/街道 and the
county government itself (whose cases go to the 中级人民法院 at first instance, 行政诉讼法
第15条); some follow a 复议 case closed as 维持/驳回 (the applicant sues within 15 days,
defendant the original unit). About a fifth are appealed (a 二审 row at the next court).
Court sessions have a 行政机关负责人 in court about nine times in ten (局长/副局长, 镇长/副镇长,
副县长 …), otherwise the reason is recorded. Results: mostly 驳回诉讼请求, about a quarter
撤诉, some 裁定驳回起诉, 败诉 about 5–10%; one to three 司法建议 are answered. The
败诉剖析 tasks the service opens after every N losses are completed by the command line
acting for the 依法治办 (it holds every capability within the county).

Cases are written through :mod:`fazhi.litigation.services`, in calendar order (see
:class:`fazhi.demo.cases.Timeline`), for the full years and the current year up to
``ctx.as_of`` (``ctx.case_years``); cases still pending on that day stay 审理中.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

from fazhi.demo import cases as c
from fazhi.demo import data
from fazhi.demo.generator import CountyContext
from fazhi.litigation import services as lit
from fazhi.litigation.models import (
    LOSS_RESULTS,
    HeadCategory,
    Level,
    LitigationCase,
    LossReview,
    LossReviewStatus,
    Result,
)
from fazhi.orgs.models import OrgUnit
from fazhi.reconsideration.models import ActCategory, Outcome, ReconsiderationCase
from fazhi.reconsideration.models import Status as RecStatus

NAME = "litigation"
LABEL = "行政应诉案件"  # in the `fazhi seed` summary

COUNTY_COURT = data.COURT[0]
CITY_COURT = "长沙市中级人民法院"
HIGH_COURT = "湖南省高级人民法院"
#: court → 案号 code (最高人民法院关于人民法院案件案号的若干规定).
COURT_CODES = {COUNTY_COURT: "湘0199", CITY_COURT: "湘01", HIGH_COURT: "湘"}
APPEAL_COURT = {COUNTY_COURT: CITY_COURT, CITY_COURT: HIGH_COURT}

DEFENDANT_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("公安局", 14), ("自然资源局", 14), ("人力资源和社会保障局", 9), ("城市管理和综合执法局", 9),
    ("住房和城乡建设局", 8), ("市场监督管理局", 7), ("生态环境局", 3), ("交通运输局", 2),
    ("农业农村局", 2), ("林业局", 2), ("人民政府办公室", 2), ("卫生健康局", 1.5),
    ("应急管理局", 1), ("医疗保障局", 1), ("教育局", 1), ("民政局", 1), ("水利局", 1),
)  # fmt: skip
TOWNSHIP_WEIGHT = 16.0
ROOT_WEIGHT = 6.0

LOSS_TYPES: dict[str, tuple[tuple[str, float], ...]] = {
    "compulsion": ((Result.LOSS_ILLEGAL, 80), (Result.LOSS_ANNUL, 20)),
    "info_disclosure": (
        (Result.LOSS_PERFORM, 40), (Result.LOSS_ANNUL, 40), (Result.LOSS_ILLEGAL, 20),
    ),
    "inaction": ((Result.LOSS_PERFORM, 70), (Result.LOSS_ILLEGAL, 30)),
    "expropriation": ((Result.LOSS_ILLEGAL, 40), (Result.LOSS_PAY, 30), (Result.LOSS_ANNUL, 30)),
    "agreement": ((Result.LOSS_PAY, 60), (Result.LOSS_PERFORM, 40)),
    "penalty": ((Result.LOSS_ANNUL, 60), (Result.LOSS_ILLEGAL, 25), (Result.LOSS_VARY, 15)),
    "*": ((Result.LOSS_ANNUL, 60), (Result.LOSS_ILLEGAL, 30), (Result.LOSS_VOID, 10)),
}  # fmt: skip
RESULT_NOTES: dict[str, str] = {
    Result.WIN: "判决驳回原告的诉讼请求",
    Result.DISMISSED: "起诉不符合法定条件，裁定驳回起诉",
    Result.WITHDRAWN: "原告申请撤诉，法院裁定准许",
    Result.MEDIATED: "经法院主持调解，双方就行政赔偿（补偿）达成协议",
    Result.LOSS_ANNUL: "判决撤销被诉行政行为，责令被告重新作出",
    Result.LOSS_ILLEGAL: "判决确认被诉行政行为违法",
    Result.LOSS_VOID: "判决确认被诉行政行为无效",
    Result.LOSS_PERFORM: "判决责令被告在法定期限内履行法定职责",
    Result.LOSS_PAY: "判决被告给付补偿款",
    Result.LOSS_VARY: "判决变更行政处罚决定",
    Result.OTHER: "裁定撤销原裁定，指令原审法院继续审理",
}
APPEAL_NOTES: dict[str, str] = {
    Result.WIN: "判决驳回上诉，维持原判",
    Result.DISMISSED: "裁定驳回上诉，维持原裁定",
    Result.WITHDRAWN: "上诉人申请撤回上诉，法院裁定准许",
}
ABSENCE_REASONS = (
    "负责人参加县委常委会议，需要履行他人不能代替的公务，已向法院提交书面说明",
    "负责人因病住院治疗，已向法院提交书面情况说明并委托相应工作人员出庭",
    "负责人在防汛抗旱一线执行紧急任务，已向法院书面说明",
    "负责人赴省参加专题会议，已提前书面告知法院并委托工作人员出庭",
)
SUGGESTIONS: dict[str, str] = {
    "compulsion": "建议严格执行行政强制法规定的催告、公告和强制执行程序，规范强制拆除行为",
    "info_disclosure": "建议规范政府信息公开申请答复工作，充分履行检索义务，依法告知救济途径",
    "inaction": "建议健全投诉举报受理、处理和答复机制，依法及时履行法定职责",
    "expropriation": "建议规范征收补偿工作程序，依法保障被征收人的知情权和参与权",
    "penalty": "建议规范行政处罚调查取证和告知、听证程序，严格执行法制审核制度",
    "*": "建议加强行政执法人员法治培训，规范执法文书制作和送达",
}
SUGGESTION_REPLIES = (
    "已召开专题会议研究落实，修订相关工作规程，并组织执法人员开展专题培训",
    "已逐项整改：完善法制审核流程，建立案件复盘机制，对相关责任人进行约谈",
    "已开展同类案件专项自查，纠正不规范问题，并将整改情况报县依法治县办备案",
)
REVIEW_PROBLEMS: dict[str, str] = {
    "compulsion": "强制拆除前未依法履行催告、公告程序",
    "info_disclosure": "政府信息公开答复未充分履行检索义务",
    "inaction": "对投诉举报未在法定期限内履行职责",
    "expropriation": "征收补偿程序不规范",
    "agreement": "行政协议履行不到位",
    "penalty": "行政处罚证据收集不充分、程序不规范",
}
REVIEW_MEASURES = (
    "对败诉案件逐案剖析，约谈相关单位负责人",
    "开展行政执法人员专题培训",
    "将败诉情况纳入法治政府建设年度考核",
    "完善重大执法决定法制审核目录",
)


@dataclass
class Suit:
    """One planned first-instance case and how it ends (played out on the timeline)."""

    filed_on: dt.date
    unit: OrgUnit
    category: str
    plaintiff: str
    cause: str
    reconsideration: ReconsiderationCase | None = None
    result: str = Result.WIN
    hearings: list[bool] = field(default_factory=list)  # 负责人出庭 per court session
    appeal: bool = False
    suggestion: bool = False


class LitigationFiller:
    def __init__(self, ctx: CountyContext) -> None:
        self.ctx = ctx
        self.actor = ctx.actor
        self.pool = [*c.unit_pool(ctx, DEFENDANT_WEIGHTS, TOWNSHIP_WEIGHT), (ctx.root, ROOT_WEIGHT)]
        self.justice = c.justice_bureau(ctx)
        self.timeline = c.Timeline(c.horizon(ctx))
        self.numbers_rng = ctx.rng_for(f"{NAME}:numbers")
        self.numbers: dict[tuple[str, str, int], int] = {}
        self.leaders: dict[str, tuple[str, tuple[str, ...], str]] = {}
        self.written = 0

    def run(self) -> int:
        for year in self.ctx.case_years:
            for i, suit in enumerate(self.plan_year(year)):
                if suit.filed_on > self.timeline.until:
                    break  # the rest of the current year (sorted by date) has not happened yet
                rng = random.Random(f"{self.ctx.plan.seed}:{NAME}:{year}:{i}")
                self.timeline.start(self.process(suit, rng))
        self.timeline.run()
        self.complete_loss_reviews()
        return self.written

    # --- planning ---------------------------------------------------------------------------
    def plan_year(self, year: int) -> list[Suit]:
        rng = self.ctx.rng_for(f"{NAME}:{year}")
        n = rng.randint(46, 64)
        first, last = c.year_bounds(year, self.ctx.as_of)
        upheld = ReconsiderationCase.objects.filter(
            unit=self.justice,
            status=RecStatus.CLOSED,
            outcome__in=[Outcome.UPHOLD, Outcome.REJECT_CLAIM],
            closed_on__range=(first, c.days(last, -25)),
            respondent__isnull=False,
        ).order_by("closed_on", "pk")
        candidates = list(upheld.select_related("respondent"))
        # In the current year only the cases closed so far can be sued on: as many as the
        # share of the year that has passed (a full year: the whole share).
        linked = round(c.share(rng, n, 0.15, 0.22) * c.year_share(year, self.ctx.as_of))
        picked = sorted(c.chosen(rng, range(len(candidates)), linked))
        suits = [self.suit_after(rng, candidates[i]) for i in picked]
        suits += [self.suit(rng, day) for day in c.filing_dates(rng, year, n - len(suits), 0.0)]
        suits.sort(key=lambda s: s.filed_on)  # stable: equal dates keep their order
        self.assign_results(rng, suits)
        return suits

    def suit(self, rng: random.Random, filed_on: dt.date) -> Suit:
        unit = c.weighted(rng, self.pool)
        category = c.act_category_for(rng, unit)
        plaintiff = c.company_name(rng) if rng.random() < 0.2 else c.person_name(rng)
        return Suit(
            filed_on=filed_on,
            unit=unit,
            category=category,
            plaintiff=plaintiff,
            cause=c.cause_text(category, c.act_for(rng, unit, category)),
        )

    def suit_after(self, rng: random.Random, case: ReconsiderationCase) -> Suit:
        """The applicant of a 复议 case closed as 维持/驳回 sues the original unit."""
        assert case.closed_on is not None and case.respondent is not None
        category = case.act_category
        return Suit(
            filed_on=c.workday_on_or_after(c.days(case.closed_on, rng.randint(8, 22))),
            unit=case.respondent,
            category=category,
            plaintiff=case.applicant_name,
            cause=f"{c.CAUSES.get(category, ActCategory(category).label)}（经行政复议）",
            reconsideration=case,
        )

    def assign_results(self, rng: random.Random, suits: list[Suit]) -> None:
        n = len(suits)
        # Losses take long: pick them among cases filed by September, so that they are judged
        # within the year like the rest (a case still pending has no result yet anyway).
        early = [i for i, s in enumerate(suits) if s.filed_on.month <= 9]
        for i in c.chosen(rng, early, max(1, c.share(rng, n, 0.05, 0.08))):
            suits[i].result = c.weighted(rng, LOSS_TYPES.get(suits[i].category, LOSS_TYPES["*"]))
        rest = [i for i in rng.sample(range(n), n) if suits[i].result not in LOSS_RESULTS]
        counts = (
            (Result.WITHDRAWN, c.share(rng, n, 0.22, 0.28)),
            (Result.DISMISSED, c.share(rng, n, 0.07, 0.11)),
            (Result.MEDIATED, rng.randint(0, 2)),
        )
        at = 0
        for result, k in counts:
            for i in rest[at : at + k]:
                suits[i].result = result
            at += k
        sessions: list[tuple[int, int]] = []
        for i, suit in enumerate(suits):
            if suit.result in (Result.WITHDRAWN, Result.DISMISSED):
                count = 0 if rng.random() < 0.5 else 1
            elif suit.result == Result.MEDIATED:
                count = 1
            else:
                count = 2 if rng.random() < 0.22 else 1
            suit.hearings = [True] * count
            sessions += [(i, k) for k in range(count)]
        absent = c.share(rng, len(sessions), 0.05, 0.09)
        for j in sorted(c.chosen(rng, range(len(sessions)), absent)):
            i, k = sessions[j]
            suits[i].hearings[k] = False
        judged = [
            i for i, s in enumerate(suits) if s.result not in (Result.WITHDRAWN, Result.MEDIATED)
        ]
        for i in c.chosen(rng, judged, c.share(rng, n, 0.17, 0.23)):
            suits[i].appeal = True
        # 司法建议 follow a judgment by a few weeks and are answered within two months: take
        # them from cases filed by June so that the answer is in the register too.
        early = [i for i in judged if suits[i].filed_on.month <= 6]
        losses = [i for i in early if suits[i].result in LOSS_RESULTS]
        others = [i for i in early if i not in losses]
        wanted = rng.randint(1, 3)
        about = c.chosen(rng, losses, wanted)
        about |= c.chosen(rng, others, max(0, wanted - len(about)))
        for i in about:
            suits[i].suggestion = True

    # --- one case on the timeline -----------------------------------------------------------
    def process(self, suit: Suit, rng: random.Random) -> c.Process:
        yield suit.filed_on
        court = CITY_COURT if suit.unit.parent_id is None else COUNTY_COURT
        case = lit.case_register(
            actor=self.actor,
            unit=suit.unit,
            number=self.number(court, "行初", suit.filed_on.year),
            court=court,
            filed_on=suit.filed_on,
            level=Level.FIRST,
            plaintiff_name=suit.plaintiff,
            cause=suit.cause,
            act_category=suit.category,
            reconsideration=suit.reconsideration,
        )
        self.written += 1
        day = suit.filed_on
        for k, appeared in enumerate(suit.hearings):
            wait = rng.randint(30, 75) if k == 0 else rng.randint(20, 45)
            day = c.workday_on_or_after(c.days(day, wait))
            yield day
            self.hearing(case, day, appeared, rng)
        if suit.hearings:
            judged = c.workday_on_or_after(c.days(day, rng.randint(10, 45)))
        else:
            judged = c.workday_on_or_after(c.days(day, rng.randint(20, 80)))
        yield judged
        case = lit.case_close(
            actor=self.actor,
            case=case,
            judged_on=judged,
            result=suit.result,
            note=RESULT_NOTES[suit.result],
        )
        if suit.suggestion:
            self.timeline.start(self.suggestion(suit, case, judged, rng))
        if suit.appeal:
            yield from self.appeal(suit, case, judged, rng)

    def appeal(
        self, suit: Suit, first: LitigationCase, judged: dt.date, rng: random.Random
    ) -> c.Process:
        filed = c.workday_on_or_after(c.days(judged, rng.randint(25, 60)))
        yield filed
        court = APPEAL_COURT[first.court]
        case = lit.case_register(
            actor=self.actor,
            unit=suit.unit,
            number=self.number(court, "行终", filed.year),
            court=court,
            filed_on=filed,
            level=Level.SECOND,
            plaintiff_name=suit.plaintiff,
            cause=suit.cause,
            act_category=suit.category,
            reconsideration=suit.reconsideration,
        )
        self.written += 1
        day = filed
        if rng.random() < 0.5:
            day = c.workday_on_or_after(c.days(filed, rng.randint(20, 50)))
            yield day
            self.hearing(case, day, rng.random() < 0.9, rng)
        day = c.workday_on_or_after(c.days(day, rng.randint(15, 45)))
        yield day
        result = self.appeal_result(suit.result, rng)
        note = APPEAL_NOTES.get(result, RESULT_NOTES[result])
        if result in LOSS_RESULTS and suit.result not in LOSS_RESULTS:
            note = "撤销一审判决，" + note.removeprefix("判决")
        elif result == Result.WIN and suit.result in LOSS_RESULTS:
            note = "撤销一审判决，驳回原告的诉讼请求"
        elif result == suit.result and result in LOSS_RESULTS:
            note = "判决驳回上诉，维持原判（" + RESULT_NOTES[result].removeprefix("判决") + "）"
        lit.case_close(actor=self.actor, case=case, judged_on=day, result=result, note=note)

    @staticmethod
    def appeal_result(first: str, rng: random.Random) -> str:
        """How the appeal ends: mostly upheld; sometimes withdrawn or reversed."""
        roll = rng.random()
        if first in LOSS_RESULTS:  # the unit appealed
            return first if roll < 0.75 else Result.WIN
        if first == Result.DISMISSED:
            return Result.DISMISSED if roll < 0.92 else Result.OTHER
        if roll < 0.86:
            return Result.WIN
        return Result.WITHDRAWN if roll < 0.96 else Result.LOSS_ANNUL

    def hearing(
        self, case: LitigationCase, day: dt.date, appeared: bool, rng: random.Random
    ) -> None:
        if not appeared:
            lit.hearing_add(
                actor=self.actor,
                case=case,
                held_on=day,
                head_appeared=False,
                absence_reason=rng.choice(ABSENCE_REASONS),
            )
            return
        principal, deputies, other = self.leaders_of(case.unit)
        category = c.weighted(
            rng,
            (
                (HeadCategory.DEPUTY, 78),
                (HeadCategory.PRINCIPAL, 12),
                (HeadCategory.OTHER_IN_CHARGE, 10),
            ),
        )
        head_post, deputy_post = c.leader_posts(case.unit)
        if category == HeadCategory.PRINCIPAL:
            name, post = principal, head_post
        elif category == HeadCategory.DEPUTY:
            name, post = rng.choice(deputies), deputy_post
        else:
            name, post = other, c.other_leader_post(case.unit)
        lit.hearing_add(
            actor=self.actor,
            case=case,
            held_on=day,
            head_appeared=True,
            head_name=name,
            head_post=post,
            head_category=category,
        )

    def leaders_of(self, unit: OrgUnit) -> tuple[str, tuple[str, ...], str]:
        """(正职, 副职们, 其他分管负责人) of a unit: fixed per seed and unit."""
        if unit.code not in self.leaders:
            rng = random.Random(f"{self.ctx.plan.seed}:{NAME}:leaders:{unit.code}")
            names = [c.person_name(rng) for _ in range(4)]
            self.leaders[unit.code] = (names[0], (names[1], names[2]), names[3])
        return self.leaders[unit.code]

    def number(self, court: str, kind: str, year: int) -> str:
        """The next 案号 of ``court`` (the court also has cases not involving the county)."""
        key = (court, kind, year)
        rng = self.numbers_rng
        step = {COUNTY_COURT: 3, CITY_COURT: 12, HIGH_COURT: 30}[court]
        start = self.numbers.get(key, rng.randint(1, step * 3))
        self.numbers[key] = start + rng.randint(1, step)
        return f"（{year}）{COURT_CODES[court]}{kind}{start}号"

    def suggestion(
        self, suit: Suit, case: LitigationCase, judged: dt.date, rng: random.Random
    ) -> c.Process:
        received = c.pick_workday(rng, c.days(judged, 10), c.days(judged, 40))
        yield received
        row = lit.suggestion_receive(
            actor=self.actor,
            unit=case.unit,
            court=case.court,
            received_on=received,
            content=SUGGESTIONS.get(suit.category, SUGGESTIONS["*"]),
            case=case,
            reply_due=c.days(received, 60),
        )
        replied = c.pick_workday(rng, c.days(received, 20), c.days(received, 55))
        yield replied
        lit.suggestion_reply(
            actor=self.actor,
            suggestion=row,
            replied_on=replied,
            note=rng.choice(SUGGESTION_REPLIES),
        )

    # --- 败诉剖析 ----------------------------------------------------------------------------
    def complete_loss_reviews(self) -> None:
        """The 依法治办 completes each 败诉剖析 the service opened, two to six weeks later."""
        reviews = LossReview.objects.filter(
            unit__path__startswith=self.ctx.root.path, status=LossReviewStatus.OPEN
        ).order_by("opened_on", "pk")
        for k, review in enumerate(reviews):
            rng = random.Random(f"{self.ctx.plan.seed}:{NAME}:review:{review.opened_on}:{k}")
            done = c.add_workdays(review.opened_on, rng.randint(10, 30))
            if done > self.ctx.as_of:
                continue
            covered = list(review.covered.order_by("judged_on", "pk"))
            categories = Counter(case.act_category for case in covered)
            kinds = "、".join(
                f"{ActCategory(cat).label}{n}件" for cat, n in sorted(categories.items())
            )
            problems = "；".join(
                REVIEW_PROBLEMS[cat] for cat in sorted(categories) if cat in REVIEW_PROBLEMS
            )
            measures = "；".join(rng.sample(REVIEW_MEASURES, 2))
            findings = (
                f"{review.unit.name}累计败诉{len(covered)}件（{kinds}）。"
                f"主要问题：{problems or '执法程序不规范'}。整改措施：{measures}。"
            )
            lit.loss_review_complete(
                actor=self.actor, review=review, completed_on=done, findings=findings
            )


def fill(ctx: CountyContext) -> int:
    """Write the county's 行政应诉 cases for ``ctx.case_years`` up to ``ctx.as_of``; returns the
    case rows written."""
    return LitigationFiller(ctx).run()
