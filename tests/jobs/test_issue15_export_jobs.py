"""Issue 15 item 2: a register's Excel export of more than ``FAZHI_EXPORT_JOB_ROWS`` rows is a
background job — the 导出 link asks first, the job writes the same workbook (same scope, same
filters, same rows as the immediate export) through the storage API, and its result page offers
the file to its submitter only, audited like the immediate export; the file expires.

Jobs run in the request here (the immediate backend); ``test_issue15_jobs_worker.py`` runs one
through the database queue's worker."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from tests.metrics.builders import lawsuit
from tests.personas import PASSWORD, County

from fazhi.core.crypto import decrypt
from fazhi.core.models import AuditEntry
from fazhi.core.registers import register_named
from fazhi.jobs.exports import counted, export_job_submit
from fazhi.jobs.models import Job, State
from fazhi.jobs.services import jobs_sweep_files
from fazhi.litigation.models import LitigationCase
from fazhi.orgs.models import Membership
from fazhi.orgs.roles import Role

pytestmark = pytest.mark.django_db

URL = "/litigation/cases/export.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def cases(county: County, settings: Any) -> None:
    """Four 应诉 cases of 白沙镇 (three filed in 2025), two of 黄金乡; exports of more than
    two rows are jobs."""
    settings.FAZHI_EXPORT_JOB_ROWS = 2
    for day in ("2025-02-01", "2025-03-01", "2025-04-01", "2024-05-01"):
        lawsuit(county.town_a, filed_on=dt.date.fromisoformat(day))
    for day in ("2025-02-02", "2025-03-02"):
        lawsuit(county.town_b, filed_on=dt.date.fromisoformat(day))


def _rows(content: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def _content(response: Any) -> bytes:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def _immediate(client: Client, query: str, settings: Any) -> list[tuple[Any, ...]]:
    """The rows of the same export downloaded at once (threshold raised)."""
    settings.FAZHI_EXPORT_JOB_ROWS = 10_000
    response = client.get(f"{URL}?{query}")
    settings.FAZHI_EXPORT_JOB_ROWS = 2
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    return _rows(response.content)


def _submit(client: Client, query: str = "") -> Job:
    response = client.post(f"{URL}?{query}")
    assert response.status_code == 302
    job_id = int(re.fullmatch(r"/jobs/(\d+)/", response["Location"]).group(1))  # type: ignore[union-attr]
    return Job.objects.get(pk=job_id)


def test_a_small_export_downloads_at_once(county: County, cases: None, settings: Any) -> None:
    settings.FAZHI_EXPORT_JOB_ROWS = 3
    response = county.client("clerk_a").get(f"{URL}?year=2025")  # 3 rows: not more than 3
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert len(_rows(response.content)) == 1 + 3
    assert not Job.objects.filter(kind="export").exists()


def test_a_large_export_asks_first_then_runs_as_a_job(
    county: County, cases: None, settings: Any
) -> None:
    client = county.client("clerk_a")
    page = client.get(URL)
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    text = page.content.decode()
    assert "所选记录共 <strong>4</strong> 件，超过 2 件，将在后台生成 Excel 文件" in text
    assert 'id="export-job-form"' in text and "在后台生成 Excel" in text
    assert not re.search(r"\sstyle=", text) and "<script>" not in text  # CSP
    assert not Job.objects.filter(kind="export").exists()  # nothing queued by a GET
    job = _submit(client)
    assert job.state == State.DONE and job.kind == "export" and job.register == "litigation"
    assert job.result["count"] == 4 and job.done == job.total == 4
    assert job.file_path.startswith("jobs/") and default_storage.exists(job.file_path)
    assert job.file_name == f"行政应诉台账-{timezone.localdate():%Y%m%d}.xlsx"
    submitted = AuditEntry.objects.get(action="jobs.submit", object_id=str(job.pk))
    assert submitted.actor_name == "白沙甲" and submitted.after["记录数"] == 4
    result = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "已生成 Excel 文件：4 件" in result
    assert f'href="/jobs/{job.pk}/download/"' in result and "文件保留到" in result
    assert not re.search(r"\sstyle=", result)
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == XLSX
    assert "attachment" in download["Content-Disposition"]
    assert _rows(_content(download)) == _immediate(client, "", settings)  # the same rows
    audited = AuditEntry.objects.filter(action="litigation.export").order_by("pk")
    first = audited.first()
    assert first is not None and first.after == {
        "file": job.file_name,
        "count": 4,
        "job": job.pk,
    }
    assert first.actor_name == "白沙甲"


def test_the_job_keeps_the_filters_and_the_scope(
    county: County, cases: None, settings: Any
) -> None:
    client = county.client("clerk_a")
    job = _submit(client, "year=2025&page=2")
    assert job.params["filters"] == {"year": "2025"}  # the page is no filter
    assert job.result["count"] == 3  # 白沙镇's 2025 cases; not 黄金乡's, not 2024's
    rows = _rows(_content(client.get(f"/jobs/{job.pk}/download/")))
    assert rows == _immediate(client, "year=2025", settings)
    assert len(rows) == 1 + 3
    assert job.file_name == "行政应诉台账-2025.xlsx"
    # the county's coordinator sees both towns: the same filters give 5 rows
    other = _submit(county.client("coordinator"), "year=2025")
    assert other.result["count"] == 5


def test_a_search_term_is_kept_encrypted(county: County, cases: None) -> None:
    register = register_named("litigation")
    job = export_job_submit(
        actor=county.actor("clerk_a"), register=register, params={}, term="湘江县", count=4
    )
    assert job.params["term"] != "湘江县" and decrypt(job.params["term"]) == "湘江县"
    assert job.result["count"] == 4  # every case's 法院 is 湘江县人民法院


def _sysadmin_of_town_b(county: County) -> Client:
    from django.contrib.auth.models import User

    user = User.objects.create_user("town_b_admin", password=PASSWORD)
    Membership.objects.create(user=user, unit=county.town_b, role=Role.SYSADMIN)
    client = Client()
    assert client.login(username="town_b_admin", password=PASSWORD)
    return client


@pytest.mark.parametrize(
    ("persona", "page", "download"),
    [
        ("clerk_a", 200, 200),  # the submitter
        ("sysadmin", 200, 404),  # sees the county's jobs, may not take the file
        ("coordinator", 404, 404),  # not the submitter
        ("leader_a", 404, 404),  # same town, not the submitter
        ("clerk_b", 404, 404),  # another town
        ("auditor", 404, 404),
    ],
)
def test_who_may_see_and_download_an_export(
    county: County, cases: None, persona: str, page: int, download: int
) -> None:
    job = _submit(county.client("clerk_a"))
    client = county.client(persona)
    assert client.get(f"/jobs/{job.pk}/").status_code == page
    assert client.get(f"/jobs/{job.pk}/download/").status_code == download
    if page == 200 and download == 404:
        assert "只有提交任务的本人可以下载" in client.get(f"/jobs/{job.pk}/").content.decode()
    exported = AuditEntry.objects.filter(action="litigation.export").count()
    assert exported == (1 if download == 200 else 0)


def test_out_of_subtree_sysadmin_and_other_roles(county: County, cases: None) -> None:
    job = _submit(county.client("clerk_a"))
    outsider = _sysadmin_of_town_b(county)
    assert outsider.get(f"/jobs/{job.pk}/").status_code == 404
    assert outsider.get(f"/jobs/{job.pk}/download/").status_code == 404
    # roles that do not read the register cannot start its export at all
    for persona in ("auditor", "secadmin"):
        assert county.client(persona).post(URL).status_code == 403
    assert Job.objects.filter(kind="export").count() == 1


def test_the_submitter_acting_in_another_unit_gets_404(county: County, cases: None) -> None:
    job = _submit(county.client("clerk_a"))
    user = county.users["clerk_a"]
    Membership.objects.filter(user=user).update(unit=county.town_b)  # now a clerk of 黄金乡
    assert county.client("clerk_a").get(f"/jobs/{job.pk}/download/").status_code == 404


def test_the_file_expires_and_goes_with_its_job(
    county: County, cases: None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.FAZHI_JOB_FILE_DAYS = 7
    client = county.client("clerk_a")
    job = _submit(client)
    path = job.file_path
    assert jobs_sweep_files() == 0  # not yet
    with time_machine.travel(timezone.now() + dt.timedelta(days=7, minutes=1)):
        assert jobs_sweep_files() == 1
        assert not default_storage.exists(path)
        job.refresh_from_db()
        assert job.file_path == "" and job.state == State.DONE
        client = county.client("clerk_a")  # a week later: a new session
        page = client.get(f"/jobs/{job.pk}/").content.decode()
        assert "文件已超过保留期限（7 天），已自动删除" in page
        assert client.get(f"/jobs/{job.pk}/download/").status_code == 404
        assert jobs_sweep_files() == 0  # idempotent
    second = _submit(client)
    assert default_storage.exists(second.file_path)
    with django_capture_on_commit_callbacks(execute=True):
        second.delete()
    assert not default_storage.exists(second.file_path)


def test_progress_counts_the_rows_as_the_workbook_is_written(county: County, cases: None) -> None:
    seen: list[int] = []
    qs = counted(LitigationCase.objects.order_by("pk"), seen.append)
    # the register's export re-chains the queryset (select_related, prefetch_related) and
    # reads it with iterator(): the count follows
    rows = list(qs.select_related("unit").prefetch_related("hearings").iterator(chunk_size=2))
    assert len(rows) == 6 and seen == [1, 2, 3, 4, 5, 6]
    seen.clear()
    assert len(list(qs.filter(unit=county.town_b))) == 2 and seen == [1, 2]


def test_an_interrupted_export_can_be_retried(county: County, cases: None) -> None:
    from fazhi.jobs.services import jobs_sweep_stale

    client = county.client("clerk_a")
    job = _submit(client)
    stale = timezone.now() - dt.timedelta(hours=1)
    Job.objects.filter(pk=job.pk).update(state=State.RUNNING, heartbeat_at=stale, file_path="")
    assert jobs_sweep_stale() == 1
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "后台进程中断，文件未生成" in page and 'id="retry-form"' in page
    assert client.post(f"/jobs/{job.pk}/retry/").status_code == 302
    job.refresh_from_db()
    assert job.state == State.DONE and job.attempts == 2 and job.result["count"] == 4


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_fazhi_export_shows_its_progress_on_a_terminal(
    county: County, cases: None, tmp_path: Any, monkeypatch: Any
) -> None:
    from django.core.management import call_command

    from fazhi.core.management.commands import export

    monkeypatch.setattr(export, "PROGRESS_EVERY", 2)
    out, err = io.StringIO(), _Terminal()
    target = tmp_path / "应诉.xlsx"
    call_command(
        "export", "litigation", "--unit", "430199", "--out", str(target), stdout=out, stderr=err
    )
    shown = "\r导出进度：2/6 件（33%）\r导出进度：4/6 件（66%）\r导出进度：6/6 件（100%）"
    assert shown in err.getvalue()
    assert "已导出" in out.getvalue() and len(_rows(target.read_bytes())) == 1 + 6
    plain = io.StringIO()  # not a terminal: no progress
    call_command(
        "export", "litigation", "--unit", "430199", "--out", str(target), stdout=out, stderr=plain
    )
    assert plain.getvalue() == ""
