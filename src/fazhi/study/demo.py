"""Demo data for the 学法 register: every year of ``ctx.year_range`` the county government holds
4–5 政府常务会议学法 and 4 中心组学法, each department 4–8 专题学法 (some below the target of 6),
each 乡镇/街道 2–5; in the last full year about 40 leading cadres sit the 年度学法考试 (a few
below the pass mark, one or two absent). Written through the services; dates from
``ctx.year_range``, randomness from ``ctx.rng_for(NAME)`` only; no clock."""

from __future__ import annotations

import random
from decimal import Decimal

from fazhi.demo import cases as c
from fazhi.demo.generator import CountyContext
from fazhi.orgs.models import OrgUnit
from fazhi.study import services
from fazhi.study.models import SessionKind
from fazhi.study.selectors import category_of

NAME = "study"
LABEL = "学法活动"

LAWS = (
    "《中华人民共和国宪法》",
    "《中华人民共和国行政复议法》",
    "《中华人民共和国行政处罚法》",
    "《中华人民共和国行政许可法》",
    "《中华人民共和国行政强制法》",
    "《中华人民共和国行政诉讼法》",
    "《中华人民共和国民法典》",
    "《中华人民共和国安全生产法》",
    "《中华人民共和国土地管理法》",
    "《中华人民共和国优化营商环境条例》",
    "《重大行政决策程序暂行条例》",
    "《法治政府建设与责任落实督察工作规定》",
    "《中华人民共和国政府信息公开条例》",
    "《中华人民共和国生态环境保护法》",
)
SUBJECTS = {
    SessionKind.EXECUTIVE: "县政府常务会议会前学法",
    SessionKind.GROUP: "县委理论学习中心组专题学习习近平法治思想",
    SessionKind.LECTURE: "专题法治讲座",
    SessionKind.TRIAL: "组织领导干部旁听行政案件庭审",
    SessionKind.EXAM: "领导干部集中学法考试",
    SessionKind.OTHER: "集体学法",
}
SPEAKERS = (
    "县司法局局长", "县人民法院行政审判庭庭长", "省委党校法学教研部教授",
    "县人民政府法律顾问（律师）", "县委政法委副书记",
)  # fmt: skip
DEPT_KINDS = (SessionKind.LECTURE, SessionKind.LECTURE, SessionKind.GROUP, SessionKind.TRIAL)
TOWN_KINDS = (SessionKind.LECTURE, SessionKind.OTHER, SessionKind.TRIAL)


def _session(ctx: CountyContext, rng: random.Random, unit: OrgUnit, kind: str, year: int) -> None:
    first, last = c.year_bounds(year)
    laws = rng.sample(LAWS, rng.randint(1, 3))
    head = laws[0].strip("《》").removeprefix("中华人民共和国")
    names = [c.person_name(rng) for _ in range(rng.randint(6, 14))]
    services.session_register(
        actor=ctx.actor,
        unit=unit,
        kind=kind,
        held_on=c.pick_workday(rng, first, last),
        subject=f"{SUBJECTS[SessionKind(kind)]}：学习{head}",
        laws="\n".join(laws),
        speaker=f"{c.person_name(rng)}（{rng.choice(SPEAKERS)}）",
        attendee_names="\n".join(names),
        minutes="领导干部集体学习，结合本单位工作交流研讨，形成学法记录。",
        materials="学习资料汇编（存本单位办公室）",
    )


def fill(ctx: CountyContext) -> int:
    """Sessions for every year of ``ctx.year_range`` and the last year's exam; returns how many
    records."""
    rng = ctx.rng_for(NAME)
    units = sorted(
        (u for u in ctx.units.values() if u.path.startswith(ctx.root.path)), key=lambda u: u.path
    )
    departments = [u for u in units if category_of(u) == "department"]
    towns = c.townships(ctx)
    written = 0
    for year in ctx.year_range:
        plan: list[tuple[OrgUnit, str]] = [
            (ctx.root, SessionKind.EXECUTIVE) for _ in range(rng.randint(4, 5))
        ]
        plan += [(ctx.root, SessionKind.GROUP)] * 4
        for dept in departments:
            plan += [(dept, rng.choice(DEPT_KINDS)) for _ in range(rng.randint(4, 8))]
        for town in towns:
            plan += [(town, rng.choice(TOWN_KINDS)) for _ in range(rng.randint(2, 5))]
        for unit, kind in plan:
            _session(ctx, rng, unit, kind, year)
        written += len(plan)
        services.years_refresh(units=units, year=year)
    return written + _exams(ctx, rng, [ctx.root, *departments])


def _exams(ctx: CountyContext, rng: random.Random, units: list[OrgUnit]) -> int:
    year = ctx.last_year
    first, last = c.year_bounds(year)
    day = c.pick_workday(rng, first.replace(month=11), last)
    written = 0
    taken: set[tuple[int, str]] = set()
    for n in range(40):
        unit = units[n % len(units)]
        absent = n % 19 == 7  # two absent
        score = None if absent else Decimal(min(100, max(62, round(rng.gauss(84, 8)))))
        if n % 13 == 4:  # three below the pass mark
            score = Decimal(rng.randint(45, 58))
        name = c.person_name(rng)
        while (unit.pk, name) in taken:
            name = c.person_name(rng)
        taken.add((unit.pk, name))
        services.exam_register(
            actor=ctx.actor,
            unit=unit,
            name=name,
            post=rng.choice(c.leader_posts(unit)),
            exam_on=day,
            year=year,
            score=score,
            absent=absent,
        )
        written += 1
    return written
