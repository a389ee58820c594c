"""Demo data for the 重大行政决策 register: the county filler and the city/province seeder.

* :func:`fill` (kit hook ``demo_county``): for the county government, the 决策事项目录 of the last
  full year (published after the 党委同意, then adjusted: version 2 published, version 1 已调整)
  and next year's draft; and a handful of decisions walked through the services so that the
  stages and warnings appear: one 已后评估 (every procedure, a hearing, evidence of dissent),
  one 执行中 (探索性改革 with the legal risk stated), one blocked at 提请集体讨论 (its 合法性审查
  still running), one 论证中 (a shortened consultation with its reason, 风险评估 不适用), and one
  已终止 in the year before. Dates are fixed days of ``ctx.year_range`` (never the clock).
* :func:`seed` (kit hook ``demo_scale``): one or two decisions a year per government, in bulk,
  decided ones moved with ``DECISIONS.advance`` (never by assigning ``status``).
"""

from __future__ import annotations

import datetime as dt

from fazhi.decisions import services as s
from fazhi.decisions.models import Category, Decision, Procedure, ProcedureState, Proposer
from fazhi.decisions.workflow import DECISIONS, kinds
from fazhi.demo import cases as c
from fazhi.demo.generator import CountyContext
from fazhi.demo.scale import ScaleContext
from fazhi.orgs.models import OrgUnit

NAME = "decisions"  # the RNGs' name: the app label
LABEL = "重大行政决策及目录"  # in the `fazhi seed` summary

MEMBERS = (
    "王县长，县长",
    "李副县长，常务副县长",
    "张副县长，副县长",
    "刘副县长，副县长",
    "陈主任，县政府办主任",
)


def _positions(dissent: int = 0) -> str:
    """The members' positions, the 行政首长 (县长) last."""
    lines = []
    others = MEMBERS[1:]
    for n, member in enumerate(others):
        view = "不同意，建议分步实施" if n < dissent else "同意"
        lines.append(f"{member}，{view}")
    lines.append(f"{MEMBERS[0]}，同意，原则同意，按会议意见修改后印发")
    return "\n".join(lines)


def _unit(ctx: CountyContext, name: str) -> OrgUnit:
    try:
        return c.unit_by_suffix(ctx, name)
    except KeyError:
        return ctx.root


