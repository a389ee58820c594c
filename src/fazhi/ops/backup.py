"""`fazhi backup` / `fazhi restore`: one .tar.gz holding the database, the uploaded files (read
and written through Django's storage API) and the keys, with a manifest (docs/DEPLOY.md).

Archive layout::

    manifest.json          format, version, time, database vendor, row counts, audit chain head
    database.sqlite3       SQLite: a consistent copy made with sqlite3's online backup API
    database.pgdump        PostgreSQL: pg_dump --format=custom
    files/<name>           every file of the default storage, under its storage name
    keys/secret_key        the keys in effect (absent with --without-keys)
    keys/field_key
    keys/audit_key

The server may keep running during a backup; a restore replaces the database, the files and the
keys and must run with the server stopped.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage, default_storage
from django.db import connection, connections

FORMAT = 1
MANIFEST = "manifest.json"
KEY_NAMES = ("secret_key", "field_key", "audit_key")
KEY_ENV = {
    "secret_key": "FAZHI_SECRET_KEY",
    "field_key": "FAZHI_FIELD_KEY",
    "audit_key": "FAZHI_AUDIT_KEY",
}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is Chinese and names the cause."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: dict[str, Any]


# --- what is in the database -------------------------------------------------------------


def table_counts() -> dict[str, int]:
    """Rows per table of every installed model (managed, concrete), by table name."""
    counts: dict[str, int] = {}
    existing = set(connection.introspection.table_names())  # a model not yet migrated: none
    for model in apps.get_models():
        meta = model._meta
        if meta.managed and not meta.proxy and not meta.swapped and meta.db_table in existing:
            counts[meta.db_table] = model._default_manager.using("default").count()
    return dict(sorted(counts.items()))


def audit_head() -> dict[str, Any]:
    from fazhi.core.models import AuditHead

    head = AuditHead.objects.filter(id=1).first()
    return {"seq": head.last_seq if head else 0, "hash": head.last_hash if head else ""}


def effective_keys() -> dict[str, str]:
    """The keys in effect (from FAZHI_* variables or the key files), as their file text."""
    return {
        "secret_key": str(settings.SECRET_KEY),
        "field_key": bytes(settings.FIELD_ENCRYPTION_KEY).hex(),
        "audit_key": bytes(settings.AUDIT_CHAIN_KEY).hex(),
    }


def version() -> str:
    try:
        return importlib.metadata.version("fazhi")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


# --- storage ---------------------------------------------------------------------------


def storage_files(storage: Storage, top: str = "") -> Iterator[str]:
    """Every file name under ``top`` in the storage (an absent root holds nothing)."""
    try:
        dirs, files = storage.listdir(top)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in sorted(files):
        yield f"{top}/{name}" if top else name
    for sub in sorted(dirs):
        yield from storage_files(storage, f"{top}/{sub}" if top else sub)


def _safe_member(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"备份文件中的路径 {name!r} 不安全，拒绝恢复")
    return str(path)


# --- database dumps --------------------------------------------------------------------


def _pg_params() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"找不到 PostgreSQL 客户端程序 {name}：请安装与数据库服务器版本一致的 "
            "PostgreSQL 客户端（如 apt install postgresql-client）"
        )
    return found


def _run(argv: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(f"{what}失败：{detail[-1] if detail else done.returncode}")


def dump_database(target: Path) -> None:
    vendor = connection.vendor
    if vendor == "sqlite":
        source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
        copy = sqlite3.connect(str(target))
        try:
            with copy:
                source.backup(copy)  # online backup API: a consistent copy while others write
        finally:
            copy.close()
            source.close()
    elif vendor == "postgresql":
        args, env = _pg_params()
        name = str(settings.DATABASES["default"]["NAME"])
        _run(
            [
                _pg_tool("pg_dump"),
                *args,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(target),
                name,
            ],
            env,
            "pg_dump 导出数据库",
        )
    else:
        raise BackupError(f"不支持备份 {vendor} 数据库")


def load_database(source: Path) -> None:
    vendor = connection.vendor
    connections.close_all()
    if vendor == "sqlite":
        target = Path(str(settings.DATABASES["default"]["NAME"]))
        for suffix in ("-wal", "-shm", "-journal"):  # a stale log would be replayed into it
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        target.unlink(missing_ok=True)
        src = sqlite3.connect(str(source))
        dst = sqlite3.connect(str(target))
        try:
            with dst:
                src.backup(dst)
        finally:
            dst.close()
            src.close()
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        connections.close_all()
        args, env = _pg_params()
        name = str(settings.DATABASES["default"]["NAME"])
        _run(
            [
                _pg_tool("pg_restore"),
                *args,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                name,
                str(source),
            ],
            env,
            "pg_restore 恢复数据库",
        )


# --- backup ----------------------------------------------------------------------------


def archive_path(out: str, now: dt.datetime) -> Path:
    path = Path(out)
    if out.endswith(("/", os.sep)) or path.is_dir():
        path.mkdir(parents=True, exist_ok=True)
        return path / f"fazhi-backup-{now:%Y%m%d-%H%M%S}.tar.gz"
    if not out.endswith((".tar.gz", ".tgz")):
        raise BackupError(f"参数 --out 的文件名 {out} 应以 .tar.gz 结尾（或给出一个目录）")
    if not path.parent.is_dir():
        raise BackupError(f"参数 --out 的目录 {path.parent} 不存在")
    return path


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(mtime)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def make_backup(out: str, *, with_keys: bool, now: dt.datetime) -> BackupResult:
    """Write the archive; the caller audits before (so the copy holds its own audit entry)."""
    path = archive_path(out, now)
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBER:
        raise BackupError(f"不支持备份 {vendor} 数据库")
    storage = default_storage
    with tempfile.TemporaryDirectory(prefix="fazhi-backup-") as tmp:
        dump = Path(tmp) / DATABASE_MEMBER[vendor]
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "version": version(),
            "created_at": now.isoformat(),
            "vendor": vendor,
            "database": DATABASE_MEMBER[vendor],
            "counts": table_counts(),
            "audit_head": audit_head(),
            "keys": with_keys,
        }
        dump_database(dump)
        names = list(storage_files(storage))
        manifest["files"] = len(names)
        stamp = now.timestamp()
        partial = path.with_name(path.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                body = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
                _add_bytes(tar, MANIFEST, body, stamp)
                info = tar.gettarinfo(str(dump), arcname=DATABASE_MEMBER[vendor])
                info.mode = 0o600
                with dump.open("rb") as handle:
                    tar.addfile(info, handle)
                for name in names:
                    info = tarfile.TarInfo(f"files/{name}")
                    info.size = storage.size(name)
                    info.mtime = int(stamp)
                    info.mode = 0o600
                    with storage.open(name, "rb") as handle:
                        tar.addfile(info, handle)
                if with_keys:
                    for key, text in effective_keys().items():
                        _add_bytes(tar, f"keys/{key}", text.encode("utf-8"), stamp)
            partial.replace(path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return BackupResult(path, manifest)


# --- restore ---------------------------------------------------------------------------


def read_manifest(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise BackupError(f"备份文件 {path} 不存在")
    try:
        with tarfile.open(path, "r:gz") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            data = json.loads(member.read().decode("utf-8"))
    except (tarfile.TarError, KeyError, OSError, EOFError, ValueError) as exc:
        raise BackupError(f"{path} 不是本系统的备份文件（无法读取 {MANIFEST}：{exc}）") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(f"{path} 的备份格式不受支持（应为第 {FORMAT} 版）")
    return data


def check_vendor(manifest: dict[str, Any]) -> None:
    source, here = str(manifest.get("vendor")), connection.vendor
    if source != here:
        raise BackupError(
            f"备份来自 {VENDOR_NAMES.get(source, source)} 数据库，而当前系统使用 "
            f"{VENDOR_NAMES.get(here, here)} 数据库：不能恢复到不同类型的数据库。"
            "请在相同类型的数据库上恢复（检查 DATABASE_URL）"
        )


def check_key_variables(keys: dict[str, str]) -> None:
    """A key set in a FAZHI_* variable wins over the key file: it must equal the archived key."""
    for name, text in keys.items():
        configured = os.environ.get(KEY_ENV[name], "").strip()
        if configured and configured.lower() != text.strip().lower():
            raise BackupError(
                f"环境变量 {KEY_ENV[name]} 与备份中的 {name} 不同："
                "恢复后将无法读取数据或校验审计链。"
                f"请把 {KEY_ENV[name]} 改为备份中的值，或取消该变量后重试"
            )


def restore_backup(path: Path, manifest: dict[str, Any]) -> dict[str, int]:
    """Replace the database, the files and the keys with the archive's; returns what was done."""
    storage = default_storage
    with (
        tempfile.TemporaryDirectory(prefix="fazhi-restore-") as tmp,
        tarfile.open(path, "r:gz") as tar,
    ):
        keys: dict[str, str] = {}
        files: list[tarfile.TarInfo] = []
        dump: Path | None = None
        for member in tar:
            name = _safe_member(member.name)
            if not member.isfile():
                continue
            if name == manifest.get("database"):
                dump = Path(tmp) / "database"
                handle = tar.extractfile(member)
                assert handle is not None
                with dump.open("wb") as out:
                    shutil.copyfileobj(handle, out)
            elif name.startswith("keys/") and name[5:] in KEY_NAMES:
                handle = tar.extractfile(member)
                assert handle is not None
                keys[name[5:]] = handle.read().decode("utf-8").strip()
            elif name.startswith("files/"):
                files.append(member)
        if dump is None:
            raise BackupError(f"备份文件 {path} 中没有数据库（{manifest.get('database')}）")
        check_key_variables(keys)
        load_database(dump)
        for old in list(storage_files(storage)):
            storage.delete(old)
        for member in files:
            name = _safe_member(member.name[len("files/") :])
            handle = tar.extractfile(member)
            assert handle is not None
            saved = storage.save(name, File(handle, name=name))
            if saved != name:
                raise BackupError(f"文件 {name} 恢复后名称变为 {saved}，请检查文件存储")
        write_keys(keys)
    return {"files": len(files), "keys": len(keys)}


def write_keys(keys: dict[str, str]) -> None:
    """Key files in the data directory (0600), and the keys of this process."""
    for name, text in keys.items():
        target = Path(settings.DATA_DIR) / name
        target.unlink(missing_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
    if "secret_key" in keys:
        settings.SECRET_KEY = keys["secret_key"]
    if "field_key" in keys:
        settings.FIELD_ENCRYPTION_KEY = bytes.fromhex(keys["field_key"])
    if "audit_key" in keys:
        settings.AUDIT_CHAIN_KEY = bytes.fromhex(keys["audit_key"])
