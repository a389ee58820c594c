"""`fazhi metrics --unit CODE --year Y [--period P] [--json]`."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.metrics.builders import closed, save_recon, shipped_codes
from tests.personas import County

D = dt.date
pytestmark = pytest.mark.django_db
KEYS = {"code", "name", "value", "display", "unit", "numerator", "denominator", "version", "period"}


def run(*args: str) -> str:
    out = StringIO()
    call_command("metrics", *args, stdout=out)
    return out.getvalue()


def cases(county: County) -> None:
    save_recon(
        *(closed(county.town_a, D(2024, 2, 1), "annul", days=40) for _ in range(2)),
        *(closed(county.town_b, D(2024, 5, 1), "uphold", days=20) for _ in range(6)),
    )


def test_json_output(county: County) -> None:
    cases(county)
    raw = run("--unit", "430199", "--year", "2024", "--json")
    assert "纠错率" in raw  # UTF-8, not \\u escapes
    rows: list[dict[str, Any]] = json.loads(raw)
    assert all(set(r) >= KEYS for r in rows)
    assert sorted(r["code"] for r in rows) == sorted(shipped_codes(2024))  # each metric once
    by_code = {r["code"]: r for r in rows}
    assert by_code["reconsideration.correction_rate"] | {"period_label": "", "group": ""} == {
        "code": "reconsideration.correction_rate",
        "name": "纠错率",
        "group": "",
        "value": 25.0,
        "display": "25.0%",
        "unit": "%",
        "numerator": 2,
        "denominator": 8,
        "version": 2020,
        "period": "2024",
        "period_label": "",
        "org_unit": "430199",
    }
    assert by_code["reconsideration.avg_days"]["value"] == 25.0
    assert by_code["reconsideration.avg_days"]["numerator"] == 200
    assert by_code["reconsideration.closed"]["value"] == 8


def test_period_within_the_year(county: County) -> None:
    cases(county)
    rows = json.loads(run("--unit", "430199", "--year", "2024", "--period", "2024Q1", "--json"))
    closed_q1 = next(r for r in rows if r["code"] == "reconsideration.closed")
    assert (closed_q1["value"], closed_q1["period"]) == (2, "2024Q1")
    rows = json.loads(run("--unit", "430199101", "--period", "2024-02", "--json"))
    assert next(r for r in rows if r["code"] == "reconsideration.closed")["value"] == 2


def test_text_output(county: County) -> None:
    cases(county)
    text = run("--unit", "430199102", "--year", "2024")
    assert text.startswith("黄金乡人民政府（430199102，含下级单位）2024年 统计指标：")
    assert "纠错率  0.0%  分子 0  分母 6" in text
    assert "结案数  6件  分子 6" in text
    assert "口径 2020年至今" in text
    assert "败诉率  —  分子 0  分母 0" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "NOPE", "--year", "2024"], "未知的单位编码：NOPE"),
        (["--unit", "430199"], "请用 --year 指定年度"),
        (
            ["--unit", "430199", "--year", "2024", "--period", "2024Q9"],
            "无法识别的统计期间“2024Q9”",
        ),
        (["--unit", "430199", "--year", "2024", "--period", "2025Q1"], "不在 2024 年内"),
        (["--unit", "430199", "--year", "1900"], "年份“1900”超出范围"),
    ],
)
def test_usage_errors(county: County, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message) as info:
        run(*args)
    assert info.value.returncode == 2


@pytest.mark.django_db(transaction=False)
def test_cli_exit_code_and_one_line_error(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"FAZHI_DATA_DIR": str(tmp_path), "PYTHONIOENCODING": "utf-8"}
    env["DJANGO_SETTINGS_MODULE"] = "fazhi.settings"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "fazhi.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=False,
        )

    assert cli("migrate", "-v0").returncode == 0
    done = cli("metrics", "--unit", "NOPE", "--year", "2024")
    assert (done.returncode, done.stderr) == (2, "错误：未知的单位编码：NOPE\n")
