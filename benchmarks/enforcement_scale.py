"""The 执法 record metrics and the 涉企检查 alerts on 10,000,000 rows, each next to a bare SQL
reference in the same run (issue 17 §6).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h5bench \\
        .venv/bin/python benchmarks/enforcement_scale.py [--repeat 10]

Needs the database of ``benchmarks/enforcement_seed.py`` (潇湘省, 2025: ~10M records in the
partitioned table). Loads the ``enforcement_data`` metric definitions if missing (their
monthly facts are built then: timed), then measures as the province's coordinator
(``sheng_yfzb``), period 2025:

* **metrics** (``fazhi.metrics.selectors``, the ``enforcement_data.*`` definitions):
  ``metric_values`` for the province and ``metric_breakdown`` for the province by city —
  against the SQL references: one ``GROUP BY ROLLUP(unit_d1)`` over the **records** (every
  figure with ``FILTER`` clauses: what the engine would cost without its facts) and the same
  over the **facts** table (the floor of the engine's own query). The engine's figures are
  checked equal to the records reference.
* **alerts** (``fazhi.enforcement_oversight.selectors.repeat_inspections``, 30 days): the whole
  province for the year, its first 100, and one county — against bare SQL: the same ``LAG``
  query counting on the server (no rows sent), and a self-join formulation (enterprises with
  two inspections by different units ≤ 30 days apart), whose enterprise set is checked equal.

Each figure: cold run, then median / min / max of ``--repeat`` runs. ``EXPLAIN (ANALYZE,
BUFFERS)`` of the references and of the engine's and the alert selector's SQL is written to
``results/enforcement-explain/``; figures to ``results/enforcement-scale.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
EXPLAIN = RESULTS / "enforcement-explain"
YEAR = 2025
PROVINCE = "430000"
WINDOW = 30


def setup() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("needs DATABASE_URL=postgres://… (the database of enforcement_seed.py)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def timed(fn: Callable[[], Any], repeat: int) -> tuple[dict[str, Any], Any]:
    started = time.perf_counter()
    value = fn()
    cold = time.perf_counter() - started
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        value = fn()
        runs.append(time.perf_counter() - started)
    figure = {
        "cold_ms": round(cold * 1000, 1),
        "median_ms": round(statistics.median(runs) * 1000, 1),
        "min_ms": round(min(runs) * 1000, 1),
        "max_ms": round(max(runs) * 1000, 1),
        "runs": repeat,
    }
    return figure, value


def sql(query: str, params: list[Any]) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return list(cursor.fetchall())


def explain(name: str, query: str, params: list[Any]) -> None:
    from django.db import connection

    EXPLAIN.mkdir(parents=True, exist_ok=True)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query, params)
        text = "\n".join(row[0] for row in cursor.fetchall())
    (EXPLAIN / f"{name}.txt").write_text(text + "\n")


# --- metric references ------------------------------------------------------------------------
RECORDS_REF = """
SELECT unit_d1,
       count(*),
       count(*) FILTER (WHERE kind = 'license'),
       count(*) FILTER (WHERE kind = 'penalty'),
       count(*) FILTER (WHERE kind = 'coercion'),
       count(*) FILTER (WHERE kind = 'levy'),
       count(*) FILTER (WHERE kind = 'requisition'),
       count(*) FILTER (WHERE kind = 'inspection'),
       count(*) FILTER (WHERE major AND legal_review), count(*) FILTER (WHERE major),
       count(*) FILTER (WHERE published_on_time),
       count(*) FILTER (WHERE published_on_time IS NOT NULL),
       count(*) FILTER (WHERE published_on_time AND kind IN ('license', 'penalty')),
       count(*) FILTER (WHERE published_on_time IS NOT NULL AND kind IN ('license', 'penalty')),
       sum(amount),
       count(*) FILTER (WHERE kind = 'inspection' AND enterprise)
FROM enforcement_data_record
WHERE unit_d0 = %s AND year = %s AND decided_on BETWEEN %s AND %s
GROUP BY ROLLUP (unit_d1)
"""
FACTS_REF = """
SELECT f.unit_d1, f.definition_id, sum(f.num), sum(f.den)
FROM metrics_metricfact f
WHERE f.rollup AND f.unit_d0 = %s AND f.month BETWEEN %s AND %s
  AND f.definition_id = ANY(%s)
