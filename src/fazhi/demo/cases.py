"""Shared helpers for the register fillers (行政复议, 行政应诉): dates, people, units, a timeline.

Pure helpers apart from :class:`Timeline`, which only runs what the fillers give it. Nothing
here reads the clock: the last day demo events happen is the context's ``as_of`` (the seeder's
``today``; :func:`horizon`), and a year's cases are planned for the whole year, those received
after ``as_of`` simply never start (so the current year to date is the start of a full year).

The fillers write each case as a *process*: a generator that yields the date it waits for,
then calls the services for that day when resumed. :class:`Timeline` resumes all processes in
date order, so the registers and the audit log are written in calendar order (a 败诉剖析
opened by the fifth loss covers the five earliest losses, case numbers follow receipt dates),
and stops every process at the horizon, leaving its case in the state it had reached.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from collections.abc import Generator, Sequence
from typing import TypeVar

from fazhi.core.deadlines import is_workday
from fazhi.demo import data
from fazhi.demo.generator import CountyContext
from fazhi.orgs.models import OrgUnit

T = TypeVar("T")

ONE_DAY = dt.timedelta(days=1)

#: A case's life: yields the next date it waits for; resumed on that date, it writes.
Process = Generator[dt.date, None, None]


def horizon(ctx: CountyContext) -> dt.date:
    """The last day on which demo events happen: the seeder's ``today`` (``ctx.as_of``)."""
    return ctx.as_of


def year_bounds(year: int, until: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """First and last day of ``year``, the last clamped to ``until`` if given."""
    last = dt.date(year, 12, 31)
    return dt.date(year, 1, 1), last if until is None else min(last, until)


def year_share(year: int, until: dt.date) -> float:
    """The share of ``year`` that has passed by ``until`` (1.0 for a past year)."""
    first, last = year_bounds(year, until)
    full = (dt.date(year, 12, 31) - first).days + 1
    return max(0, (last - first).days + 1) / full


# --- dates ----------------------------------------------------------------------------------
def workday_on_or_after(day: dt.date) -> dt.date:
    while not is_workday(day):
        day += ONE_DAY
    return day


def workday_on_or_before(day: dt.date) -> dt.date:
    while not is_workday(day):
        day -= ONE_DAY
    return day


def add_workdays(day: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after ``day`` (``n`` >= 1)."""
    for _ in range(n):
        day = workday_on_or_after(day + ONE_DAY)
    return day


def days(day: dt.date, n: int) -> dt.date:
    return day + dt.timedelta(days=n)


def pick_workday(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A random working day in ``[first, last]``; ``last`` itself if there is none."""
    span = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    workdays = [d for d in span if is_workday(d)]
    return rng.choice(workdays) if workdays else last


#: Relative monthly volume of filings: fewer around the Spring Festival and the October holiday.
MONTH_WEIGHTS = {1: 0.9, 2: 0.7, 3: 1.05, 4: 1.05, 5: 1.0, 6: 1.05, 7: 1.1, 8: 1.05, 9: 1.0}
MONTH_WEIGHTS |= {10: 0.8, 11: 1.1, 12: 1.05}


def filing_dates(rng: random.Random, year: int, n: int, rest_day_share: float) -> list[dt.date]:
    """``n`` sorted dates in ``year``: mostly working days, ``rest_day_share`` on rest days
    (applications sent online or by post), months weighted by :data:`MONTH_WEIGHTS`."""
    first, last = year_bounds(year)
    pool = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    rest = sum(1 for d in pool if not is_workday(d))
    work = len(pool) - rest
    rest_weight = rest_day_share / (1 - rest_day_share) * work / max(rest, 1)
    weights = [MONTH_WEIGHTS[d.month] * (1.0 if is_workday(d) else rest_weight) for d in pool]
    return sorted(rng.choices(pool, weights=weights, k=n))


# --- random choices ---------------------------------------------------------------------------
def weighted(rng: random.Random, options: Sequence[tuple[T, float]]) -> T:
    """One of ``options`` ((value, weight) pairs), by weight."""
    values = [v for v, _ in options]
    return rng.choices(values, weights=[w for _, w in options], k=1)[0]


def share(rng: random.Random, n: int, low: float, high: float) -> int:
    """``round(n * p)`` for a share ``p`` drawn from ``[low, high]``."""
    return round(n * rng.uniform(low, high))


def chosen(rng: random.Random, candidates: Sequence[int], k: int) -> set[int]:
    """``k`` (at most all) of ``candidates``, drawn without replacement."""
    return set(rng.sample(list(candidates), min(k, len(candidates))))


# --- people (synthetic) ----------------------------------------------------------------------
def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


COMPANY_WORDS = _words(
    "鑫达 宏盛 华瑞 顺发 金穗 恒通 湘源 丰泽 德隆 嘉禾 锦程 旺达 利民 新宇 天成 众鑫 永兴 "
    "开元 和顺 瑞丰 博远 星湘 盛世 联创 泰和 润田 福满 裕农"
)
COMPANY_TRADES = _words(
    "商贸 建材 餐饮管理 物流 农业开发 房地产开发 建筑工程 食品 机械制造 医药连锁 汽车服务 "
    "砂石 环保科技 物业管理 养殖 酒店管理"
)
VILLAGES = _words("新塘 石桥 杨柳 枫树 长冲 花园 荷叶 塘湾 大塘 桂花 白果 龙井 莲塘 双溪")
#: 18-digit resident ID: the county's own (fictional, unassigned) area code 430199, so no
#: generated number can belong to a real person.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def person_name(rng: random.Random) -> str:
    given = "".join(rng.sample(data.GIVEN_CHARS, rng.choice((1, 2, 2))))
    return rng.choice(data.SURNAMES) + given


def company_name(rng: random.Random) -> str:
    word, trade = rng.choice(COMPANY_WORDS), rng.choice(COMPANY_TRADES)
    return f"{data.COUNTY_NAME}{word}{trade}有限公司"


def village_group_name(rng: random.Random, township: OrgUnit) -> str:
    return f"{township.name}{rng.choice(VILLAGES)}村第{rng.randint(1, 12)}村民小组"


def synthetic_id_number(rng: random.Random) -> str:
    """A checksum-valid 18-digit ID number with the fictional area code 430199."""
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 52))
    body = f"{data.COUNTY_CODE}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    total = sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + _ID_CHECK[total % 11]


