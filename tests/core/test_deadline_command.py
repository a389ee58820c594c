"""`fazhi deadline RULE START [--json] [--unit CODE]` and the rule lookup behind it.

Expected dates are counted by hand against the State Council schedules listed in
``test_deadlines.py`` (2025 国庆中秋: 10/1-10/8 休, 9/28(日) and 10/11(六) 上班).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fazhi.core.models import CalendarDay, CalendarYear, DeadlineRule
from fazhi.core.selectors import UnknownRule, compute_due, province_code_of, rule_for
from fazhi.orgs.models import OrgUnit

FIXTURE = (
    Path(__file__).resolve().parents[2]
    / "src"
    / "fazhi"
    / "core"
    / "fixtures"
    / "deadline_rules.json"
)
# core's rules and those each app ships in its own fixtures/deadline_rules.json
APP_FIXTURES = sorted(FIXTURE.parents[2].glob("*/fixtures/deadline_rules.json"))
ALL_FIXTURE_RULES: list[dict[str, Any]] = [
    rule
    for path in [FIXTURE, *(p for p in APP_FIXTURES if p != FIXTURE)]
    for rule in json.loads(path.read_text(encoding="utf-8"))["rules"]
]
#: the national rules (a province's own row, e.g. 四川's 15-day 备案 window, applies only to
#: units of that province: tested with such a unit below and in the app's own tests)
FIXTURE_RULES = [rule for rule in ALL_FIXTURE_RULES if not rule.get("region")]
PROVINCE_RULES = [rule for rule in ALL_FIXTURE_RULES if rule.get("region")]
CJK = re.compile(r"[\u4e00-\u9fff]")
JSON_KEYS = {"rule", "basis", "start", "due", "counting", "warnings", "calendar_covered"}


def run(*args: str) -> str:
    out = StringIO()
    call_command("deadline", *args, stdout=out)
    return out.getvalue()


def run_json(*args: str) -> dict[str, Any]:
    raw = run(*args, "--json")
    data: dict[str, Any] = json.loads(raw)
    return data


# ---- text output -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_text_output_acceptance_review() -> None:
    # 9/26 Fri: 9/27休, 9/28班=1, 9/29=2, 9/30=3, 10/1-8休, 10/9=4, 10/10=5.
    text = run("reconsideration.acceptance_review", "2025-09-26")
    assert "2025-10-10" in text
    assert "星期五" in text
    assert "《行政复议法(2023)》第三十条" in text
    assert "5个工作日" in text
    assert "起算日不计入" in text
    assert "警告" not in text


@pytest.mark.django_db
def test_text_output_accepts_chinese_date() -> None:
    assert "2025-10-10" in run("reconsideration.acceptance_review", "2025年9月26日")


@pytest.mark.django_db
def test_text_output_natural_rolled() -> None:
    # 简易程序 30日: 9/1+30 = 10/1 国庆休 → 10/9.
    text = run("reconsideration.decision_simple", "2025-09-01")
    assert "30个自然日" in text
    assert "2025-10-09" in text
    assert "2025-10-01为休息日，顺延" in text


@pytest.mark.django_db
def test_text_output_extension() -> None:
    # 60日: 8/5+60 = 10/4 休 → 10/9; +90: 8/31(+26), 9/30(+56), 10/30(+86), 11/3(+90) Monday.
    text = run("reconsideration.decision_ordinary", "2025-08-05")
    assert "60个自然日" in text
    assert "2025-10-09" in text
    assert "2025-10-04为休息日，顺延" in text
    assert "延长" in text and "30" in text
    assert "2025-11-10" in text


@pytest.mark.django_db
def test_text_output_extension_unit_of_working_day_rule() -> None:
    text = run("ogi.reply", "2025-09-15")
    extension_line = next(line for line in text.splitlines() if line.startswith("延长"))
    assert "20个工作日" in extension_line
    assert "2025-11-14" in extension_line


@pytest.mark.django_db
def test_text_output_warns_for_2027() -> None:
    text = run("reconsideration.decision_ordinary", "2026-11-20")
    assert "2027-01-19" in text  # 11/20+10=11/30, +31=12/31, +19=1/19 (60)
    assert "警告" in text and "2027年" in text


# ---- --json ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_json_output() -> None:
    raw = run("reconsideration.acceptance_review", "2025-09-26", "--json")
    data = json.loads(raw)
    assert set(data) >= JSON_KEYS
    assert data["rule"] == "reconsideration.acceptance_review"
    assert data["basis"] == "《行政复议法(2023)》第三十条"
    assert data["start"] == "2025-09-26"
    assert data["due"] == "2025-10-10"
    assert data["counting"] == "working"
    assert data["days"] == 5
    assert data["warnings"] == []
    assert data["calendar_covered"] is True
    assert data["rolled_from"] is None
    assert data["extended_due"] is None
    # Chinese is written as is, not as \\u escapes (ensure_ascii=False).
    assert "行政复议法" in raw
    assert "\\u" not in raw


@pytest.mark.django_db
def test_json_output_rolled_and_extended() -> None:
    data = run_json("reconsideration.decision_ordinary", "2025-08-05")
    assert data["due"] == "2025-10-09"
    assert data["rolled_from"] == "2025-10-04"
    assert data["extension_days"] == 30
    # The extension runs from the end of the period (10/09, rolled): +30 = 11/08 (Sat) → 11/10.
    assert data["extended_due"] == "2025-11-10"


@pytest.mark.django_db
def test_json_output_ogi_reply_with_extension() -> None:
    # 20 working days from 9/15: 9/16-19=1-4, 9/22-26=5-9, 9/28班=10, 9/29=11, 9/30=12,
    # 10/9=13, 10/10=14, 10/11班=15, 10/13-17=16-20 → 10/17.
    # +20: 10/20-24=21-25, 10/27-31=26-30, 11/3-7=31-35, 11/10-14=36-40 → 11/14.
    data = run_json("ogi.reply", "2025-09-15")
    assert data["due"] == "2025-10-17"
    assert data["extended_due"] == "2025-11-14"
    assert data["basis"] == "《政府信息公开条例(2019)》第三十三条第二款"


@pytest.mark.django_db
def test_json_output_warns_for_2027() -> None:
    data = run_json("reconsideration.decision_ordinary", "2026-11-20")
    assert data["due"] == "2027-01-19"
    assert data["calendar_covered"] is False
    assert len(data["warnings"]) == 1
    assert "2027年" in data["warnings"][0]


@pytest.mark.django_db
def test_json_output_warns_when_only_extension_reaches_2027() -> None:
    # 10/20+11=10/31, +30=11/30, +19=12/19 (60) Saturday → 12/21 Monday, inside 2026;
    # +30 from the rolled end 12/21: 12/31 is +10, 2027-01-20 is +30 → needs the 2027 calendar.
    data = run_json("reconsideration.decision_ordinary", "2026-10-20")
    assert data["due"] == "2026-12-21"
    assert data["rolled_from"] == "2026-12-19"
    assert data["extended_due"] == "2027-01-20"
    assert data["calendar_covered"] is False
    assert any("2027年" in w for w in data["warnings"])


@pytest.mark.django_db
def test_command_uses_complete_override_year() -> None:
    CalendarYear.objects.create(year=2027, source="测试：假定的2027年安排", complete=True)
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), is_workday=False, name="元旦")
    CalendarDay.objects.create(date=dt.date(2027, 1, 9), is_workday=True, name="假定调休上班")
    # 12/25 Fri: 12/28-31 = 1-4, 1/1 休, 1/2-3 周末, 1/4-8 = 5-9, 1/9 班 = 10.
    data = run_json("reconsideration.correction_period", "2026-12-25")
    assert data["due"] == "2027-01-09"
    assert data["warnings"] == []
    assert data["calendar_covered"] is True


@pytest.mark.django_db
def test_command_honours_override_in_covered_year() -> None:
    CalendarDay.objects.create(date=dt.date(2025, 10, 9), is_workday=False, name="测试休息")
    # 9/28班=1, 9/29=2, 9/30=3, 10/9 now 休, 10/10=4, 10/11班=5.
    assert run_json("reconsideration.acceptance_review", "2025-09-26")["due"] == "2025-10-11"


# ---- every rule of the fixture -----------------------------------------------------------------


@pytest.mark.django_db
def test_hearing_notice_counts_back_from_the_hearing_over_the_holiday() -> None:
    # 第51条 “举行听证的五日前”通知. Hearing Fri 2025-10-10: 10/9 =1, 10/1-8 休, 9/30 =2,
    # 9/29 =3, Sun 9/28 调休上班 =4, Fri 9/26 =5.
    data = run_json("reconsideration.hearing_notice", "2025-10-10")
    assert (data["due"], data["backward"], data["extended_due"]) == ("2025-09-26", True, None)
    text = run("reconsideration.hearing_notice", "2025-10-10")
    assert "最迟：2025-09-26（星期五）" in text
    assert "向前推算" in text and "届满" not in text


@pytest.mark.django_db
def test_fixture_rules_are_loaded() -> None:
    codes = set(DeadlineRule.objects.filter(region="").values_list("code", flat=True))
    assert codes == {r["code"] for r in FIXTURE_RULES}


@pytest.mark.django_db
def test_province_rules_are_loaded_for_their_province_only() -> None:
    assert PROVINCE_RULES  # 四川's 备案 window (normative_docs.filing, region 51)
    for rule in PROVINCE_RULES:
        stored = DeadlineRule.objects.get(code=rule["code"], region=rule["region"])
        national = DeadlineRule.objects.get(code=rule["code"], region="")
        assert stored.days == rule["days"]
        assert (stored.days, stored.counting) != (national.days, national.counting)


@pytest.mark.django_db
@pytest.mark.parametrize("rule", FIXTURE_RULES, ids=[r["code"] for r in FIXTURE_RULES])
def test_every_fixture_rule_works(rule: dict[str, Any]) -> None:
    data = run_json(rule["code"], "2025-09-26")
    assert data["rule"] == rule["code"]
    assert data["days"] == rule["days"]
    assert data["counting"] == rule["counting"]
    assert data["extension_days"] == rule["extension_days"]
    assert data["basis"] == f"《{rule['law']}》{rule['article']}"
    assert data["start"] == "2025-09-26"
    assert data["backward"] == rule.get("backward", False)
    if data["backward"]:  # a period before the event (第51条 听证通知) ends before it
        assert dt.date.fromisoformat(data["due"]) < dt.date(2025, 9, 26)
    else:
        assert dt.date.fromisoformat(data["due"]) > dt.date(2025, 9, 26)
    assert data["warnings"] == []
    text = run(rule["code"], "2025-09-26")
    assert data["due"] in text
    assert data["basis"] in text


# The issue's acceptance criteria: (code, days, counting, extension_days).
ISSUE_RULES = [
    ("reconsideration.acceptance_review", 5, "working", None),  # 第30条 五日
    ("reconsideration.correction_notice", 5, "working", None),  # 第31条第1款 五日
    ("reconsideration.correction_period", 10, "working", None),  # 第31条第2款 十日
    ("reconsideration.copy_ordinary", 7, "working", None),  # 第48条 七日
    ("reconsideration.answer_ordinary", 10, "working", None),  # 第48条 十日
    ("reconsideration.copy_simple", 3, "working", None),  # 第54条 三日
    ("reconsideration.answer_simple", 5, "working", None),  # 第54条 五日
    ("reconsideration.decision_ordinary", 60, "natural", 30),  # 第62条第1款
    ("reconsideration.decision_simple", 30, "natural", None),  # 第62条第2款
    ("ogi.reply", 20, "working", 20),  # 政府信息公开条例 第33条 20个工作日 + 20
    ("ogi.correction_notice", 7, "working", None),  # 第30条 7个工作日
    ("normative.filing", 15, "natural", None),  # 地方规定常见默认值
    ("rules.filing", 30, "natural", None),  # 法规规章备案审查条例 第4条
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "days", "counting", "extension"), ISSUE_RULES, ids=[r[0] for r in ISSUE_RULES]
)
def test_issue_rules_have_the_statutory_numbers(
    code: str, days: int, counting: str, extension: int | None
) -> None:
    rule = rule_for(code)
    assert (rule.days, rule.counting, rule.extension_days) == (days, counting, extension)
    data = run_json(code, "2025-03-03")
    assert (data["days"], data["counting"], data["extension_days"]) == (days, counting, extension)


# ---- province-specific rules -------------------------------------------------------------------


def make_unit(
    code: str, name: str, level: str, province: str, parent: OrgUnit | None = None
) -> OrgUnit:
    unit = OrgUnit.objects.create(
        code=code,
        name=name,
        kind="government",
        level=level,
        province_code=province,
        parent=parent,
        path="-",
        depth=0 if parent is None else parent.depth + 1,
    )
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save()
    return unit


@pytest.fixture
def guangdong() -> OrgUnit:
    province = make_unit("440000", "某省人民政府", "province", "44")
    DeadlineRule.objects.create(
        code="normative.filing",
        region="44",
        name="规范性文件报送备案（本省）",
        law="某省行政规范性文件管理规定",
        article="第二十条",
        days=30,
        counting="natural",
        start_event="规范性文件发布",
    )
    return province


@pytest.mark.django_db
def test_unit_picks_province_rule(guangdong: OrgUnit) -> None:
    # 30日: 9/26+4=9/30, +26=10/26 (Sunday) → 10/27.
    data = run_json("normative.filing", "2025-09-26", "--unit", "440000")
    assert data["days"] == 30
    assert data["region"] == "44"
    assert data["due"] == "2025-10-27"
    assert data["rolled_from"] == "2025-10-26"
    assert data["basis"] == "《某省行政规范性文件管理规定》第二十条"


@pytest.mark.django_db
def test_without_unit_national_default(guangdong: OrgUnit) -> None:
    # 15日: 9/26+15 = 10/11, a 调休 working Saturday: not rolled.
    data = run_json("normative.filing", "2025-09-26")
    assert data["days"] == 15
    assert data["region"] is None
    assert data["due"] == "2025-10-11"
    assert data["rolled_from"] is None


@pytest.mark.django_db
def test_child_unit_inherits_province(guangdong: OrgUnit) -> None:
    city = make_unit("440100", "某市人民政府", "city", "", parent=guangdong)
    assert province_code_of(city) == "44"
    assert run_json("normative.filing", "2025-09-26", "--unit", "440100")["days"] == 30


@pytest.mark.django_db
def test_unit_of_other_province_falls_back_to_national(guangdong: OrgUnit) -> None:
    make_unit("450000", "另一省人民政府", "province", "45")
    data = run_json("normative.filing", "2025-09-26", "--unit", "450000")
    assert data["days"] == 15
    assert data["region"] is None


@pytest.mark.django_db
def test_unit_applies_only_to_rules_with_a_province_row(guangdong: OrgUnit) -> None:
    data = run_json("reconsideration.acceptance_review", "2025-09-26", "--unit", "440000")
    assert data["due"] == "2025-10-10"
    assert data["region"] is None


@pytest.mark.django_db
def test_rule_for_and_compute_due(guangdong: OrgUnit) -> None:
    assert rule_for("normative.filing").days == 15
    assert rule_for("normative.filing", province="44").days == 30
    assert rule_for("normative.filing", province="45").days == 15
    with pytest.raises(UnknownRule):
        rule_for("no.such.rule")
    result = compute_due(rule_for("reconsideration.decision_ordinary"), dt.date(2025, 8, 5))
    assert result.due.due == dt.date(2025, 10, 9)
    assert result.extended is not None
    assert result.extended.due == dt.date(2025, 11, 10)  # 10/09 (rolled end) + 30 → Sat → Mon
    assert compute_due(rule_for("ogi.correction_notice"), dt.date(2025, 9, 26)).extended is None


# ---- bad input through call_command ------------------------------------------------------------

BAD_INPUT = [
    pytest.param(["no.such.rule", "2025-09-26"], "no.such.rule", id="unknown-rule"),
    pytest.param(["reconsideration.acceptance_review", "2025-13-01"], "2025-13-01", id="month-13"),
    pytest.param(["reconsideration.acceptance_review", "abc"], "abc", id="not-a-date"),
    pytest.param(["reconsideration.acceptance_review", "2025-02-30"], "2025-02-30", id="feb-30"),
    pytest.param(
        ["reconsideration.acceptance_review", "2025-09-26", "--unit", "999999"],
        "999999",
        id="unknown-unit",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("args", "mentioned"), BAD_INPUT)
def test_bad_input_raises_usage_error(args: list[str], mentioned: str) -> None:
    with pytest.raises(CommandError) as info:
        run(*args)
    assert info.value.returncode == 2
    message = str(info.value)
    assert mentioned in message
    assert CJK.search(message)
    assert "\n" not in message


@pytest.mark.django_db
def test_unknown_rule_lists_each_code_once(guangdong: OrgUnit) -> None:
    with pytest.raises(CommandError) as info:
        run("no.such.rule", "2025-09-26")
    listed = str(info.value).split("可用：", 1)[1].rstrip("）").split("、")
    assert len(listed) == len(set(listed))


# ---- bad input through the real console script (exit code, stderr) -----------------------------


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory, migrated_data_dir: Path) -> dict[str, str]:
    """Environment for a `python -m fazhi.cli` subprocess on its own migrated SQLite file (a
    copy of the session's, migrated by the console script: tests/conftest.py)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    data = tmp_path_factory.mktemp("fazhi-cli-data")
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
    done = cli(cli_env, "deadline", "reconsideration.acceptance_review", "2025-09-26")
    assert done.returncode == 0, done.stderr
    assert "2025-10-10" in done.stdout
    assert "《行政复议法(2023)》第三十条" in done.stdout
    assert done.stderr == ""


def test_cli_json(cli_env: dict[str, str]) -> None:
    done = cli(cli_env, "deadline", "reconsideration.acceptance_review", "2025/9/26", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) >= JSON_KEYS
    assert data["due"] == "2025-10-10"
    assert "行政复议" in done.stdout


@pytest.mark.parametrize(
    ("args", "mentioned"),
    [
        pytest.param(["no.such.rule", "2025-09-26"], "no.such.rule", id="unknown-rule"),
        pytest.param(
            ["reconsideration.acceptance_review", "2025-13-01"], "2025-13-01", id="month-13"
        ),
        pytest.param(["reconsideration.acceptance_review", "abc"], "abc", id="not-a-date"),
        pytest.param(
            ["reconsideration.acceptance_review", "2025-02-30"], "2025-02-30", id="feb-30"
        ),
        pytest.param(
            ["reconsideration.acceptance_review", "2025-09-26", "--unit", "999999"],
            "999999",
            id="unknown-unit",
        ),
        pytest.param(["reconsideration.acceptance_review"], "start", id="missing-start"),
        pytest.param([], "rule", id="missing-both"),
        pytest.param(
            ["reconsideration.acceptance_review", "2025-09-26", "--unit"],
            "--unit",
            id="unit-without-value",
        ),
        pytest.param(
            ["reconsideration.acceptance_review", "2025-09-26", "--bogus"],
            "--bogus",
            id="unknown-option",
        ),
    ],
)
def test_cli_bad_input(cli_env: dict[str, str], args: list[str], mentioned: str) -> None:
    done = cli(cli_env, "deadline", *args)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("错误：")
    assert mentioned in lines[0]
    assert CJK.search(lines[0].removeprefix("错误："))
    assert done.stdout == ""


def test_unmigrated_database_gives_one_chinese_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["FAZHI_DATA_DIR"] = str(tmp_path)
    for args in (["audit", "verify"], ["deadline", "ogi.reply", "2025-01-01"]):
        proc = subprocess.run(
            [sys.executable, "-m", "fazhi.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 2
        assert (
            proc.stderr.strip() == "错误：数据库尚未初始化，请先运行 fazhi migrate（或 make demo）"
        )
