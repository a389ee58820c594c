"""`fazhi backup` → wipe → `fazhi restore` on SQLite and on PostgreSQL, through the real console
script: the same rows (counts per table and sample rows), the same files, the same keys and the
same `fazhi audit verify` result; the backup and the restore are in the audit chain."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The PostgreSQL server of DATABASE_URL when the suite runs on PostgreSQL, else the local one; the
# test owns (creates, then drops) a database of its own there.
_SERVER = urllib.parse.urlsplit(
    os.environ["DATABASE_URL"]
    if os.environ.get("DATABASE_URL", "").startswith("postgres")
    else "postgres://postgres@127.0.0.1:5432/postgres"
)
PG_NAME = f"fazhi_issue15_backup_{os.getpid()}"
PG_URL = urllib.parse.urlunsplit(_SERVER._replace(path=f"/{PG_NAME}"))

SEED = """
import django; django.setup()
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from tests.personas import build_county
build_county()
default_storage.save("plans/evidence/2026/01/a1.pdf", ContentFile(b"%PDF-1.4 evidence one"))
default_storage.save("plans/evidence/2026/02/b2.docx", ContentFile(b"PK docx two" * 1000))
"""

STATE = """
import django, hashlib, json; django.setup()
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.conf import settings
from fazhi.core.models import AuditEntry
from fazhi.ops.backup import storage_files, table_counts
from fazhi.orgs.models import Membership, OrgUnit
files = {n: hashlib.sha256(default_storage.open(n).read()).hexdigest()
         for n in storage_files(default_storage)}
