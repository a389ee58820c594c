"""City and province demo data, written in bulk (``fazhi seed --scale city|province``).

The county scale (:func:`fazhi.demo.generator.seed_county`) writes every row through the
audited services, which costs about 10 s of CPU for one county-year. A province has about a
hundred counties, so these seeders skip the services and write with ``bulk_create``:

* **Units**: a fictional province (潇湘省, province code ``43``) with 14 cities and 100
  counties (each: government, 依法治县办, the 35 departments of :data:`data.DEPARTMENTS`,
  18–32 乡镇/街道), the cities' and the province's own departments: about 6,700 units. A city
  seed is one such city with 8 counties. Ids are assigned here (after the largest id in the
  table), so ``path``/``depth`` are written with the row; sequences are reset afterwards.
* **Registers**: per county, city and province government and year, the same shares as the
  county fillers (:mod:`fazhi.reconsideration.demo_fillers`, :mod:`fazhi.litigation.demo_fillers`):
  行政复议 cases at the government's 司法局/司法厅 (with 中止 records and a few 意见书),
  行政应诉 cases (一审, some 二审) with their court sessions and a few 司法建议. Every case is
  played out from its receipt (or filing) date and cut at the horizon (31 January after the
  last year), and its stored deadlines come from the services' own pure
  :func:`fazhi.reconsideration.services.derive_deadlines` with the rules in the database,
  so statuses, dates, ``current_due``, ``closed_on_time``, ``handling_days``, ``is_loss`` and
  the hearing summary fields are what the services would have stored.
* **Volume**: real volumes give about 35,000 register rows a year for the province (see
  README). ``volume`` multiplies every count (default 1 = realistic); the benchmarks use it to
  reach a million rows a year. Such data is a load test, not a picture of a real province.
* **Not written** at these scales: applicant / plaintiff names and ID numbers (left empty:
  encrypting each value would dominate the run time), case timeline events, 败诉剖析 tasks,
  per-row audit entries. One audit entry (``demo.seed_scale``) records what was written.

Deterministic: every random choice comes from ``random.Random`` instances derived from the
seed and a name (never the clock or the global ``random``), so the same seed gives the same
units and rows (database ids aside).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from types import ModuleType
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.management.color import no_style
from django.db import connection, models, transaction

from fazhi.core.deadlines import (
    PACKAGE_FIRST_YEAR,
    PACKAGE_LAST_YEAR,
    CalendarData,
    Counting,
    add_days,
    is_workday,
)
from fazhi.core.services import audit_append
from fazhi.demo import cases as c
from fazhi.demo import data
from fazhi.demo.generator import (
    DEFAULT_LAST_YEAR,
    DemoDataExists,
    DemoError,
    DemoLogin,
    SeedResult,
    county_fillers,
)
from fazhi.demo.plan import DEFAULT_SEED
from fazhi.litigation.models import (
    LOSS_RESULTS,
    HeadCategory,
    Hearing,
    JudicialSuggestion,
    Level,
    LitigationCase,
    Result,
)
from fazhi.litigation.models import Status as LitStatus
from fazhi.metrics.facts import facts_rebuild
from fazhi.orgs.models import Membership, OrgUnit, UnitKind, UnitLevel
from fazhi.orgs.roles import Role
from fazhi.orgs.scoping import Actor
from fazhi.orgs.slots import fill_slots
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
from fazhi.reconsideration.services import CLOSABLE_WHILE_SUSPENDED, Rules, derive_deadlines

# --- the fictional province ------------------------------------------------------------------
PROVINCE_NAME = "潇湘省"
PROVINCE_SHORT = "湘"  # 案号 prefix of its courts
PROVINCE_CODE = data.PROVINCE_CODE  # deadline rules of 湖南 (43)
PROVINCE_ROOT_CODE = "430000"
#: City codes ``43CC00``: the province's cities use CC 02–15, a city seed 16, so neither clashes
#: with the demo county (430199) and a city seed can sit next to a province seed.
FIRST_CITY_NUMBER = 2
CITY_SEED_NUMBER = 16
CITY_COUNT = 14
COUNTY_COUNT = 100
CITY_SCALE_COUNTIES = 8
COUNTIES_PER_CITY = (4, 11)
TOWNSHIPS_PER_COUNTY = (18, 32)
BATCH_SIZE = 5000
#: Rows kept in memory before they are written.
FLUSH_ROWS = 50_000

CITY_STEMS = c._words(
    "潇州 沅陵 澧阳 资源 蒸湘 舂陵 祁阳 耒水 涟源 湄江 洞庭 雪峰 九嶷 衡岳 武陵 崀山 溆浦 紫鹊"
)
COUNTY_FIRST = c._words("安 永 宁 兴 平 长 新 桂 龙 凤 云 青 石 白 金 华 清 临 双 东 南 西 北 潭")
COUNTY_SECOND = c._words("江 阳 山 陵 溪 源 塘 川 城 田 湖 丰 化 宁 乡 州 冈 浦 峰 水")

#: The province's own departments (name after 潇湘省, short name).
PROVINCE_DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("人民政府办公厅", "省政府办"), ("发展和改革委员会", "省发改委"), ("教育厅", "省教育厅"),
    ("科学技术厅", "省科技厅"), ("工业和信息化厅", "省工信厅"), ("公安厅", "省公安厅"),
    ("民政厅", "省民政厅"), ("司法厅", "省司法厅"), ("财政厅", "省财政厅"),
    ("人力资源和社会保障厅", "省人社厅"), ("自然资源厅", "省自然资源厅"),
    ("生态环境厅", "省生态环境厅"), ("住房和城乡建设厅", "省住建厅"),
    ("交通运输厅", "省交通运输厅"), ("水利厅", "省水利厅"), ("农业农村厅", "省农业农村厅"),
    ("商务厅", "省商务厅"), ("文化和旅游厅", "省文旅厅"), ("卫生健康委员会", "省卫健委"),
    ("应急管理厅", "省应急厅"), ("审计厅", "省审计厅"), ("市场监督管理局", "省市场监管局"),
    ("医疗保障局", "省医保局"), ("林业局", "省林业局"), ("统计局", "省统计局"),
)  # fmt: skip
#: Key (county department suffix) of each province department, for the weight tables.
PROVINCE_KEYS = {
    "人民政府办公厅": "人民政府办公室", "公安厅": "公安局", "自然资源厅": "自然资源局",
    "人力资源和社会保障厅": "人力资源和社会保障局", "住房和城乡建设厅": "住房和城乡建设局",
    "生态环境厅": "生态环境局", "交通运输厅": "交通运输局", "农业农村厅": "农业农村局",
    "卫生健康委员会": "卫生健康局", "应急管理厅": "应急管理局", "市场监督管理局": "市场监督管理局",
    "医疗保障局": "医疗保障局", "林业局": "林业局", "教育厅": "教育局", "民政厅": "民政局",
    "水利厅": "水利局", "文化和旅游厅": "文化旅游广电体育局", "财政厅": "财政局",
    "商务厅": "商务局", "司法厅": "司法局",
}  # fmt: skip

#: Annual volumes at volume 1 (a county's are also scaled by its size, 0.6–1.5): 复议 cases
#: received and 一审 cases filed, per government. County figures are those of the county
#: fillers (a 湖南 county report: 120–150 复议, 45–65 一审); a city's 司法局 and the province's
#: 司法厅 handle the cases against their departments and the governments one level down.
VOLUMES: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    UnitLevel.COUNTY: ((122, 150), (46, 64)),
    UnitLevel.CITY: ((150, 300), (40, 80)),
    UnitLevel.PROVINCE: ((300, 600), (60, 120)),
}
#: Total weight of the governments one level down among a city's or the province's
#: respondents (the department weights of the county filler add up to about 92).
LOWER_GOVERNMENTS_WEIGHT: dict[str, float] = {UnitLevel.CITY: 25.0, UnitLevel.PROVINCE: 20.0}

# 复议: the path of an application (the county filler's shares, drawn per case).
ACCEPT, CORRECT_ACCEPT, CORRECT_REFUSE, CORRECT_ABANDON, REFUSE, DEEM = (
    "accept", "correct_accept", "correct_refuse", "correct_abandon", "refuse", "deem",
)  # fmt: skip
PATHS: tuple[tuple[str, float], ...] = (
    (ACCEPT, 76.3), (REFUSE, 13.5), (CORRECT_ACCEPT, 7.5), (CORRECT_ABANDON, 4.0),
    (CORRECT_REFUSE, 0.7), (DEEM, 1.0),
)  # fmt: skip
CORRECTION_PATHS = (CORRECT_ACCEPT, CORRECT_REFUSE, CORRECT_ABANDON)
REFUSE_PATHS = (REFUSE, CORRECT_REFUSE)
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
HEAD_CATEGORIES: tuple[tuple[str, float], ...] = (
    (HeadCategory.DEPUTY, 78), (HeadCategory.PRINCIPAL, 12), (HeadCategory.OTHER_IN_CHARGE, 10),
)  # fmt: skip

#: Demo logins of the bulk scales: (username, full name, role, unit key). Unit keys: "root",
#: "city" (first city of a province), "county" (first county), "justice" (its 司法局).
SCALE_LOGINS: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "province": (
        ("sheng_admin", "钟建平", Role.SYSADMIN, "root"),
        ("sheng_yfzb", "孙慧敏", Role.COORDINATOR, "root"),
        ("sheng_leader", "郭振华", Role.LEADER, "root"),
        ("sheng_shi_yfzb", "何雅琴", Role.COORDINATOR, "city"),
        ("sheng_xian_yfzb", "曹立新", Role.COORDINATOR, "county"),
        ("sheng_xian_clerk", "段晓燕", Role.CLERK, "justice"),
    ),
    "city": (
        ("shi_admin", "钟建平", Role.SYSADMIN, "root"),
        ("shi_yfzb", "何雅琴", Role.COORDINATOR, "root"),
        ("shi_leader", "郭振华", Role.LEADER, "root"),
        ("shi_xian_yfzb", "曹立新", Role.COORDINATOR, "county"),
        ("shi_xian_clerk", "段晓燕", Role.CLERK, "justice"),
    ),
}


# --- the unit tree -------------------------------------------------------------------------
@dataclass
class Government:
    """A government of the tree and what its register rows need."""

    unit: OrgUnit
    level: str
    name: str  # place name, e.g. 安江县
    justice: OrgUnit | None = None  # its 司法局 / 司法厅 (the 行政复议机构)
    #: (unit, key) of its departments and 乡镇/街道; key as in the county tables.
    members: list[tuple[OrgUnit, str]] = field(default_factory=list)
    lower: list[Government] = field(default_factory=list)  # governments one level down
    size: float = 1.0
    court: str = ""  # the basic court for its departments (and 乡镇)
    court_code: str = ""
    upper_court: str = ""  # the 中级人民法院 for cases against a county/city government
    upper_court_code: str = ""


@dataclass
class Tree:
    """The units to write, with pre-assigned ids, and the governments among them."""

    units: list[OrgUnit] = field(default_factory=list)
    governments: list[Government] = field(default_factory=list)  # counties, cities, province
    next_id: int = 1

    def add(
        self,
        parent: OrgUnit | None,
        code: str,
        name: str,
        short_name: str,
        kind: str,
        level: str,
        sort_order: int,
        **extra: Any,
    ) -> OrgUnit:
        pk = self.next_id
        self.next_id += 1
        path = f"{parent.path if parent else '/'}{pk}/"
        unit = OrgUnit(
            id=pk,
            code=code,
            name=name,
            short_name=short_name,
            kind=kind,
            level=level,
            parent=parent,
            path=path,
            depth=0 if parent is None else parent.depth + 1,
            sort_order=sort_order,
            **extra,
        )
        self.units.append(unit)
        return unit


def _place_names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """``count`` new county-level place names (县 mostly, some 区 and 市)."""
    names: list[str] = []
    while len(names) < count:
        stem = rng.choice(COUNTY_FIRST) + rng.choice(COUNTY_SECOND)
        if stem in taken:
            continue
        taken.add(stem)
        suffix = c.weighted(rng, (("县", 75), ("区", 15), ("市", 10)))
        names.append(stem + suffix)
    return names


def _township_rows(rng: random.Random) -> list[tuple[str, str]]:
    """(name, short name) of one county's 乡镇/街道: streets first, then 镇, then 乡."""
    total = rng.randint(*TOWNSHIPS_PER_COUNTY)
    streets = rng.randint(2, 6)
    xiang = rng.randint(3, 8)
    towns = total - streets - xiang
    return (
        [(f"{s}街道", s) for s in rng.sample(data.STREET_STEMS, streets)]
        + [(f"{s}镇", s) for s in rng.sample(data.TOWN_STEMS, towns)]
        + [(f"{s}乡", s) for s in rng.sample(data.XIANG_STEMS, xiang)]
    )


