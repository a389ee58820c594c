"""Running the worker: ``fazhi jobs_worker`` in its own process, or :func:`start_embedded_worker`
for a server command (``fazhi serve``, ``make demo``) that wants one beside it.

Whatever the backend, the worker first marks failed the jobs whose previous worker died
(:func:`fazhi.jobs.services.jobs_sweep_stale`); the job pages sweep too.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence


def worker_command(extra: Sequence[str] = ()) -> list[str]:
    """The command line of a worker process with this interpreter and these settings."""
    return [sys.executable, "-m", "fazhi.cli", "jobs_worker", *extra]


def start_embedded_worker(
    extra: Sequence[str] = (), *, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start ``fazhi jobs_worker`` as a child process and return its handle: the caller stops
    it with ``terminate()`` (SIGTERM: the current job finishes first) and ``wait()``s for it.
    A worker killed mid-job leaves that job to the stale-heartbeat sweep (marked failed, with
    重试); nothing of its file is written."""
    return subprocess.Popen(worker_command(extra), env={**os.environ, **(env or {})})
