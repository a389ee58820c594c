"""Demo data: annual reports on the last filled year, written through the services.

- 湘江县人民政府: drafted from the data, its prompts filled in, then 保密审查, 审议 at the 政府常务
  会议, 报送 and 公开 in March of the next year (on the public portal).
- 县司法局: reported (报送) on time, not yet published.
- 县市场监督管理局: still a draft, so the 依法治办's overview shows every state.

Workflow dates are fixed days of the next year (never the clock), brought forward to the
demo's "today" (``ctx.as_of``) when that is earlier: seeded on 10 January, the county's report
is reviewed, adopted, sent and published by 10 January, each step on its own day where the days
allow.
"""

from __future__ import annotations

import datetime as dt
import re

from fazhi.demo import data
from fazhi.demo.generator import CountyContext
from fazhi.orgs.models import OrgUnit
from fazhi.reports import services, tokens
from fazhi.reports.models import AnnualReport

NAME = "reports"
LABEL = "年度报告"  # in the `fazhi seed` summary

#: What a drafting office writes where the draft has a prompt (found by its marker, answered by
#: what it asks). Every prompt is answered before the report goes to 保密审查, so the published
#: report has none (the services refuse otherwise).
_FILLED = (
    ("学习贯彻", "坚持把学习贯彻习近平法治思想作为首要任务，全年组织政府常务会议会前学法12次。"),
    ("权责清单", "动态调整权责清单，深化“放管服”改革，政务服务事项全部实现网上可办。"),
    ("规范性文件", "严格落实规范性文件合法性审核和备案审查制度，开展规范性文件集中清理。"),
    ("重大行政决策", "公布年度重大行政决策事项目录，严格履行公众参与、专家论证、风险评估等程序。"),
    ("行政执法", "全面落实行政执法“三项制度”，组织开展行政执法案卷评查。"),
    ("应急", "修订突发事件总体应急预案，依法做好突发事件应对处置。"),
    ("行政调解", "健全行政调解工作机制，推进信访工作法治化，深入开展“八五”普法。"),
    ("人大监督", "自觉接受人大监督和政协民主监督，全面推进政务公开。"),
    ("政务数据", "推进政务数据共享，推广“互联网+监管”和移动执法。"),
    ("党委统一领导", "将法治政府建设纳入年度绩效考核，积极开展示范创建。"),
    (
        "主要负责人",
        "主要负责人全年主持召开专题会议研究法治政府建设工作4次，带头出庭应诉，年终述法。",
    ),
    (
        "差距的原因",
        "差距主要是工作统筹调度不够有力，部分单位对任务时限重视不够，基层法治工作力量仍较薄弱；"
        "行政机关负责人出庭应诉、执法人员培训等工作还需常抓不懈。",
    ),
    ("政务公开", "主动接受人大、政协和社会监督，按时办结人大代表建议、政协委员提案。"),
    ("组织领导", "局党组定期研究法治建设，落实“谁执法谁普法”普法责任制。"),
    (
        "存在的不足",
        "对照年度工作要点，部分任务推进不够及时，基层法治力量仍较薄弱。原因主要是统筹调度不够有力，基层法治人才不足。",
    ),
    (
        "推进法治政府建设的主要安排",
        "继续对标法治政府建设示范指标，抓好行政执法规范化、行政复议主渠道建设和基层法治队伍建设。",
    ),
    ("推进法治建设的主要安排", "继续抓好行政执法规范化和干部学法用法。"),
    ("其他需要报告", "无。"),
)


def _fill(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        prompt = tokens.prompt_text(match)
        for key, sentence in _FILLED:
            if key in prompt:
                return sentence
        return "相关工作按计划推进。"

    return tokens.ANY_PROMPT.sub(replace, text)


def _complete(ctx: CountyContext, report: AnnualReport) -> AnnualReport:
    bodies = {p.number: _fill(p.body) for p in report.parts.all()}
    return services.report_edit(
        actor=ctx.actor,
        report=report,
        revision=report.revision,
        title=report.title,
        preamble=report.preamble,
        bodies=bodies,
    )


def _unit(ctx: CountyContext, suffix: str) -> OrgUnit:
    return next(u for u in ctx.units.values() if u.name == f"{data.COUNTY_NAME}{suffix}")


def _submitted(
    ctx: CountyContext,
    unit: OrgUnit,
    *,
    review: tuple[str, str, dt.date],
    meeting: tuple[str, dt.date],
    submitted: tuple[list[str], list[str], dt.date],
) -> AnnualReport:
    """``unit``'s report drafted, completed, reviewed (reviewer, opinion, day), adopted
    (meeting, day) and sent (recipients, copies, day)."""
    actor = ctx.actor
    report = _complete(ctx, services.report_create(actor=actor, unit=unit, year=ctx.last_year))
    services.report_send_to_review(actor=actor, report=report)
    reviewer, opinion, reviewed_on = review
    report = services.report_secrecy_review(
        actor=actor,
        report=report,
        approve=True,
        reviewer=reviewer,
        reviewed_on=reviewed_on,
        opinion=opinion,
    )
    report = services.report_deliberate(
        actor=actor, report=report, approve=True, meeting=meeting[0], meeting_on=meeting[1]
    )
    to, cc, day = submitted
    return services.report_submit(
        actor=actor, report=report, submitted_on=day, recipients=to, copy_to=cc
    )


def _on(ctx: CountyContext, month: int, day: int, later: int = 0) -> dt.date:
    """``month``/``day`` of the year after the report's, or, when the demo's today comes first,
    ``later`` days before today (the report's later steps keep their order); never before 1
    January."""
    usual = dt.date(ctx.last_year + 1, month, day)
    latest = ctx.as_of - dt.timedelta(days=later)
    return max(dt.date(ctx.last_year + 1, 1, 1), min(usual, latest))


def fill(ctx: CountyContext) -> int:
    county = _submitted(
        ctx,
        ctx.root,
        review=("县司法局保密审查小组", "不涉及国家秘密和工作秘密，同意公开。", _on(ctx, 3, 10, 3)),
        meeting=(f"{data.COUNTY_NAME}人民政府第5次常务会议", _on(ctx, 3, 16, 2)),
        submitted=(
            ["中共湘江县委", "湘江县人民代表大会常务委员会", "上一级党委和政府"],
            ["上一级党委法治建设议事协调机构办公室"],
            _on(ctx, 3, 20, 1),
        ),
    )
    services.report_publish(
        actor=ctx.actor,
        report=county,
        published_on=_on(ctx, 3, 26),
        url="https://www.xiangjiang.gov.cn/zwgk/fzzfjs/",
    )
    _submitted(
        ctx,
        _unit(ctx, "司法局"),
        review=("局办公室", "同意公开。", _on(ctx, 2, 10, 2)),
        meeting=("局党组会议", _on(ctx, 2, 18, 1)),
        submitted=(
            ["中共湘江县委", "湘江县人民政府", "上一级司法行政部门"],
            ["中共湘江县委全面依法治县委员会办公室"],
            _on(ctx, 2, 25),
        ),
    )
    unit = _unit(ctx, "市场监督管理局")
    services.report_create(actor=ctx.actor, unit=unit, year=ctx.last_year)
    return 3