def _departments(
    tree: Tree, gov: Government, rows: Sequence[tuple[str, str, str]], base_code: str
) -> None:
    """Add the party office and departments (full name, short name, key) under ``gov``."""
    root = gov.unit
    offices: dict[str, str] = {UnitLevel.PROVINCE: "依法治省", UnitLevel.CITY: "依法治市"}
    office = offices.get(gov.level, "依法治县")
    party = f"中共{gov.name}委全面{office}委员会办公室"
    tree.add(root, f"{base_code}901", party, f"{office}办", UnitKind.PARTY_OFFICE, gov.level, 10)
    for i, (name, short, key) in enumerate(rows, start=1):
        unit = tree.add(
            root,
            f"{base_code}{i:03d}",
            name,
            short,
            UnitKind.DEPARTMENT,
            gov.level,
            10 + i * 10,
            is_reconsideration_body=key == data.JUSTICE_BUREAU,
        )
        gov.members.append((unit, key))
        if key == data.JUSTICE_BUREAU:
            gov.justice = unit


def _county(
    tree: Tree, parent: OrgUnit, code: str, name: str, order: int, rng: random.Random
) -> Government:
    short = name[:-1] if len(name) > 2 else name
    unit = tree.add(
        parent, code, f"{name}人民政府", short, UnitKind.GOVERNMENT, UnitLevel.COUNTY, order
    )
    gov = Government(unit=unit, level=UnitLevel.COUNTY, name=name, size=rng.uniform(0.6, 1.5))
    rows = [(f"{name}{suffix}", s, suffix) for suffix, s in data.DEPARTMENTS]
    _departments(tree, gov, rows, code)
    start = 10 + (len(rows) + 1) * 10
    for i, (town, town_short) in enumerate(_township_rows(rng), start=1):
        unit = tree.add(
            gov.unit,
            f"{code}{100 + i:03d}",
            town,
            town_short,
            UnitKind.TOWNSHIP,
            UnitLevel.TOWNSHIP,
            start + i * 10,
        )
        gov.members.append((unit, "township"))
    gov.court, gov.court_code = f"{name}人民法院", PROVINCE_SHORT + code[2:6]
    tree.governments.append(gov)
    return gov


