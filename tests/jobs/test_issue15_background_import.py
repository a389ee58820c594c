"""Issue 15 acceptance: an Excel import runs in the background — a real ``fazhi jobs_worker``
process on the database backend of django-tasks, a real file of 300 rows — while another
client logs in and saves a case: both succeed (no “database is locked”). Killing the worker
mid-import leaves no row of the file; the job is marked failed (stale heartbeat) with 重试, and
the retry, run by a new worker, imports the whole file.

The worker process is the real command against the test database. To stop it at a known point
(a kill must land mid-import, whatever the machine's speed) the process is started through a
small launcher that connects a ``post_save`` receiver to ReconsiderationCase: it can slow each
save down and write a marker file after the N-th save, then wait — inside the import's open
transaction. Runs on SQLite (WAL, IMMEDIATE transactions, 20 s busy timeout) and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from tests.excel.helpers import xlsx
from tests.personas import PASSWORD, County

from fazhi.core.excel import excel_register
from fazhi.jobs.models import Job, State
from fazhi.jobs.services import import_job_submit, jobs_sweep_stale
from fazhi.reconsideration.models import ReconsiderationCase

ROWS = 300
PREFIX = "后台"

LAUNCHER = """
import os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
from django.conf import settings
settings.DATABASES["default"]["NAME"] = sys.argv[1]
import django
django.setup()
from django.db.models.signals import post_save
from fazhi.reconsideration.models import ReconsiderationCase

marker, stop_after, delay = sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
saved = [0]

def hook(sender, instance, created, **kwargs):
    if not created:
        return
    saved[0] += 1
    time.sleep(delay)
    if saved[0] == stop_after:
        open(marker, "w").close()
        time.sleep(600)  # held here, mid-import, until the test kills the process

