"""The run lock between `fazhi serve` and `fazhi restore` (docs/DEPLOY.md “备份与恢复”).

A restore replaces the database, the uploaded files and the keys under a running server, whose
processes would go on with their old keys, cached connections and half-replaced files. So:

- `fazhi serve` holds a **shared** ``flock`` on ``<FAZHI_DATA_DIR>/serve.lock`` for as long as
  any of its processes lives: the supervisor opens it and passes the descriptor to gunicorn (its
  workers inherit it) and to the job worker, so the lock outlives neither the processes nor a
  crash (the kernel drops it with the last descriptor: no stale pid file to clean up after a
  ``kill -9``). Several `fazhi serve` of one data directory may run side by side.
- On PostgreSQL it also holds a shared session-level advisory lock (:data:`PG_LOCK_KEY`) on the
  database itself, so app servers on *other hosts* (their own data directories, one database)
  are seen too, as long as their supervisor's connection lives.
- `fazhi restore` takes both **exclusively** (without waiting) for the whole restore; either
  failing means a server is running, and it refuses (exit code 2) unless ``--force``. A
  `fazhi serve` started during a restore refuses to start.

``serve.pid`` beside the lock names the last server started (process id, address, database,
time) for the message; it is information only: the locks decide.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection

LOCK_NAME = "serve.lock"
INFO_NAME = "serve.pid"
#: The advisory lock key on PostgreSQL (bigint): b"fazhiSRV" read as a signed 64-bit integer.
PG_LOCK_KEY = int.from_bytes(b"fazhiSRV", "big", signed=True)

RUNNING_MESSAGE = (
    "生产服务器（fazhi serve）正在使用{where}，不能恢复：恢复会替换数据库、文件和密钥，"
    "运行中的服务会继续使用旧的密钥和连接。请先停止服务（如 systemctl stop fazhi），"
    "再执行 fazhi restore；确认服务已全部停止而仍有此提示时，可加 --force 强制恢复。"
)
RESTORING_MESSAGE = (
    "正在从备份恢复数据（fazhi restore），暂不能启动服务；请等恢复完成后再执行 fazhi serve。"
)


class ServerRunning(Exception):
    """A server (or, for `fazhi serve`, a restore) holds the lock; the message is Chinese."""


@dataclass
class RunLock:
    """A held lock: the open lock file and, on PostgreSQL, whether the advisory lock is held."""

    fd: int
    advisory: bool = False
    info: dict[str, Any] = field(default_factory=dict)

    def release(self) -> None:
        if self.advisory:
            _pg_unlock()
            self.advisory = False
        if self.fd >= 0:
            os.close(self.fd)  # closing the last descriptor drops the flock
            self.fd = -1


def _open(data_dir: Path) -> int:
    return os.open(data_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)


def _flock(fd: int, mode: int) -> bool:
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _pg_try(function: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [PG_LOCK_KEY])
        row = cursor.fetchone()
    return bool(row and row[0])


def _pg_unlock() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock_all()")
    except Exception:  # noqa: BLE001 - a lost connection has released it already
        pass


def server_info(data_dir: Path) -> dict[str, Any]:
    """What ``serve.pid`` says about the last server started ({} if nothing readable)."""
    try:
        data = json.loads((data_dir / INFO_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def database_label() -> str:
    """The database a server of this configuration uses (no password)."""
    cfg = connection.settings_dict
    if connection.vendor == "sqlite":
        return str(cfg["NAME"])
    host, port = cfg.get("HOST") or "localhost", cfg.get("PORT") or ""
    return f"{connection.vendor}://{host}:{port}/{cfg['NAME']}"


def hold_for_serve(data_dir: Path, *, bind: str) -> RunLock:
    """Take the shared lock for a server; raises :class:`ServerRunning` during a restore."""
    fd = _open(data_dir)
    if not _flock(fd, fcntl.LOCK_SH):
        os.close(fd)
        raise ServerRunning(RESTORING_MESSAGE)
    lock = RunLock(fd)
    if _is_postgres():
        if not _pg_try("pg_try_advisory_lock_shared"):
            lock.release()
            raise ServerRunning(RESTORING_MESSAGE)
        lock.advisory = True
    lock.info = {
        "pid": os.getpid(),
        "bind": bind,
        "database": database_label(),
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    (data_dir / INFO_NAME).write_text(json.dumps(lock.info, ensure_ascii=False), encoding="utf-8")
    return lock


def hold_for_restore(data_dir: Path) -> RunLock:
    """Take the lock exclusively for a restore; raises :class:`ServerRunning` (its message
    names the server) while a `fazhi serve` of this data directory or database runs."""
    fd = _open(data_dir)
    if not _flock(fd, fcntl.LOCK_EX):
        os.close(fd)
        info = server_info(data_dir)
        where = f"数据目录 {data_dir}"
        if info:
            pid, bind, started = info.get("pid"), info.get("bind"), info.get("started_at")
            where += f"（进程 {pid}，监听 {bind}，{started} 启动）"
        raise ServerRunning(RUNNING_MESSAGE.format(where=where))
    lock = RunLock(fd)
    if _is_postgres():
        if not _pg_try("pg_try_advisory_lock"):
            lock.release()
            raise ServerRunning(RUNNING_MESSAGE.format(where=f"数据库 {database_label()}"))
        lock.advisory = True  # held while the restore runs: no server of this database starts
    return lock
