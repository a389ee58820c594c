"""Demo data: the county's 法治政府建设工作要点 for the last filled year, imported through the
parser and the import service, with a year of progress: most tasks reported and approved on
time, some late, some still in progress, a few never started (flagged 逾期 by the year-end
sweep), one report sent back and resubmitted. (督办单 are dated by the clock, so the demo
has none; issue one from an overdue task's page.)

Each report says what its unit did, in its own words and with its own figures (meetings held,
documents reviewed, files inspected…), as a clerk would write it: the annual report's part 一
is drafted from these approved texts, so they are varied (:data:`DONE`, chosen and filled with
a private RNG, so the plan's fate draws are unchanged). They avoid counts of 复议/应诉 cases
and rates, which the annual report takes from the registers.

All dates come from the filled year (never the clock), and nothing happens after the demo's
today (``ctx.as_of``: seeded in January, a task due in March of the next year is not yet done);
every write goes through :mod:`fazhi.plans.services`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from fazhi.demo import data
from fazhi.demo.generator import CountyContext
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor
from fazhi.plans import services
from fazhi.plans.models import Assignment, AssignmentStatus, Plan, ProgressReport, UnitAlias
from fazhi.plans.parser import parse_plan
from fazhi.plans.selectors import match_units

NAME = "plans"
LABEL = "工作任务分工"  # in the `fazhi seed` summary
SHANGHAI = ZoneInfo("Asia/Shanghai")


PLAN_TEMPLATE = Path(__file__).resolve().parent / "fixtures" / "demo_plan.txt"


def plan_text(year: int) -> str:
    """The demo county's plan of ``year`` (``fixtures/demo_plan.txt``, placeholders filled)."""
    template = PLAN_TEMPLATE.read_text(encoding="utf-8")
    return template.format(county=data.COUNTY_NAME, year=year, next_year=year + 1)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


Texts = Callable[[random.Random], str]

