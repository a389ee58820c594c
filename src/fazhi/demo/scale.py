"""City and province demo data, written in bulk (``fazhi seed --scale city|province``).

The county scale (:func:`fazhi.demo.generator.seed_county`) writes every row through the
audited services, which costs about 10 s of CPU for one county-year. A province has about a
hundred counties, so these seeders write with ``bulk_create``:

* **Units** (here): a fictional province (潇湘省, province code ``43``) with 14 cities and 100
  counties (each: government, 依法治县办, the 35 departments of :data:`data.DEPARTMENTS`,
  18–32 乡镇/街道), the cities' and the province's own departments: about 6,700 units. A city
  seed is one such city with 8 counties. Ids are assigned here (after the largest id in the
  table), so ``path``/``depth`` are written with the row; sequences are reset afterwards.
* **Registers** (in the apps): every kit's ``demo_scale`` hook, ``seed(ctx: ScaleContext) ->
  int``, runs in kit order (today ``fazhi.reconsideration.demo_scale`` then
  ``fazhi.litigation.demo_scale``). It plays out each government's cases year by year from the
  receipt (or filing) date, cut at the horizon (``today``: the full years before it and the
  current year to date; see :func:`window`), and hands its
  rows to the shared :class:`Writer`. **Bulk path rule**: a seeder never assigns ``status``; it
  moves each unsaved record with its register's ``Workflow.advance(obj, transition)``, which
  enforces the declared source → target table, and stores the deadlines the services' own pure
  functions derive. This module imports no register app.
* **Volume**: real volumes give about 35,000 register rows a year for the province (see
  README). ``volume`` multiplies every count (default 1 = realistic); the benchmarks use it to
  reach a million rows a year. Such data is a load test, not a picture of a real province.
* **Not written** at these scales: applicant / plaintiff names and ID numbers (left empty:
  encrypting each value would dominate the run time), case timeline events, 败诉剖析 tasks,
  per-row audit entries. One audit entry (``demo.seed_scale``) records what was written.

Deterministic: every random choice comes from ``random.Random`` instances derived from the
seed and a name (:meth:`ScaleContext.rng`, :meth:`ScaleContext.rng_for`; never the clock or the
global ``random``), so the same seed gives the same units and rows (database ids aside).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
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
from fazhi.core.kit import hooks
from fazhi.core.selectors import calendar_data
from fazhi.core.services import audit_append
from fazhi.demo import cases as c
from fazhi.demo import data
from fazhi.demo.generator import (
    DemoDataExists,
    DemoError,
    DemoLogin,
    SeedResult,
    checked_today,
)
from fazhi.demo.plan import DEFAULT_SEED
from fazhi.metrics.facts import facts_rebuild
from fazhi.orgs.models import Membership, OrgUnit, UnitKind, UnitLevel
from fazhi.orgs.roles import Role
from fazhi.orgs.scoping import Actor
from fazhi.orgs.slots import fill_slots

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


def township_weight(unit: OrgUnit) -> float:
    """街道 (urban) weigh more than 镇, and 乡 least (as in the county fillers)."""
    if unit.name.endswith("街道"):
        return 1.6
    return 1.0 if unit.name.endswith("镇") else 0.5


# --- what the register seeders share ----------------------------------------------------------
class Writer:
    """Buffers rows with pre-assigned ids and writes them in the order their models were
    registered (a seeder registers its models parent first, before adding any row)."""

    def __init__(self) -> None:
        self.models: list[type[models.Model]] = []
        #: Summary label of a model ("" for a seeder's main model: the seeder reports it).
        self.labels: dict[type[models.Model], str] = {}
        self.rows: dict[type[models.Model], list[models.Model]] = {}
        self.next_id: dict[type[models.Model], int] = {}
        self.counts: dict[type[models.Model], int] = {}
        self.pending = 0

    def register(self, model: type[models.Model], label: str = "") -> None:
        """Take rows of ``model`` from now on; ids continue after the largest in the table.
        ``label`` names its count in the ``fazhi seed`` summary (empty: not listed)."""
        if model in self.rows:
            return
        self.models.append(model)
        self.labels[model] = label
        self.rows[model] = []
        self.next_id[model] = (
            model._default_manager.aggregate(top=models.Max("id"))["top"] or 0
        ) + 1
        self.counts[model] = 0

    def new_id(self, model: type[models.Model]) -> int:
        pk = self.next_id[model]
        self.next_id[model] = pk + 1
        return pk

    def add(self, obj: models.Model) -> None:
        model = type(obj)
        if model not in self.rows:
            raise DemoError(f"未登记的批量写入模型：{model._meta.label}")
        if obj.pk is None:
            obj.pk = self.new_id(model)
        fill_slots(obj)
        self.rows[model].append(obj)
        self.counts[model] += 1
        self.pending += 1
        if self.pending >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        for model in self.models:
            rows = self.rows[model]
            if rows:
                model._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)
                rows.clear()
        self.pending = 0

    def reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), [*self.models, OrgUnit])
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


@dataclass(frozen=True)
class Decided:
    """A closed case whose party may still take the original unit's act to court (a 复议
    decision upholding it): published by one seeder for the seeders after it in kit order."""

    case_id: int
    respondent: OrgUnit  # the unit whose act was contested
    key: str  # its key in the county weight tables
    closed_on: dt.date
    category: str  # act category


@dataclass
class ScaleContext:
    """What a register's city/province seeder (kit hook ``demo_scale``) receives.

    A seeder loops over :meth:`government_years`, draws only from :meth:`rng` / :meth:`rng_for`
    (names unique to the seeder), counts cases with :meth:`count`, dates them with the cached
    calendar helpers, hands every row to :attr:`writer` (after ``writer.register``) and moves
    records only with its register's ``Workflow.advance``. Nothing may date after
    :attr:`horizon`.
    """

    seed: int
    years: range
    volume: int
    horizon: dt.date
    calendar: CalendarData  # every day of the package years spelled out (see _calendar)
    root: OrgUnit
    governments: Sequence[Government]
    writer: Writer
    #: Government unit id → its closed cases that may be sued on, in the order published.
    decided: dict[int, list[Decided]] = field(default_factory=dict)
    _workdays: dict[dt.date, bool] = field(default_factory=dict, repr=False)
    _dues: dict[tuple[dt.date, int, str], dt.date] = field(default_factory=dict, repr=False)

    # --- the generic per-government loop ----------------------------------------------------
    def government_years(self) -> Iterator[tuple[Government, int]]:
        """Every (government, year): governments in tree order, each year oldest first."""
        for gov in self.governments:
            for year in self.years:
                yield gov, year

    def rng_for(self, name: str) -> random.Random:
        """A private RNG derived from the seed and ``name`` only (as the county's)."""
        return random.Random(f"{self.seed}:scale:{name}")

    def rng(self, gov: Government, name: str) -> random.Random:
        """A private RNG for ``name`` at ``gov``."""
        return self.rng_for(f"{gov.unit.code}:{name}")

    def count(self, rng: random.Random, gov: Government, bounds: tuple[int, int]) -> int:
        """A yearly case count between ``bounds``, scaled by the government's size and volume."""
        return round(rng.randint(*bounds) * gov.size * self.volume)

    # --- calendar helpers (cached: the same few hundred days come up a million times) ------
    def workday(self, day: dt.date) -> bool:
        known = self._workdays.get(day)
        if known is None:
            known = self._workdays[day] = is_workday(day, self.calendar)
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
        """The due date of a (days, counting) rule from ``start``."""
        key = (start, *rule)
        found = self._dues.get(key)
        if found is None:
            found = self._dues[key] = add_days(
                start, rule[0], Counting(rule[1]), calendar=self.calendar
            ).due
        return found


#: A register's city/province seeder: writes its rows through ``ctx.writer`` and returns how
#: many records of the register it wrote (the summary line named by its app).
ScaleSeeder = Callable[[ScaleContext], int]


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


def _calendar() -> CalendarData:
    """The holiday calendar with every day of the package years spelled out.

    ``chinese_calendar.is_workday`` re-validates its whole table on each call; listing each
    day's answer as an override gives the same answers (overrides win, and they are the
    answers) at a dictionary look-up each, for the pure deadline functions the services use.
    """
    cal = calendar_data()
    first, last = dt.date(PACKAGE_FIRST_YEAR, 1, 1), dt.date(PACKAGE_LAST_YEAR + 1, 12, 31)
    days = {
        first + dt.timedelta(days=i): is_workday(first + dt.timedelta(days=i), cal)
        for i in range((last - first).days + 1)
    }
    days.update(cal.days)
    return CalendarData(days=days, complete_years=cal.complete_years)


def _refuse_existing(tree: Tree) -> None:
    codes = [u.code for u in tree.units]
    for i in range(0, len(codes), 900):
        existing = OrgUnit.objects.filter(code__in=codes[i : i + 900]).order_by("code").first()
        if existing is not None:
            raise DemoDataExists(
                f"演示数据已存在（单位编码 {existing.code} {existing.name}），未重复生成；"
                "如需重新生成，请使用新的空数据库"
            )


def _seed_registers(ctx: ScaleContext) -> tuple[tuple[str, int], ...]:
    """Run every kit's ``demo_scale`` seeder in kit order, then write what is buffered.

    Returns the summary: per seeder (app label, records) and its labelled other models."""
    runs: list[tuple[str, int, list[type[models.Model]]]] = []
    for kit, seeder in hooks("demo_scale"):
        before = len(ctx.writer.models)
        runs.append((kit.app, seeder(ctx), ctx.writer.models[before:]))
    ctx.writer.flush()
    filled: list[tuple[str, int]] = []
    for app, written, added in runs:
        filled.append((app, written))
        filled += [
            (ctx.writer.labels[m], ctx.writer.counts[m]) for m in added if ctx.writer.labels[m]
        ]
    return tuple(filled)


def window(today: dt.date, years: int, last_year: int | None = None) -> tuple[range, dt.date]:
    """(the years to fill, the horizon) for a seeder run on ``today``.

    By default the data lives in the present: ``years`` full years before ``today``'s year and
    the current year up to ``today`` (the horizon). A fixed ``last_year`` (tests, benchmarks)
    fills ``years`` years ending with it, as at 31 January after it (or ``today`` if earlier).
    """
    if last_year is None:
        return range(today.year - years, today.year + 1), today
    return range(last_year - years + 1, last_year + 1), min(dt.date(last_year + 1, 1, 31), today)


def _seed(
    scale: str,
    plan: Callable[[int], Tree],
    *,
    seed: int,
    years: int,
    volume: int,
    today: dt.date | None,
    last_year: int | None,
) -> SeedResult:
    if years < 1:
        raise DemoError("年数（--years）至少为 1")
    if volume < 1:
        raise DemoError("倍数（--volume）至少为 1")
    today = checked_today(today)
    year_range, horizon = window(today, years, last_year)
    first_id = (OrgUnit.objects.aggregate(top=models.Max("id"))["top"] or 0) + 1
    tree = plan(first_id)
    _refuse_existing(tree)
    OrgUnit.objects.bulk_create(tree.units, batch_size=BATCH_SIZE)
    root = tree.units[0]
    user_count, logins = _write_logins(scale, tree)
    ctx = ScaleContext(
        seed=seed,
        years=year_range,
        volume=volume,
        horizon=horizon,
        calendar=_calendar(),
        root=root,
        governments=tree.governments,
        writer=Writer(),
    )
    filled = _seed_registers(ctx)
    ctx.writer.reset_sequences()
    facts_rebuild()  # bulk inserts send no signals: compute the monthly facts once, at the end
    counts = {m._meta.label: n for m, n in ctx.writer.counts.items()}
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
            "today": today.isoformat(),
            "filled_years": list(year_range),
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
        filled=filled,
        today=horizon,
        years=tuple(year_range),
    )


@transaction.atomic
def seed_city(
    *,
    seed: int = DEFAULT_SEED,
    years: int = 1,
    volume: int = 1,
    today: dt.date | None = None,
    last_year: int | None = None,
    counties: int = CITY_SCALE_COUNTIES,
) -> SeedResult:
    """Write a city of ``counties`` counties and its registers in bulk, in one transaction
    (the years: :func:`window`)."""
    return _seed(
        "city",
        lambda first_id: plan_city(seed, first_id, counties),
        seed=seed,
        years=years,
        volume=volume,
        today=today,
        last_year=last_year,
    )


@transaction.atomic
def seed_province(
    *,
    seed: int = DEFAULT_SEED,
    years: int = 1,
    volume: int = 1,
    today: dt.date | None = None,
    last_year: int | None = None,
    cities: int = CITY_COUNT,
    counties: int = COUNTY_COUNT,
) -> SeedResult:
    """Write the province (``cities`` cities, ``counties`` counties) and its registers in bulk
    (the years: :func:`window`)."""
    return _seed(
        "province",
        lambda first_id: plan_province(seed, first_id, cities, counties),
        seed=seed,
        years=years,
        volume=volume,
        today=today,
        last_year=last_year,
    )
