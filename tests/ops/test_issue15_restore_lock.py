"""`fazhi restore` refuses (exit code 2, a Chinese message naming the server) while a `fazhi serve`
of the same data directory runs; ``--force`` overrides; once the server has stopped the restore
runs. The lock is a ``flock`` held by the server's processes (fazhi/ops/runlock.py): a server
killed without cleaning up leaves no stale lock behind."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from tests.ops.test_issue15_backup import _env, _fazhi
from tests.ops.test_issue15_serve import _free_port, _wait_until_up

from fazhi.ops.runlock import (
    INFO_NAME,
    LOCK_NAME,
    PG_LOCK_KEY,
    ServerRunning,
    hold_for_restore,
    hold_for_serve,
)

ROOT = Path(__file__).resolve().parents[2]
REFUSED = "生产服务器（fazhi serve）正在使用"


def _backup(env: dict[str, str], out: Path) -> Path:
    done = _fazhi(env, "backup", "--out", f"{out}/")
    assert done.returncode == 0, done.stderr
    return next(out.glob("fazhi-backup-*.tar.gz"))


@pytest.fixture
def data_and_archive(tmp_path: Path, migrated_data_dir: Path) -> tuple[Path, Path]:
    data = tmp_path / "data"
    shutil.copytree(migrated_data_dir, data)
    (tmp_path / "out").mkdir()
    return data, _backup(_env(data), tmp_path / "out")


def test_restore_refuses_while_serve_runs_then_runs_once_it_stopped(
    tmp_path: Path, data_and_archive: tuple[Path, Path]
) -> None:
    data, archive = data_and_archive
    env = _env(data)
    port = _free_port()
    argv = [sys.executable, "-m", "fazhi.cli", "serve", "--no-collectstatic"]
    argv += ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "1"]
    with (tmp_path / "serve.log").open("w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            argv, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        try:
            _wait_until_up(f"http://127.0.0.1:{port}/accounts/login/", proc, 90)
            refused = _fazhi(env, "restore", str(archive), "--yes")
            assert refused.returncode == 2, refused.stdout + refused.stderr
            assert REFUSED in refused.stderr
            assert f"进程 {proc.pid}" in refused.stderr and f"127.0.0.1:{port}" in refused.stderr
            assert "--force" in refused.stderr
            assert "已恢复" not in refused.stdout
            # gunicorn holds the lock too (inherited): it outlives a supervisor killed hard
            gunicorn = subprocess.run(
                ["pgrep", "-f", f"gunicorn.*127.0.0.1:{port}"],
                capture_output=True,
                text=True,
                check=False,
            ).stdout.split()
            assert gunicorn
            held = {os.readlink(f"/proc/{gunicorn[0]}/fd/{fd}") for fd in _fds(gunicorn[0])}
            assert str(data / LOCK_NAME) in held
        finally:
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=60) == 0
    restored = _fazhi(env, "restore", str(archive), "--yes")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "已恢复数据库" in restored.stdout


def _fds(pid: str) -> list[str]:
    return os.listdir(f"/proc/{pid}/fd")


def test_force_overrides_a_held_lock(data_and_archive: tuple[Path, Path]) -> None:
    data, archive = data_and_archive
    env = _env(data)
    fd = os.open(data / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_SH)  # as a server's process does
    try:
        refused = _fazhi(env, "restore", str(archive), "--yes")
        assert refused.returncode == 2 and REFUSED in refused.stderr
        forced = _fazhi(env, "restore", str(archive), "--yes", "--force")
        assert forced.returncode == 0, forced.stdout + forced.stderr
        assert "警告（--force）" in forced.stderr
        assert "已恢复数据库" in forced.stdout
    finally:
        os.close(fd)


@pytest.mark.django_db
def test_the_lock_between_servers_and_a_restore(tmp_path: Path) -> None:
    first = hold_for_serve(tmp_path, bind="127.0.0.1:8001")
    second = hold_for_serve(tmp_path, bind="127.0.0.1:8002")  # two servers of one data dir
    assert (tmp_path / INFO_NAME).read_text(encoding="utf-8").count("127.0.0.1:8002") == 1
    first.release()
    with pytest.raises(ServerRunning, match=r"127\.0\.0\.1:8002"):
        hold_for_restore(tmp_path)  # one server left
    second.release()
    restore = hold_for_restore(tmp_path)
    with pytest.raises(ServerRunning, match="正在从备份恢复数据"):
        hold_for_serve(tmp_path, bind="127.0.0.1:8001")  # no server starts during a restore
    restore.release()
    hold_for_serve(tmp_path, bind="127.0.0.1:8001").release()
    # a stale serve.pid (a server killed with SIGKILL) does not block: the lock decides
    assert (tmp_path / INFO_NAME).exists()
    hold_for_restore(tmp_path).release()


@pytest.mark.django_db
def test_a_server_on_another_host_is_seen_through_postgresql(tmp_path: Path) -> None:
    """A `fazhi serve` elsewhere (own data directory, same database) holds the advisory lock."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite is one host's file (the flock above covers it)")
    import psycopg

    other = psycopg.connect(**connection.get_connection_params(), autocommit=True)
    try:
        other.execute("SELECT pg_advisory_lock_shared(%s)", [PG_LOCK_KEY])
        with pytest.raises(ServerRunning, match="数据库"):
            hold_for_restore(tmp_path)  # this data directory has no server: the database has
        assert not (tmp_path / INFO_NAME).exists()
        other.execute("SELECT pg_advisory_unlock_all()")  # the other server stops
        restore = hold_for_restore(tmp_path)
        held = other.execute("SELECT pg_try_advisory_lock_shared(%s)", [PG_LOCK_KEY])
        assert held.fetchone() == (False,)  # no server of the database starts during a restore
        restore.release()
        held = other.execute("SELECT pg_try_advisory_lock_shared(%s)", [PG_LOCK_KEY])
        assert held.fetchone() == (True,)
    finally:
        other.close()