#: What a unit reports when it has done its part, by task number and role ("lead" for the
#: lead unit, "*" for the others); each entry is a list of ways to say it.
DONE: dict[str, dict[str, list[Texts]]] = {
    "（一）": {
        "lead": [
            lambda r: (
                f"全年组织县政府常务会议会前学法{r.randint(4, 6)}次，集中学习《中华人民共和国"
                f"行政复议法》《优化营商环境条例》等{r.randint(6, 12)}部法律法规；举办领导干部"
                f"法治专题讲座{r.randint(2, 4)}场，参训{r.randint(150, 400)}人次。"
            ),
            lambda r: (
                f"制定年度领导干部学法计划，落实常务会议会前学法{r.randint(4, 6)}次；组织"
                f"{r.randint(180, 320)}名科级以上干部参加网上学法考试，平均成绩"
                f"{r.randint(88, 96)}分。"
            ),
        ],
        "*": [
            lambda r: (
                f"为县政府常务会议会前学法提供讲稿{r.randint(4, 6)}篇，选派法律顾问授课"
                f"{r.randint(2, 4)}次；编印《领导干部应知应会法律知识》{r.randint(300, 800)}册。"
            ),
        ],
    },
    "（二）": {
        "lead": [
            lambda r: (
                f"3月组织全县{r.randint(40, 60)}个单位主要负责人完成年度述法，其中现场述法"
                f"{r.randint(12, 20)}人；11月至12月开展法治督察，实地督察{r.randint(8, 14)}个"
                f"单位，下发督察整改通知{r.randint(3, 8)}份。"
            ),
        ],
        "*": [
            lambda r: (
                f"召开党政联席会议专题研究法治建设{r.randint(2, 4)}次；党政主要负责人3月完成"
                f"述法，述法报告在政务公开栏公示；年底法治督察发现问题{r.randint(2, 6)}个，"
                "已全部整改。"
            ),
            lambda r: (
                f"制定年度法治建设重点任务清单{r.randint(8, 15)}项；主要负责人带头学法"
                f"{r.randint(3, 6)}次，年初完成述法，接受群众代表评议{r.randint(30, 80)}人次。"
            ),
            lambda r: (
                f"落实领导班子述法制度，组织班子成员{r.randint(5, 9)}人书面述法；开展“法律明白人”"
                f"培训{r.randint(2, 5)}场，培养“法律明白人”{r.randint(40, 120)}名。"
            ),
            lambda r: (
                f"主要负责人主持召开法治建设专题会{r.randint(2, 4)}次，听取村（社区）法律顾问"
                f"工作汇报；全年调处矛盾纠纷{r.randint(60, 200)}起，化解信访积案"
                f"{r.randint(2, 9)}件。"
            ),
        ],
    },
    "（三）": {
        "*": [
            lambda r: (
                f"全年审核县政府及部门规范性文件{r.randint(18, 40)}件，提出修改意见"
                f"{r.randint(40, 120)}条，均在公布后30日内报送备案；在门户网站集中公开现行有效"
                f"规范性文件{r.randint(150, 260)}件。"
            ),
        ],
    },
    "（四）": {
        "lead": [
            lambda r: (
                f"9月完成规范性文件专项清理，共清理{r.randint(300, 420)}件，其中保留"
                f"{r.randint(220, 280)}件、修改{r.randint(20, 40)}件、废止{r.randint(30, 60)}件，"
                "清理结果经县政府常务会议审议后向社会公布。"
            ),
        ],
        "*": [
            lambda r: (
                f"对涉及机构职能调整的规范性文件逐件核对，提出修改或废止建议"
                f"{r.randint(8, 20)}条，报县司法局汇总。"
            ),
            lambda r: (
                f"清理本部门起草的规范性文件{r.randint(20, 45)}件，建议废止{r.randint(3, 8)}件、"
                f"修改{r.randint(2, 6)}件，同步更新政策文件库。"
            ),
        ],
    },
    "（五）": {
        "*": [
            lambda r: (
                f"6月完成执法公示平台数据更新，公示执法主体、权责清单和执法结果信息"
                f"{r.randint(120, 900)}条；{r.randint(12, 60)}名执法人员均完成60学时以上培训。"
            ),
            lambda r: (
                f"修订行政执法事项清单，公示行政检查、行政处罚结果{r.randint(80, 600)}条；"
                f"重大执法决定法制审核{r.randint(5, 30)}件，保存执法音像记录"
                f"{r.randint(100, 500)}份。"
            ),
            lambda r: (
                f"组织执法人员参加公共法律知识和专业法律知识培训{r.randint(60, 72)}学时，参训"
                f"{r.randint(20, 90)}人次；更新执法公示信息{r.randint(100, 700)}条。"
            ),
            lambda r: (
                f"落实执法全过程记录，新配执法记录仪{r.randint(4, 20)}台；在门户网站“行政执法"
                f"公示”专栏公开执法结果{r.randint(60, 400)}条，调整执法人员信息"
                f"{r.randint(3, 15)}条。"
            ),
            lambda r: (
                f"全年开展执法培训{r.randint(3, 6)}期，执法人员人均培训{r.randint(60, 80)}学时；"
                f"重大执法决定全部经法制审核，共审核{r.randint(4, 25)}件。"
            ),
        ],
    },
    "（六）": {
        "lead": [
            lambda r: (
                f"第三季度组织全县行政执法案卷评查，抽查{r.randint(18, 26)}个执法部门案卷"
                f"{r.randint(200, 260)}卷，评出优秀案卷{r.randint(15, 30)}卷，发现程序、文书"
                f"等问题{r.randint(40, 90)}个，已逐一反馈整改。"
            ),
        ],
        "*": [
            lambda r: (
                f"推荐{r.randint(2, 4)}名执法骨干参加全县案卷评查，自查本部门案卷"
                f"{r.randint(30, 80)}卷，整改文书不规范问题{r.randint(5, 15)}个。"
            ),
            lambda r: (
                f"自查综合执法案卷{r.randint(40, 90)}卷，配合评查组完成交叉评查，对发现的"
                f"{r.randint(6, 18)}个问题建立整改台账。"
            ),
        ],
    },
    "（七）": {
        "*": [
            lambda r: (
                f"在县政务服务中心设立行政复议受理窗口，在{r.randint(10, 20)}个乡镇（街道）"
                "司法所设立咨询点；推行案件繁简分流，邀请行政复议委员会专家研讨疑难案件"
                f"{r.randint(3, 6)}次。"
            ),
        ],
    },
    "（八）": {
        "*": [
            lambda r: (
                "建立行政应诉工作台账，落实负责人出庭应诉制度；10月底前完成败诉案件剖析，"
                f"针对执法程序问题修订内部制度{r.randint(2, 5)}项。"
            ),
            lambda r: (
                f"组织执法人员旁听庭审{r.randint(2, 4)}次，法律顾问全程参与应诉准备；完成败诉"
                "案件剖析，形成剖析报告报县司法局。"
            ),
            lambda r: (
                "每案确定承办人和法律顾问，按期提交答辩状和证据；完成败诉案件剖析，开展"
                f"执法规范化专项整改，整改问题{r.randint(4, 12)}个。"
            ),
        ],
    },
    "（九）": {
        "lead": [
            lambda r: (
                f"印发年度报告工作通知，指导{r.randint(40, 60)}个县直部门和乡镇（街道）按时"
                "完成年度报告的报送和公开。"
            ),
        ],
        "*": [
            lambda r: "起草年度法治政府建设情况报告，经党组会议审议后按时报送，并在门户网站公开。",
            lambda r: (
                f"梳理全年法治建设重点工作{r.randint(8, 16)}项，形成年度报告，经主要负责人"
                "审定后报送县委、县政府。"
            ),
            lambda r: (
                "完成年度报告的起草、审议和报送，报告全文在政府信息公开专栏公开，接受社会监督。"
            ),
        ],
    },
}

#: A unit's first report, when it starts on its part.
STARTED: list[Callable[[str], str]] = [
    lambda title: f"已制定工作方案，明确分管领导和具体责任人，{title}按计划推进。",
    lambda title: f"已召开专题会议部署{title}，完成前期摸底，正在推进。",
    lambda title: f"已明确牵头科室和时间节点，{title}相关工作正在开展。",
]


