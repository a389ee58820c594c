"""行政执法 records at city and province scale: the bulk seeder (kit hook ``demo_scale``,
``fazhi seed --scale city|province``; issue 17 §6).

A province's departments send about **10,000,000 执法 records a year** (``--volume 1``): most
are 公安 traffic penalties and the 市场监管, 城管, 交通, 消防 and 卫健 inspections and licences;
each 乡镇/街道 has its 综合行政执法 office. :data:`COUNTY_RATES` gives the yearly records of a
county department (a county of size 1); a city department sends :data:`CITY_SHARE` of that, a
province department :data:`PROVINCE_SHARE`. A 100-county province: about 10.2M a year (see
docs/PERFORMANCE.md).

* **执法主体 and 执法人员.** If the ``enforcement`` app's kit seeder already wrote subjects for
  a unit (it runs earlier in kit order; its rows are flushed first), they are used; otherwise
  one 执法主体 per department with 执法 duties and per 乡镇/街道 (the department itself,
  法定行政机关; a 乡镇's 综合行政执法办公室, 法律法规授权组织) and 3–60 持证 officers each (one
  per ~600 records a year) are written with ``bulk_create`` (no ID numbers: encrypting each
  would dominate the run).
* **Records.** On PostgreSQL they are streamed with ``COPY … FROM STDIN`` (psycopg 3
  ``cursor.copy``) in chunks of :data:`CHUNK` rows: memory stays constant whatever the volume;
  into the partitioned table rows go to their year's partition. On other databases
  ``bulk_create`` in chunks. Records carry no ``batch`` (not an import) and no per-row audit.
* ``settings.ENFORCEMENT_SCALE_SHARE``, else the environment variable
  ``FAZHI_ENFORCEMENT_SCALE_SHARE`` (default 1.0), multiplies the record counts: the test suite
  seeds city scale on SQLite and sets it small in tests/conftest.py (a realistic city is
  ~800,000 rows a year).

Deterministic: every draw comes from ``ctx.rng(gov, NAME)`` / ``ctx.rng_for``.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import os
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from fazhi.demo import cases as c
from fazhi.demo.scale import Government, ScaleContext
from fazhi.enforcement.models import CertStatus, Officer, Subject, SubjectKind
from fazhi.enforcement_data.models import Kind, Record
from fazhi.orgs.models import OrgUnit, UnitLevel
from fazhi.orgs.slots import slots_of

NAME = "enforcement_data"
LABEL = "行政执法记录"
#: Rows per COPY chunk / bulk_create batch.
CHUNK = 20_000

KINDS = (Kind.LICENSE, Kind.PENALTY, Kind.COERCION, Kind.LEVY, Kind.REQUISITION, Kind.INSPECTION)
#: (license, penalty, coercion, levy, requisition, inspection) weights.
DEFAULT_MIX = (25.0, 20.0, 3.0, 1.0, 0.1, 51.0)
MIXES: dict[str, tuple[float, ...]] = {
    "公安局": (15, 76, 4, 0, 0.05, 5),
    "市场监督管理局": (30, 9, 2, 0, 0, 59),
    "交通运输局": (30, 35, 5, 1, 0, 29),
    "自然资源局": (35, 12, 3, 15, 1, 34),
    "城市管理和综合执法局": (22, 40, 8, 1, 0, 29),
    "消防救援大队": (10, 15, 2, 0, 0, 73),
    "人力资源和社会保障局": (30, 10, 1, 8, 0, 51),
    "医疗保障局": (20, 10, 1, 10, 0, 59),
    "township": (10, 22, 5, 0, 0.1, 63),
}
#: Yearly records of a county department (county size 1, volume 1); absent: no 执法 duty.
COUNTY_RATES: dict[str, int] = {
    "公安局": 43_000, "市场监督管理局": 9_000, "城市管理和综合执法局": 6_000,
    "交通运输局": 5_000, "卫生健康局": 3_000, "消防救援大队": 3_000,
    "住房和城乡建设局": 2_000, "农业农村局": 2_000, "自然资源局": 1_500,
    "生态环境局": 1_500, "应急管理局": 1_500, "人力资源和社会保障局": 1_200,
    "文化旅游广电体育局": 800, "林业局": 800, "医疗保障局": 800, "教育局": 600,
    "民政局": 600, "水利局": 500, "商务局": 300, "发展和改革局": 300,
    "工业和信息化局": 200, "司法局": 200, "财政局": 200, "统计局": 100,
    "人民防空办公室": 100, "民族宗教事务局": 50, "township": 550,
}  # fmt: skip
CITY_SHARE = 0.35
PROVINCE_SHARE = 0.15
#: Kinds published within 7 working days (行政许可、行政处罚); others within 20 (defaults of
#: the deadline rules, data per province: the seeder draws only plausible dates).
PUBLICITY_DAYS = {Kind.LICENSE: 7, Kind.PENALTY: 7}
OTHER_PUBLICITY_DAYS = 20
ENTERPRISE_SHARE = {Kind.INSPECTION: 0.62, Kind.LICENSE: 0.45, Kind.PENALTY: 0.25}
DEFAULT_ENTERPRISE_SHARE = 0.3
#: Enterprises per county (a pool, so the same enterprise is inspected several times a year).
ENTERPRISES_PER_COUNTY = 6_000

CAUSES: dict[str, dict[str, tuple[str, ...]]] = {
    "公安局": {
        Kind.PENALTY: ("道路交通安全违法", "治安管理违法", "消防安全违法"),
        Kind.LICENSE: ("机动车驾驶证核发", "户口迁移", "剧毒化学品购买许可"),
    },
    "市场监督管理局": {
        Kind.PENALTY: ("食品安全违法", "价格违法", "产品质量违法", "无照经营"),
        Kind.INSPECTION: ("双随机抽查", "食品经营检查", "特种设备检查"),
        Kind.LICENSE: ("食品经营许可", "营业执照核发"),
    },
}
DEFAULT_CAUSES: dict[str, tuple[str, ...]] = {
    Kind.LICENSE: ("行政许可事项",),
    Kind.PENALTY: ("违反行政管理秩序",),
    Kind.COERCION: ("查封扣押", "强制执行"),
    Kind.LEVY: ("行政事业性收费", "土地征收"),
    Kind.REQUISITION: ("应急征用",),
    Kind.INSPECTION: ("双随机抽查", "日常检查", "专项检查"),
}
CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
COLUMNS = (
    "year", "unit_id", "subject_id", "kind", "case_number", "decided_on", "cause", "amount",
    "major", "legal_review", "officers", "published_on", "publicity_due", "published_on_time",
    "enterprise", "credit_code", "unit_d0", "unit_d1", "unit_d2", "unit_d3", "unit_d4",
)  # fmt: skip
KIND_CHAR = {
    Kind.LICENSE: "许", Kind.PENALTY: "罚", Kind.COERCION: "强", Kind.LEVY: "征",
    Kind.REQUISITION: "用", Kind.INSPECTION: "检",
}  # fmt: skip


def credit_code(area: str, serial: int) -> str:
    """A 统一社会信用代码 (GB 32100) with a valid check character: ``91`` (enterprise), the
    6-digit area code, 9 characters of organisation code, the check character."""
    body = f"91{area[:6]:0<6}{serial:09d}"
    total = sum(CODE_CHARS.index(ch) * w for ch, w in zip(body, CODE_WEIGHTS, strict=True))
    return body + CODE_CHARS[(31 - total % 31) % 31]


@dataclass
class Source:
    """A unit that sends records: its 执法主体, officers' certificate numbers, yearly rate."""

    unit: OrgUnit
    key: str
    subject_id: int
    certs: list[str]
    rate: float
    slots: tuple[int | None, ...]
    short: str


