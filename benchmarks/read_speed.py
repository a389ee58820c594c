"""Read speed that users notice (issue 15 item 4), on a seeded province, in one run:

    .venv/bin/python benchmarks/read_speed.py [--db sqlite|postgres] [--volume N]
        [--repeat 20] [--requests 20] [--seed 2024] [--output FILE]

(PostgreSQL: the database ``<BENCH_DATABASE_URL>_province_v<N>``, created and seeded if
missing; see benchmarks/README.md “Read speed”.)

(a) the register list page (``/reconsideration/cases/``, ``/litigation/cases/``) as the
    province's 依法治办 coordinator: bytes, p50/p95 — and the unit picker's type-ahead;
(b) "every county" (14 × ``metric_breakdown(city)``, and ``metric_breakdowns(cities)``: every
    county and city department, all metrics; the two checked equal) against references over
    the same rows, measured in the same process:
    - the SQL floor: the engine's own GROUP BY over the monthly facts, run on a raw cursor
      (14 queries, rows fetched as tuples, nothing built), and one GROUP BY for all cities;
    - pandas: the same fact rows in a DataFrame, one vectorised ``groupby``; and the register
      rows (the CSV export of ``run.py``) with one boolean mask and one ``groupby`` per metric
      over every county at once (vectorised, no loop per county);
    - DuckDB: the same fact rows and register rows loaded from pandas (no extension, no
      network: the SQLite scanner would need a download), one SQL ``GROUP BY``.

Seeds like ``run.py`` (same folders and databases). Results go to
``benchmarks/results/read-<db>-province-v<N>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # benchmarks/run.py: set-up, seeding, machine, timing, CSV export

#: The list page before the picker (commit 9091eb0, same data: SQLite, province, volume 1,
#: seed 2024): a select box of every unit of the province.
BEFORE = {"reconsideration_list_bytes": 391_918, "litigation_list_bytes": 391_045, "options": 6_776}


def ms(fn: Callable[[], Any], repeat: int) -> dict[str, Any]:
    fn()  # warm
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - started) * 1000)
    return {
        "median_ms": round(statistics.median(runs), 1),
        "min_ms": round(min(runs), 1),
        "p95_ms": round(run.percentile(runs, 95), 1),
        "runs": repeat,
    }


# --- (a) the list page --------------------------------------------------------------------------
def list_pages(subject: run.Subject, requests: int) -> dict[str, Any]:
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(subject.user)
    county = subject.county.code
    pages = {
        "reconsideration_list": "/reconsideration/cases/",
        "reconsideration_list_one_county": f"/reconsideration/cases/?unit={county}",
        "litigation_list": "/litigation/cases/",
        "unit_search_json": "/orgs/units/search/?q=司法局&limit=20",
    }
    out: dict[str, Any] = {}
    for name, url in pages.items():
        out[name] = run._latency(client, name, url, requests)
        out[name]["options"] = client.get(url).content.count(b"<option")
    out["before"] = BEFORE
    return out


class Reference(run.PandasReference):
    """``run.PandasReference`` limited to the definitions it can evaluate (a tree slot on the
    source, lookups it knows); a computed value field (``a - b``) becomes a column."""

    def __init__(self, folder: Path) -> None:
        from fazhi.metrics.engine import value_terms

        super().__init__(folder)
        kept, self.skipped = [], []
        for d in self.definitions:
            frame = self.frames[d.source]
            try:
                if self.prefix[id(d)] is None:
                    raise ValueError("no tree slot")
                if d.value_field and d.value_field not in frame.columns:
                    total = 0
                    for sign, path in value_terms(d.value_field):
                        total = total + sign * frame[path]
                    frame[d.value_field] = total
                for spec in (d.base_filter, d.numerator_filter, d.denominator_filter):
                    self.mask(frame.head(0), spec or {})
            except (ValueError, KeyError) as exc:
                self.skipped.append(f"{d.code}: {exc}")
                continue
            kept.append(d)
        self.definitions = kept


# --- (b) every county ---------------------------------------------------------------------------
def fact_queries(subject: run.Subject) -> list[tuple[str, Any]]:
    """The SQL (and parameters) of the engine's fact query for each city's breakdown."""
    from django.db.models import Sum

    from fazhi.metrics import facts
    from fazhi.metrics.models import MetricFact
    from fazhi.metrics.selectors import definitions_for_year

    ids = [d.pk for d in definitions_for_year(run.YEAR)]
    months = facts.split(subject.period)[0]
    assert months is not None
    found = []
    for city in subject.cities:
        child = f"unit_d{city.depth + 1}"
        qs = MetricFact.objects.filter(
            definition_id__in=ids,
            rollup=city.depth + 1 <= facts.ROLLUP_DEPTH,
            month__gte=months[0],
            month__lte=months[1],
            **{f"unit_d{city.depth}": city.pk},
        )
        grouped = qs.values("definition_id", child).annotate(n=Sum("num"), d=Sum("den"))
        rows = grouped.order_by().values_list("definition_id", child, "n", "d")
        found.append(rows.query.sql_with_params())
    return found


def fact_frame(subject: run.Subject) -> Any:
    """The fact rows the every-county figure reads (rollup rows of the province's year)."""
    import pandas as pd

    from fazhi.metrics import facts
    from fazhi.metrics.models import MetricFact
    from fazhi.metrics.selectors import definitions_for_year

    months = facts.split(subject.period)[0]
    assert months is not None
    depth = subject.root.depth
    cols = ["definition_id", f"unit_d{depth + 1}", f"unit_d{depth + 2}", "num", "den"]
    rows = MetricFact.objects.filter(
        definition_id__in=[d.pk for d in definitions_for_year(run.YEAR)],
        rollup=True,
        month__gte=months[0],
        month__lte=months[1],
        **{f"unit_d{depth}": subject.root.pk},
    ).values_list(*cols)
    frame = pd.DataFrame.from_records(
        list(rows), columns=["definition_id", "city", "child", "num", "den"]
    )
    frame["num"] = frame["num"].astype("float64")
    frame["den"] = frame["den"].astype("float64")
    return frame


def vectorised_registers(ref: run.PandasReference, subject: run.Subject) -> Callable[[], Any]:
    """Every county from the register rows: per metric one mask and one groupby (city, child)
    over the whole province — no loop over counties."""
    start, end = f"{run.YEAR}-01-01", f"{run.YEAR}-12-31"
    depth = subject.root.depth

    def compute() -> dict[str, Any]:
        out: dict[str, Any] = {}
        for d in ref.definitions:
            frame = ref.frames[d.source]
            prefix = ref.prefix[id(d)]
            keys = [frame[f"{prefix}{depth + 1}"], frame[f"{prefix}{depth + 2}"]]
            population = frame[d.period_field].between(start, end)
            population &= ref.mask(frame, d.base_filter or {})
            if d.aggregation == "ratio":
                population &= ref.mask(frame, d.denominator_filter or {})
            numerator = population & ref.mask(frame, d.numerator_filter or {})
            if d.aggregation in ("count", "ratio"):
                parts = {"n": numerator, "d": population}
            else:
                values = frame[d.value_field].where(numerator)
                parts = {"n": values, "d": values.notna()}
            out[d.code] = ref.pd.DataFrame(parts).groupby(keys, dropna=False).sum()
        return out

    return compute


def every_county(subject: run.Subject, repeat: int, csv_folder: Path) -> dict[str, Any]:
    import duckdb
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fazhi.metrics import facts
    from fazhi.metrics.selectors import metric_breakdown, metric_breakdowns

    actor, period = subject.actor, subject.period
    out: dict[str, Any] = {}

    def engine() -> Any:
        return [metric_breakdown(actor=actor, unit=city, period=period) for city in subject.cities]

    def engine_batch() -> Any:
        return metric_breakdowns(actor=actor, units=subject.cities, period=period)

    for name, fn in (("engine_14_breakdowns", engine), ("engine_breakdowns", engine_batch)):
        out[name] = ms(fn, repeat)
        with CaptureQueriesContext(connection) as ctx:
            fn()
        out[name]["queries"] = len(ctx.captured_queries)
        out[name]["sql_ms"] = round(sum(float(q["time"]) for q in ctx.captured_queries) * 1000, 1)
    assert [(b.total, [(c.pk, v) for c, v in b.children], b.own) for b in engine_batch()] == [
        (b.total, [(c.pk, v) for c, v in b.children], b.own) for b in engine()
    ]

    queries = fact_queries(subject)

    def floor() -> Any:
        with connection.cursor() as cursor:
            for sql, params in queries:
                cursor.execute(sql, params)
                cursor.fetchall()

    out["sql_floor_14_group_bys"] = ms(floor, repeat)
    depth = subject.root.depth
    one_sql = (
        f"SELECT definition_id, unit_d{depth + 1}, unit_d{depth + 2}, SUM(num), SUM(den) "
        "FROM metrics_metricfact WHERE rollup AND month >= %s AND month <= %s "
        f"AND unit_d{depth} = %s GROUP BY 1, 2, 3"
    )
    months = facts.split(period)[0]
    assert months is not None

    def floor_one() -> Any:
        with connection.cursor() as cursor:
            cursor.execute(one_sql, [months[0], months[1], subject.root.pk])
            return cursor.fetchall()

    out["sql_floor_one_group_by"] = ms(floor_one, repeat)

    started = time.perf_counter()
    facts_frame = fact_frame(subject)
    out["fact_rows"] = len(facts_frame)
    out["load_fact_rows_ms"] = round((time.perf_counter() - started) * 1000, 1)
    keys = ["definition_id", "city", "child"]
    out["pandas_fact_rows_groupby"] = ms(
        lambda: facts_frame.groupby(keys, dropna=False)[["num", "den"]].sum(), repeat
    )

    duck = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    duck.register("facts", facts_frame)
    duck_sql = "SELECT definition_id, city, child, SUM(num), SUM(den) FROM facts GROUP BY ALL"
    out["duckdb_fact_rows_group_by"] = ms(lambda: duck.execute(duck_sql).fetchall(), repeat)

    started = time.perf_counter()
    ref = Reference(csv_folder)
    out["load_register_csv_ms"] = round((time.perf_counter() - started) * 1000, 1)
    out["register_rows"] = sum(len(f) for f in ref.frames.values())
    out["pandas_metrics"] = len(ref.definitions)
    out["pandas_skipped"] = ref.skipped
    out["pandas_registers_vectorised"] = ms(vectorised_registers(ref, subject), max(3, repeat // 4))
    out["pandas_registers_loop_per_city"] = ms(
        lambda: [ref.figures(city.depth, city.pk, True) for city in subject.cities],
        max(3, repeat // 4),
    )
    # DuckDB over the register rows: one GROUP BY of the counts of one metric family (all
    # 复议 cases received by county), to show the cost of a scan + group of the raw rows.
    cases = ref.frames.get("reconsideration.ReconsiderationCase")
    if cases is not None and "received_on" in cases.columns:
        duck.register("cases", cases)
        sql = (
            f"SELECT unit_d{depth + 1}, unit_d{depth + 2}, count(*) FROM cases "
            f"WHERE received_on BETWEEN DATE '{run.YEAR}-01-01' AND DATE '{run.YEAR}-12-31' "
            "GROUP BY ALL"
        )
        out["duckdb_registers_one_count_group_by"] = ms(
            lambda: duck.execute(sql).fetchall(), repeat
        )
    for engine_name, floor_name in (
        ("engine_14_breakdowns", "sql_floor_14_group_bys"),
        ("engine_breakdowns", "sql_floor_one_group_by"),
    ):
        base = out[floor_name]["median_ms"]
        ratio = round(out[engine_name]["median_ms"] / base, 2) if base else None
        out[f"{engine_name}_over_{floor_name}"] = ratio
    for name, value in out.items():
        print(f"  every county {name}: {value}", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--volume", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    label = run.configure(args.db, "province", args.volume)
    result: dict[str, Any] = {"db": args.db, "scale": "province", "volume": args.volume}
    result["machine"] = run.machine(label)
    print(f"machine: {result['machine']}", flush=True)
    result["seeding"] = run.ensure_seeded("province", args.volume, args.seed)
    print(f"seeding: {result['seeding']}", flush=True)
    result["rows"] = run.row_counts()
    subject = run.Subject("province")
    result["list_pages"] = list_pages(subject, args.requests)
    folder = run.DATA / f"csv-{args.db}-province-v{args.volume}"
    result["csv_export"] = run.export_csv(folder)
    result["every_county"] = every_county(subject, args.repeat, folder)
    result["loadavg_at_end"] = os.getloadavg()
    output = args.output or run.RESULTS / f"read-{args.db}-province-v{args.volume}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n")
    print(f"written: {output}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