def done_text(assignment: Assignment, rng: random.Random, used: dict[str, list[int]]) -> str:
    """What ``assignment``'s unit reports when it has done its part (:data:`DONE`): a way of
    saying it not yet used for the same task while there is one (``used``: task → ways used)."""
    ways = DONE.get(assignment.task.number, {})
    role = "lead" if assignment.role == "lead" and "lead" in ways else "*"
    choices = ways.get(role) or ways.get("lead") or []
    if not choices:
        return (
            f"按计划完成{assignment.task.title}，召开推进会{rng.randint(2, 5)}次，"
            f"形成工作总结{rng.randint(1, 2)}份。"
        )
    key = f"{assignment.task.number}:{role}"
    taken = used.setdefault(key, [])
    fresh = [i for i in range(len(choices)) if i not in taken] or list(range(len(choices)))
    pick = rng.choice(fresh)
    taken[:] = [] if len(taken) + 1 >= len(choices) else [*taken, pick]
    return choices[pick](rng)


def fill(ctx: CountyContext) -> int:
    """Import the plan of ``ctx.last_year`` and play out its year; returns the assignments."""
    year, rng, root = ctx.last_year, ctx.rng_for(NAME), ctx.root
    office = next(u for u in ctx.units.values() if u.short_name == "依法治县办")
    staff = OrgUnit.objects.filter(parent=root, short_name="机构编制办").first() or office
    UnitAlias.objects.get_or_create(unit=staff, alias="县编办")
    parsed = parse_plan(plan_text(year))
    names = [n for task in parsed.tasks for names in task.units.values() for n in names]
    matches = match_units(root, names)
    summary = services.plan_import(
        actor=ctx.actor,
        unit=root,
        parsed=parsed,
        resolution={name: list(m.units) for name, m in matches.items()},
        source_name=f"{year}年法治政府建设工作要点.txt",
        source_text=plan_text(year),
    )
    reviewer = Actor.command_line(root)
    words = ctx.rng_for(f"{NAME}.texts")  # the texts' own draws: the fates stay as they were
    used: dict[str, list[int]] = {}
    for a in Assignment.objects.filter(task__plan=summary.plan).select_related("task", "unit"):
        due = a.due_on or dt.date(year, 12, 31)
        fate = rng.random()
        if fate < 0.1:
            continue  # never started: the year-end sweep flags it 逾期
        clerk = Actor.command_line(a.unit)
        start = max(dt.date(year, 3, 1), due - dt.timedelta(days=rng.randint(20, 60)))
        done = start
        if fate >= 0.25:  # drawn before any write, so the demo's "today" changes no fate
            late = fate > 0.85
            done = (
                due + dt.timedelta(days=rng.randint(3, 25))
                if late
                else due - dt.timedelta(days=rng.randint(0, 15))
            )
            done = max(done, start + dt.timedelta(days=1))
        if start > ctx.as_of:
            continue  # nothing happens after the demo's today (a task due early next year)
        first = services.report_submit(
            actor=clerk,
            assignment=a,
            text=words.choice(STARTED)(a.task.title),
            at=at(start),
        )
        if fate < 0.25 or start + dt.timedelta(days=1) > ctx.as_of:
            continue  # still in progress at the year's end, its report waiting for review
        services.report_review(
            actor=reviewer, report=first, approve=True, at=at(start + dt.timedelta(days=1))
        )
        if done > ctx.as_of:
            continue
        report = services.report_submit(
            actor=clerk,
            assignment=a,
            text=done_text(a, words, used),
            claims_completion=True,
            at=at(done),
        )
        if done + dt.timedelta(days=2) > ctx.as_of:
            continue  # its completion waits for review
        services.report_review(
            actor=reviewer, report=report, approve=True, at=at(done + dt.timedelta(days=2))
        )
    _one_returned(summary.plan, reviewer, ctx.as_of)
    services.assignments_sweep(today=dt.date(year + 1, 1, 1))
    return summary.assignments


def _one_returned(plan: Plan, reviewer: Actor, as_of: dt.date) -> None:
    """One report sent back for missing evidence, then resubmitted (shows the review flow)."""
    report = (
        ProgressReport.objects.filter(
            assignment__task__plan=plan, claims_completion=False, status="submitted"
        )
        .exclude(assignment__status=AssignmentStatus.COMPLETED)
        .order_by("pk")
        .first()
    )
    if report is None:
        return
    day = report.submitted_at.astimezone(SHANGHAI).date()
    if day + dt.timedelta(days=3) > as_of:
        return
    services.report_review(
        actor=reviewer,
        report=report,
        approve=False,
        note="请补充工作方案文件",
        at=at(day + dt.timedelta(days=1)),
    )
    services.report_submit(
        actor=Actor.command_line(report.assignment.unit),
        assignment=report.assignment,
        text="已补充工作方案（见附件清单），按计划推进。",
        at=at(day + dt.timedelta(days=3)),
    )