GROUP BY ROLLUP (f.unit_d1), f.definition_id
"""
#: Engine code → column of RECORDS_REF (numerator; ratios: (numerator, denominator)).
CHECKED = {
    "enforcement_data.records": 1,
    "enforcement_data.penalty": 3,
    "enforcement_data.inspection": 7,
    "enforcement_data.legal_review_rate": (8, 9),
    "enforcement_data.publicity_rate": (10, 11),
    "enforcement_data.enterprise_inspections": 15,
}


def metrics(actor: Any, root: Any, repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fazhi.metrics.models import MetricDefinition
    from fazhi.metrics.periods import Period
    from fazhi.metrics.selectors import definitions_for_year, metric_breakdown, metric_values

    out: dict[str, Any] = {}
    period = Period.for_year(YEAR)
    codes = [d.code for d in definitions_for_year(YEAR) if d.code.startswith("enforcement_data.")]
    out["codes"] = codes
    first, last = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
    figure, values = timed(
        lambda: metric_values(actor=actor, unit=root, period=period, codes=codes), repeat
    )
    out["engine_province_values"] = figure
    figure, breakdown = timed(
        lambda: metric_breakdown(actor=actor, unit=root, period=period, codes=codes), repeat
    )
    out["engine_province_breakdown_by_city"] = figure
    with CaptureQueriesContext(connection) as queries:
        metric_breakdown(actor=actor, unit=root, period=period, codes=codes)
    out["engine_breakdown_queries"] = len(queries.captured_queries)
    EXPLAIN.mkdir(parents=True, exist_ok=True)
    (EXPLAIN / "engine-breakdown-queries.sql").write_text(
        "\n\n".join(q["sql"] for q in queries.captured_queries) + "\n"
    )
    params = [root.pk, YEAR, first, last]
    out["sql_records_group_by"], rows = timed(lambda: sql(RECORDS_REF, params), repeat)
    ids = list(MetricDefinition.objects.filter(code__in=codes).values_list("pk", flat=True))
    fparams = [root.pk, first, last, ids]
    out["sql_facts_group_by"], _ = timed(lambda: sql(FACTS_REF, fparams), repeat)
    explain("metrics-records-group-by", RECORDS_REF, params)
    explain("metrics-facts-group-by", FACTS_REF, fparams)
    # the engine equals the records reference, for the province and each city
    ref = {r[0]: r for r in rows}
    mismatches = []

    def check(unit_key: Any, values_list: Any, where: str) -> None:
        by_code = {v.definition.code: v for v in values_list}
        for code, column in CHECKED.items():
            v = by_code.get(code)
            if v is None:
                continue
            want: Any
            got: Any
            if isinstance(column, tuple):
                want = (ref[unit_key][column[0]], ref[unit_key][column[1]])
                got = (int(v.numerator or 0), int(v.denominator or 0))
            else:
                want, got = ref[unit_key][column], int(v.numerator or 0)
            if want != got:
                mismatches.append(f"{where} {code}: engine {got} reference {want}")

    check(None, values, "province")
    for child, child_values in breakdown.children:
        if child.pk in ref:
            check(child.pk, child_values, child.name)
    out["check_mismatches"] = mismatches
    out["cities"] = len(breakdown.children)
    out["records_in_year"] = ref[None][1]
    return out


# --- alerts -------------------------------------------------------------------------------------
LAG_COUNT = """
SELECT count(*), count(DISTINCT credit_code) FROM (
    SELECT credit_code, unit_id, decided_on,
           LAG(unit_id) OVER w AS prev_unit, LAG(decided_on) OVER w AS prev_on
    FROM enforcement_data_record
    WHERE kind = 'inspection' AND enterprise AND credit_code <> ''
      AND year BETWEEN %s AND %s AND decided_on BETWEEN %s AND %s
    WINDOW w AS (PARTITION BY credit_code ORDER BY decided_on, id)
) r
WHERE prev_unit IS NOT NULL AND unit_id <> prev_unit
  AND decided_on >= %s AND decided_on - prev_on <= %s
"""
SELF_JOIN = """
SELECT DISTINCT b.credit_code
FROM enforcement_data_record b
JOIN enforcement_data_record a
  ON a.credit_code = b.credit_code AND a.unit_id <> b.unit_id
 AND a.decided_on BETWEEN b.decided_on - %s AND b.decided_on
 AND (a.decided_on, a.id) < (b.decided_on, b.id)
WHERE b.kind = 'inspection' AND b.enterprise AND b.credit_code <> ''
  AND a.kind = 'inspection' AND a.enterprise
  AND b.year = %s AND b.decided_on BETWEEN %s AND %s
  AND a.year BETWEEN %s AND %s