def _city(
    tree: Tree,
    parent: OrgUnit | None,
    number: int,
    name: str,
    counties: int,
    order: int,
    rng: random.Random,
    taken: set[str],
) -> Government:
    code = f"{PROVINCE_CODE}{number:02d}00"
    extra: dict[str, Any] = {"province_code": PROVINCE_CODE} if parent is None else {}
    unit = tree.add(
        parent,
        code,
        f"{name}人民政府",
        name,
        UnitKind.GOVERNMENT,
        UnitLevel.CITY,
        order,
        **extra,
    )
    gov = Government(unit=unit, level=UnitLevel.CITY, name=name)
    rows = [(f"{name}{suffix}", f"市{s}", suffix) for suffix, s in data.DEPARTMENTS]
    _departments(tree, gov, rows, code)
    start = 10 + (len(rows) + 1) * 10
    court = f"{name}中级人民法院"
    court_code = PROVINCE_SHORT + code[2:4]
    for k, county_name in enumerate(_place_names(rng, counties, taken), start=1):
        county_code = f"{PROVINCE_CODE}{number:02d}{k + 1:02d}"
        county = _county(tree, unit, county_code, county_name, start + k * 10, rng)
        county.upper_court, county.upper_court_code = court, court_code
        gov.lower.append(county)
    # Cases against the city's departments go to the basic court of its first district.
    gov.court, gov.court_code = gov.lower[0].court, gov.lower[0].court_code
    gov.upper_court, gov.upper_court_code = court, court_code
    tree.governments.append(gov)
    return gov


def _county_counts(rng: random.Random, cities: int, counties: int) -> list[int]:
    """How many counties each city has: between the bounds, adding up to ``counties``."""
    low, high = COUNTIES_PER_CITY
    if not cities * low <= counties <= cities * high:
        low, high = 1, counties
    counts = [rng.randint(low, high) for _ in range(cities)]
    while sum(counts) != counties:
        i = rng.randrange(cities)
        if sum(counts) < counties and counts[i] < high:
            counts[i] += 1
        elif sum(counts) > counties and counts[i] > low:
            counts[i] -= 1
    return counts


def plan_city(seed: int, first_id: int, counties: int = CITY_SCALE_COUNTIES) -> Tree:
    """The units of a city seed: one city of ``counties`` counties, as the root."""
    rng = random.Random(f"{seed}:scale:city")
    tree = Tree(next_id=first_id)
    name = rng.choice(CITY_STEMS) + "市"
    _city(tree, None, CITY_SEED_NUMBER, name, counties, 0, rng, set())
    return tree