def id_number_valid(number: str) -> bool:
    """Whether an 18-digit ID number's check character is right (GB 11643)."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(c) * w for c, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return number[17].upper() == _ID_CHECK[total % 11]


# --- units ------------------------------------------------------------------------------------
def unit_by_suffix(ctx: CountyContext, suffix: str) -> OrgUnit:
    """The county department named 湘江县<suffix> (as :mod:`fazhi.demo.plan` names them)."""
    name = f"{data.COUNTY_NAME}{suffix}"
    for plan in ctx.plan.departments:
        if plan.name == name:
            return ctx.units[plan.code]
    raise KeyError(name)


def justice_bureau(ctx: CountyContext) -> OrgUnit:
    """The 司法局: the county's 行政复议机构 (acting for the 复议机关, the county government)."""
    return unit_by_suffix(ctx, data.JUSTICE_BUREAU)


def townships(ctx: CountyContext) -> list[OrgUnit]:
    """The 乡镇/街道, in plan order."""
    return [ctx.units[u.code] for u in ctx.plan.townships]


def unit_pool(
    ctx: CountyContext, department_weights: Sequence[tuple[str, float]], township_total: float
) -> list[tuple[OrgUnit, float]]:
    """(unit, weight) for the departments listed and every 乡镇/街道.

    ``township_total`` is shared by the 乡镇/街道: 街道 (urban, more demolition and city
    management) weigh more than 镇, and 乡 least.
    """
    pool = [(unit_by_suffix(ctx, suffix), w) for suffix, w in department_weights]
    towns = townships(ctx)
    kind_weight = {"街道": 1.6, "镇": 1.0, "乡": 0.5}
    raw = [kind_weight[_township_kind(t)] for t in towns]
    total = sum(raw)
    pool += [(t, township_total * w / total) for t, w in zip(towns, raw, strict=True)]
    return pool


def _township_kind(unit: OrgUnit) -> str:
    return "街道" if unit.name.endswith("街道") else unit.name[-1]


def leader_posts(unit: OrgUnit) -> tuple[str, str]:
    """(正职, 副职) titles of a unit's leaders, for 负责人出庭."""
    if unit.parent_id is None:
        return "县长", "副县长"
    name = unit.name
    if name.endswith("街道"):
        return "街道办事处主任", "街道办事处副主任"
    if name.endswith(("镇", "乡")):
        return f"{name[-1]}长", f"副{name[-1]}长"
    if name.endswith("大队"):
        return "大队长", "副大队长"
    if name.endswith(("办公室", "中心")):
        return "主任", "副主任"
    return "局长", "副局长"