def _share() -> float:
    default = os.environ.get("FAZHI_ENFORCEMENT_SCALE_SHARE", "1.0")
    return float(getattr(settings, "ENFORCEMENT_SCALE_SHARE", default))


def _level_share(gov: Government) -> float:
    if gov.level == UnitLevel.PROVINCE:
        return PROVINCE_SHARE
    return CITY_SHARE if gov.level == UnitLevel.CITY else 1.0


def _sources(ctx: ScaleContext) -> dict[int, list[Source]]:
    """Government unit id → its sources; subjects and officers written where missing."""
    ctx.writer.flush()  # an earlier seeder's subjects must be in the table
    wanted: list[tuple[Government, OrgUnit, str, float]] = []
    for gov in ctx.governments:
        for unit, key in gov.members:
            rate = COUNTY_RATES.get(key, 0) * _level_share(gov)
            if rate:
                wanted.append((gov, unit, key, rate * gov.size))
    existing: dict[int, int] = {}
    ids = [unit.pk for _, unit, _, _ in wanted]
    for i in range(0, len(ids), 900):
        for unit_id, subject_id in Subject.objects.filter(unit_id__in=ids[i : i + 900]).values_list(
            "unit_id", "id"
        ):
            existing.setdefault(unit_id, subject_id)
    rng = ctx.rng_for(f"{NAME}:subjects")
    new = [
        Subject(
            unit=unit,
            name=unit.name if key != "township" else f"{unit.name}综合行政执法办公室",
            kind=SubjectKind.STATUTORY if key != "township" else SubjectKind.AUTHORISED,
            legal_basis="《中华人民共和国行政处罚法》《中华人民共和国行政许可法》及部门法律法规",
            categories=[k for k, w in zip(KINDS, MIXES.get(key, DEFAULT_MIX), strict=True) if w],
        )
        for _, unit, key, _ in wanted
        if unit.pk not in existing
    ]
    for subject in new:
        for depth, value in enumerate(slots_of(subject.unit.path)):
            setattr(subject, f"unit_d{depth}", value)
    Subject.objects.bulk_create(new, batch_size=2000)
    subject_of = dict(existing)
    for unit_id, subject_id in Subject.objects.filter(
        unit_id__in=[s.unit_id for s in new]
    ).values_list("unit_id", "id"):
        subject_of[unit_id] = subject_id
    certs = _officers(ctx, rng, wanted, subject_of, {s.unit_id for s in new})
    sources: dict[int, list[Source]] = {}
    for gov, unit, key, rate in wanted:
        sources.setdefault(gov.unit.pk, []).append(
            Source(
                unit=unit,
                key=key,
                subject_id=subject_of[unit.pk],
                certs=certs.get(unit.pk) or [f"{unit.code}-0001"],
                rate=rate,
                slots=slots_of(unit.path),
                short=unit.short_name or unit.name,
            )
        )
    return sources


