"""Issue 15 item 2: the 后台任务 pages (list, progress/result page, JSON status, 重试) — who sees
what (role × in/out of the subtree), the stale-heartbeat sweep and the retry that follows it.

Jobs run in the request here (the immediate backend, tests/conftest.py); the worker processes
are tested in test_issue15_background_import.py and test_issue15_jobs_rq.py."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone
from tests.excel.helpers import xlsx
from tests.personas import PASSWORD, County

from fazhi.core.excel import excel_register
from fazhi.jobs.models import Job, State
from fazhi.jobs.services import import_job_submit, jobs_sweep_stale
from fazhi.litigation.models import LitigationCase
from fazhi.orgs.models import Membership
from fazhi.orgs.roles import Role

pytestmark = pytest.mark.django_db

ROWS = [
    {"案号": f"任{i}", "法院": "湘江县人民法院", "审级": "一审", "被告": "白沙镇人民政府",
     "立案日期": "2025-03-03"}
    for i in (1, 2, 3)
]  # fmt: skip


def _job(county: County, persona: str = "clerk_a", **fields: Any) -> Job:
    """A queued import job of ``persona`` with its file stored (not run)."""
    membership = county.memberships[persona]
    stored = default_storage.save("jobs/test.xlsx", ContentFile(xlsx(ROWS)))
    values: dict[str, Any] = {
        "kind": "import",
        "register": "litigation",
        "title": "导入行政应诉台账",
        "created_by": membership.user,
        "membership": membership,
        "unit": membership.unit,
        "file_name": "应诉.xlsx",
        "file_path": stored,
        **fields,
    }
    return Job.objects.create(**values)


def _sysadmin_of_town_b(county: County) -> Client:
    user = User.objects.create_user("town_b_admin", password=PASSWORD, last_name="黄金管")
    Membership.objects.create(user=user, unit=county.town_b, role=Role.SYSADMIN)
    client = Client()
    assert client.login(username="town_b_admin", password=PASSWORD)
    return client


def test_submit_runs_the_import_and_the_result_page_shows_it(county: County) -> None:
    actor = county.actor("clerk_a")
    job = import_job_submit(
        actor=actor, register=excel_register("litigation"), data=xlsx(ROWS), file_name="应诉.xlsx"
    )
    assert job.state == State.DONE and job.attempts == 1
    assert job.result["created"] == 3 and job.result["ok"] is True
    assert job.started_at and job.finished_at and job.finished_at >= job.started_at
    assert LitigationCase.objects.filter(number__startswith="任").count() == 3
    assert not default_storage.exists(job.file_path)  # a finished import's upload is removed
    page = county.client("clerk_a").get(f"/jobs/{job.pk}/").content.decode()
    assert "导入完成：新增 3 件" in page
    assert 'href="/litigation/cases/"' in page  # 查看台账
    assert '<progress id="job-bar" max="' in page
    assert "job_progress.js" in page
    assert not re.search(r"\sstyle=", page)  # CSP: no inline style
    assert "<script>" not in page  # CSP: no inline script
    assert "重试" not in page


def test_row_errors_are_listed_and_nothing_is_written(county: County) -> None:
    bad = [ROWS[0], {**ROWS[1], "立案日期": "2025-13-40"}, {**ROWS[2], "被告": "不存在的单位"}]
    job = import_job_submit(
        actor=county.actor("clerk_a"),
        register=excel_register("litigation"),
        data=xlsx(bad),
        file_name="应诉.xlsx",
    )
    assert job.state == State.FAILED
    assert [e["row"] for e in job.result["errors"]] == [3, 4]
    assert not LitigationCase.objects.filter(number__startswith="任").exists()
    page = county.client("clerk_a").get(f"/jobs/{job.pk}/").content.decode()
    assert "导入失败：发现 2 处错误，未写入任何数据" in page
    assert "第 3 行" in page and "第 4 行" in page and 'id="import-errors"' in page
    assert "重试" not in page  # a file with errors is fixed and uploaded again, not retried


@pytest.mark.parametrize(
    ("viewer", "sees"),
    [
        ("clerk_a", True),  # the submitter
        ("sysadmin", True),  # 系统管理员 of the county: the job's unit is in the subtree
        ("town_b_admin", False),  # 系统管理员 of another township: out of the subtree
        ("coordinator_a", False),  # same unit, not the submitter
        ("leader_a", False),
        ("clerk_b", False),
        ("coordinator", False),  # above, but not an administrator: own jobs only
        ("auditor", False),
        ("secadmin", False),
    ],
)
def test_who_sees_a_job(county: County, viewer: str, sees: bool) -> None:
    job = _job(county)
    client = _sysadmin_of_town_b(county) if viewer == "town_b_admin" else county.client(viewer)
    detail = client.get(f"/jobs/{job.pk}/")
    status = client.get(f"/jobs/{job.pk}/status/")
    listing = client.get("/jobs/")
    assert listing.status_code == 200
    if sees:
        assert detail.status_code == 200 and status.status_code == 200
        assert f'href="/jobs/{job.pk}/"' in listing.content.decode()
        assert status.json() | {"percent": 0} == {
            "state": "queued",
            "state_label": "排队中",
            "done": 0,
            "total": 0,
            "percent": 0,
            "message": "",
            "finished": False,
        }
    else:
        assert detail.status_code == 404 and status.status_code == 404
        assert f'href="/jobs/{job.pk}/"' not in listing.content.decode()


def test_anonymous_is_sent_to_login(county: County) -> None:
    job = _job(county)
    for url in ("/jobs/", f"/jobs/{job.pk}/", f"/jobs/{job.pk}/status/"):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login" in response["Location"]
    assert Client().post(f"/jobs/{job.pk}/retry/").status_code == 302


def test_a_dead_workers_job_is_marked_failed_and_retried(county: County, settings: Any) -> None:
    settings.FAZHI_JOB_STALE_SECONDS = 60
    long_ago = timezone.now() - dt.timedelta(seconds=61)
    job = _job(county, state=State.RUNNING, started_at=long_ago, heartbeat_at=long_ago, attempts=1)
    fresh = _job(county, state=State.RUNNING, started_at=long_ago, heartbeat_at=timezone.now())
    client = county.client("clerk_a")
    page = client.get(f"/jobs/{job.pk}/").content.decode()  # the page sweeps
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.state == State.FAILED and fresh.state == State.RUNNING
    assert "后台进程中断，本次未写入任何数据" in page and 'id="retry-form"' in page
    assert not LitigationCase.objects.filter(number__startswith="任").exists()
    # Only the submitter may retry; the 系统管理员 who sees it may not.
    assert county.client("sysadmin").post(f"/jobs/{job.pk}/retry/").status_code == 403
    assert county.client("clerk_b").post(f"/jobs/{job.pk}/retry/").status_code == 404
    assert client.get(f"/jobs/{job.pk}/retry/").status_code == 405
    response = client.post(f"/jobs/{job.pk}/retry/", follow=True)
    job.refresh_from_db()
    assert job.state == State.DONE and job.attempts == 2
    assert "已重新提交" in response.content.decode()
    assert "导入完成：新增 3 件" in response.content.decode()
    assert LitigationCase.objects.filter(number__startswith="任").count() == 3
    # A finished job cannot be retried again.
    again = client.post(f"/jobs/{job.pk}/retry/", follow=True).content.decode()
    assert "该任务不能重试" in again
    assert LitigationCase.objects.filter(number__startswith="任").count() == 3


def test_the_sweep_needs_a_stale_heartbeat(county: County, settings: Any) -> None:
    settings.FAZHI_JOB_STALE_SECONDS = 300
    now = timezone.now()
    job = _job(county, state=State.RUNNING, heartbeat_at=now - dt.timedelta(seconds=299))
    assert jobs_sweep_stale(now=now) == 0
    assert jobs_sweep_stale(now=now + dt.timedelta(seconds=2)) == 1
    job.refresh_from_db()
    assert job.state == State.FAILED and job.result["interrupted"] is True


def test_a_job_of_a_revoked_membership_does_not_run(county: County) -> None:
    from fazhi.jobs.services import job_run

    job = _job(county)
    Membership.objects.filter(pk=county.memberships["clerk_a"].pk).update(is_active=False)
    assert job_run(job_id=job.pk) == "提交任务的岗位已停用，任务未执行"
    job.refresh_from_db()
    assert job.state == State.FAILED
    assert not LitigationCase.objects.filter(number__startswith="任").exists()
    assert job_run(job_id=job.pk) == "已跳过：任务不在排队状态"  # delivered twice: run once


def test_only_editors_submit(county: County) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_job_submit(
            actor=county.actor("leader_a"),
            register=excel_register("litigation"),
            data=xlsx(ROWS),
            file_name="应诉.xlsx",
        )
    assert not Job.objects.exists()
