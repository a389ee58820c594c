"""`fazhi seed` and `fazhi demo`: output, exit codes and one-line Chinese errors."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fazhi.demo.management.commands.demo import Command as DemoCommand
from fazhi.demo.management.commands.seed import Command as SeedCommand
from fazhi.orgs.models import OrgUnit

FAZHI = Path(sys.executable).with_name("fazhi")
pytestmark = pytest.mark.usefixtures("no_fillers")


def run(name: str, *args: str) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_county_prints_summary_and_logins() -> None:
    text = run("seed", "--scale", "county", "--seed", "5")
    assert "已生成演示数据（规模：county，随机种子：5）" in text
    assert "湘江县人民政府（430199）及下属共 69 个单位" in text
    assert "政府工作部门 35 个、乡镇街道 30 个" in text
    assert "用户名" in text and "密码" in text
    for username in ("sysadmin", "secadmin", "auditor", "yfzb", "shenhe", "multi"):
        assert username in text
    assert "fazhi-demo-2024" in text
    assert OrgUnit.objects.count() == 69


@pytest.mark.django_db
def test_seed_defaults_to_county() -> None:
    assert "规模：county，随机种子：2024" in run("seed", "--years", "3")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scale", "town"], "参数 --scale 的取值 'town' 无效"),
        (["--seed", "abc"], "参数 --seed 的取值 'abc' 无效"),
    ],
)
def test_seed_bad_arguments_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        SeedCommand().run_from_argv(["fazhi", "seed", *args])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"错误：{message}") and err.count("\n") == 1


@pytest.mark.django_db
def test_seed_years_must_be_positive() -> None:
    with pytest.raises(CommandError, match="参数 --years 至少为 1") as info:
        run("seed", "--years", "0")
    assert info.value.returncode == 2


@pytest.mark.django_db
def test_seed_twice_is_a_usage_error() -> None:
    run("seed")
    with pytest.raises(CommandError, match=r"^演示数据已存在") as info:
        run("seed")
    assert info.value.returncode == 2


def test_seed_province_on_an_empty_database_exits_2_in_a_subprocess(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["FAZHI_DATA_DIR"] = str(tmp_path)
    proc = subprocess.run(
        [str(FAZHI), "seed", "--scale", "province"], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 2
    assert proc.stderr == "错误：数据库尚未初始化，请先运行 fazhi migrate（或使用 fazhi demo）\n"
    assert proc.stdout == ""


@pytest.mark.django_db
def test_demo_no_serve_seeds_an_empty_database_once() -> None:
    first = run("demo", "--no-serve")
    assert "已生成演示数据" in first and "town_clerk" in first
    assert "演示系统已启动" not in first
    assert OrgUnit.objects.count() == 69
    second = run("demo", "--no-serve")
    assert "演示数据已存在，未重复生成" in second
    assert "multi" in second and "湘江县市场监督管理局" in second
    assert OrgUnit.objects.count() == 69


@pytest.mark.django_db
def test_demo_leaves_a_non_demo_database_alone(county: Any) -> None:
    OrgUnit.objects.filter(code="430199").update(code="430100")  # not the demo county
    text = run("demo", "--no-serve")
    assert "非演示数据" in text
    assert not OrgUnit.objects.filter(code="430199").exists()


@pytest.mark.django_db
def test_demo_migrates_then_serves_with_static_files(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def fake_call_command(*args: Any, **kwargs: Any) -> None:
        calls.append((args, kwargs))

    monkeypatch.setattr("fazhi.demo.management.commands.demo.call_command", fake_call_command)
    text = run("demo", "--port", "8123")
    assert "演示系统已启动：http://127.0.0.1:8123" in text
    assert "sysadmin" in text
    assert [c[0] for c in calls] == [("migrate",), ("serve",)]
    assert calls[1][1] == {"bind": "127.0.0.1:8123"}  # gunicorn + the job worker


def test_demo_rejects_a_bad_port(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        DemoCommand().run_from_argv(["fazhi", "demo", "--port", "70000"])
    assert info.value.code == 2
    assert capsys.readouterr().err == "错误：端口 70000 无效，应为 1–65535\n"


@pytest.mark.django_db
def test_seed_on_an_uninitialised_database_says_to_migrate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.db import connection

    monkeypatch.setattr(connection.introspection, "table_names", lambda *a, **k: [])
    with pytest.raises(CommandError, match="数据库尚未初始化，请先运行 fazhi migrate") as info:
        run("seed")
    assert info.value.returncode == 2