def _officers(
    ctx: ScaleContext,
    rng: random.Random,
    wanted: Sequence[tuple[Government, OrgUnit, str, float]],
    subject_of: dict[int, int],
    new_units: set[int],
) -> dict[int, list[str]]:
    """Certificate numbers per unit: existing 持证 officers, or new ones for new subjects
    (about one officer per 600 records a year, 3 to 60 per unit)."""
    certs: dict[int, list[str]] = {}
    units = [u.pk for _, u, _, _ in wanted]
    for i in range(0, len(units), 900):
        rows = Officer.objects.filter(
            unit_id__in=units[i : i + 900], status=CertStatus.ISSUED
        ).exclude(cert_number="")
        for unit_id, number in rows.values_list("unit_id", "cert_number"):
            certs.setdefault(unit_id, []).append(number)
    # Issued 1–3 years before the first year: valid on every day of the years filled (the
    # ingest checks a record's officers against the certificate on the decision day).
    year = ctx.years[0]
    batch: list[Officer] = []
    for _, unit, _, rate in wanted:
        if unit.pk not in new_units or unit.pk in certs:
            continue
        numbers = []
        for k in range(max(3, min(60, round(rate / 600)))):
            number = f"{unit.code[:6]}{unit.pk % 100000:05d}{k + 1:03d}"
            issued = dt.date(year - rng.randint(1, 3), rng.randint(1, 12), rng.randint(1, 28))
            officer = Officer(
                unit=unit,
                subject_id=subject_of[unit.pk],
                name=c.person_name(rng),
                post="执法人员",
                cert_number=number,
                cert_issued_on=issued,
                cert_expires_on=issued.replace(year=issued.year + 5 + len(ctx.years)),
                categories=[],
                status=CertStatus.ISSUED,
            )
            for depth, value in enumerate(slots_of(unit.path)):
                setattr(officer, f"unit_d{depth}", value)
            batch.append(officer)
            numbers.append(number)
        certs[unit.pk] = numbers
        if len(batch) >= 5000:
            Officer.objects.bulk_create(batch)
            batch.clear()
    Officer.objects.bulk_create(batch)
    return certs


