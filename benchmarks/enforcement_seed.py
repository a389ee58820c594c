"""Seed the 10,000,000-row 执法 records province for the scale benchmarks (issue 17 §6).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h5bench \\
        .venv/bin/python benchmarks/enforcement_seed.py [--volume 1] [--year 2025]

Migrates the database (the records table becomes partitioned by year), then runs
``fazhi.demo.scale.seed_province`` for one year (``--year``, as at 31 January after it) with
every kit's ``demo_scale`` seeder — the 执法 records one streams its rows with COPY. Prints and
writes (``results/enforcement-seed.json``) rows, seconds, rows/s and the peak RSS.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import resource
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--volume", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--scale", choices=("province", "city"), default="province")
    parser.add_argument("--all-registers", action="store_true", help="run every kit seeder")
    parser.add_argument("--output", default=str(RESULTS / "enforcement-seed.json"))
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("needs DATABASE_URL=postgres://…")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from fazhi.core.kit import declare
    from fazhi.demo.scale import seed_city, seed_province
    from fazhi.enforcement_data import kit

    try:
        call_command("migrate", verbosity=0)
    except FileNotFoundError as exc:  # another app's kit names a fixture not written yet
        print(f"migrate: post-migrate metric sync failed ({exc}); the schema is migrated")
    if kit.KIT.demo_scale != "fazhi.enforcement_data.demo_scale:seed":
        # until the app's kit declares the hook (the lead wires it)
        declare(dataclasses.replace(kit.KIT, demo_scale="fazhi.enforcement_data.demo_scale:seed"))
    if not args.all_registers:
        # Only the 执法 records seeder (the other registers' few thousand rows do not change
        # these figures, and a seeder of an app being written may fail in a shared tree).
        from fazhi.demo import scale
        from fazhi.enforcement_data.demo_scale import seed as enforcement_seed

        setattr(scale, "hooks", lambda name: [(kit.KIT, enforcement_seed)])  # noqa: B010
    started = time.perf_counter()
    cpu0 = time.process_time()
    seeder = seed_province if args.scale == "province" else seed_city
    result = seeder(
        seed=args.seed,
        years=1,
        volume=args.volume,
        last_year=args.year,
        today=dt.date(args.year + 1, 1, 31),
    )
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu0
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM enforcement_data_record")
        (rows,) = cursor.fetchone()
    filled = dict(result.filled)
    out = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "scale": args.scale, "year": args.year, "volume": args.volume, "units": result.unit_count,
        "filled": filled, "records": rows, "seconds_total": round(seconds, 1),
        "cpu_seconds_python": round(cpu, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }  # fmt: skip
    Path(args.output).write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