def plan_province(
    seed: int, first_id: int, cities: int = CITY_COUNT, counties: int = COUNTY_COUNT
) -> Tree:
    """The units of a province seed: the province, its cities and their counties."""
    rng = random.Random(f"{seed}:scale:province")
    tree = Tree(next_id=first_id)
    root = tree.add(
        None,
        PROVINCE_ROOT_CODE,
        f"{PROVINCE_NAME}人民政府",
        PROVINCE_NAME,
        UnitKind.GOVERNMENT,
        UnitLevel.PROVINCE,
        0,
        province_code=PROVINCE_CODE,
    )
    gov = Government(unit=root, level=UnitLevel.PROVINCE, name=PROVINCE_NAME)
    rows = [
        (f"{PROVINCE_NAME}{suffix}", short, PROVINCE_KEYS.get(suffix, suffix))
        for suffix, short in PROVINCE_DEPARTMENTS
    ]
    _departments(tree, gov, rows, PROVINCE_ROOT_CODE)
    start = 10 + (len(rows) + 1) * 10
    stems = rng.sample(CITY_STEMS, cities) if cities <= len(CITY_STEMS) else []
    taken: set[str] = set()
    for k, count in enumerate(_county_counts(rng, cities, counties)):
        name = (stems[k] if stems else f"第{k + 1}") + "市"
        number = FIRST_CITY_NUMBER + k
        city = _city(tree, root, number, name, count, start + (k + 1) * 10, rng, taken)
        gov.lower.append(city)
    capital = gov.lower[0]
    gov.court, gov.court_code = capital.court, capital.court_code
    gov.upper_court, gov.upper_court_code = capital.upper_court, capital.upper_court_code
    tree.governments.append(gov)
    return tree


# --- register rows -------------------------------------------------------------------------
def _fillers() -> tuple[ModuleType, ModuleType]:
    """The county fillers' modules (their tables), imported in their registration order."""
    county_fillers()
    from fazhi.litigation import demo_fillers as lit_fill
    from fazhi.reconsideration import demo_fillers as rec_fill

    return rec_fill, lit_fill


@dataclass(frozen=True)
class Upheld:
    """A closed 维持/驳回 复议 case whose applicant may sue the original unit."""

    case_id: int
    respondent: OrgUnit
    key: str
    closed_on: dt.date
    category: str


class Writer:
    """Buffers rows with pre-assigned ids and writes them in dependency order."""

    ORDER: tuple[type[models.Model], ...] = (
        ReconsiderationCase,
        Suspension,
        OpinionLetter,
        LitigationCase,
        Hearing,
        JudicialSuggestion,
    )

    def __init__(self) -> None:
        self.rows: dict[type[models.Model], list[models.Model]] = {m: [] for m in self.ORDER}
        self.next_id = {
            m: (m._default_manager.aggregate(top=models.Max("id"))["top"] or 0) + 1
            for m in self.ORDER
        }
        self.counts = dict.fromkeys(self.ORDER, 0)
        self.pending = 0

    def new_id(self, model: type[models.Model]) -> int:
        pk = self.next_id[model]
        self.next_id[model] = pk + 1
        return pk

    def add(self, obj: models.Model) -> None:
        model = type(obj)
        if obj.pk is None:
            obj.pk = self.new_id(model)
        fill_slots(obj)
        self.rows[model].append(obj)
        self.counts[model] += 1
        self.pending += 1
        if self.pending >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        for model in self.ORDER:
            rows = self.rows[model]
            if rows:
                model._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)
                rows.clear()
        self.pending = 0

    def reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), [*self.ORDER, OrgUnit])
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