def other_leader_post(unit: OrgUnit) -> str:
    """A 其他参与分管的负责人 title (规定第2条)."""
    if unit.parent_id is None:
        return "县人民政府党组成员"
    if unit.name.endswith(("镇", "乡", "街道")):
        return "党（工）委委员、人武部部长"
    return "党组成员"


# --- timeline ---------------------------------------------------------------------------------
class Timeline:
    """Runs case processes in date order up to ``until`` (inclusive).

    A process is a generator that first yields the date of its first step (writing nothing
    before that), then, each time it is resumed, writes that day's steps and yields the date of
    its next one (never an earlier date). A process whose next date is after ``until`` is
    closed: its case stays as it is. Ties run in the order the steps were scheduled.
    """

    def __init__(self, until: dt.date) -> None:
        self.until = until
        self._queue: list[tuple[dt.date, int, Process]] = []
        self._seq = 0

    def start(self, process: Process) -> None:
        """Schedule a new process (it may be started by a running one)."""
        self._schedule(process, None)

    def _schedule(self, process: Process, now: dt.date | None) -> None:
        try:
            when = next(process)
        except StopIteration:
            return
        if now is not None and when < now:
            process.close()
            raise ValueError(f"演示数据进程日期倒退：{when} 早于 {now}")
        if when > self.until:
            process.close()
            return
        self._seq += 1
        heapq.heappush(self._queue, (when, self._seq, process))

    def run(self) -> None:
        while self._queue:
            when, _, process = heapq.heappop(self._queue)
            self._schedule(process, when)


# --- what the cases are about -------------------------------------------------------------
#: Key of a unit in the tables below: its department suffix, "township" or "root".
def unit_key(unit: OrgUnit) -> str:
    if unit.parent_id is None:
        return "root"
    if unit.name.endswith(("镇", "乡", "街道")):
        return "township"
    return unit.name.removeprefix(data.COUNTY_NAME)


_CATEGORY_WEIGHTS: dict[str, tuple[tuple[str, float], ...]] = {
    "公安局": (
        ("penalty", 66), ("complaint", 14), ("compulsion", 6), ("info_disclosure", 6),
        ("inaction", 6), ("confirmation", 2),
    ),
    "市场监督管理局": (
        ("complaint", 44), ("penalty", 34), ("info_disclosure", 10), ("inaction", 6),
        ("licensing", 4), ("compulsion", 2),
    ),
    "自然资源局": (
        ("info_disclosure", 26), ("confirmation", 18), ("penalty", 14), ("complaint", 14),
        ("expropriation", 10), ("licensing", 10), ("inaction", 8),
    ),
    "人力资源和社会保障局": (
        ("confirmation", 42), ("inaction", 16), ("info_disclosure", 14), ("complaint", 14),
        ("penalty", 4), ("other", 10),
    ),
    "住房和城乡建设局": (
        ("info_disclosure", 26), ("complaint", 24), ("licensing", 12), ("penalty", 12),
        ("inaction", 10), ("expropriation", 10), ("agreement", 6),
    ),
    "城市管理和综合执法局": (
        ("penalty", 46), ("compulsion", 24), ("complaint", 16), ("info_disclosure", 8),
        ("inaction", 6),
    ),
    "人民政府办公室": (("info_disclosure", 85), ("inaction", 15)),
    "township": (
        ("info_disclosure", 24), ("compulsion", 20), ("complaint", 10), ("inaction", 10),
        ("confirmation", 10), ("expropriation", 10), ("agreement", 8), ("other", 8),
    ),
    "root": (
        ("expropriation", 40), ("info_disclosure", 30), ("inaction", 15), ("agreement", 15),
    ),
    "*": (
        ("penalty", 30), ("info_disclosure", 26), ("complaint", 18), ("licensing", 10),
        ("inaction", 8), ("other", 8),
    ),
}  # fmt: skip


def act_category_for(rng: random.Random, unit: OrgUnit) -> str:
    """A 行政行为类别 (``ActCategory`` value) typical of ``unit``."""
    return weighted(rng, _CATEGORY_WEIGHTS.get(unit_key(unit), _CATEGORY_WEIGHTS["*"]))


