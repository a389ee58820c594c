"""How the engine's time grows with the data: the engine figures of ``run.py`` at several volumes.

    .venv/bin/python benchmarks/scaling.py --db sqlite|postgres [--volumes 1,2,4] [--scale S]

Each volume is its own database (seeded on first use, reused afterwards), measured in its own
process by ``run.py --engine-only``. Prints, per engine figure, the median time at each volume
and its ratio to the smallest volume next to the ratio of register rows; writes
``benchmarks/results/scaling-<db>-<scale>.json``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--scale", choices=("province", "city"), default="province")
    parser.add_argument("--volumes", default="1,2,4", help="comma-separated volume multipliers")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args(argv)
    volumes = [int(v) for v in args.volumes.split(",")]
    runs: dict[int, dict[str, Any]] = {}
    for volume in volumes:
        out = HERE / "results" / f"scaling-{args.db}-{args.scale}-v{volume}.json"
        cmd = [
            sys.executable, str(HERE / "run.py"), "--engine-only", "--db", args.db,
            "--scale", args.scale, "--volume", str(volume), "--repeat", str(args.repeat),
            "--output", str(out),
        ]  # fmt: skip
        print("$", " ".join(cmd[1:]), flush=True)
        subprocess.run(cmd, check=True)
        runs[volume] = json.loads(out.read_text())
    base = volumes[0]
    base_rows = runs[base]["rows"]["register_rows"]
    table: dict[str, Any] = {}
    print()
    header = f"{'figure':<40}" + "".join(f"{'v' + str(v):>16}" for v in volumes)
    print(header)
    counts = {v: runs[v]["rows"]["register_rows"] for v in volumes}
    rows_line = f"{'register rows (ratio)':<40}" + "".join(
        f"{counts[v]:>9} ({counts[v] / base_rows:.1f})" for v in volumes
    )
    print(rows_line)
    for name in runs[base]["engine"]:
        medians = {v: runs[v]["engine"][name]["median_ms"] for v in volumes}
        table[name] = {
            str(v): {"median_ms": medians[v], "ratio": round(medians[v] / medians[base], 2)}
            for v in volumes
        }
        print(
            f"{name:<40}"
            + "".join(f"{medians[v]:>9.1f} ({medians[v] / medians[base]:.1f})" for v in volumes)
        )
    summary = {
        "db": args.db,
        "scale": args.scale,
        "volumes": volumes,
        "rows": {str(v): runs[v]["rows"]["register_rows"] for v in volumes},
        "engine": table,
        "machine": runs[base]["machine"],
    }
    path = HERE / "results" / f"scaling-{args.db}-{args.scale}.json"
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    print(f"\nwritten: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
