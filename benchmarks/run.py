"""Benchmark the metric engine on a seeded city or province (see benchmarks/README.md).

    .venv/bin/python benchmarks/run.py --scale province --db sqlite|postgres [--volume N]

Seeds the data once per (database, scale, volume) — PostgreSQL database
``fazhi_bench_<scale>_v<N>`` (base URL from ``BENCH_DATABASE_URL``), SQLite in
``var/bench/sqlite-<scale>-v<N>/`` — then measures:

(a) the engine: every metric for the root, for one county, the root's breakdown by child,
    the breakdown of every county (one ``metric_breakdown`` per city), the same figures by a
    loop of ``metric_values`` per county, one county's breakdown, and the 12-month trend;
(b) pages through Django's test ``Client`` logged in as the root's 依法治办 coordinator:
    ``/metrics/`` (root and a county), a drill-down page and the dashboard (skipped if 404),
    p50/p95 over repeated requests;
(c) the same figures by pandas group-by over the same rows exported to CSV, checked equal
    to the engine's (numerators and denominators of every metric).

Results go to ``benchmarks/results/<db>-<scale>-v<N>.json`` and a summary to stdout.
``--engine-only`` skips (b) and (c) (used by ``scaling.py``).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import nullcontext
from decimal import Decimal
from pathlib import Path
from typing import Any

import time_machine

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "var" / "bench"
RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/fazhi_bench"
YEAR = 2025
ROOT_CODES = {"province": "430000", "city": "431600"}
COORDINATORS = {"province": "sheng_yfzb", "city": "shi_yfzb"}


# --- set-up --------------------------------------------------------------------------------------
def configure(db: str, scale: str, volume: int) -> str:
    """Point Django at the benchmark database (before ``django.setup()``); returns its label."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    if db == "postgres":
        base = os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG).rstrip("/")
        url = f"{base}_{scale}_v{volume}"
        _create_pg_database(url)
        os.environ["DATABASE_URL"] = url
        os.environ.pop("FAZHI_DATA_DIR", None)
        label = url
    else:
        folder = DATA / f"sqlite-{scale}-v{volume}"
        folder.mkdir(parents=True, exist_ok=True)
        os.environ["FAZHI_DATA_DIR"] = str(folder)
        os.environ.pop("DATABASE_URL", None)
        label = str(folder / "fazhi.sqlite3")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    return label