class _Calendar:
    """Per year: the days, cumulative weights (months weighted, rest days rare) and the due
    dates of the two publicity periods (cached)."""

    def __init__(self, ctx: ScaleContext) -> None:
        self.ctx = ctx
        self.pools: dict[int, tuple[list[dt.date], list[float]]] = {}
        self.dues: dict[tuple[dt.date, int], dt.date] = {}

    def pool(self, year: int) -> tuple[list[dt.date], list[float]]:
        found = self.pools.get(year)
        if found is None:
            first, last = c.year_bounds(year)
            days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
            weights = [
                c.MONTH_WEIGHTS[d.month] * (1.0 if self.ctx.workday(d) else 0.08) for d in days
            ]
            found = self.pools[year] = (days, list(itertools.accumulate(weights)))
        return found

    def due(self, day: dt.date, n: int) -> dt.date:
        key = (day, n)
        found = self.dues.get(key)
        if found is None:
            found = self.dues[key] = self.ctx.add_workdays(day, n)
        return found


def _rows(ctx: ScaleContext, sources: dict[int, list[Source]]) -> Iterator[tuple[Any, ...]]:
    """Every record as a tuple of :data:`COLUMNS`, government by government, year by year."""
    share = _share()
    cal = _Calendar(ctx)
    enterprise_pools: dict[int, list[str]] = {}
    horizon = ctx.horizon
    for gov, year in ctx.government_years():
        rng = ctx.rng(gov, NAME)
        days, cum = cal.pool(year)
        area = gov.unit.code[:6]
        pool = enterprise_pools.get(gov.unit.pk)
        if pool is None:
            size = max(50, round(ENTERPRISES_PER_COUNTY * gov.size * _level_share(gov)))
            pool = enterprise_pools[gov.unit.pk] = [
                credit_code(area, i) for i in range(1, size + 1)
            ]
        for source in sources.get(gov.unit.pk, ()):
            n = round(source.rate * ctx.volume * share * rng.uniform(0.85, 1.15))
            if n <= 0:
                continue
            mix = list(itertools.accumulate(MIXES.get(source.key, DEFAULT_MIX)))
            kinds = rng.choices(KINDS, cum_weights=mix, k=n)
            dates = sorted(rng.choices(days, cum_weights=cum, k=n))
            causes = CAUSES.get(source.key, {})
            serial = dict.fromkeys(KINDS, 0)
            certs = source.certs
            for kind, decided in zip(kinds, dates, strict=True):
                if decided > horizon:
                    continue
                serial[kind] += 1
                number = f"{source.short}{KIND_CHAR[kind]}字〔{year}〕{serial[kind]}号"
                cause_list = causes.get(kind) or DEFAULT_CAUSES[kind]
                cause = cause_list[0] if len(cause_list) == 1 else rng.choice(cause_list)
                amount = "0"
                major = False
                if kind == Kind.PENALTY:
                    r = rng.random()
                    if source.key == "公安局" and r < 0.8:
                        amount = ("50", "100", "200", "200", "500")[int(r * 6.25)]
                    elif r > 0.15:
                        value = int(rng.lognormvariate(7.6, 1.4)) // 100 * 100 + 100
                        amount = str(value)
                        major = value >= 100_000 or rng.random() < 0.01
                elif kind in (Kind.COERCION, Kind.LEVY):
                    major = rng.random() < 0.02
                legal_review = (major and rng.random() < 0.97) or rng.random() < 0.08
                first_cert = rng.randrange(len(certs))
                officers = certs[first_cert] + "、" + certs[(first_cert + 1) % len(certs)]
                due = cal.due(decided, PUBLICITY_DAYS.get(kind, OTHER_PUBLICITY_DAYS))
                r = rng.random()
                published: dt.date | None
                if r < 0.9:
                    published = cal.due(decided, 1 + int(r * 6.6))
                elif r < 0.97:
                    published = due + dt.timedelta(days=1 + int((r - 0.9) * 400))
                else:
                    published = None
                if published is not None and published > horizon:
                    published = None
                on_time: bool | None
                if published is not None:
                    on_time = published <= due
                else:
                    on_time = None if due >= horizon else False
                enterprise = rng.random() < ENTERPRISE_SHARE.get(kind, DEFAULT_ENTERPRISE_SHARE)
                code = rng.choice(pool) if enterprise else ""
                yield (
                    year, source.unit.pk, source.subject_id, kind.value, number, decided,
                    cause, amount, major, legal_review, officers, published, due, on_time,
                    enterprise, code, *source.slots,
                )  # fmt: skip