print(json.dumps({
    "counts": table_counts(),
    "users": sorted(User.objects.values_list("username", "password", "is_active")),
    "units": sorted(OrgUnit.objects.values_list("code", "name", "path")),
    "memberships": sorted(Membership.objects.values_list("user__username", "unit__code", "role")),
    "audit": list(AuditEntry.objects.order_by("seq").values_list("seq", "action", "hash")),
    "files": files,
    "keys": [settings.SECRET_KEY, settings.FIELD_ENCRYPTION_KEY.hex(),
             settings.AUDIT_CHAIN_KEY.hex()],
}, default=str))
"""


def _env(data_dir: Path, database_url: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "FAZHI_"))}
    env |= {
        "FAZHI_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "fazhi.settings",
        "PYTHONIOENCODING": "utf-8",
        "PYTHONPATH": str(ROOT),
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _run(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        env=env,
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )


def _fazhi(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return _run(env, "-m", "fazhi.cli", *args)


def _state(env: dict[str, str]) -> dict[str, Any]:
    done = _run(env, "-c", STATE)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def _verify(env: dict[str, str]) -> dict[str, Any]:
    done = _fazhi(env, "audit", "verify", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    return dict(json.loads(done.stdout))


def _round_trip(env: dict[str, str], data_dir: Path, wipe_database: Any, out: Path) -> None:
    seeded = _run(env, "-c", SEED)
    assert seeded.returncode == 0, seeded.stderr
    backup = _fazhi(env, "backup", "--out", f"{out}/")
    assert backup.returncode == 0, backup.stderr
    assert "已备份到" in backup.stdout and "2 个文件" in backup.stdout
    assert "备份文件含有系统密钥" in backup.stderr  # the warning
    archive = next(out.glob("fazhi-backup-*.tar.gz"))
    assert archive.stat().st_mode & 0o077 == 0  # readable by its owner only
    before, verified_before = _state(env), _verify(env)
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        assert {"keys/secret_key", "keys/field_key", "keys/audit_key"} <= set(tar.getnames())
    assert manifest["audit_head"]["seq"] == before["audit"][-1][0]
    assert manifest["counts"]["auth_user"] == len(before["users"])

    # Without confirmation (no terminal, no --yes): refused, nothing touched.
    refused = _fazhi(env, "restore", str(archive))
    assert refused.returncode == 2
    assert "未确认，未做任何更改" in refused.stderr

    # Wipe: database, uploaded files, keys.
    wipe_database()
    shutil.rmtree(data_dir)
    data_dir.mkdir()
    restored = _fazhi(env, "restore", str(archive), "--yes")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "已恢复数据库、2 个文件和 3 个密钥" in restored.stdout
    assert "审计日志完整" in restored.stdout

    after, verified_after = _state(env), _verify(env)
    for key in ("users", "units", "memberships", "files", "keys"):
        assert after[key] == before[key], key
    assert after["files"] and len(after["files"]) == 2
    # Every table holds what it held, except the audit chain: one more entry, the restore's.
    moved = {"core_auditentry", "core_audithead", "django_migrations"}
    assert {k: v for k, v in after["counts"].items() if k not in moved} == {
        k: v for k, v in before["counts"].items() if k not in moved
    }
    assert after["audit"][: len(before["audit"])] == before["audit"]
    assert [a[1] for a in after["audit"][len(before["audit"]) :]] == ["ops.restore"]
    assert "ops.backup" in [a[1] for a in before["audit"]]
    assert verified_before["ok"] and verified_after["ok"]
    assert verified_after["checked"] == verified_before["checked"] + 1


def test_backup_wipe_restore_on_sqlite(tmp_path: Path, migrated_data_dir: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(migrated_data_dir, data)
    _round_trip(_env(data), data, lambda: None, tmp_path)


def _psql_argv() -> tuple[list[str], dict[str, str]]:
    argv = ["psql", "-h", _SERVER.hostname or "127.0.0.1", "-p", str(_SERVER.port or 5432)]
    argv += ["-U", urllib.parse.unquote(_SERVER.username or "postgres"), "-d", "postgres"]
    env = dict(os.environ)
    if _SERVER.password:
        env["PGPASSWORD"] = urllib.parse.unquote(_SERVER.password)
    return argv, env


def _postgres_ready() -> str:
    for tool in ("pg_dump", "pg_restore", "psql"):
        if shutil.which(tool) is None:
            return f"{tool} 不在本机（PostgreSQL 客户端未安装）"
    argv, env = _psql_argv()
    done = subprocess.run(
        [*argv, "-Atc", "select 1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    return "" if done.returncode == 0 else f"PostgreSQL {_SERVER.hostname} 不可用：{done.stderr}"


def _psql(sql: str) -> None:
    argv, env = _psql_argv()
    subprocess.run([*argv, "-q", "-c", sql], env=env, capture_output=True, timeout=60, check=True)


@pytest.fixture
def pg_database() -> Iterator[None]:
    reason = _postgres_ready()
    if reason:
        pytest.skip(reason)
    _psql(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
    _psql(f"CREATE DATABASE {PG_NAME}")
    yield
    _psql(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")


def test_backup_wipe_restore_on_postgresql(tmp_path: Path, pg_database: None) -> None:
    data = tmp_path / "data"
    data.mkdir()
    env = _env(data, PG_URL)
    migrated = _fazhi(env, "migrate", "--noinput", "-v0")
    assert migrated.returncode == 0, migrated.stderr

    def wipe() -> None:
        _psql(f"DROP DATABASE {PG_NAME} WITH (FORCE)")
        _psql(f"CREATE DATABASE {PG_NAME}")

    _round_trip(env, data, wipe, tmp_path)


def test_restore_refuses_an_archive_of_another_vendor(
    tmp_path: Path, migrated_data_dir: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(migrated_data_dir, data)
    archive = tmp_path / "pg.tar.gz"
    body = json.dumps({"format": 1, "vendor": "postgresql", "database": "database.pgdump"})
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(body.encode())
        tar.addfile(info, io.BytesIO(body.encode()))
    done = _fazhi(_env(data), "restore", str(archive), "--yes")
    assert done.returncode == 2
    assert "备份来自 PostgreSQL 数据库，而当前系统使用 SQLite 数据库" in done.stderr


def test_restore_refuses_a_file_that_is_not_a_backup(
    tmp_path: Path, migrated_data_dir: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(migrated_data_dir, data)
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar")
    done = _fazhi(_env(data), "restore", str(junk), "--yes")
    assert done.returncode == 2
    assert "不是本系统的备份文件" in done.stderr
    missing = _fazhi(_env(data), "restore", str(tmp_path / "none.tar.gz"), "--yes")
    assert "不存在" in missing.stderr


def test_backup_without_keys_and_a_bad_out(tmp_path: Path, migrated_data_dir: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(migrated_data_dir, data)
    target = tmp_path / "b.tar.gz"
    done = _fazhi(_env(data), "backup", "--out", str(target), "--without-keys")
    assert done.returncode == 0, done.stderr
    assert "不含密钥" in done.stdout and "含有系统密钥" not in done.stderr
    with tarfile.open(target) as tar:
        assert not [n for n in tar.getnames() if n.startswith("keys/")]
    bad = _fazhi(_env(data), "backup", "--out", str(tmp_path / "b.zip"))
    assert bad.returncode == 2 and ".tar.gz" in bad.stderr
