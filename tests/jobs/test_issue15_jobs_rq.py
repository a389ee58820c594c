"""Issue 15 item 2: the same import job through the Redis backend (FAZHI_TASKS_BACKEND=rq:
django-tasks-rq on Redis at 127.0.0.1:6379), with no code change — only the TASKS setting.

An RQ worker (rq's SimpleWorker, in this process, burst mode) takes the job from a real Redis
queue. Skipped, saying so, when Redis does not answer — except in CI, which has Redis."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from tests.excel.helpers import xlsx
from tests.personas import County

from fazhi.core.excel import excel_register
from fazhi.jobs.models import Job, State
from fazhi.jobs.services import import_job_submit
from fazhi.litigation.models import LitigationCase

REDIS = ("127.0.0.1", 6379)
URL = "redis://127.0.0.1:6379/15"  # a database of its own, emptied before and after


def _redis_up() -> bool:
    try:
        socket.create_connection(REDIS, timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture
def rq_backend(settings: Any) -> Iterator[Any]:
    if not _redis_up():
        if os.environ.get("CI"):
            pytest.fail("CI 应提供 Redis（127.0.0.1:6379），但无法连接")
        pytest.skip("Redis（127.0.0.1:6379）无法连接：跳过 RQ 后端的测试（CI 中必须运行）")
    import django_rq

    settings.RQ_QUEUES = {"default": {"URL": URL, "DEFAULT_TIMEOUT": 600}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.backend.RQBackend"}}
    queue = django_rq.get_queue("default")
    queue.connection.flushdb()
    yield queue
    queue.connection.flushdb()


@pytest.mark.django_db(transaction=True)
def test_an_import_job_runs_through_redis(county: County, rq_backend: Any) -> None:
    from django_tasks_rq.backend import Job as RQJob
    from rq import SimpleWorker

    rows = [
        {"案号": f"红{i}", "法院": "湘江县人民法院", "审级": "一审", "被告": "白沙镇人民政府",
         "立案日期": "2025-03-03"}
        for i in range(20)
    ]  # fmt: skip
    job = import_job_submit(
        actor=county.actor("clerk_a"),
        register=excel_register("litigation"),
        data=xlsx(rows),
        file_name="应诉.xlsx",
    )
    assert job.state == State.QUEUED and rq_backend.count == 1  # waiting in Redis
    assert job.task_id in rq_backend.job_ids
    worker = SimpleWorker([rq_backend], connection=rq_backend.connection, job_class=RQJob)
    assert worker.work(burst=True)
    job = Job.objects.get(pk=job.pk)
    assert job.state == State.DONE, job.message
    assert job.result["created"] == 20
    assert LitigationCase.objects.filter(number__startswith="红").count() == 20
    page = county.client("clerk_a").get(f"/jobs/{job.pk}/").content.decode()
    assert "导入完成：新增 20 件" in page