class RegisterSeeder:
    """Plays out each government's 复议 and 应诉 cases year by year, cut at the horizon."""

    def __init__(self, *, seed: int, years: int, last_year: int, volume: int, rules: Rules) -> None:
        self.seed = seed
        self.years = range(last_year - years + 1, last_year + 1)
        self.volume = volume
        self.rules = rules
        self.horizon = min(
            dt.date(last_year, 12, 31) + dt.timedelta(days=c.SPILL_DAYS), c.SNAPSHOT_LIMIT
        )
        self.rec, self.lit = _fillers()
        self.writer = Writer()
        self.numbers: dict[tuple[str, str, int], int] = {}
        self.leaders: dict[int, tuple[str, tuple[str, ...], str]] = {}
        self.workdays: dict[dt.date, bool] = {}
        self.due_cache: dict[tuple[dt.date, int, str], dt.date] = {}

    # --- calendar helpers (cached: the same few hundred days come up a million times) ------
    def workday(self, day: dt.date) -> bool:
        known = self.workdays.get(day)
        if known is None:
            known = self.workdays[day] = is_workday(day, self.rules.calendar)
        return known

    def add_workdays(self, day: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``day`` (``n`` >= 1)."""
        for _ in range(n):
            day = self.on_or_after(day + c.ONE_DAY)
        return day

    def filing_dates(
        self, rng: random.Random, year: int, n: int, rest_day_share: float
    ) -> list[dt.date]:
        """:func:`fazhi.demo.cases.filing_dates` on the cached calendar (same draws)."""
        first, last = c.year_bounds(year)
        pool = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
        rest = sum(1 for d in pool if not self.workday(d))
        work = len(pool) - rest
        rest_weight = rest_day_share / (1 - rest_day_share) * work / max(rest, 1)
        weights = [
            c.MONTH_WEIGHTS[d.month] * (1.0 if self.workday(d) else rest_weight) for d in pool
        ]
        return sorted(rng.choices(pool, weights=weights, k=n))

    def on_or_after(self, day: dt.date) -> dt.date:
        while not self.workday(day):
            day += c.ONE_DAY
        return day

    def on_or_before(self, day: dt.date) -> dt.date:
        while not self.workday(day):
            day -= c.ONE_DAY
        return day

    def pick(self, rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
        """A random working day in ``[first, last]``; ``last`` itself if there is none."""
        span = (last - first).days + 1
        days = [first + dt.timedelta(days=i) for i in range(max(span, 0))]
        workdays = [d for d in days if self.workday(d)]
        return rng.choice(workdays) if workdays else last

    def due(self, start: dt.date, rule: tuple[int, str]) -> dt.date:
        key = (start, *rule)
        found = self.due_cache.get(key)
        if found is None:
            found = self.due_cache[key] = add_days(
                start, rule[0], Counting(rule[1]), calendar=self.rules.calendar
            ).due
        return found

    # --- the run ----------------------------------------------------------------------------
    def run(self, governments: Sequence[Government]) -> Writer:
        for gov in governments:
            upheld: list[Upheld] = []
            for year in self.years:
                upheld += self.reconsideration_year(gov, year)
                self.litigation_year(gov, year, upheld)
        self.writer.flush()
        return self.writer

    def rng(self, gov: Government, name: str) -> random.Random:
        return random.Random(f"{self.seed}:scale:{gov.unit.code}:{name}")

    def count(self, rng: random.Random, gov: Government, bounds: tuple[int, int]) -> int:
        return round(rng.randint(*bounds) * gov.size * self.volume)

    # --- 行政复议 -----------------------------------------------------------------------------
    def respondents(self, gov: Government) -> list[tuple[OrgUnit, str, float]]:
        """(unit, key, weight): the county filler's weights; the 乡镇 share the township total;
        a city's or the province's lower governments share theirs."""
        weights = dict(self.rec.RESPONDENT_WEIGHTS)
        pool = [(u, k, weights[k]) for u, k in gov.members if k in weights]
        towns = [(u, k) for u, k in gov.members if k == "township"]
        if towns:
            raw = [_township_weight(u) for u, _ in towns]
            total = sum(raw)
            pool += [
                (u, k, self.rec.TOWNSHIP_WEIGHT * w / total)
                for (u, k), w in zip(towns, raw, strict=True)
            ]
        if gov.lower:
            each = LOWER_GOVERNMENTS_WEIGHT[gov.level] / len(gov.lower)
            pool += [(lower.unit, "root", each) for lower in gov.lower]
        return pool

    def reconsideration_year(self, gov: Government, year: int) -> list[Upheld]:
        if gov.justice is None:
            return []
        rng = self.rng(gov, f"reconsideration:{year}")
        pool = self.respondents(gov)
        weights = [w for _, _, w in pool]
        n = self.count(rng, gov, VOLUMES[gov.level][0])
        dates = self.filing_dates(rng, year, n, 0.06)
        picks = rng.choices(pool, weights=weights, k=n)
        upheld: list[Upheld] = []
        for i, (received, (unit, key, _)) in enumerate(zip(dates, picks, strict=True), start=1):
            if received > self.horizon:
                continue
            case_rng = random.Random(f"{self.seed}:scale:{gov.unit.code}:rec:{year}:{i}")
            case = self.reconsideration_case(
                gov, unit, key, received, f"〔{year}〕第{i}号", case_rng
            )
            if (
                case.status == Status.CLOSED
                and case.outcome in (Outcome.UPHOLD, Outcome.REJECT_CLAIM)
                and case.closed_on is not None
            ):
                upheld.append(Upheld(case.pk, unit, key, case.closed_on, case.act_category))
        return upheld

    def reconsideration_case(
        self,
        gov: Government,
        respondent: OrgUnit,
        key: str,
        received: dt.date,
        number: str,
        rng: random.Random,
    ) -> ReconsiderationCase:
        assert gov.justice is not None
        category = c.weighted(rng, c._CATEGORY_WEIGHTS.get(key, c._CATEGORY_WEIGHTS["*"]))
        acts = c._ACTS[category]
        act = rng.choice(acts.get(key, acts["*"]))
        channel = c.weighted(rng, WORKDAY_CHANNELS if self.workday(received) else REST_DAY_CHANNELS)
        case = ReconsiderationCase(
            id=self.writer.new_id(ReconsiderationCase),
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
            status=Status.REVIEWING,
        )
        pauses: list[Suspension] = []
        self.play_reconsideration(case, pauses, rng, gov)
        derive_deadlines(case, pauses, self.rules)
        self.writer.add(case)
        for pause in pauses:
            self.writer.add(pause)
        return case

    def play_reconsideration(
        self,
        case: ReconsiderationCase,
        pauses: list[Suspension],
        rng: random.Random,
        gov: Government,
    ) -> None:
        """Set the case's dates and status as the services would have by the horizon."""
        rec, horizon, rules = self.rec, self.horizon, self.rules
        path = c.weighted(rng, PATHS)
        start = case.received_on
        if path in CORRECTION_PATHS:
            review_due = self.due(start, rules.review)
            notified = self.pick(
                rng, c.days(start, 1), min(self.add_workdays(start, 4), review_due)
            )
            if notified > horizon:
                return self.deem(case)
            case.correction_notified_on = notified
            case.status = Status.CORRECTING
            correction_due = self.due(notified, rules.correction)
            if path == CORRECT_ABANDON:
                on = self.on_or_after(c.days(correction_due, rng.randint(1, 6)))
                if on <= horizon:
                    case.status = Status.ABANDONED
                return None
            start = self.pick(rng, c.days(notified, 2), correction_due)
            if start > horizon:
                return None
            case.correction_received_on = start
            case.status = Status.REVIEWING
        review_due = self.due(start, rules.review)
        if path in REFUSE_PATHS:
            on = self.pick(rng, c.days(start, 1), review_due)
            if on > horizon:
                return self.deem(case)
            case.refused_on = on
            case.refusal_reason = rng.choice(rec.REFUSAL_REASONS)
            case.status = Status.NOT_ACCEPTED
            return None
        simple = path != DEEM and rng.random() < 0.15
        if path == DEEM:
            self.deem(case)
            assert case.accepted_on is not None
            if c.days(case.accepted_on, 1) <= horizon:
                self.hear(case, pauses, rng, gov)
            return None
        on = self.pick(rng, c.days(start, 1), review_due)
        if on > horizon:
            return self.deem(case)
        case.accepted_on = on
        case.acceptance_kind = AcceptanceKind.DECIDED
        case.procedure = Procedure.SIMPLE if simple else Procedure.ORDINARY
        case.status = Status.ACCEPTED
        return self.hear(case, pauses, rng, gov)

    def deem(self, case: ReconsiderationCase) -> None:
        """视为受理 on the last day of the review period (what the daily sweep does)."""
        start = case.correction_received_on or case.received_on
        case.accepted_on = self.due(start, self.rules.review)
        case.acceptance_kind = AcceptanceKind.DEEMED
        case.procedure = Procedure.ORDINARY
        case.status = Status.ACCEPTED

    def outcome(self, rng: random.Random, category: str) -> str:
        rec = self.rec
        roll = rng.random()
        if roll < 0.40:
            return str(c.weighted(rng, rec.WITHDRAWALS))
        if roll < 0.555:
            return str(c.weighted(rng, rec.CORRECTIONS.get(category, rec.CORRECTIONS["*"])))
        if roll < 0.575:
            return Outcome.TERMINATED
        return Outcome.UPHOLD if rng.random() < 0.75 else Outcome.REJECT_CLAIM

    def hear(
        self,
        case: ReconsiderationCase,
        pauses: list[Suspension],
        rng: random.Random,
        gov: Government,
    ) -> None:
        rec, horizon, rules = self.rec, self.horizon, self.rules
        accepted = case.accepted_on
        assert accepted is not None
        outcome = self.outcome(rng, case.act_category)
        withdrawal = outcome in rec.WITHDRAWAL_OUTCOMES
        ordinary = case.procedure == Procedure.ORDINARY
        rule = (
            rules.decision_simple if case.procedure == Procedure.SIMPLE else rules.decision_ordinary
        )
        due = self.due(accepted, rule)
        roll = rng.random()
        suspend = ordinary and roll < 0.04
        extend = ordinary and not suspend and not withdrawal and roll < 0.095
        late = ordinary and not suspend and not extend and not withdrawal and roll > 0.995
        if suspend:
            suspended = self.pick(rng, c.days(accepted, 8), c.days(accepted, 30))
            if suspended > horizon:
                return
            if withdrawal:
                ground: str = SuspensionGround.G6
            else:
                ground = c.weighted(rng, SUSPENSION_GROUNDS)
            pause = Suspension(
                case=case, ground=ground, suspended_on=suspended, note=rec.SUSPENSION_NOTES[ground]
            )
            pauses.append(pause)
            case.status = Status.SUSPENDED
            if outcome in CLOSABLE_WHILE_SUSPENDED and rng.random() < 0.5:
                closed = self.pick(rng, c.days(suspended, 10), c.days(suspended, 40))
                if closed > horizon:
                    return
                pause.resumed_on = closed
            else:
                resumed = self.pick(rng, c.days(suspended, 15), c.days(suspended, 70))
                if resumed > horizon:
                    return
                pause.resumed_on = resumed
                case.status = Status.ACCEPTED
                derive_deadlines(case, pauses, rules)
                assert case.decision_due is not None
                closed = self.pick(rng, c.days(resumed, 5), case.decision_due)
        elif extend:
            approved = self.pick(rng, max(c.days(due, -12), c.days(accepted, 1)), c.days(due, -2))
            if approved > horizon:
                return
            case.extension_approved_on = approved
            case.extension_days = 30 if rng.random() < 0.7 else rng.randint(15, 29)
            derive_deadlines(case, pauses, rules)
            assert case.decision_due is not None
            closed = self.pick(rng, c.days(due, 2), case.decision_due)
        elif late:
            closed = self.on_or_after(c.days(due, rng.randint(1, 5)))
        else:
            if case.procedure == Procedure.SIMPLE:
                handling = rng.randint(8, 26)
            elif withdrawal or outcome == Outcome.TERMINATED:
                handling = rng.randint(10, 50)
            else:
                handling = rng.randint(28, 57)
            closed = self.on_or_after(c.days(accepted, handling))
            closed = closed if closed <= due else self.on_or_before(due)
        if closed > horizon:
            return
        case.closed_on = closed
        case.outcome = outcome
        case.outcome_note = rec.OUTCOME_NOTES[outcome]
        case.status = Status.CLOSED
        if outcome in CORRECTING_OUTCOMES and case.received_on.month <= 9 and rng.random() < 0.15:
            self.letter(case, closed, rng)

    def letter(self, case: ReconsiderationCase, closed: dt.date, rng: random.Random) -> None:
        issued = self.pick(rng, c.days(closed, 3), c.days(closed, 15))
        served = self.pick(rng, c.days(issued, 1), c.days(issued, 4))
        if served > self.horizon:
            return
        reply_due = self.due(served, self.rules.letter_reply)
        replied = self.pick(rng, c.days(served, 25), c.days(reply_due, -3))
        done = replied <= self.horizon
        assert case.respondent is not None
        self.writer.add(
            OpinionLetter(
                case=case,
                kind=LetterKind.OPINION,
                recipient=case.respondent,
                recipient_name=case.respondent.name,
                issued_on=issued,
                served_on=served,
                reply_due=reply_due,
                replied_on=replied if done else None,
                reply_note=rng.choice(self.rec.LETTER_REPLIES) if done else "",
                content=f"办理本案中发现被申请人存在{rng.choice(self.rec.LETTER_PROBLEMS)}的问题，"
                "请予以纠正并在收到本意见书之日起六十日内报送纠正情况",
            )
        )

    # --- 行政应诉 -----------------------------------------------------------------------------
    def defendants(self, gov: Government) -> list[tuple[OrgUnit, str, float]]:
        lit = self.lit
        weights = dict(lit.DEFENDANT_WEIGHTS)
        pool = [(u, k, weights[k]) for u, k in gov.members if k in weights]
        towns = [(u, k) for u, k in gov.members if k == "township"]
        if towns:
            raw = [_township_weight(u) for u, _ in towns]
            total = sum(raw)
            pool += [
                (u, k, lit.TOWNSHIP_WEIGHT * w / total)
                for (u, k), w in zip(towns, raw, strict=True)
            ]
        pool.append((gov.unit, "root", lit.ROOT_WEIGHT))
        return pool

    def litigation_year(self, gov: Government, year: int, upheld: list[Upheld]) -> None:
        rng = self.rng(gov, f"litigation:{year}")
        n = self.count(rng, gov, VOLUMES[gov.level][1])
        first, last = c.year_bounds(year)
        candidates = [u for u in upheld if first <= u.closed_on <= c.days(last, -25)]
        picked = sorted(c.chosen(rng, range(len(candidates)), c.share(rng, n, 0.15, 0.22)))
        suits: list[tuple[dt.date, OrgUnit, str, str, int | None]] = []
        for k in picked:
            u = candidates[k]
            filed = self.on_or_after(c.days(u.closed_on, rng.randint(8, 22)))
            suits.append((filed, u.respondent, u.key, u.category, u.case_id))
        pool = self.defendants(gov)
        rest = n - len(suits)
        dates = self.filing_dates(rng, year, rest, 0.0)
        picks = rng.choices(pool, weights=[w for _, _, w in pool], k=rest)
        for filed, (unit, key, _) in zip(dates, picks, strict=True):
            category = c.weighted(rng, c._CATEGORY_WEIGHTS.get(key, c._CATEGORY_WEIGHTS["*"]))
            suits.append((filed, unit, key, category, None))
        suits.sort(key=lambda s: s[0])
        for i, (filed, unit, key, category, rec_id) in enumerate(suits, start=1):
            if filed > self.horizon:
                continue
            case_rng = random.Random(f"{self.seed}:scale:{gov.unit.code}:lit:{year}:{i}")
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
        lit = self.lit
        roll = rng.random()
        if filed.month <= 9 and roll < 0.087:
            return str(c.weighted(rng, lit.LOSS_TYPES.get(category, lit.LOSS_TYPES["*"])))
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
        lit = self.lit
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
        case = self.litigation_case(
            unit, court, self.number(rng, court, code, "行初", filed.year), Level.FIRST,
            filed, cause, category, rec_id,
        )  # fmt: skip
        day = filed
        hearings: list[Hearing] = []
        for k, present in enumerate(appeared):
            day = self.on_or_after(
                c.days(day, rng.randint(30, 75) if k == 0 else rng.randint(20, 45))
            )
            if day > self.horizon:
                break
            hearings.append(self.hearing(case, day, present, rng))
        judged = self.on_or_after(
            c.days(day, rng.randint(10, 45) if sessions else rng.randint(20, 80))
        )
        closed = len(hearings) == sessions and judged <= self.horizon
        self.close_litigation(case, hearings, judged if closed else None, result, lit.RESULT_NOTES)
        if not closed:
            return
        judged_ok = result not in (Result.WITHDRAWN, Result.MEDIATED)
        if judged_ok and filed.month <= 6:
            p = 0.5 if result in LOSS_RESULTS else 0.05
            if rng.random() < p:
                self.suggestion(case, judged, category, rng)
        if judged_ok and rng.random() < 0.27:
            self.appeal(gov, case, judged, result, rng)

    def litigation_case(
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
            id=self.writer.new_id(LitigationCase),
            number=number,
            court=court,
            level=level,
            unit=unit,
            cause=cause,
            act_category=category,
            reconsideration_id=rec_id,
            filed_on=filed,
            status=LitStatus.PENDING,
        )

    def close_litigation(
        self,
        case: LitigationCase,
        hearings: list[Hearing],
        judged: dt.date | None,
        result: str,
        notes: dict[str, str],
        note: str | None = None,
    ) -> None:
        case.hearing_count = len(hearings)
        case.first_hearing_on = hearings[0].held_on if hearings else None
        case.head_appeared = any(h.head_appeared for h in hearings)
        if judged is not None:
            case.status = LitStatus.CLOSED
            case.judged_on = judged
            case.result = result
            case.result_note = note if note is not None else notes[result]
            case.is_loss = result in LOSS_RESULTS
        self.writer.add(case)
        for hearing in hearings:
            self.writer.add(hearing)

    def hearing(
        self, case: LitigationCase, day: dt.date, present: bool, rng: random.Random
    ) -> Hearing:
        if not present:
            return Hearing(
                case=case,
                held_on=day,
                head_appeared=False,
                absence_reason=rng.choice(self.lit.ABSENCE_REASONS),
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
            rng = random.Random(f"{self.seed}:scale:leaders:{unit.code}")
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
        lit = self.lit
        filed = self.on_or_after(c.days(judged, rng.randint(25, 60)))
        if filed > self.horizon:
            return
        court, code = _appeal_court(gov, first.court)
        case = self.litigation_case(
            first.unit, court, self.number(rng, court, code, "行终", filed.year), Level.SECOND,
            filed, first.cause, first.act_category, first.reconsideration_id,
        )  # fmt: skip
        day = filed
        hearings: list[Hearing] = []
        if rng.random() < 0.5:
            day = self.on_or_after(c.days(filed, rng.randint(20, 50)))
            if day > self.horizon:
                return self.close_litigation(case, hearings, None, result, lit.RESULT_NOTES)
            hearings.append(self.hearing(case, day, rng.random() < 0.9, rng))
        day = self.on_or_after(c.days(day, rng.randint(15, 45)))
        second = lit.LitigationFiller.appeal_result(result, rng)
        note = lit.APPEAL_NOTES.get(second, lit.RESULT_NOTES[second])
        self.close_litigation(
            case, hearings, day if day <= self.horizon else None, second, lit.RESULT_NOTES, note
        )

    def suggestion(
        self, case: LitigationCase, judged: dt.date, category: str, rng: random.Random
    ) -> None:
        lit = self.lit
        received = self.pick(rng, c.days(judged, 10), c.days(judged, 40))
        if received > self.horizon:
            return
        replied = self.pick(rng, c.days(received, 20), c.days(received, 55))
        done = replied <= self.horizon
        self.writer.add(
            JudicialSuggestion(
                case=case,
                unit=case.unit,
                court=case.court,
                received_on=received,
                content=lit.SUGGESTIONS.get(category, lit.SUGGESTIONS["*"]),
                reply_due=c.days(received, 60),
                replied_on=replied if done else None,
                reply_note=rng.choice(lit.SUGGESTION_REPLIES) if done else "",
            )
        )


def _township_weight(unit: OrgUnit) -> float:
    """街道 (urban) weigh more than 镇, and 乡 least (as in the county fillers)."""
    if unit.name.endswith("街道"):
        return 1.6
    return 1.0 if unit.name.endswith("镇") else 0.5


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


# --- logins and the run ----------------------------------------------------------------------
def _write_logins(scale: str, tree: Tree) -> tuple[int, tuple[DemoLogin, ...]]:
    root = tree.units[0]
    counties = [g for g in tree.governments if g.level == UnitLevel.COUNTY]
    cities = [g for g in tree.governments if g.level == UnitLevel.CITY]
    county = counties[0]
    assert county.justice is not None
    units = {"root": root, "county": county.unit, "justice": county.justice}
    if cities:
        units["city"] = cities[0].unit
    rows = SCALE_LOGINS[scale]
    usernames = [username for username, *_ in rows]
    taken = sorted(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    if taken:
        raise DemoDataExists(f"用户名 {'、'.join(taken)} 已存在，未生成演示数据")
    password = make_password(data.DEMO_PASSWORD)  # one hash for all: same password
    User.objects.bulk_create(
        [User(username=u, last_name=name, password=password) for u, name, _, _ in rows]
    )
    by_name = {user.username: user for user in User.objects.filter(username__in=usernames)}
    Membership.objects.bulk_create(
        [Membership(user=by_name[u], unit=units[k], role=role) for u, _, role, k in rows]
    )
    logins = tuple(
        DemoLogin(u, data.DEMO_PASSWORD, name, Role(role).label, units[k].name)
        for u, name, role, k in rows
    )
    return len(rows), logins


def _rules(root: OrgUnit) -> Rules:
    """The services' rules for ``root``'s province, with every day of the calendar spelled out.

    ``chinese_calendar.is_workday`` re-validates its whole table on each call; listing each
    day's answer as an override gives the same answers (overrides win, and they are the
    answers) at a dictionary look-up each, for the pure deadline functions the services use.
    """
    rules = Rules.for_unit(root)
    cal = rules.calendar
    first, last = dt.date(PACKAGE_FIRST_YEAR, 1, 1), dt.date(PACKAGE_LAST_YEAR + 1, 12, 31)
    days = {
        first + dt.timedelta(days=i): is_workday(first + dt.timedelta(days=i), cal)
        for i in range((last - first).days + 1)
    }
    days.update(cal.days)
    return replace(rules, calendar=CalendarData(days=days, complete_years=cal.complete_years))


def _refuse_existing(tree: Tree) -> None:
    codes = [u.code for u in tree.units]
    for i in range(0, len(codes), 900):
        existing = OrgUnit.objects.filter(code__in=codes[i : i + 900]).order_by("code").first()
        if existing is not None:
            raise DemoDataExists(
                f"演示数据已存在（单位编码 {existing.code} {existing.name}），未重复生成；"
                "如需重新生成，请使用新的空数据库"
            )


def _seed(
    scale: str,
    plan: Callable[[int], Tree],
    *,
    seed: int,
    years: int,
    volume: int,
    last_year: int,
) -> SeedResult:
    if years < 1:
        raise DemoError("年数（--years）至少为 1")
    if volume < 1:
        raise DemoError("倍数（--volume）至少为 1")
    first_id = (OrgUnit.objects.aggregate(top=models.Max("id"))["top"] or 0) + 1
    tree = plan(first_id)
    _refuse_existing(tree)
    OrgUnit.objects.bulk_create(tree.units, batch_size=BATCH_SIZE)
    root = tree.units[0]
    user_count, logins = _write_logins(scale, tree)
    registers = RegisterSeeder(
        seed=seed, years=years, last_year=last_year, volume=volume, rules=_rules(root)
    )
    writer = registers.run(tree.governments)
    writer.reset_sequences()
    facts_rebuild()  # bulk inserts send no signals: compute the monthly facts once, at the end
    counts = {m._meta.label: n for m, n in writer.counts.items()}
    audit_append(
        actor=Actor.command_line(),
        action="demo.seed_scale",
        object_type="orgs.orgunit",
        object_id=str(root.pk),
        object_repr=root.name,
        after={
            "scale": scale,
            "seed": seed,
            "years": years,
            "last_year": last_year,
            "volume": volume,
            "units": len(tree.units),
            "users": user_count,
            "rows": counts,
        },
    )
    kinds = [u.kind for u in tree.units]
    return SeedResult(
        scale=scale,
        seed=seed,
        root_code=root.code,
        root_name=root.name,
        unit_count=len(tree.units),
        department_count=kinds.count(UnitKind.DEPARTMENT),
        township_count=kinds.count(UnitKind.TOWNSHIP),
        user_count=user_count,
        logins=logins,
        filled=(
            ("reconsideration", writer.counts[ReconsiderationCase]),
            ("中止记录", writer.counts[Suspension]),
            ("行政复议意见书", writer.counts[OpinionLetter]),
            ("litigation", writer.counts[LitigationCase]),
            ("庭审记录", writer.counts[Hearing]),
            ("司法建议", writer.counts[JudicialSuggestion]),
        ),
    )


@transaction.atomic
def seed_city(
    *,
    seed: int = DEFAULT_SEED,
    years: int = 1,
    volume: int = 1,
    last_year: int = DEFAULT_LAST_YEAR,
    counties: int = CITY_SCALE_COUNTIES,
) -> SeedResult:
    """Write a city of ``counties`` counties and its registers in bulk, in one transaction."""
    return _seed(
        "city",
        lambda first_id: plan_city(seed, first_id, counties),
        seed=seed,
        years=years,
        volume=volume,
        last_year=last_year,
    )


@transaction.atomic
def seed_province(
    *,
    seed: int = DEFAULT_SEED,
    years: int = 1,
    volume: int = 1,
    last_year: int = DEFAULT_LAST_YEAR,
    cities: int = CITY_COUNT,
    counties: int = COUNTY_COUNT,
) -> SeedResult:
    """Write the province (``cities`` cities, ``counties`` counties) and its registers in bulk."""
    return _seed(
        "province",
        lambda first_id: plan_province(seed, first_id, cities, counties),
        seed=seed,
        years=years,
        volume=volume,
        last_year=last_year,
    )