def fill(ctx: CountyContext) -> int:
    year = ctx.year_range[-1]

    def d(month: int, day: int) -> dt.date:
        return dt.date(year, month, day)

    actor, root = ctx.actor, ctx.root
    justice = c.justice_bureau(ctx)
    written = 0

    # --- 决策事项目录 -------------------------------------------------------------------------
    first = s.catalogue_register(
        actor=actor,
        unit=root,
        year=year,
        title=f"{root.name}{year}年度重大行政决策事项目录",
        drawn_up_on=d(1, 8),
    )
    s.catalogue_publish(
        actor=actor,
        catalogue=first,
        party_approved_on=d(1, 17),
        published_on=d(1, 24),
        url="https://www.example.gov.cn/zdjc/ml1",
    )
    second = s.catalogue_register(
        actor=actor,
        unit=root,
        year=year,
        title=f"{root.name}{year}年度重大行政决策事项目录（调整）",
        drawn_up_on=d(6, 3),
        previous=first,
        adjustment_reason="根据县委部署增列义务教育学校布局调整事项",
    )
    s.catalogue_publish(
        actor=actor,
        catalogue=second,
        party_approved_on=d(6, 10),
        published_on=d(6, 16),
        url="https://www.example.gov.cn/zdjc/ml2",
    )
    s.catalogue_register(
        actor=actor,
        unit=root,
        year=year + 1,
        title=f"{root.name}{year + 1}年度重大行政决策事项目录",
        drawn_up_on=d(12, 15),
    )
    written += 3

    # --- 已后评估: every procedure -------------------------------------------------------------
    lead = _unit(ctx, "住房和城乡建设局")
    a = s.decision_register(
        actor=actor,
        unit=root,
        lead_unit=lead,
        title="湘江县城区公共停车场收费管理办法",
        category=Category.POLICY,
        proposer=Proposer.DEPARTMENT,
        listed_on=d(1, 24),
        catalogue=first,
    )
    s.decision_start(actor=actor, decision=a, started_on=d(2, 3))
    s.decision_participate(
        actor=actor,
        decision=a,
        methods="座谈会、向社会公开征求意见、问卷调查",
        started_on=d(3, 2),
        ended_on=d(4, 3),
        adoption="收到意见86条，采纳31条，部分采纳12条",
    )
    s.decision_hearing(
        actor=actor,
        decision=a,
        hearing_on=d(3, 25),
        materials_sent_on=d(3, 14),
        participants="市民代表9名、经营者代表4名、人大代表2名",
        signed=True,
    )
    s.decision_expert(
        actor=actor,
        decision=a,
        done_on=d(3, 18),
        performed_by="湘江大学公共管理学院",
        participants="交通规划、价格、法律专家5名",
        signed=True,
        dissent="一名专家认为夜间收费标准偏高",
    )
    s.decision_risk(
        actor=actor,
        decision=a,
        done_on=d(4, 8),
        performed_by="县社会稳定风险评估中心",
        risk_points="老旧小区周边停车需求集中；价格上调引发投诉",
        measures="分时段阶梯收费；设置过渡期；开通投诉热线",
        risk_controllable=True,
    )
    s.decision_submit_review(actor=actor, decision=a, submitted_on=d(4, 10), review_unit=justice)
    from fazhi.legality.services import review_conclude

    assert a.legality_review is not None
    review_conclude(
        actor=actor,
        review=a.legality_review,
        completed_on=d(4, 22),
        conclusion="amended",
        reason="",
    )
    s.decision_propose(actor=actor, decision=a, proposed_on=d(4, 23))
    s.decision_party_report(actor=actor, decision=a, done_on=d(4, 25), note="县委常委会议同意")
    s.decision_discuss(
        actor=actor,
        decision=a,
        decided_on=d(4, 28),
        meeting_kind="standing",
        meeting=f"县人民政府{year}年第8次常务会议",
        positions=_positions(dissent=1),
    )
    s.decision_publish(
        actor=actor,
        decision=a,
        published_on=d(5, 9),
        methods="县政府公报、县政府网站、湘江日报",
        adoption="同步发布政策解读，说明公众意见和专家意见采纳情况",
    )
    s.decision_implement(actor=actor, decision=a, started_on=d(6, 1), execution_unit=lead)
    s.decision_archive(actor=actor, decision=a, done_on=d(6, 5), note="决策过程记录和材料共46件")
    s.decision_execution_report(
        actor=actor, decision=a, reported_on=d(9, 30), note="新建智慧停车泊位1200个，投诉量同比下降"
    )
    s.decision_evaluate(
        actor=actor, decision=a, started_on=d(10, 15), trigger="opinions", evaluator="湘江县法学会"
    )
    s.decision_finish_evaluation(
        actor=actor,
        decision=a,
        evaluated_on=d(12, 10),
        note="总体达到预期效果，建议调整夜间收费时段",
    )
    written += 1

    # --- 执行中: 探索性改革, legal risk stated -----------------------------------------------
    b = s.decision_register(
        actor=actor,
        unit=root,
        lead_unit=_unit(ctx, "发展和改革局"),
        title="湘江县农村集体经营性建设用地入市试点实施方案",
        category=Category.RESOURCE,
        proposer=Proposer.LEADER,
        listed_on=d(2, 20),
        catalogue=first,
        exploratory=True,
        legal_risk="国家层面入市收益分配尚无明确规定，存在收益调节金标准被调整的风险",
    )
    s.decision_start(actor=actor, decision=b, started_on=d(2, 27))
    s.decision_participate(
        actor=actor,
        decision=b,
        methods="实地走访、书面征求意见、向社会公开征求意见",
        started_on=d(5, 6),
        ended_on=d(6, 5),
    )
    s.decision_expert(
        actor=actor,
        decision=b,
        done_on=d(6, 12),
        performed_by="省农业农村厅专家库",
        participants="土地管理、农村经济专家4名",
        signed=True,
    )
    s.decision_risk(
        actor=actor,
        decision=b,
        done_on=d(6, 19),
        performed_by="县自然资源局",
        risk_points="集体成员收益分配争议",
        measures="收益分配方案经村民会议表决",
        risk_controllable=True,
    )
    s.decision_submit_review(actor=actor, decision=b, submitted_on=d(6, 24), review_unit=justice)
    assert b.legality_review is not None
    review_conclude(
        actor=actor,
        review=b.legality_review,
        completed_on=d(7, 8),
        conclusion="unlawful",
        reason="收益调节金的征收缺乏上位法依据",
    )
    s.decision_propose(actor=actor, decision=b, proposed_on=d(7, 10))
    s.decision_party_report(actor=actor, decision=b, done_on=d(7, 14))
    s.decision_discuss(
        actor=actor,
        decision=b,
        decided_on=d(7, 18),
        meeting_kind="standing",
        meeting=f"县人民政府{year}年第14次常务会议",
        positions=_positions(),
    )
    s.decision_publish(actor=actor, decision=b, published_on=d(7, 28), methods="县政府网站")
    s.decision_implement(
        actor=actor, decision=b, started_on=d(8, 1), execution_unit=_unit(ctx, "自然资源局")
    )
    written += 1

    # --- 待审查: blocked at 提请集体讨论 (the review runs) --------------------------------------
    e = s.decision_register(
        actor=actor,
        unit=root,
        lead_unit=_unit(ctx, "教育局"),
        title="湘江县义务教育学校布局调整规划（2026—2030年）",
        category=Category.PLAN,
        proposer=Proposer.DEPUTY,
        listed_on=d(6, 16),
        catalogue=second,
    )
    s.decision_start(actor=actor, decision=e, started_on=d(6, 20))
    s.decision_participate(
        actor=actor,
        decision=e,
        methods="座谈会、向社会公开征求意见",
        started_on=d(9, 1),
        ended_on=d(9, 20),
        shortened_reason="秋季学期学位安排紧迫，经县政府同意缩短征求意见期限",
    )
    s.decision_expert(
        actor=actor,
        decision=e,
        done_on=d(10, 9),
        performed_by="县教育科学研究所",
        participants="教育规划专家3名",
        signed=True,
    )
    s.decision_risk(
        actor=actor,
        decision=e,
        done_on=d(10, 20),
        performed_by="县社会稳定风险评估中心",
        risk_points="撤并教学点引发家长不满",
        measures="保留必要教学点；校车接送",
        risk_controllable=True,
    )
    s.decision_submit_review(actor=actor, decision=e, submitted_on=d(12, 22), review_unit=justice)
    written += 1

    # --- 论证中: 风险评估 不适用, consultation running at the year's end ------------------------
    f_ = s.decision_register(
        actor=actor,
        unit=root,
        lead_unit=_unit(ctx, "市场监督管理局"),
        title="湘江县促进个体工商户发展若干措施",
        category=Category.POLICY,
        proposer=Proposer.PUBLIC,
        listed_on=d(6, 16),
        catalogue=second,
    )
    s.decision_start(actor=actor, decision=f_, started_on=d(11, 3))
    s.decision_not_applicable(
        actor=actor,
        decision=f_,
        kind="risk",
        reason="扶持性措施，实施不会对社会稳定、公共安全造成不利影响",
    )
    s.decision_not_applicable(
        actor=actor, decision=f_, kind="hearing", reason="不直接涉及特定群体切身利益，且无较大分歧"
    )
    s.decision_participate(
        actor=actor,
        decision=f_,
        methods="向社会公开征求意见",
        started_on=d(12, 1),
        ended_on=d(12, 31),
    )
    written += 1

    # --- 已立项 / 已终止 ---------------------------------------------------------------------
    s.decision_register(
        actor=actor,
        unit=root,
        lead_unit=_unit(ctx, "交通运输局"),
        title="湘江县城乡公交一体化实施方案",
        category=Category.PROJECT,
        proposer=Proposer.LEADER,
        listed_on=d(12, 18),
    )
    g = s.decision_register(
        actor=actor,
        unit=root,
        lead_unit=_unit(ctx, "住房和城乡建设局"),
        title="湘江县老城区燃气管网改造项目",
        category=Category.PROJECT,
        proposer=Proposer.DEPARTMENT,
        listed_on=d(3, 6),
        catalogue=first,
    )
    s.decision_terminate(
        actor=actor,
        decision=g,
        ended_on=d(5, 12),
        reason="项目已纳入省级统筹实施，不再作为本级重大行政决策",
    )
    written += 2
    return written