def _create_pg_database(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            conn.execute(f'CREATE DATABASE "{name}"')


def ensure_seeded(scale: str, volume: int, seed: int) -> dict[str, Any]:
    """Migrate and seed unless the root unit is already there; returns timings and counts."""
    from django.core.management import call_command
    from django.db import connection

    from fazhi.demo.generator import seed_scale
    from fazhi.orgs.models import OrgUnit

    info: dict[str, Any] = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    info["migrate_s"] = round(time.perf_counter() - started, 1)
    if not OrgUnit.objects.filter(code=ROOT_CODES[scale]).exists():
        started = time.perf_counter()
        # A fixed "today" (31 January after YEAR): the full year YEAR and one month after it,
        # whatever the date of the run, so runs on different days measure the same data.
        today = dt.date(YEAR + 1, 1, 31)
        result = seed_scale(scale, seed=seed, years=1, volume=volume, today=today)
        info["seed_s"] = round(time.perf_counter() - started, 1)
        info["seeded_now"] = True
        info["filled"] = dict(result.filled)
    else:
        info["seeded_now"] = False
    started = time.perf_counter()
    with connection.cursor() as cursor:  # fresh planner statistics, as after any bulk load
        cursor.execute("ANALYZE")
    info["analyze_s"] = round(time.perf_counter() - started, 1)
    return info


def row_counts() -> dict[str, int]:
    from fazhi.litigation.models import Hearing, JudicialSuggestion, LitigationCase
    from fazhi.orgs.models import OrgUnit
    from fazhi.reconsideration.models import OpinionLetter, ReconsiderationCase, Suspension

    models = (
        OrgUnit,
        ReconsiderationCase,
        Suspension,
        OpinionLetter,
        LitigationCase,
        Hearing,
        JudicialSuggestion,
    )
    counts = {m._meta.label: m._default_manager.count() for m in models}
    counts["register_rows"] = sum(v for k, v in counts.items() if k != "orgs.OrgUnit")
    return counts


def machine(db_label: str) -> dict[str, Any]:
    from django.db import connection

    def run(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout
        except OSError:
            return ""

    lscpu = run(["lscpu"])
    cpu = {
        k.strip(): v.strip()
        for k, v in (line.split(":", 1) for line in lscpu.splitlines() if ":" in line)
    }
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version()")
        else:
            cursor.execute("SELECT 'SQLite ' || sqlite_version()")
        version = cursor.fetchone()[0]
    mem_kb = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    import django

    return {
        "cpu": cpu.get("Model name", platform.processor()),
        "cpus": cpu.get("CPU(s)", str(os.cpu_count())),
        "threads_per_core": cpu.get("Thread(s) per core", ""),
        "ram_gib": round(mem_kb / 1024 / 1024, 1),
        "database": version,
        "database_location": db_label,
        "python": platform.python_version(),
        "django": django.get_version(),
        "loadavg_at_start": os.getloadavg(),
    }


# --- timing helpers ------------------------------------------------------------------------------
def timed(fn: Callable[[], Any], repeat: int) -> dict[str, Any]:
    """First (cold) run, then ``repeat`` runs: median, min, p95 in milliseconds, and queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    fn()
    first = (time.perf_counter() - started) * 1000
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return {
        "first_ms": round(first, 1),
        "median_ms": round(statistics.median(runs), 1),
        "min_ms": round(min(runs), 1),
        "p95_ms": round(percentile(runs, 95), 1),
        "runs": repeat,
        "queries": len(ctx.captured_queries),
    }


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


# --- (a) the engine ------------------------------------------------------------------------------
class Subject:
    """The root, its cities, its counties and the coordinator who looks at them."""

    def __init__(self, scale: str) -> None:
        from django.contrib.auth.models import User

        from fazhi.metrics.periods import Period
        from fazhi.orgs.models import Membership, OrgUnit, UnitKind, UnitLevel
        from fazhi.orgs.scoping import Actor

        self.root = OrgUnit.objects.get(code=ROOT_CODES[scale])
        self.user = User.objects.get(username=COORDINATORS[scale])
        membership = Membership.objects.select_related("unit", "user").get(
            user=self.user, unit=self.root
        )
        self.actor = Actor.for_membership(membership)
        self.period = Period.for_year(YEAR)
        governments = OrgUnit.objects.subtree_of(self.root).filter(kind=UnitKind.GOVERNMENT)
        self.cities = list(governments.filter(level=UnitLevel.CITY).order_by("path"))
        self.counties = list(governments.filter(level=UnitLevel.COUNTY).order_by("path"))
        # The county in the middle by size (its 复议 cases), not an extreme one.
        self.county = self.counties[len(self.counties) // 2]
        if scale == "city":
            self.cities = [self.root]


def engine_figures(subject: Subject, repeat: int) -> dict[str, Any]:
    from fazhi.metrics.selectors import (
        metric_breakdown,
        metric_breakdowns,
        metric_trend,
        metric_values,
    )

    actor, period = subject.actor, subject.period
    cases: dict[str, Callable[[], Any]] = {
        "root_all_metrics": lambda: metric_values(actor=actor, unit=subject.root, period=period),
        "one_county_all_metrics": lambda: metric_values(
            actor=actor, unit=subject.county, period=period
        ),
        "root_breakdown_by_child": lambda: metric_breakdown(
            actor=actor, unit=subject.root, period=period
        ),
        "every_county_breakdown": lambda: [
            metric_breakdown(actor=actor, unit=city, period=period) for city in subject.cities
        ],
        "every_county_breakdowns": lambda: metric_breakdowns(
            actor=actor, units=subject.cities, period=period
        ),
        "every_county_loop_of_metric_values": lambda: [
            metric_values(actor=actor, unit=county, period=period) for county in subject.counties
        ],
        "one_county_breakdown": lambda: metric_breakdown(
            actor=actor, unit=subject.county, period=period
        ),
        "root_trend_12_months": lambda: metric_trend(actor=actor, unit=subject.root, year=YEAR),
    }
    out: dict[str, Any] = {}
    for name, fn in cases.items():
        runs = max(3, repeat // 4) if "loop" in name else repeat
        out[name] = timed(fn, runs)
        print(f"  engine {name}: {out[name]}", flush=True)
    return out


# --- (b) pages -----------------------------------------------------------------------------------
def page_latency(subject: Subject, requests: int) -> dict[str, Any]:
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    client = Client()
    client.force_login(subject.user)
    root, county = subject.root.code, subject.county.code
    pages = {
        "metrics_root": f"/metrics/?unit={root}&period={YEAR}",
        "metrics_county": f"/metrics/?unit={county}&period={YEAR}",
        "drill_root_correction_numerator": (
            f"/metrics/reconsideration.correction_rate/drill/?unit={root}&period={YEAR}"
            "&part=numerator"
        ),
        "dashboard_root": f"/metrics/dashboard/?unit={root}&year={YEAR}",
        "dashboard_county": f"/metrics/dashboard/?unit={county}&year={YEAR}",
        # the year in progress: "today" is 24 November, so the key figures are 1 January to
        # 24 November against the same days of the year before (whole months from the monthly
        # facts, the 24 days of November from the registers)
        "dashboard_root_year_to_date": f"/metrics/dashboard/?unit={root}&year={YEAR}",
    }
    today = {"dashboard_root_year_to_date": dt.datetime(YEAR, 11, 24, 10, 0, tzinfo=dt.UTC)}
    out: dict[str, Any] = {}
    for name, url in pages.items():
        with time_machine.travel(today[name], tick=True) if name in today else nullcontext():
            out[name] = _latency(client, name, url, requests)
    return out


def _latency(client: Any, name: str, url: str, requests: int) -> dict[str, Any]:
    response = client.get(url)
    if response.status_code != 200:
        return {"error": response.status_code, "url": url}
    client.get(url)  # warm
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    found = {
        "url": url,
        "requests": requests,
        "p50_ms": round(percentile(times, 50), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "max_ms": round(max(times), 1),
        "bytes": len(response.content),
    }
    print(f"  page {name}: {found}", flush=True)
    return found


# --- (c) pandas reference ------------------------------------------------------------------------
SLOTS = [f"{p}_d{i}" for p in ("unit", "resp") for i in range(5)]


def export_csv(folder: Path) -> dict[str, Any]:
    """Every source model's rows (the columns the definitions use) to CSV; returns timings."""
    from fazhi.metrics.engine import source_model, value_terms
    from fazhi.metrics.selectors import definitions_for_year

    folder.mkdir(parents=True, exist_ok=True)
    columns: dict[str, set[str]] = {}
    for d in definitions_for_year(YEAR):
        cols = columns.setdefault(d.source, set())
        cols.add(d.period_field)
        if d.value_field:  # a field, or a difference of fields ("handling_days - …")
            cols |= {path for _, path in value_terms(d.value_field)}
        for spec in (d.base_filter, d.numerator_filter, d.denominator_filter):
            cols |= _filter_fields(spec or {})
    out: dict[str, Any] = {}
    for source, cols in columns.items():
        model = source_model(source)
        names = {f.name for f in model._meta.concrete_fields}
        fields = sorted(cols) + [s for s in SLOTS if s in names]
        path = folder / f"{source}.csv"
        started = time.perf_counter()
        with path.open("w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(fields)
            rows = model._default_manager.order_by().values_list(*fields)
            writer.writerows(rows.iterator(chunk_size=20_000))
        out[source] = {
            "seconds": round(time.perf_counter() - started, 1),
            "bytes": path.stat().st_size,
        }
    return out


def _filter_fields(spec: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for key, value in spec.items():
        if key == "not":
            found |= _filter_fields(value)
        elif key == "any":
            for part in value:
                found |= _filter_fields(part)
        else:
            found.add(key.split("__")[0])
    return found


class PandasReference:
    """The default metric definitions evaluated by pandas over the exported CSV files."""

    def __init__(self, folder: Path) -> None:
        import pandas as pd

        from fazhi.metrics.selectors import definitions_for_year
        from fazhi.orgs.slots import slot_lookup

        self.pd = pd
        self.definitions = definitions_for_year(YEAR)
        self.frames: dict[str, Any] = {}
        for d in self.definitions:
            if d.source not in self.frames:
                frame = pd.read_csv(folder / f"{d.source}.csv")
                for col in frame.columns:
                    if col.endswith("_on"):
                        frame[col] = pd.to_datetime(frame[col], format="%Y-%m-%d")
                self.frames[d.source] = frame
        from fazhi.metrics.engine import source_model

        self.prefix = {
            id(d): slot_lookup(source_model(d.source), d.unit_field) for d in self.definitions
        }

    def mask(self, frame: Any, spec: dict[str, Any]) -> Any:
        result = self.pd.Series(True, index=frame.index)
        for key, value in spec.items():
            if key == "not":
                result &= ~self.mask(frame, value)
            elif key == "any":
                part = self.pd.Series(False, index=frame.index)
                for sub in value:
                    part |= self.mask(frame, sub)
                result &= part
            else:
                name, _, lookup = key.partition("__")
                col = frame[name]
                if lookup == "":
                    result &= col == value
                elif lookup == "in":
                    result &= col.isin(value)
                elif lookup == "isnull":
                    result &= col.isna() if value else col.notna()
                elif lookup == "gt":
                    result &= col > value
                else:
                    raise ValueError(f"lookup {lookup} not supported by the reference")
        return result

    def figures(self, unit_depth: int, unit_id: int, by_child: bool) -> dict[Any, dict[str, Any]]:
        """{child slot id (or "total"): {code: (numerator, denominator)}} for a unit."""
        start, end = f"{YEAR}-01-01", f"{YEAR}-12-31"
        out: dict[Any, dict[str, Any]] = {}
        for d in self.definitions:
            frame = self.frames[d.source]
            prefix = self.prefix[id(d)]
            scope = frame[frame[f"{prefix}{unit_depth}"] == unit_id]
            period = scope[d.period_field].between(start, end)
            population = period & self.mask(scope, d.base_filter or {})
            if d.aggregation == "ratio":
                population &= self.mask(scope, d.denominator_filter or {})
            numerator = population & self.mask(scope, d.numerator_filter or {})
            keys = scope[f"{prefix}{unit_depth + 1}"] if by_child else None
            if d.aggregation == "count":
                num = numerator.groupby(keys).sum() if by_child else numerator.sum()
                den = None
            elif d.aggregation == "ratio":
                num = numerator.groupby(keys).sum() if by_child else numerator.sum()
                den = population.groupby(keys).sum() if by_child else population.sum()
            elif d.aggregation == "avg":
                values = scope[d.value_field].where(numerator)
                num = values.groupby(keys).sum() if by_child else values.sum()
                den = values.notna().groupby(keys).sum() if by_child else values.notna().sum()
            else:  # sum
                values = scope[d.value_field].where(numerator)
                num = values.groupby(keys).sum() if by_child else values.sum()
                den = None
            if by_child:
                for key in num.index:
                    row = out.setdefault(int(key), {})
                    row[d.code] = (num[key], None if den is None else den.get(key, 0))
            else:
                out.setdefault("total", {})[d.code] = (num, den)
        return out


def pandas_reference(subject: Subject, folder: Path, repeat: int) -> dict[str, Any]:
    started = time.perf_counter()
    ref = PandasReference(folder)
    load_s = time.perf_counter() - started
    root, county = subject.root, subject.county
    cases: dict[str, Callable[[], Any]] = {
        "root_all_metrics": lambda: ref.figures(root.depth, root.pk, False),
        "one_county_all_metrics": lambda: ref.figures(county.depth, county.pk, False),
        "root_breakdown_by_child": lambda: ref.figures(root.depth, root.pk, True),
        "every_county_breakdown": lambda: [
            ref.figures(city.depth, city.pk, True) for city in subject.cities
        ],
        "one_county_breakdown": lambda: ref.figures(county.depth, county.pk, True),
    }
    out: dict[str, Any] = {"load_csv_s": round(load_s, 2)}
    for name, fn in cases.items():
        runs = []
        for _ in range(max(3, repeat // 4)):
            t0 = time.perf_counter()
            fn()
            runs.append((time.perf_counter() - t0) * 1000)
        out[name] = {"median_ms": round(statistics.median(runs), 1), "min_ms": round(min(runs), 1)}
        print(f"  pandas {name}: {out[name]}", flush=True)
    out["check"] = compare(subject, ref)
    print(f"  pandas check: {out['check']}", flush=True)
    return out


def compare(subject: Subject, ref: PandasReference) -> dict[str, Any]:
    """Engine and pandas must agree on every numerator and denominator (root and counties)."""
    from fazhi.metrics.selectors import metric_breakdown, metric_values

    def same(a: Any, b: Any) -> bool:
        if a is None or b is None:
            return (a or 0) == (b or 0)
        return Decimal(str(a)) == Decimal(str(b))

    checked = mismatches = 0
    examples: list[str] = []

    def check(values: Any, figures: dict[str, Any], where: str) -> None:
        nonlocal checked, mismatches
        for v in values:
            num, den = figures.get(v.definition.code, (0, 0))
            ok = same(v.numerator, num) and (den is None or same(v.denominator, den))
            checked += 1
            if not ok:
                mismatches += 1
                if len(examples) < 5:
                    examples.append(
                        f"{where} {v.definition.code}: engine {v.numerator}/"
                        f"{v.denominator}, pandas {num}/{den}"
                    )

    actor, period = subject.actor, subject.period
    total = ref.figures(subject.root.depth, subject.root.pk, False)["total"]
    check(metric_values(actor=actor, unit=subject.root, period=period), total, "root")
    for city in subject.cities:
        kids = ref.figures(city.depth, city.pk, True)
        for child, values in metric_breakdown(actor=actor, unit=city, period=period).children:
            if child.kind == "government":
                check(values, kids.get(child.pk, {}), child.code)
    return {"values_checked": checked, "mismatches": mismatches, "examples": examples}


# --- main ----------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("province", "city"), default="province")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--volume", type=int, default=1, help="register volume multiplier")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per engine figure")
    parser.add_argument("--requests", type=int, default=40, help="requests per page")
    parser.add_argument("--engine-only", action="store_true", help="skip pages and pandas")
    parser.add_argument("--output", type=Path, help="JSON file (default benchmarks/results/)")
    args = parser.parse_args(argv)

    label = configure(args.db, args.scale, args.volume)
    print(f"database: {label}", flush=True)
    result: dict[str, Any] = {
        "scale": args.scale,
        "db": args.db,
        "volume": args.volume,
        "seed": args.seed,
        "year": YEAR,
    }
    result["machine"] = machine(label)
    result["seeding"] = ensure_seeded(args.scale, args.volume, args.seed)
    print(f"seeding: {result['seeding']}", flush=True)
    result["rows"] = row_counts()
    print(f"rows: {result['rows']}", flush=True)
    subject = Subject(args.scale)
    result["subject"] = {
        "root": subject.root.name,
        "cities": len(subject.cities),
        "counties": len(subject.counties),
        "county": f"{subject.county.code} {subject.county.name}",
    }
    result["engine"] = engine_figures(subject, args.repeat)
    if not args.engine_only:
        result["pages"] = page_latency(subject, args.requests)
        folder = DATA / f"csv-{args.db}-{args.scale}-v{args.volume}"
        result["csv_export"] = export_csv(folder)
        result["pandas"] = pandas_reference(subject, folder, args.repeat)
    result["loadavg_at_end"] = os.getloadavg()
    output = args.output or RESULTS / f"{args.db}-{args.scale}-v{args.volume}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n")
    print(f"written: {output}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