post_save.connect(hook, sender=ReconsiderationCase, weak=False)
from django.core.management import call_command
call_command("jobs_worker", *sys.argv[5:])
"""


def _rows() -> bytes:
    return xlsx(
        [
            {
                "复议案号": f"{PREFIX}{i:04d}",
                "被申请人": "白沙镇人民政府",
                "申请人类别": "自然人",
                "收到申请日期": "2025-03-03",
                "行政行为类别": "行政处罚",
                "受理情况": "受理",
                "受理日期": "2025-03-05",
                "审理程序": "普通程序",
            }
            for i in range(ROWS)
        ]
    )


@pytest.fixture
def database_backend(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Any]:
    """Start a worker process on the test database; every one still running is killed after."""
    started: list[subprocess.Popen[bytes]] = []

    def start(
        *, stop_after: int = 0, delay: float = 0.0, batch: int = 500, args: tuple[str, ...] = ()
    ) -> tuple[subprocess.Popen[bytes], Path]:
        marker = tmp_path / f"marker-{len(started)}"
        env = {**os.environ, "FAZHI_TASKS_BACKEND": "database", "FAZHI_IMPORT_BATCH": str(batch)}
        env["FAZHI_JOB_HEARTBEAT_SECONDS"] = "1"
        command = [sys.executable, "-c", LAUNCHER, str(connection.settings_dict["NAME"])]
        command += [str(marker), str(stop_after), str(delay), "--interval", "0.2", *args]
        process = subprocess.Popen(command, env=env)
        started.append(process)
        return process, marker

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def _wait(condition: Any, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"等待超时：{what}"
        time.sleep(0.1)


def _imported() -> int:
    return ReconsiderationCase.objects.filter(number__startswith=PREFIX).count()


def _submit(county: County) -> Job:
    job = import_job_submit(
        actor=county.actor("dept_clerk"),
        register=excel_register("reconsideration"),
        data=_rows(),
        file_name="复议台账300行.xlsx",
    )
    assert job.state == State.QUEUED  # queued in the database, not run in the request
    return job


def _state(job: Job) -> str:
    job.refresh_from_db()
    return job.state


@pytest.mark.django_db(transaction=True)
def test_others_keep_working_while_an_import_runs(
    county: County, database_backend: None, start_worker: Any
) -> None:
    job = _submit(county)
    # 50 ms a row (at least 15 s for the file) in batches of 10 records: other writers get the
    # lock between batches (FAZHI_JOB_BATCH_PAUSE_MS on SQLite).
    worker, _ = start_worker(stop_after=-1, delay=0.05, batch=10)
    _wait(lambda: _state(job) == State.RUNNING and _imported() > 0, "导入开始写入")
    began = time.monotonic()
    other = Client()
    login = other.post("/accounts/login/", {"username": "clerk_a", "password": PASSWORD})
    assert login.status_code == 302, "登录失败"
    page = other.get("/reconsideration/cases/")
    assert page.status_code == 200
    from fazhi.reconsideration.services import case_receive

    saved = case_receive(
        actor=county.actor("dept_clerk"),
        unit=county.dept,
        received_on=dt.date(2025, 3, 4),
        act_category="penalty",
        respondent=county.town_a,
        number="并发保存1",
    )
    waited = time.monotonic() - began
    assert saved.pk is not None
    assert _state(job) == State.RUNNING, "导入应仍在进行：并发操作没有等到导入结束"
    assert waited < 15, f"登录和保存用了 {waited:.1f} 秒"
    _wait(lambda: _state(job) == State.DONE, "导入完成")
    assert job.result["created"] == ROWS and job.done == job.total == ROWS
    assert _imported() == ROWS
    assert ReconsiderationCase.objects.filter(number="并发保存1").exists()
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=30) in (0, -signal.SIGTERM)


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_leaves_nothing_and_the_retry_imports_the_file(
    county: County, database_backend: None, start_worker: Any, settings: Any
) -> None:
    job = _submit(county)
    worker, marker = start_worker(stop_after=150)  # one batch of 500: all of it uncommitted
    _wait(marker.exists, "导入写到第 150 行")
    assert _state(job) == State.RUNNING
    worker.kill()  # SIGKILL mid-import: no chance to clean up
    worker.wait(timeout=30)
    assert _imported() == 0  # nothing half-written
    # The job still says 进行中 until its heartbeat is stale; a sweep (a page view, or the next
    # worker's start) marks it failed.
    assert _state(job) == State.RUNNING
    later = timezone.now() + dt.timedelta(seconds=settings.FAZHI_JOB_STALE_SECONDS + 1)
    assert jobs_sweep_stale(now=later) == 1
    assert _state(job) == State.FAILED and job.result["interrupted"] is True
    clerk = county.client("dept_clerk")
    page = clerk.get(f"/jobs/{job.pk}/").content.decode()
    assert "后台进程中断，本次未写入任何数据" in page and 'id="retry-form"' in page
    assert clerk.post(f"/jobs/{job.pk}/retry/").status_code == 302
    assert _state(job) == State.QUEUED
    retry, _ = start_worker(args=("--batch",))  # runs what is queued, then exits
    assert retry.wait(timeout=300) == 0
    assert _state(job) == State.DONE and job.attempts == 2
    assert _imported() == ROWS
    assert "导入完成：新增 300 件" in clerk.get(f"/jobs/{job.pk}/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_after_committed_batches_has_them_undone(
    county: County, database_backend: None, start_worker: Any, settings: Any
) -> None:
    """Batches of 50 records each commit (short transactions); killed in the third batch, the
    worker leaves two batches written — the job's journal names them, and the sweep that marks
    the job failed undoes them (audited), before 重试 imports the whole file again."""
    job = _submit(county)
    worker, marker = start_worker(stop_after=120, batch=50)
    _wait(marker.exists, "导入写到第 120 行")
    worker.kill()
    worker.wait(timeout=30)
    assert _imported() == 100  # two batches committed before the kill
    job.refresh_from_db()
    assert len(job.journal["created"]["reconsideration.ReconsiderationCase"]) == 100
    later = timezone.now() + dt.timedelta(seconds=settings.FAZHI_JOB_STALE_SECONDS + 1)
    assert jobs_sweep_stale(now=later) == 1
    assert _imported() == 0  # nothing half-written
    assert _state(job) == State.FAILED and job.journal == {}
    from fazhi.core.models import AuditEntry

    assert AuditEntry.objects.filter(action="import.compensate").count() == 1
    assert jobs_sweep_stale(now=later) == 0  # once
    assert county.client("dept_clerk").post(f"/jobs/{job.pk}/retry/").status_code == 302
    retry, _ = start_worker(args=("--batch",), batch=50)
    assert retry.wait(timeout=300) == 0
    assert _state(job) == State.DONE and job.journal == {}
    assert _imported() == ROWS
