"""Issue 15 item 2 through the real queue: a large register export and the batch drafting of
annual reports, queued in the database (django-tasks-db) and run by a real ``fazhi jobs_worker``
process on the test database — the export's file, written by the worker through the storage API,
downloads with the same rows as the immediate export; the drafting's progress is visible per
unit while it runs (the worker's reporter thread), and its result lists every unit.

The worker is started through a small launcher that points it at the test database and slows
each report's save down (a ``post_save`` receiver), so that the progress can be watched."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from openpyxl import load_workbook
from tests.metrics.builders import lawsuit
from tests.personas import County

from fazhi.core.registers import register_named
from fazhi.jobs.models import Job, State
from fazhi.reports import selectors
from fazhi.reports.job_kinds import drafts_submit
from fazhi.reports.models import AnnualReport

LAUNCHER = """
import os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
from django.conf import settings
settings.DATABASES["default"]["NAME"] = sys.argv[1]
import django
django.setup()
from django.db.models.signals import post_save
from fazhi.reports.models import AnnualReport

delay = float(sys.argv[2])

def slow(sender, instance, created, **kwargs):
    if created:
        time.sleep(delay)

post_save.connect(slow, sender=AnnualReport, weak=False)
from django.core.management import call_command
call_command("jobs_worker", *sys.argv[3:])
"""


@pytest.fixture
def database_backend(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    settings.FAZHI_EXPORT_JOB_ROWS = 2


@pytest.fixture
def worker() -> Iterator[Any]:
    started: list[subprocess.Popen[bytes]] = []

    def start(delay: float = 0.0) -> subprocess.Popen[bytes]:
        env = {**os.environ, "FAZHI_TASKS_BACKEND": "database"}
        env["FAZHI_JOB_HEARTBEAT_SECONDS"] = "1"
        name = str(connection.settings_dict["NAME"])
        command = [sys.executable, "-c", LAUNCHER, name, str(delay)]
        process = subprocess.Popen([*command, "--batch", "--interval", "0.2"], env=env)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def _wait(condition: Any, what: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"等待超时：{what}"
        time.sleep(0.1)


def _job(pk: int) -> Job:
    return Job.objects.get(pk=pk)


@pytest.mark.django_db(transaction=True)
def test_an_export_through_the_database_queue(
    county: County, database_backend: None, worker: Any
) -> None:
    for day in range(1, 6):
        lawsuit(county.town_a, filed_on=dt.date(2025, 3, day))
    lawsuit(county.town_b, filed_on=dt.date(2025, 3, 9))
    client = county.client("clerk_a")
    response = client.post("/litigation/cases/export.xlsx?year=2025")
    assert response.status_code == 302
    job = Job.objects.get(kind="export")
    assert job.state == State.QUEUED  # queued in the database, not run in the request
    process = worker()
    _wait(lambda: _job(job.pk).finished, "导出完成")
    assert process.wait(timeout=60) == 0  # --batch: the queue is empty, the worker exits
    job.refresh_from_db()
    assert job.state == State.DONE, job.message
    assert job.result["count"] == 5 and job.done == job.total == 5
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    rows = list(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))
    register = register_named("litigation")
    scope = register.filtered(county.actor("clerk_a"), {"year": "2025"}, "")
    same = register.export_xlsx(scope)
    assert rows == list(load_workbook(io.BytesIO(same)).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 1 + 5


@pytest.mark.django_db(transaction=True)
def test_batch_drafting_through_the_database_queue_reports_each_unit(
    county: County, database_backend: None, worker: Any
) -> None:
    coordinator = county.actor("coordinator")
    units = selectors.reporting_units(coordinator)
    job = drafts_submit(actor=coordinator, year=2025)
    assert job.state == State.QUEUED
    process = worker(delay=1.5)  # each report's save takes 1.5 s: the progress can be seen
    seen: set[int] = set()

    def progressed() -> bool:
        current = _job(job.pk)
        if current.state == State.RUNNING and 0 < current.done < current.total:
            seen.add(current.done)
        return current.finished

    _wait(progressed, "批量起草完成")
    assert process.wait(timeout=60) == 0
    job.refresh_from_db()
    assert job.state == State.DONE, job.message
    assert seen, "运行中应能看到逐个单位的进度"
    assert job.total == len(units) and job.done == len(units)
    assert {e["code"] for e in job.result["drafted"]} == {u.code for u in units}
    assert AnnualReport.objects.filter(year=2025).count() == len(units)
