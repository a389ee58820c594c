"""`fazhi sweep_deadlines [--today YYYY-MM-DD]`: 视为受理 (行政复议法 第30条第三款), idempotent.

Dates (2024 春节 2/10–2/17 休, 2/18(日) 上班; 除夕 2/9 is a working day):
received 2024-02-07 → review ends 2/20 (2/8=1, 2/9=2, 2/18班=3, 2/19=4, 2/20=5);
received 2024-02-19 → review ends 2/26 (2/20=1, 2/21=2, 2/22=3, 2/23=4, 2/26=5).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.personas import County

from fazhi.core.models import AuditEntry
from fazhi.reconsideration.models import AcceptanceKind, ReconsiderationCase, Status
from fazhi.reconsideration.services import case_receive

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def at(day: str) -> time_machine.travel:
    when = d(day)
    return time_machine.travel(
        dt.datetime(when.year, when.month, when.day, 9, 0, tzinfo=SHANGHAI), tick=False
    )


def run(*args: str) -> str:
    out = StringIO()
    call_command("sweep_deadlines", *args, stdout=out)
    return out.getvalue().strip()


def receive(county: County, on: str) -> ReconsiderationCase:
    return case_receive(
        actor=county.actor("dept_clerk"),
        unit=county.dept,
        received_on=d(on),
        act_category="penalty",
        respondent=county.town_a,
    )


#: the other kits' sweeps, in kit order, when nothing is due
NOTHING = (
    "合法性审查期限临近 0 件、逾期 0 件，新提醒 0 条；行政应诉期限提醒 0 条；"
    "规范性文件有效期届满 0 件；重大行政决策征求意见期届满待研究采纳 0 件；"
    "执法证即将到期 0 本、已过期 0 本（其中仍在执法岗位 0 本），新提醒 0 条；"
    "年度培训学时更新 0 人；"
    "工作任务新标逾期 0 项，新发提醒 0 条；执法数据中断导入的暂存行清除 0 条；"
    "公示撤回逾期 0 件，执法数据公开新建 0 份、逾期 0 份，新提醒 0 条；"
    "考核自评提醒 0 条；"
    "人民调解委员会任期届满 0 个；年度学法达标情况更新 0 个单位；应述法单位更新 0 个；"
    "法律顾问聘期届满 0 人；"
    "年度报告新发期限提醒 0 条"
)

#: The first sweep of a year in a new county also writes the year's rows of the units that
#: must meet a 学法 target (4) and must give a 述法 (5); later sweeps find nothing to add.
FIRST = NOTHING.replace(
    "年度学法达标情况更新 0 个单位；应述法单位更新 0 个",
    "年度学法达标情况更新 4 个单位；应述法单位更新 5 个",
)


@pytest.fixture
def cases(county: County) -> list[ReconsiderationCase]:
    with at("2024-02-19"):
        return [
            receive(county, "2024-02-07"),
            receive(county, "2024-02-07"),
            receive(county, "2024-02-19"),
        ]


def statuses(cases: list[ReconsiderationCase]) -> list[str]:
    return [ReconsiderationCase.objects.get(pk=c.pk).status for c in cases]


def test_sweep_deems_accepted_once(cases: list[ReconsiderationCase]) -> None:
    with at("2024-02-21"):
        # the two departments' 2023 reports are due by 2024-02-29: reminded once
        assert run() == f"视为受理 2 件；{FIRST[:-3]}2 条"
        assert statuses(cases) == [Status.ACCEPTED, Status.ACCEPTED, Status.REVIEWING]
        assert run() == f"视为受理 0 件；{NOTHING}"  # idempotent
    for case in cases[:2]:
        case = ReconsiderationCase.objects.get(pk=case.pk)
        assert case.accepted_on == d("2024-02-20")
        assert case.acceptance_kind == AcceptanceKind.DEEMED
        assert case.events.filter(kind="视为受理").count() == 1
    entries = AuditEntry.objects.filter(action="reconsideration.deem_accepted")
    assert [(e.actor_name, e.actor_role) for e in entries] == [("命令行", "command_line")] * 2


def test_sweep_on_the_last_day_changes_nothing(cases: list[ReconsiderationCase]) -> None:
    with at("2024-02-20"):
        assert run() == f"视为受理 0 件；{FIRST[:-3]}2 条"
    assert statuses(cases) == [Status.REVIEWING] * 3


def test_sweep_with_an_earlier_today(cases: list[ReconsiderationCase]) -> None:
    with at("2024-02-28"):
        assert run("--today", "2024-02-20") == f"视为受理 0 件；{FIRST[:-3]}2 条"
        assert run("--today", "2024年2月21日") == f"视为受理 2 件；{NOTHING}"
        assert statuses(cases) == [Status.ACCEPTED, Status.ACCEPTED, Status.REVIEWING]
        assert run("--today", "2024-02-28") == f"视为受理 1 件；{NOTHING}"
        assert run() == f"视为受理 0 件；{NOTHING}"
    assert ReconsiderationCase.objects.get(pk=cases[2].pk).accepted_on == d("2024-02-26")


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2024-02-22", "不能晚于今天（2024-02-21）"),
        ("2024-02-30", "2024-02-30"),
        ("yesterday", "yesterday"),
    ],
)
def test_bad_today_is_a_usage_error(
    cases: list[ReconsiderationCase], value: str, words: str
) -> None:
    with at("2024-02-21"), pytest.raises(CommandError) as info:
        run("--today", value)
    assert info.value.returncode == 2
    assert words in str(info.value)
    assert statuses(cases) == [Status.REVIEWING] * 3


@pytest.mark.django_db
def test_sweep_with_no_cases() -> None:
    assert run() == f"视为受理 0 件；{NOTHING}"


# --- through the real console script -------------------------------------------------------
@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory, migrated_data_dir: Path) -> dict[str, str]:
    """A copy of the session's data directory migrated by the console script (conftest.py)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    data = tmp_path_factory.mktemp("fazhi-sweep-data")
    shutil.copytree(migrated_data_dir, data, dirs_exist_ok=True)
    env["FAZHI_DATA_DIR"] = str(data)
    env["DJANGO_SETTINGS_MODULE"] = "fazhi.settings"
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fazhi.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def test_cli_success(cli_env: dict[str, str]) -> None:
    done = cli(cli_env, "sweep_deadlines")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"视为受理 0 件；{NOTHING}"
    assert done.stderr == ""
    done = cli(cli_env, "sweep_deadlines", "--today", "2024-03-05")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"视为受理 0 件；{NOTHING}"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--today", "2024-13-01"], "2024-13-01"),
        (["--today", "2099-01-01"], "不能晚于今天"),
        (["--today"], "--today"),
        (["--bogus"], "--bogus"),
    ],
)
def test_cli_bad_input(cli_env: dict[str, str], args: list[str], words: str) -> None:
    done = cli(cli_env, "sweep_deadlines", *args)
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("错误：")
    assert words in lines[0]
    assert done.stdout == ""


def test_unmigrated_database(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["FAZHI_DATA_DIR"] = str(tmp_path)
    done = cli(env, "sweep_deadlines")
    assert done.returncode == 2
    assert done.stderr.strip() == "错误：数据库尚未初始化，请先运行 fazhi migrate（或 make demo）"
