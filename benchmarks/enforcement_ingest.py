"""Benchmark the 执法 records ingest against a bare COPY of the same file (issue 17 §6).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h5bench \\
        .venv/bin/python benchmarks/enforcement_ingest.py [--rows 1000000] [--small 100000]

Needs the database of ``benchmarks/enforcement_seed.py`` (the province: units, 执法主体 and
持证 officers). In one run:

1. generates two CSV files (``--rows`` and ``--small`` rows) of valid records of the
   province's departments (the upload format: docs/EXCEL.md), dated in ``--year`` (default
   2024: a partition of its own, so the 2025 figures of ``enforcement_scale.py`` stay as seeded);
2. ingests each through ``fazhi.enforcement_data.ingest.ingest_file`` (command-line actor,
   the province as importing unit) **in a subprocess**, which reports its wall time, CPU time
   and the peak RSS (``resource.getrusage(RUSAGE_SELF).ru_maxrss``, the high-water mark) —
   the small file shows whether memory grows with the file;
3. the reference: ``COPY … FROM STDIN (FORMAT csv, HEADER)`` of the same large file into a
   plain table of text columns (no index, no check) created for the run and dropped after.

Rows/s of both, their ratio, peak memory → ``results/enforcement-ingest.json``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
HEADERS = [
    "执法单位编码", "执法主体", "执法类别", "文书号", "决定日期", "案由类别", "罚没金额",
    "重大执法决定", "法制审核", "执法证号", "公示日期", "涉企", "统一社会信用代码",
]  # fmt: skip
KIND_LABELS = {
    "license": "行政许可", "penalty": "行政处罚", "coercion": "行政强制", "levy": "行政征收",
    "requisition": "行政征用", "inspection": "行政检查",
}  # fmt: skip


def setup() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("needs DATABASE_URL=postgres://… (the database of enforcement_seed.py)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def generate(path: Path, rows: int, year: int, tag: str) -> float:
    """A CSV of ``rows`` valid records of the province; returns the seconds it took."""
    from fazhi.enforcement.models import CertStatus, Officer, Subject
    from fazhi.enforcement_data.demo_scale import credit_code

    started = time.perf_counter()
    rng = random.Random(f"bench:{tag}")
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    certs: dict[int, list[str]] = {}
    for unit_id, number in (
        Officer.objects.filter(
            status=CertStatus.ISSUED, cert_issued_on__lte=first, cert_expires_on__gte=last
        )
        .exclude(cert_number="")
        .values_list("unit_id", "cert_number")
    ):
        certs.setdefault(unit_id, []).append(number)
    sources = [
        (code, name, cats, certs[unit_id])
        for unit_id, code, name, cats in Subject.objects.filter(active=True).values_list(
            "unit_id", "unit__code", "name", "categories"
        )
        if unit_id in certs and cats
    ]
    if not sources:
        raise SystemExit("no 执法主体 with valid officers: run enforcement_seed.py first")
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADERS)
        for n in range(1, rows + 1):
            code, name, cats, numbers = rng.choice(sources)
            kind = rng.choice(cats)
            decided = rng.choice(days)
            published = decided + dt.timedelta(days=rng.randint(0, 12))
            enterprise = rng.random() < 0.4
            amount = str(rng.randint(1, 500) * 100) if kind == "penalty" else "0"
            out.writerow(
                [
                    code, name, KIND_LABELS[kind], f"基准{tag}〔{year}〕{n}号",
                    decided.isoformat(), "日常检查" if kind == "inspection" else "一般程序",
                    amount, "否", "是" if rng.random() < 0.1 else "否",
                    "、".join(rng.sample(numbers, min(2, len(numbers)))),
                    published.isoformat() if published <= last else "",
                    "是" if enterprise else "否",
                    credit_code(code, rng.randint(1, 9000)) if enterprise else "",
                ]
            )  # fmt: skip
    return time.perf_counter() - started


def child_ingest(path: Path) -> None:
    """(subprocess) ingest ``path``; print one JSON line with times and the peak RSS."""
    setup()
    from fazhi.enforcement_data import ingest
    from fazhi.enforcement_data.ingest import ingest_file
    from fazhi.enforcement_oversight import services as eo_services
    from fazhi.orgs.models import OrgUnit
    from fazhi.orgs.scoping import Actor

    phases: dict[str, float] = {}

    def timed_phase(name: str, fn: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                phases[name] = round(phases.get(name, 0) + time.perf_counter() - started, 2)

        return wrapper

    # the final phase of the batch (in its transaction) and its two parts
    ingest._publish = timed_phase("publish_s", ingest._publish)
    ingest.facts_add_inserted = timed_phase("facts_s", ingest.facts_add_inserted)
    eo_services.alerts_refresh = timed_phase("alerts_s", eo_services.alerts_refresh)

    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    root = OrgUnit.objects.get(code=os.environ.get("BENCH_ROOT", "430000"))
    calls = []
    started, cpu = time.perf_counter(), time.process_time()
    result = ingest_file(
        actor=Actor.command_line(),
        path=path,
        unit=root,
        progress=lambda done, total: calls.append(done),
    )
    out = {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "loaded": result.loaded,
        "batch": result.batch,
        "result": repr(result)[:300],
        "progress_calls": len(calls),
        "phases": phases,
        "rss_after_setup_mb": round(base_rss / 1024, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(out))


def run_child(path: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"ingest failed:\n{proc.stderr[-3000:]}")
    data: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return data


def bare_copy(path: Path) -> dict[str, Any]:
    from django.db import connection

    columns = ", ".join(f"c{i} text" for i in range(len(HEADERS)))
    with connection.cursor() as wrapper:
        wrapper.execute("DROP TABLE IF EXISTS bench_enforcement_plain")
        wrapper.execute(f"CREATE TABLE bench_enforcement_plain ({columns})")
        started, cpu = time.perf_counter(), time.process_time()
        with (
            wrapper.cursor.copy(
                "COPY bench_enforcement_plain FROM STDIN (FORMAT csv, HEADER true)"
            ) as copy,
            path.open("rb") as handle,
        ):
            while block := handle.read(1 << 20):
                copy.write(block)
        seconds = time.perf_counter() - started
        cpu_s = time.process_time() - cpu
        wrapper.execute("SELECT count(*) FROM bench_enforcement_plain")
        (rows,) = wrapper.fetchone()
        wrapper.execute("DROP TABLE bench_enforcement_plain")
    return {"seconds": seconds, "cpu_seconds_client": cpu_s, "rows": rows}


def copy_into_records(batch: int) -> dict[str, Any]:
    """A second reference: the ingested batch's own rows, already checked and converted
    (exported with ``COPY … TO``), copied by ``COPY … FROM`` into the record table itself — the
    partitioned table with its indexes — in a transaction that is rolled back. The database's
    share of the ingest, with no Python in it."""
    from django.db import connection, transaction

    from fazhi.enforcement_data.ingest import _RECORD_COLUMNS

    columns = ", ".join([*_RECORD_COLUMNS, "batch"])
    buffer = bytearray()
    with connection.cursor() as wrapper:
        with wrapper.cursor.copy(
            f"COPY (SELECT {columns} FROM enforcement_data_record WHERE batch = %s ORDER BY id) "
            "TO STDOUT",
            [batch],
        ) as copy:
            for block in copy:
                buffer += block
        started = time.perf_counter()
        with transaction.atomic():
            with wrapper.cursor.copy(f"COPY enforcement_data_record ({columns}) FROM STDIN") as c:
                for i in range(0, len(buffer), 1 << 20):
                    c.write(bytes(buffer[i : i + (1 << 20)]))
            seconds = time.perf_counter() - started
            wrapper.execute(
                "SELECT count(*) FROM enforcement_data_record WHERE batch = %s", [batch]
            )
            (rows,) = wrapper.fetchone()
            transaction.set_rollback(True)
    return {"seconds": seconds, "rows": rows // 2, "bytes": len(buffer)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--data-dir", default="/tmp/h5-data/ingest")
    parser.add_argument("--output", default=str(RESULTS / "enforcement-ingest.json"))
    parser.add_argument("--child")
    parser.add_argument("--root", default="430000", help="code of the importing (root) unit")
    args = parser.parse_args()
    if args.child:
        child_ingest(Path(args.child))
        return
    os.environ["BENCH_ROOT"] = args.root  # read by the ingesting subprocess
    setup()
    from django.db import connection

    from fazhi.enforcement_data.models import Record

    folder = Path(args.data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    tag = dt.datetime.now(dt.UTC).strftime("%H%M%S")
    result: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_start": os.getloadavg(),
        },
        "database": connection.settings_dict["NAME"],
        "records_before": Record.objects.count(),
        "root": args.root,
    }
    files = {}
    for label, rows in (("small", args.small), ("large", args.rows)):
        path = folder / f"records-{rows}.csv"
        seconds = generate(path, rows, args.year, f"{tag}{label[0]}")
        files[label] = (path, rows)
        result[f"generate_{label}"] = {
            "rows": rows,
            "seconds": round(seconds, 1),
            "bytes": path.stat().st_size,
        }
        print(f"generated {rows} rows in {seconds:.1f}s ({path.stat().st_size} bytes)", flush=True)
    for label, (path, rows) in files.items():
        data = run_child(path)
        data["rows"] = rows
        data["rows_per_s"] = round(rows / data["seconds"])
        result[f"ingest_{label}"] = data
        print(f"ingest {label}: {data}", flush=True)
    path, rows = files["large"]
    ref = bare_copy(path)
    ref["rows_per_s"] = round(rows / ref["seconds"])
    result["bare_copy_large"] = ref
    print(f"bare COPY: {ref}", flush=True)
    result["ratio_ingest_to_copy_time"] = round(
        result["ingest_large"]["seconds"] / ref["seconds"], 2
    )
    into = copy_into_records(result["ingest_large"]["batch"])
    into["rows_per_s"] = round(into["rows"] / into["seconds"])
    result["copy_checked_rows_into_record_table"] = into
    result["ratio_ingest_to_copy_into_records"] = round(
        result["ingest_large"]["seconds"] / into["seconds"], 2
    )
    print(f"COPY of the checked rows into the record table: {into}", flush=True)
    result["records_after"] = Record.objects.count()
    result["machine"]["load_end"] = os.getloadavg()
    Path(args.output).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
