"""Demo data: a realistic year of 行政复议 cases per filled year (``fazhi seed``).

The county's 行政复议机构 (the 司法局, acting for the 复议机关 湘江县人民政府) receives about
120–150 applications a year against the county's departments and 乡镇/街道, weighted like a
real county's report (公安、市场监管、自然资源、人社、住建、城管 and the 乡镇 most often;
行政处罚、政府信息公开 and 举报投诉处理 the commonest acts). Shares follow typical county
figures: about four in five accepted (some after 补正, one or two 视为受理), a handful
不予受理 and a few 视为放弃 after an unanswered 补正 notice; about 15% under the simple
procedure; 纠错 about 13–18% of closed cases; 调解/和解/撤回 about 40%; a few 中止 and 延期;
two or three 意见书 answered by the respondent; nearly every case closed within its period.

The years are the context's: the full years (``ctx.year_range``) and the current year up to
``ctx.as_of`` (``ctx.case_years``). Each year is planned whole; the applications received after
``as_of`` never start, and those received shortly before it are still being reviewed or heard.

Every case is written through :mod:`fazhi.reconsideration.services` as the command line
scoped to the county, in calendar order (see :class:`fazhi.demo.cases.Timeline`). At the end
:func:`~fazhi.reconsideration.services.sweep` deems accepted any application whose review
period ran out with no decision.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from fazhi.core.deadlines import is_workday
from fazhi.demo import cases as c
from fazhi.demo.generator import CountyContext
from fazhi.orgs.models import OrgUnit
from fazhi.reconsideration import services as rec
from fazhi.reconsideration.models import (
    CORRECTING_OUTCOMES,
    ApplicantKind,
    Channel,
    LetterKind,
    Outcome,
    Procedure,
    ReconsiderationCase,
    SuspensionGround,
)

NAME = "reconsideration"
LABEL = "行政复议案件"  # in the `fazhi seed` summary

# How an application is dealt with before the hearing stage.
ACCEPT = "accept"
CORRECT_ACCEPT = "correct_accept"
CORRECT_REFUSE = "correct_refuse"
CORRECT_ABANDON = "correct_abandon"
REFUSE = "refuse"
DEEM = "deem"
ACCEPTED_PATHS = (ACCEPT, CORRECT_ACCEPT, DEEM)
CORRECTION_PATHS = (CORRECT_ACCEPT, CORRECT_REFUSE, CORRECT_ABANDON)
REFUSE_PATHS = (REFUSE, CORRECT_REFUSE)

#: The respondents: county departments (by name suffix) and, together, the 乡镇/街道.
RESPONDENT_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("公安局", 24), ("市场监督管理局", 11), ("自然资源局", 11), ("人力资源和社会保障局", 8),
    ("城市管理和综合执法局", 8), ("住房和城乡建设局", 7), ("生态环境局", 3), ("交通运输局", 3),
    ("农业农村局", 2), ("卫生健康局", 2), ("人民政府办公室", 2), ("应急管理局", 1.5),
    ("医疗保障局", 1.5), ("林业局", 1.5), ("教育局", 1), ("民政局", 1), ("水利局", 1),
    ("文化旅游广电体育局", 1), ("财政局", 0.5), ("商务局", 0.5), ("退役军人事务局", 0.5),
)  # fmt: skip
TOWNSHIP_WEIGHT = 13.0

WITHDRAWALS: tuple[tuple[str, float], ...] = (
    (Outcome.MEDIATION, 18),
    (Outcome.SETTLED_WITHDRAWN, 27),
    (Outcome.COORDINATED_WITHDRAWN, 42),
    (Outcome.OTHER_WITHDRAWN, 13),
)
WITHDRAWAL_OUTCOMES = frozenset(o for o, _ in WITHDRAWALS)
#: 纠错 outcomes by act category (the rest: "*").
CORRECTIONS: dict[str, tuple[tuple[str, float], ...]] = {
    "info_disclosure": (
        (Outcome.ORDER_PERFORM, 40), (Outcome.ANNUL, 35), (Outcome.CONFIRM_ILLEGAL, 25),
    ),
    "inaction": ((Outcome.ORDER_PERFORM, 70), (Outcome.CONFIRM_ILLEGAL, 30)),
    "penalty": (
        (Outcome.ANNUL, 45), (Outcome.VARY, 25), (Outcome.PARTIAL_ANNUL, 15),
        (Outcome.CONFIRM_ILLEGAL, 15),
    ),
    "compulsion": ((Outcome.CONFIRM_ILLEGAL, 75), (Outcome.ANNUL, 25)),
    "complaint": ((Outcome.ANNUL, 50), (Outcome.ORDER_PERFORM, 30), (Outcome.CONFIRM_ILLEGAL, 20)),
    "*": (
        (Outcome.ANNUL, 50), (Outcome.CONFIRM_ILLEGAL, 30), (Outcome.PARTIAL_ANNUL, 10),
        (Outcome.CONFIRM_VOID, 5), (Outcome.VARY, 5),
    ),
}  # fmt: skip
OUTCOME_NOTES: dict[str, str] = {
    Outcome.UPHOLD: "认定事实清楚，证据确凿，适用依据正确，程序合法，内容适当，决定维持",
    Outcome.REJECT_CLAIM: "申请人的行政复议请求不能成立，决定驳回",
    Outcome.ANNUL: "主要事实不清、证据不足，决定撤销，责令被申请人在法定期限内重新作出行政行为",
    Outcome.PARTIAL_ANNUL: "部分处理内容适用依据错误，决定部分撤销",
    Outcome.VARY: "处罚幅度明显不当，决定变更",
    Outcome.CONFIRM_ILLEGAL: "程序违法，决定确认该行政行为违法",
    Outcome.CONFIRM_VOID: "实施主体不具有行政主体资格，决定确认该行政行为无效",
    Outcome.ORDER_PERFORM: "被申请人未依法履行法定职责，决定责令其在规定期限内履行",
    Outcome.MEDIATION: "经行政复议机构主持调解，双方达成调解协议，制作行政复议调解书",
    Outcome.SETTLED_WITHDRAWN: "申请人与被申请人自愿达成和解，申请人撤回申请，行政复议终止",
    Outcome.COORDINATED_WITHDRAWN: "经行政复议机构协调，被申请人自行纠正，申请人撤回申请",
    Outcome.OTHER_WITHDRAWN: "申请人自愿撤回行政复议申请，行政复议终止",
    Outcome.TERMINATED: "依照《行政复议法》第四十一条规定，终止行政复议",
}
REFUSAL_REASONS = (
    "不属于行政复议范围（信访处理意见）",
    "超过法定申请期限且无正当理由",
    "申请人已就同一事项向人民法院提起行政诉讼，人民法院已经依法受理",
    "申请人与被申请行政复议的行政行为不具有利害关系",
    "没有明确的被申请人",
    "不属于本机关管辖，已告知申请人向有管辖权的行政复议机关提出",
)
CORRECTION_NOTES = (
    "申请材料不齐全：缺少申请人身份证明，书面通知一次性补正",
    "申请书未载明具体的行政复议请求和理由，书面通知补正",
    "未提供被申请人作出行政行为的相关材料，书面通知补正",
)
SUSPENSION_NOTES: dict[str, str] = {
    SuspensionGround.G6: "双方同意进行和解，中止审理",
    SuspensionGround.G8: "本案审理需以相关民事案件的审理结果为依据，该案尚未审结",
    SuspensionGround.G5: "申请人因病住院，不能参加行政复议",
    SuspensionGround.G7: "案件涉及法律适用问题，需要有权机关作出解释",
    SuspensionGround.G10: "需要等待有关部门作出鉴定结论",
}
LETTER_PROBLEMS = (
    "执法程序不规范，调查取证不充分",
    "政府信息公开答复不规范，未依法告知救济途径",
    "行政强制程序不规范，未依法履行催告程序",
    "举报投诉处理不及时，未在规定期限内书面答复",
)
LETTER_REPLIES = (
    "已组织专题学习，修订执法工作规程，对相关责任人进行约谈，并重新作出行政行为",
    "已完成整改：规范答复文书格式，建立答复前法制审核制度",
    "已对同类案件开展自查，纠正问题 3 件，并加强执法人员培训",
)


@dataclass
class Application:
    """One planned application and its fate (chosen up front, played out on the timeline)."""

    received_on: dt.date
    respondent: OrgUnit
    category: str
    applicant_kind: str
    applicant_name: str
    applicant_id_number: str
    channel: str
    matter: str
    path: str = ACCEPT
    simple: bool = False
    outcome: str = ""
    suspend: bool = False
    extend: bool = False
    late: bool = False
    letter: bool = False

    @property
    def ordinary(self) -> bool:
        return self.path in ACCEPTED_PATHS and not self.simple


class ReconsiderationFiller:
    def __init__(self, ctx: CountyContext) -> None:
        self.ctx = ctx
        self.actor = ctx.actor
        self.unit = c.justice_bureau(ctx)
        self.pool = c.unit_pool(ctx, RESPONDENT_WEIGHTS, TOWNSHIP_WEIGHT)
        self.towns = c.townships(ctx)
        self.timeline = c.Timeline(c.horizon(ctx))

    def run(self) -> int:
        count = 0
        for year in self.ctx.case_years:
            for i, app in enumerate(self.plan_year(year)):
                if app.received_on > self.timeline.until:
                    break  # the rest of the current year (sorted by date) has not happened yet
                rng = random.Random(f"{self.ctx.plan.seed}:{NAME}:{year}:{i}")
                self.timeline.start(self.process(app, rng))
                count += 1
        self.timeline.run()
        rec.sweep(actor=self.actor, today=self.timeline.until)
        return count

    # --- planning ---------------------------------------------------------------------------
    def plan_year(self, year: int) -> list[Application]:
        rng = self.ctx.rng_for(f"{NAME}:{year}")
        n = rng.randint(122, 150)
        apps = [self.application(rng, day) for day in c.filing_dates(rng, year, n, 0.06)]
        order = rng.sample(range(n), n)
        counts = (
            (REFUSE, c.share(rng, n, 0.12, 0.15)),
            (CORRECT_ABANDON, c.share(rng, n, 0.03, 0.05)),
            (CORRECT_ACCEPT, c.share(rng, n, 0.06, 0.09)),
            (CORRECT_REFUSE, rng.randint(0, 2)),
            (DEEM, rng.randint(1, 2)),
        )
        at = 0
        for path, k in counts:
            for i in order[at : at + k]:
                apps[i].path = path
            at += k
        accepted = [i for i in range(n) if apps[i].path in ACCEPTED_PATHS]
        m = len(accepted)
        for i in c.chosen(
            rng, [i for i in accepted if apps[i].path != DEEM], c.share(rng, m, 0.13, 0.17)
        ):
            apps[i].simple = True
        self.assign_outcomes(rng, [apps[i] for i in accepted])
        ordinary = [i for i in accepted if apps[i].ordinary]
        for i in c.chosen(rng, ordinary, rng.randint(3, 5)):
            apps[i].suspend = True
        deciding = [
            i for i in ordinary
            if not apps[i].suspend and apps[i].outcome not in WITHDRAWAL_OUTCOMES
        ]  # fmt: skip
        extended = c.chosen(rng, deciding, rng.randint(4, 7))
        for i in extended:
            apps[i].extend = True
        if rng.random() < 0.5:
            for i in c.chosen(rng, [i for i in deciding if i not in extended], 1):
                apps[i].late = True
        early_corrections = [
            i for i in accepted
            if apps[i].outcome in CORRECTING_OUTCOMES and apps[i].received_on.month <= 9
        ]  # fmt: skip
        for i in c.chosen(rng, early_corrections, rng.randint(2, 3)):
            apps[i].letter = True
        return apps

    def assign_outcomes(self, rng: random.Random, apps: list[Application]) -> None:
        m = len(apps)
        order = rng.sample(range(m), m)
        withdrawn = c.share(rng, m, 0.36, 0.44)
        corrected = c.share(rng, m, 0.13, 0.18)
        terminated = c.share(rng, m, 0.01, 0.03)
        for rank, i in enumerate(order):
            app = apps[i]
            if rank < withdrawn:
                app.outcome = c.weighted(rng, WITHDRAWALS)
            elif rank < withdrawn + corrected:
                app.outcome = c.weighted(rng, CORRECTIONS.get(app.category, CORRECTIONS["*"]))
            elif rank < withdrawn + corrected + terminated:
                app.outcome = Outcome.TERMINATED
            else:
                app.outcome = Outcome.UPHOLD if rng.random() < 0.75 else Outcome.REJECT_CLAIM

    def application(self, rng: random.Random, received_on: dt.date) -> Application:
        respondent = c.weighted(rng, self.pool)
        category = c.act_category_for(rng, respondent)
        kind = c.weighted(
            rng,
            (
                (ApplicantKind.PERSON, 78),
                (ApplicantKind.LEGAL_PERSON, 18),
                (ApplicantKind.OTHER_ORG, 4),
            ),
        )
        if kind == ApplicantKind.PERSON:
            name, id_number = c.person_name(rng), c.synthetic_id_number(rng)
        elif kind == ApplicantKind.LEGAL_PERSON:
            name, id_number = c.company_name(rng), ""
        else:
            name, id_number = c.village_group_name(rng, rng.choice(self.towns)), ""
        if is_workday(received_on):
            channel = c.weighted(
                rng,
                (
                    (Channel.IN_PERSON, 52),
                    (Channel.ONLINE, 26),
                    (Channel.POST, 16),
                    (Channel.ORAL, 3),
                    (Channel.FORWARDED, 3),
                ),
            )
        else:
            channel = c.weighted(rng, ((Channel.ONLINE, 70), (Channel.POST, 30)))
        act = c.act_for(rng, respondent, category)
        return Application(
            received_on=received_on,
            respondent=respondent,
            category=category,
            applicant_kind=kind,
            applicant_name=name,
            applicant_id_number=id_number,
            channel=channel,
            matter=c.matter_text(respondent, category, act),
        )

    # --- one case on the timeline -----------------------------------------------------------
    def process(self, app: Application, rng: random.Random) -> c.Process:
        actor = self.actor
        yield app.received_on
        case = rec.case_receive(
            actor=actor,
            unit=self.unit,
            received_on=app.received_on,
            act_category=app.category,
            respondent=app.respondent,
            applicant_kind=app.applicant_kind,
            applicant_name=app.applicant_name,
            applicant_id_number=app.applicant_id_number,
            channel=app.channel,
            matter=app.matter,
        )
        assert case.review_due is not None
        start = case.received_on
        if app.path in CORRECTION_PATHS:
            notified = c.pick_workday(
                rng, c.days(start, 1), min(c.add_workdays(start, 4), case.review_due)
            )
            yield notified
            case = rec.case_request_correction(
                actor=actor, case=case, notified_on=notified, note=rng.choice(CORRECTION_NOTES)
            )
            assert case.correction_due is not None
            if app.path == CORRECT_ABANDON:
                on = c.workday_on_or_after(c.days(case.correction_due, rng.randint(1, 6)))
                yield on
                rec.case_abandon(
                    actor=actor,
                    case=case,
                    on=on,
                    note="申请人无正当理由逾期不补正，视为放弃行政复议申请",
                )
                return
            start = c.pick_workday(rng, c.days(notified, 2), case.correction_due)
            yield start
            case = rec.case_receive_correction(
                actor=actor, case=case, received_on=start, note="申请人按期提交补正材料"
            )
        review_due = case.review_due
        assert review_due is not None
        if app.path in REFUSE_PATHS:
            on = c.pick_workday(rng, c.days(start, 1), review_due)
            yield on
            rec.case_refuse(
                actor=actor, case=case, refused_on=on, reason=rng.choice(REFUSAL_REASONS)
            )
            return
        if app.path == DEEM:
            yield c.days(review_due, 1)
            case = rec.case_deem_accepted(actor=actor, case=case)
        else:
            on = c.pick_workday(rng, c.days(start, 1), review_due)
            yield on
            procedure = Procedure.SIMPLE if app.simple else Procedure.ORDINARY
            case = rec.case_accept(actor=actor, case=case, accepted_on=on, procedure=procedure)
        yield from self.hearing(app, case, rng)

    def hearing(self, app: Application, case: ReconsiderationCase, rng: random.Random) -> c.Process:
        actor = self.actor
        accepted, due = case.accepted_on, case.decision_due
        assert accepted is not None and due is not None
        if app.suspend:
            suspended = c.pick_workday(rng, c.days(accepted, 8), c.days(accepted, 30))
            yield suspended
            if app.outcome in WITHDRAWAL_OUTCOMES:
                ground: str = SuspensionGround.G6
            else:
                ground = c.weighted(
                    rng,
                    (
                        (SuspensionGround.G8, 45),
                        (SuspensionGround.G5, 25),
                        (SuspensionGround.G7, 15),
                        (SuspensionGround.G10, 15),
                    ),
                )
            case = rec.case_suspend(
                actor=actor,
                case=case,
                suspended_on=suspended,
                ground=ground,
                note=SUSPENSION_NOTES[ground],
            )
            if app.outcome in rec.CLOSABLE_WHILE_SUSPENDED and rng.random() < 0.5:
                closed = c.pick_workday(rng, c.days(suspended, 10), c.days(suspended, 40))
            else:
                resumed = c.pick_workday(rng, c.days(suspended, 15), c.days(suspended, 70))
                yield resumed
                case = rec.case_resume(
                    actor=actor, case=case, resumed_on=resumed, note="中止原因消除，恢复审理"
                )
                assert case.decision_due is not None
                closed = c.pick_workday(rng, c.days(resumed, 5), case.decision_due)
        elif app.extend:
            approved = c.pick_workday(
                rng, max(c.days(due, -12), c.days(accepted, 1)), c.days(due, -2)
            )
            yield approved
            case = rec.case_extend(
                actor=actor,
                case=case,
                approved_on=approved,
                days=30 if rng.random() < 0.7 else rng.randint(15, 29),
                note="案情重大复杂，经行政复议机构负责人批准延长审理期限",
            )
            assert case.decision_due is not None
            closed = c.pick_workday(rng, c.days(due, 2), case.decision_due)
        elif app.late:
            closed = c.workday_on_or_after(c.days(due, rng.randint(1, 5)))
        else:
            closed = self.close_date(rng, app, accepted, due)
        yield closed
        case = rec.case_close(
            actor=actor,
            case=case,
            closed_on=closed,
            outcome=app.outcome,
            note=OUTCOME_NOTES[app.outcome],
        )
        if app.letter:
            issued = c.pick_workday(rng, c.days(closed, 3), c.days(closed, 15))
            served = c.pick_workday(rng, c.days(issued, 1), c.days(issued, 4))
            yield served
            letter = rec.letter_issue(
                actor=actor,
                case=case,
                kind=LetterKind.OPINION,
                issued_on=issued,
                served_on=served,
                recipient=app.respondent,
                content=f"办理本案中发现被申请人存在{rng.choice(LETTER_PROBLEMS)}的问题，"
                "请予以纠正并在收到本意见书之日起六十日内报送纠正情况",
            )
            replied = c.pick_workday(rng, c.days(served, 25), c.days(letter.reply_due, -3))
            yield replied
            rec.letter_reply(
                actor=actor, letter=letter, replied_on=replied, note=rng.choice(LETTER_REPLIES)
            )

    @staticmethod
    def close_date(
        rng: random.Random, app: Application, accepted: dt.date, due: dt.date
    ) -> dt.date:
        """A closing day within the 审理期限: quick for the simple procedure and withdrawals."""
        if app.simple:
            handling = rng.randint(8, 26)
        elif app.outcome in WITHDRAWAL_OUTCOMES or app.outcome == Outcome.TERMINATED:
            handling = rng.randint(10, 50)
        else:
            handling = rng.randint(28, 57)
        closed = c.workday_on_or_after(c.days(accepted, handling))
        return closed if closed <= due else c.workday_on_or_before(due)


def fill(ctx: CountyContext) -> int:
    """Write the county's 行政复议 cases for ``ctx.case_years`` up to ``ctx.as_of``; returns the
    number of cases."""
    return ReconsiderationFiller(ctx).run()