"""


def alerts(actor: Any, county: Any, repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fazhi.enforcement_oversight.selectors import repeat_inspections

    out: dict[str, Any] = {}
    start, end = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
    since = start - dt.timedelta(days=WINDOW)

    def province() -> Any:
        return repeat_inspections(actor_or_units=actor, start=start, end=end, window_days=WINDOW)

    out["selector_province_year"], found = timed(province, repeat)
    out["selector_alerts"] = len(found)
    out["selector_enterprises"] = len({a.credit_code for a in found})
    out["selector_province_first_100"], _ = timed(
        lambda: repeat_inspections(
            actor_or_units=actor, start=start, end=end, window_days=WINDOW, limit=100
        ),
        repeat,
    )
    out["selector_one_county_year"], county_found = timed(
        lambda: repeat_inspections(
            actor_or_units=[county], start=start, end=end, window_days=WINDOW
        ),
        repeat,
    )
    out["selector_one_county_alerts"] = len(county_found)
    with CaptureQueriesContext(connection) as queries:
        province()
    query = queries.captured_queries[-1]["sql"]
    EXPLAIN.mkdir(parents=True, exist_ok=True)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query)
        (EXPLAIN / "alerts-selector.txt").write_text(
            "\n".join(r[0] for r in cursor.fetchall()) + "\n"
        )
    params = [since.year, end.year, since, end, start, WINDOW]
    out["sql_lag_count_on_server"], counted = timed(lambda: sql(LAG_COUNT, params), repeat)
    out["sql_lag_count"] = list(counted[0])
    explain("alerts-lag-count", LAG_COUNT, params)
    jparams = [WINDOW, YEAR, start, end, since.year, end.year]
    reps = max(1, repeat // 3)
    out["sql_self_join_enterprises"], joined = timed(lambda: sql(SELF_JOIN, jparams), reps)
    out["sql_self_join_enterprise_count"] = len(joined)
    explain("alerts-self-join", SELF_JOIN, jparams)
    out["same_enterprises_as_self_join"] = {r[0] for r in joined} == {a.credit_code for a in found}
    out.update(stored(actor, county, repeat, found))
    return out


def stored(actor: Any, county: Any, repeat: int, live: list[Any]) -> dict[str, Any]:
    """The stored alerts the pages read: computing a whole year once (the command, the
    sweep, the scale seeder), then the page's reads (first 2,000 and the count) for the
    province and one county; checked equal to the live query."""
    import types

    from fazhi.enforcement_oversight.selectors import stored_alerts
    from fazhi.enforcement_oversight.services import alerts_recompute

    out: dict[str, Any] = {}
    started = time.perf_counter()
    out["stored_recompute_year_alerts"] = alerts_recompute(year=YEAR)
    out["stored_recompute_year_s"] = round(time.perf_counter() - started, 2)
    out["stored_page_province"], (_first, total) = timed(
        lambda: stored_alerts(actor=actor, year=YEAR), repeat
    )
    out["stored_page_province_total"] = total
    as_county = types.SimpleNamespace(unit=county)
    out["stored_page_one_county"], (_mine, county_total) = timed(
        lambda: stored_alerts(actor=as_county, year=YEAR),
        repeat,  # type: ignore[arg-type]
    )
    out["stored_page_one_county_total"] = county_total
    everything, _ = stored_alerts(actor=actor, year=YEAR, limit=10**7)
    out["stored_equal_live"] = [(a.first_id, a.second_id) for a in everything] == [
        (a.first_id, a.second_id) for a in live
    ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--output", default=str(RESULTS / "enforcement-scale.json"))
    parser.add_argument("--skip-alerts", action="store_true")
    parser.add_argument("--skip-metrics", action="store_true")
    args = parser.parse_args()
    setup()
    from django.db import connection

    from fazhi.metrics.models import MetricDefinition
    from fazhi.metrics.services import metric_definitions_sync
    from fazhi.orgs.models import Membership, OrgUnit, UnitKind, UnitLevel
    from fazhi.orgs.scoping import Actor

    result: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_start": os.getloadavg(),
        },
        "database": connection.settings_dict["NAME"],
    }
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        result["machine"]["postgresql"] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*), pg_size_pretty(pg_total_relation_size('enforcement_data_record_y%s'))"
            " FROM enforcement_data_record WHERE year = %s",
            [YEAR, YEAR],
        )
        result["records_in_partition"], result["partition_size"] = cursor.fetchone()
    if not MetricDefinition.objects.filter(code__startswith="enforcement_data.").exists():
        started = time.perf_counter()
        fixture = ROOT / "src/fazhi/enforcement_data/fixtures/metrics.json"
        metric_definitions_sync(actor=Actor.command_line(), path=fixture)
        result["definitions_and_facts_build_s"] = round(time.perf_counter() - started, 1)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE metrics_metricfact")
    root = OrgUnit.objects.get(code=PROVINCE)
    membership = Membership.objects.select_related("unit", "user").get(
        user__username="sheng_yfzb", unit=root
    )
    actor = Actor.for_membership(membership)
    counties = list(
        OrgUnit.objects.subtree_of(root)
        .filter(kind=UnitKind.GOVERNMENT, level=UnitLevel.COUNTY)
        .order_by("path")
    )
    county = counties[len(counties) // 2]
    result["county"] = county.name
    if not args.skip_metrics:
        result["metrics"] = metrics(actor, root, args.repeat)
        print(json.dumps(result["metrics"], ensure_ascii=False, indent=1), flush=True)
    if not args.skip_alerts:
        result["alerts"] = alerts(actor, county, args.repeat)
        print(json.dumps(result["alerts"], ensure_ascii=False, indent=1), flush=True)
    result["machine"]["load_end"] = os.getloadavg()
    Path(args.output).write_text(
        json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n"
    )
    print(json.dumps(result, ensure_ascii=False, indent=2, default=str))


if __name__ == "__main__":
    main()
