"""Benchmark the 复议 Excel import against the bare floors in the same run (issue 15, item 3).

    .venv/bin/python benchmarks/imports.py --db sqlite   [--rows 10000] [--data-dir DIR]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/j2bench \\
        .venv/bin/python benchmarks/imports.py --db postgres [--rows 10000]

The database is migrated and seeded with ``fazhi seed --scale city`` (data up to 2025-12-15)
on the first run. Each run generates a new ``--rows`` file of 复议 cases for the city's 复议机构
(received in 2025, every one accepted, every other one closed: 2.5 service calls a row), then
measures, with the clock at 2025-12-15:

- the import through ``REGISTER.import_xlsx`` (reading included, and reading alone), in
  batches of ``FAZHI_IMPORT_BATCH``: rows/s and queries per row (counted with an
  ``execute_wrapper``), the progress calls, and that the monthly facts equal a recomputation
  (``facts_check``) and the audit chain verifies;
- the floors, on copies of the same case rows: one Django ``bulk_create`` (bare INSERT) and,
  on PostgreSQL, ``COPY … FROM STDIN`` — each in a transaction that is rolled back.

Results go to ``benchmarks/results/import-<db>.json`` and a summary to stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
TODAY = dt.datetime(2025, 12, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def configure(db: str, data_dir: Path) -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    if db == "sqlite":
        os.environ.pop("DATABASE_URL", None)
        data_dir.mkdir(parents=True, exist_ok=True)
        os.environ["FAZHI_DATA_DIR"] = str(data_dir)
        return str(data_dir / "fazhi.sqlite3")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("--db postgres needs DATABASE_URL=postgres://…")
    os.environ.setdefault("FAZHI_DATA_DIR", str(data_dir))
    return os.environ["DATABASE_URL"].rsplit("@", 1)[-1]


def ensure_seeded() -> None:
    from django.core.management import call_command

    from fazhi.orgs.models import OrgUnit

    call_command("migrate", verbosity=0)
    if not OrgUnit.objects.filter(depth__gte=1).exists():
        call_command("seed", scale="city", today=TODAY.date(), verbosity=0)


def body_and_respondents() -> tuple[Any, list[str]]:
    """The 复议机构 with the most units under its government, and their unit codes."""
    from fazhi.orgs.models import OrgUnit
    from fazhi.reconsideration.excel import respondent_scope

    bodies = list(OrgUnit.objects.filter(is_reconsideration_body=True).order_by("depth", "pk"))
    body = bodies[0]
    scope = respondent_scope(body)
    codes = list(
        OrgUnit.objects.subtree_of(scope).exclude(pk=scope.pk).values_list("code", flat=True)
    )
    return body, codes or [scope.code]


def workbook(rows: int, prefix: str, codes: list[str]) -> bytes:
    from openpyxl import Workbook

    rng = random.Random(2025)
    headers = [
        "复议案号",
        "被申请人",
        "申请人类别",
        "申请人",
        "收到申请日期",
        "行政行为类别",
        "受理情况",
        "受理日期",
        "审理程序",
        "结案日期",
        "结案方式",
    ]
    categories = ["行政处罚", "行政强制", "行政许可", "政府信息公开", "行政确认"]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("行政复议案件")
    sheet.append(headers)
    start = dt.date(2025, 1, 2)
    for i in range(rows):
        received = start + dt.timedelta(days=rng.randrange(0, 280))
        accepted = received + dt.timedelta(days=2)
        closed = accepted + dt.timedelta(days=rng.randrange(20, 55)) if i % 2 == 0 else None
        sheet.append(
            [
                f"{prefix}-{i:05d}",
                rng.choice(codes),
                "自然人",
                f"申请人{i}",
                received,
                rng.choice(categories),
                "受理",
                accepted,
                "普通程序",
                closed,
                rng.choice(["维持", "撤销", "确认违法"]) if closed else None,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class Counter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def floors(prefix: str) -> dict[str, Any]:
    """Bare INSERT (bulk_create) and COPY of copies of the imported case rows, rolled back."""
    from django.db import connection, transaction

    from fazhi.reconsideration.models import ReconsiderationCase

    cases = list(ReconsiderationCase.objects.filter(number__startswith=f"{prefix}-"))
    out: dict[str, Any] = {"rows": len(cases)}
    for case in cases:
        case.pk = None
        case.number = f"F{case.number}"
    with transaction.atomic():
        started = time.perf_counter()
        ReconsiderationCase.objects.bulk_create(cases, batch_size=1000)
        out["bulk_insert_s"] = time.perf_counter() - started
        transaction.set_rollback(True)
    if connection.vendor == "postgresql":
        table = ReconsiderationCase._meta.db_table
        columns = [f.column for f in ReconsiderationCase._meta.concrete_fields if not f.primary_key]
        quoted = ", ".join(f'"{c}"' for c in columns)
        select = ", ".join(f"'C' || \"{c}\"" if c == "number" else f'"{c}"' for c in columns)
        with transaction.atomic(), connection.cursor() as cursor:
            raw = cursor.cursor
            buffer = io.BytesIO()
            sql = f"COPY (SELECT {select} FROM {table} WHERE number LIKE %s) TO STDOUT"
            with raw.copy(sql, [f"{prefix}-%"]) as copy:
                for data in copy:
                    buffer.write(data)
            started = time.perf_counter()
            with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                copy.write(buffer.getvalue())
            out["copy_s"] = time.perf_counter() - started
            transaction.set_rollback(True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var" / "bench" / "import")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    label = configure(args.db, args.data_dir)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    import time_machine
    from django.db import connection

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import machine

    from fazhi.core.excel import batch_size
    from fazhi.core.selectors import audit_verify
    from fazhi.metrics.facts import facts_check
    from fazhi.orgs.scoping import Actor
    from fazhi.reconsideration.excel import REGISTER, SPEC
    from fazhi.reconsideration.models import ReconsiderationCase

    started = time.perf_counter()
    with time_machine.travel(TODAY, tick=True):
        ensure_seeded()
    seed_s = time.perf_counter() - started
    info = machine(label)
    body, codes = body_and_respondents()
    prefix = f"BENCH{int(time.time())}"
    data = workbook(args.rows, prefix, codes)
    actor = Actor.command_line(body)
    existing = ReconsiderationCase.objects.count()
    result: dict[str, Any] = {
        "machine": info,
        "rows": args.rows,
        "batch": batch_size(),
        "file_bytes": len(data),
        "existing_cases": existing,
        "setup_s": round(seed_s, 1),
    }
    with time_machine.travel(TODAY, tick=True):
        from fazhi.core.excel import UnitMatcher, read_xlsx
        from fazhi.reconsideration.excel import respondent_scope

        t = time.perf_counter()
        read_xlsx(SPEC, data, units=UnitMatcher(respondent_scope(body)))
        result["read_only_s"] = time.perf_counter() - t
        progress: list[tuple[float, int, int]] = []
        counter = Counter()
        t = time.perf_counter()
        cpu = time.process_time()  # this process's CPU: less sensitive to a shared machine
        with connection.execute_wrapper(counter):
            outcome = REGISTER.import_xlsx(
                data,
                actor=actor,
                unit=body,
                progress=lambda d, n: progress.append((time.perf_counter() - t, d, n)),
            )
        seconds = time.perf_counter() - t
        cpu_seconds = time.process_time() - cpu
    assert outcome.ok, [str(e) for e in outcome.errors[:5]]
    result["import"] = {
        "seconds": seconds,
        "rows_per_s": args.rows / seconds,
        "process_cpu_s": cpu_seconds,
        "queries": counter.count,
        "queries_per_row": counter.count / args.rows,
        "batches": len(progress),
        "first_progress_s": progress[0][0] if progress else None,
    }
    result["floors"] = floors(prefix)
    t = time.perf_counter()
    compared, mismatches = facts_check()
    result["facts_check"] = {"rows": compared, "mismatches": len(mismatches)}
    result["facts_check_s"] = time.perf_counter() - t
    result["audit_verify_broken"] = audit_verify()[1] is not None
    result["loadavg_at_end"] = os.getloadavg()
    RESULTS.mkdir(exist_ok=True)
    target = args.output or RESULTS / f"import-{args.db}.json"
    target.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n")
    imp, fl = result["import"], result["floors"]
    print(
        f"{args.db}: {args.rows} rows imported in {imp['seconds']:.1f} s "
        f"({imp['rows_per_s']:.0f} rows/s, {imp['process_cpu_s']:.1f} s of this process's CPU, "
        f"{imp['queries_per_row']:.1f} queries/row, "
        f"{imp['batches']} batches; reading alone {result['read_only_s']:.1f} s); "
        f"bulk INSERT {fl['bulk_insert_s']:.2f} s"
        + (f", COPY {fl['copy_s']:.2f} s" if "copy_s" in fl else "")
        + f"; facts mismatches {len(mismatches)}; audit broken {result['audit_verify_broken']}; "
        f"load {info['loadavg_at_start']} → {result['loadavg_at_end']}"
    )
    print(f"→ {target}")
    return 0 if not mismatches and not result["audit_verify_broken"] else 1


if __name__ == "__main__":
    sys.exit(main())