def seed(ctx: ScaleContext) -> int:
    """One or two decisions a year per government (its 承办单位 a member unit), decided and
    published in the year, the procedures done; in bulk."""
    ctx.writer.register(Decision)
    ctx.writer.register(Procedure)
    table = kinds()
    written = 0
    for gov, year in ctx.government_years():
        rng = ctx.rng(gov, NAME)
        first, last = c.year_bounds(year, ctx.horizon)
        if (last - first).days < 120:
            continue
        members = [u for u, _ in gov.members] or [gov.unit]
        for n in range(ctx.count(rng, gov, (1, 2))):
            listed = ctx.pick(rng, first, last - dt.timedelta(days=110))
            decided = listed + dt.timedelta(days=rng.randint(70, 100))
            decision = Decision(
                unit=gov.unit,
                lead_unit=rng.choice(members),
                title=f"{gov.unit.name}{year}年度重大行政决策事项{n + 1}",
                category=rng.choice(Category.values),
                proposer=Proposer.LEADER,
                listed_on=listed,
            )
            for step in ("start", "submit_review", "propose", "discuss", "publish"):
                DECISIONS.advance(decision, step)
            decision.started_on = listed + dt.timedelta(days=5)
            decision.decided_on = decided
            decision.published_on = decided + dt.timedelta(days=10)
            decision.procedures_complete = True
            ctx.writer.add(decision)
            for code, kind in table.items():
                state = ProcedureState.PENDING
                if kind.mandatory:
                    state = ProcedureState.DONE
                elif kind.na_allowed:
                    state = ProcedureState.NOT_APPLICABLE
                ctx.writer.add(
                    Procedure(
                        decision=decision,
                        kind_id=code,
                        state=state,
                        done_on=decided if state == ProcedureState.DONE else None,
                        na_reason="不适用" if state == ProcedureState.NOT_APPLICABLE else "",
                    )
                )
            written += 1
    return written