#: category → unit key (or "*") → the acts complained about.
_ACTS: dict[str, dict[str, tuple[str, ...]]] = {
    "penalty": {
        "公安局": (
            "治安管理处罚决定（行政拘留五日）", "治安管理处罚决定（行政拘留十日并处罚款五百元）",
            "治安管理处罚决定（罚款五百元）", "治安管理处罚决定（警告）",
            "道路交通安全违法行为处罚决定（罚款二百元）",
        ),
        "市场监督管理局": (
            "行政处罚决定（没收违法所得并处罚款二万元）", "行政处罚决定（罚款五千元）",
            "食品安全行政处罚决定（罚款五万元）",
        ),
        "城市管理和综合执法局": (
            "行政处罚决定（责令限期拆除违法建设并处罚款）", "行政处罚决定（罚款五百元）",
        ),
        "自然资源局": ("非法占用土地行政处罚决定（责令退还土地并处罚款）",),
        "生态环境局": ("环境违法行政处罚决定（罚款十万元）",),
        "交通运输局": ("道路运输行政处罚决定（罚款一万元）",),
        "应急管理局": ("安全生产行政处罚决定（罚款三万元）",),
        "卫生健康局": ("卫生行政处罚决定（罚款五千元）",),
        "*": ("行政处罚决定（罚款二千元）", "行政处罚决定（警告）"),
    },
    "info_disclosure": {
        "*": (
            "政府信息公开申请答复（告知信息不存在）", "政府信息公开申请答复（决定不予公开）",
            "政府信息公开申请答复（部分公开）",
        ),
    },
    "complaint": {
        "市场监督管理局": ("投诉举报处理告知（不予立案）", "消费投诉不予受理告知"),
        "*": ("举报事项处理答复", "投诉事项处理告知"),
    },
    "expropriation": {
        "township": ("征地拆迁补偿安置行为",),
        "*": ("房屋征收补偿决定", "集体土地征收补偿安置方案"),
    },
    "compulsion": {
        "公安局": ("扣押财物的行政强制措施",),
        "市场监督管理局": ("查封、扣押财物的行政强制措施",),
        "城市管理和综合执法局": ("强制拆除违法建设的行为", "强制清除地上物的行为"),
        "township": ("强制拆除房屋的行为", "强制拆除违法建设的行为"),
        "*": ("行政强制措施",),
    },
    "inaction": {
        "自然资源局": ("未履行不动产登记法定职责",),
        "人力资源和社会保障局": ("未履行劳动保障监察法定职责",),
        "住房和城乡建设局": ("未履行查处违法建设的法定职责",),
        "*": ("未履行对举报违法行为查处的法定职责", "未履行作出书面答复的法定职责"),
    },
    "confirmation": {
        "人力资源和社会保障局": ("不予认定工伤决定", "工伤认定决定"),
        "自然资源局": ("不动产登记行为", "土地权属争议处理决定"),
        "township": ("山林权属争议处理决定",),
        "*": ("行政确认行为",),
    },
    "licensing": {"*": ("不予行政许可决定", "准予行政许可决定（申请人为利害关系人）")},
    "agreement": {"*": ("房屋征收补偿协议", "土地租赁合同")},
    "other": {"*": ("行政答复", "行政告知书")},
}  # fmt: skip
#: category → short 案由 for the 行政应诉 register.
CAUSES: dict[str, str] = {
    "penalty": "行政处罚",
    "info_disclosure": "政府信息公开",
    "complaint": "行政答复（举报投诉处理）",
    "expropriation": "行政征收",
    "compulsion": "行政强制",
    "inaction": "不履行法定职责",
    "confirmation": "行政确认",
    "licensing": "行政许可",
    "agreement": "行政协议",
    "other": "其他行政行为",
}


def act_for(rng: random.Random, unit: OrgUnit, category: str) -> str:
    """The act of ``unit`` a case is about, e.g. ``治安管理处罚决定（行政拘留五日）``."""
    table = _ACTS[category]
    return rng.choice(table.get(unit_key(unit), table["*"]))


def matter_text(unit: OrgUnit, category: str, act: str) -> str:
    """The 申请事项 of a 复议 application (names the unit, never the applicant)."""
    r = unit.name
    if category == "compulsion":
        return f"请求确认{r}实施的{act}违法"
    if category == "inaction":
        return f"认为{r}{act}，请求责令其履行"
    if category == "agreement":
        return f"认为{r}未依法履行{act}，请求责令继续履行"
    claim = "请求撤销并责令重新答复" if category in ("info_disclosure", "complaint") else "请求撤销"
    return f"不服{r}作出的{act}，{claim}"


def cause_text(category: str, act: str) -> str:
    """The 案由 of a 行政诉讼 case, e.g. ``行政处罚：治安管理处罚决定``."""
    return f"{CAUSES[category]}：{act.split('（')[0]}"