def _text(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


def _copy(rows: Iterator[tuple[Any, ...]]) -> int:
    """Stream ``rows`` into the table with COPY, :data:`CHUNK` rows per write."""
    written = 0
    sql = f"COPY {Record._meta.db_table} ({', '.join(COLUMNS)}) FROM STDIN"
    with connection.cursor() as wrapper:
        # The foreign keys are DEFERRABLE INITIALLY DEFERRED: checked at COMMIT, PostgreSQL
        # would queue one event per row and key (20M for a province) and check them all at
        # the end. Checked as the rows arrive instead; deferred again afterwards.
        wrapper.execute(
            "SELECT string_agg(quote_ident(conname), ', ') FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' AND condeferrable",
            [Record._meta.db_table],
        )
        (keys,) = wrapper.fetchone()
        if keys:
            wrapper.execute(f"SET CONSTRAINTS {keys} IMMEDIATE")
        cursor = wrapper.cursor  # the psycopg 3 cursor
        with cursor.copy(sql) as copy:
            while True:
                chunk = list(itertools.islice(rows, CHUNK))
                if not chunk:
                    break
                buffer = io.StringIO()
                for row in chunk:
                    buffer.write("\t".join(map(_text, row)))
                    buffer.write("\n")
                copy.write(buffer.getvalue())
                written += len(chunk)
        if keys:
            wrapper.execute(f"SET CONSTRAINTS {keys} DEFERRED")
    return written


def _bulk(rows: Iterator[tuple[Any, ...]]) -> int:
    written = 0
    while True:
        chunk = list(itertools.islice(rows, CHUNK))
        if not chunk:
            return written
        Record.objects.bulk_create(
            [Record(**dict(zip(COLUMNS, row, strict=True))) for row in chunk], batch_size=2000
        )
        written += len(chunk)


@transaction.atomic
def seed(ctx: ScaleContext) -> int:
    """Write the province's (or city's) 执法 records; returns how many."""
    from fazhi.enforcement_oversight.services import alerts_recompute

    sources = _sources(ctx)
    rows = _rows(ctx, sources)
    written = _copy(rows) if connection.vendor == "postgresql" else _bulk(rows)
    for year in ctx.years:  # written around the ingest: the stored alerts of the years
        alerts_recompute(year=year)
    return written
