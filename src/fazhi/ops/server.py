"""`fazhi serve`: gunicorn with the project's WSGI app, plus the background-job worker, both
child processes of one supervisor that stops them together (docs/DEPLOY.md).

The supervisor forwards SIGTERM/SIGINT to gunicorn (graceful: requests in flight finish) and to
the worker, restarts a worker that died (at most once per ``RESTART_PAUSE`` seconds), and exits
with gunicorn's status when gunicorn ends.
"""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType

#: At most this many gunicorn workers by default: beyond it a 2-core county server only queues.
MAX_DEFAULT_WORKERS = 8
#: Seconds between two restarts of a background-job worker that keeps dying.
RESTART_PAUSE = 5.0
#: Seconds gunicorn and the worker get to finish after SIGTERM before they are killed.
STOP_GRACE = 30.0
#: The access log: client, method, path without the query string, status, bytes, milliseconds.
#: No query string, referrer or user agent: nothing that could carry personal data.
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'


def default_workers(cpus: int | None = None) -> int:
    """2 × CPU + 1, at most :data:`MAX_DEFAULT_WORKERS`."""
    count = cpus if cpus is not None else (os.cpu_count() or 1)
    return min(2 * count + 1, MAX_DEFAULT_WORKERS)


def parse_bind(text: str) -> str:
    """``HOST:PORT`` or ``unix:/path``; raises ValueError with a Chinese message."""
    if text.startswith("unix:") and len(text) > len("unix:"):
        return text
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ValueError(f"监听地址 {text} 无效，应为 主机:端口（如 127.0.0.1:8000）或 unix:/路径")
    return text


@dataclass(frozen=True)
class ServeConfig:
    bind: str
    workers: int
    threads: int
    timeout: int


def gunicorn_argv(config: ServeConfig) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "fazhi.wsgi:application",
        "--bind",
        config.bind,
        "--workers",
        str(config.workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(config.threads),
        "--timeout",
        str(config.timeout),
        "--graceful-timeout",
        str(int(STOP_GRACE) - 5),
        "--max-requests",
        "2000",  # recycle workers now and then (memory held by large pages)
        "--max-requests-jitter",
        "200",
        "--access-logfile",
        "-",
        "--access-logformat",
        ACCESS_LOG_FORMAT,
        "--error-logfile",
        "-",
        "--no-control-socket",
        "--name",
        "fazhi",
    ]


# 后台任务进程: the jobs app's worker (`fazhi jobs_worker`, fazhi/jobs/worker.py), run and
# restarted by the supervisor below. Without the jobs app, serve runs the web server alone.
WORKER_MODULE = "fazhi.jobs.worker"


def worker_argv() -> list[str] | None:
    """The background-job worker's command line, or None when no jobs app is installed."""
    try:
        module = importlib.import_module(WORKER_MODULE)
    except ImportError:
        return None
    command = getattr(module, "worker_command", None)
    return list(command()) if callable(command) else None


class Supervisor:
    """Runs gunicorn and the worker; stops both on SIGTERM/SIGINT or when gunicorn ends."""

    def __init__(
        self,
        web: list[str],
        worker: list[str] | None,
        *,
        say: Callable[[str], None],
        poll: float = 0.5,
        keep_fds: tuple[int, ...] = (),
    ) -> None:
        self.web_argv = web
        #: descriptors the children inherit: the run lock (fazhi/ops/runlock.py), so that it is
        #: held for as long as any server process lives
        self.keep_fds = keep_fds
        self.worker_argv = worker
        self.say = say
        self.poll = poll
        self.stopping = False
        self.web: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.worker_started = 0.0

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True

    def _start_worker(self) -> None:
        if self.worker_argv is None:
            return
        self.worker = subprocess.Popen(self.worker_argv, pass_fds=self.keep_fds)
        self.worker_started = time.monotonic()

    def run(self) -> int:
        previous = {
            sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            # the server links the hashed static names that serve's collectstatic just wrote
            env = {"FAZHI_STATIC_HASHED": "true", **os.environ}
            self.web = subprocess.Popen(self.web_argv, env=env, pass_fds=self.keep_fds)
            self._start_worker()
            while not self.stopping:
                if self.web.poll() is not None:
                    break
                self._watch_worker()
                time.sleep(self.poll)
            return self._stop()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _watch_worker(self) -> None:
        if self.worker is None or self.worker.poll() is None:
            return
        if time.monotonic() - self.worker_started < RESTART_PAUSE:
            return
        self.say(f"后台任务进程已退出（状态 {self.worker.returncode}），正在重新启动……")
        self._start_worker()

    def _stop(self) -> int:
        running = [p for p in (self.web, self.worker) if p is not None and p.poll() is None]
        for proc in running:
            proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        for proc in running:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        assert self.web is not None
        code = self.web.returncode
        return 0 if self.stopping or code is None else code
