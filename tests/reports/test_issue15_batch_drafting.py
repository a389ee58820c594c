"""Issue 15 item 2: the 依法治办's overview drafts the reports of every unit that has none as a
background job — confirmed first, one unit at a time through ``report_create`` (the same
service as 起草年度报告), progress per unit, and a result page listing the units drafted,
skipped (a report already exists) and failed with the reason. Pages and permissions: role ×
in/out of the subtree.

Jobs run in the request here (the immediate backend); tests/jobs/test_issue15_jobs_worker.py
runs one through the database queue's worker."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from tests.personas import County
from tests.reports.conftest import Data

from fazhi.core.models import AuditEntry
from fazhi.jobs.models import Job, State
from fazhi.jobs.services import jobs_sweep_stale
from fazhi.orgs.models import OrgUnit
from fazhi.reports import selectors, services
from fazhi.reports.job_kinds import DRAFTS, drafts_submit
from fazhi.reports.models import AnnualReport

pytestmark = pytest.mark.django_db

URL = "/reports/overview/draft/"


def _reporting(county: County, persona: str = "coordinator") -> list[OrgUnit]:
    return selectors.reporting_units(county.actor(persona))


def _submit(client: Any, year: int = 2025, **more: str) -> Job:
    response = client.post(URL, {"year": str(year), **more})
    assert response.status_code == 302, response.content.decode()[:300]
    found = re.fullmatch(r"/jobs/(\d+)/", response["Location"])
    assert found is not None, response["Location"]
    return Job.objects.get(pk=int(found.group(1)))


def test_overview_offers_the_batch_and_the_confirmation_lists_the_units(
    data: Data, frozen: Any
) -> None:
    county = data.county
    services.report_create(actor=county.actor("coordinator"), unit=county.dept, year=2025)
    client = county.client("coordinator")
    overview = client.get("/reports/overview/?year=2025").content.decode()
    missing = len(_reporting(county)) - 1
    assert f"为未起草的单位批量生成草稿（{missing} 个）" in overview
    assert f'href="{URL}?year=2025"' in overview
    page = client.get(f"{URL}?year=2025")
    assert page.status_code == 200
    text = page.content.decode()
    assert f"将为以下 <strong>{missing}</strong> 个尚未起草2025年度报告的单位" in text
    assert "湘江县人民政府" in text and "湘江县司法局" not in text  # it has its report
    assert f"确认生成 {missing} 份草稿" in text and 'name="name_units"' in text
    assert not re.search(r"\sstyle=", text) and "<script>" not in text  # CSP
    assert not Job.objects.exists()  # nothing queued by a GET


def test_the_batch_drafts_each_unit_through_the_service(data: Data, frozen: Any) -> None:
    county = data.county
    coordinator = county.actor("coordinator")
    kept = services.report_create(actor=coordinator, unit=county.dept, year=2025)
    units = _reporting(county)
    job = _submit(county.client("coordinator"))
    assert job.kind == DRAFTS and job.state == State.DONE and job.attempts == 1
    assert job.done == job.total == len(units)  # progress per unit
    drafted = {e["code"] for e in job.result["drafted"]}
    assert drafted == {u.code for u in units} - {county.dept.code}
    assert job.result["skipped"] == [
        {"unit": "湘江县司法局", "code": county.dept.code, "report": kept.pk, "reason": "已有报告"}
    ]
    assert job.result["failed"] == [] and job.result["ok"] is True
    summary = f"新起草 {len(units) - 1} 个单位的报告，已有报告跳过 1 个，失败 0 个"
    assert job.result["summary"] == summary
    reports = AnnualReport.objects.filter(year=2025)
    assert reports.count() == len(units)
    for report in reports.exclude(pk=kept.pk):  # as the list's 起草 would have made them
        assert report.parts.count() == 5 and report.created_by == "依法明"
        assert report.name_units is False
    entries = AuditEntry.objects.filter(action="report.create")
    assert entries.count() == len(units) and {e.actor_name for e in entries} == {"依法明"}
    submitted = AuditEntry.objects.get(action="jobs.submit", object_id=str(job.pk))
    expected = {"年度": 2025, "未起草的单位": len(units) - 1, "列出逾期单位名称": False}
    assert submitted.after == expected
    page = county.client("coordinator").get(f"/jobs/{job.pk}/").content.decode()
    assert summary in page and 'id="drafts-drafted"' in page and 'id="drafts-skipped"' in page
    first = reports.exclude(pk=kept.pk).order_by("pk").first()
    assert first is not None and f'href="/reports/{first.pk}/"' in page
    assert "批量起草年度报告" in page  # the kind's label
    assert not re.search(r"\sstyle=", page)


def test_failures_are_listed_with_the_reason_and_the_rest_goes_on(
    data: Data, frozen: Any, monkeypatch: Any
) -> None:
    county = data.county
    real = services.report_create

    def refusing(*, actor: Any, unit: OrgUnit, year: int, name_units: bool = False) -> Any:
        if unit.pk == county.town_b.pk:
            raise ValidationError({"unit": "模拟的失败原因"})
        if unit.pk == county.village_a.pk:
            raise RuntimeError("磁盘已满")
        return real(actor=actor, unit=unit, year=year, name_units=name_units)

    monkeypatch.setattr(services, "report_create", refusing)
    job = _submit(county.client("coordinator"), name_units="1")
    failed = {e["code"]: e["reason"] for e in job.result["failed"]}
    assert failed[county.town_b.code] == "模拟的失败原因"
    assert failed[county.village_a.code].startswith("系统错误（RuntimeError）：磁盘已满")
    assert job.state == State.DONE and job.result["ok"] is False
    assert len(job.result["drafted"]) == len(_reporting(county)) - 2
    assert not AnnualReport.objects.filter(unit=county.town_b).exists()
    assert all(r.name_units for r in AnnualReport.objects.all())
    page = county.client("coordinator").get(f"/jobs/{job.pk}/").content.decode()
    assert 'id="drafts-failed"' in page and "模拟的失败原因" in page


def test_nothing_to_draft_is_said_not_queued(data: Data, frozen: Any) -> None:
    county = data.county
    for unit in _reporting(county):
        services.report_create(actor=county.actor("coordinator"), unit=unit, year=2025)
    client = county.client("coordinator")
    overview = client.get("/reports/overview/?year=2025").content.decode()
    assert "批量生成草稿" not in overview
    assert "都已有2025年度的报告，无须批量起草" in client.get(f"{URL}?year=2025").content.decode()
    response = client.post(URL, {"year": "2025"}, follow=True)
    assert "本地区须报告的单位都已有2025年度的报告" in response.content.decode()
    with pytest.raises(ValidationError):
        drafts_submit(actor=county.actor("coordinator"), year=2099)
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("coordinator_a", 200),  # 白沙镇's subtree only
        ("clerk_a", 403),
        ("dept_clerk", 403),
        ("reviewer", 403),
        ("leader", 403),
        ("sysadmin", 403),
        ("secadmin", 403),
        ("auditor", 403),
    ],
)
def test_who_may_draft_in_batch(data: Data, frozen: Any, persona: str, status: int) -> None:
    client = data.county.client(persona)
    assert client.get(f"{URL}?year=2025").status_code == status
    response = client.post(URL, {"year": "2025"})
    assert response.status_code == (302 if status == 200 else 403)
    assert Job.objects.count() == (1 if status == 200 else 0)


def test_a_coordinator_drafts_only_in_their_subtree(data: Data, frozen: Any) -> None:
    county = data.county
    page = county.client("coordinator_a").get(f"{URL}?year=2025").content.decode()
    assert "白沙镇人民政府" in page and "黄金乡人民政府" not in page
    job = _submit(county.client("coordinator_a"))
    drafted = {e["code"] for e in job.result["drafted"]}
    assert drafted == {county.town_a.code, county.village_a.code}
    assert not AnnualReport.objects.filter(unit__in=[county.town_b, county.root]).exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),  # the submitter
        ("sysadmin", 200),  # the county's 系统管理员 sees the county's jobs
        ("coordinator_a", 404),  # another coordinator, below
        ("clerk_b", 404),
        ("leader", 404),
    ],
)
def test_the_batch_job_page_in_and_out_of_scope(
    data: Data, frozen: Any, persona: str, status: int
) -> None:
    job = _submit(data.county.client("coordinator"))
    client = data.county.client(persona)
    assert client.get(f"/jobs/{job.pk}/").status_code == status
    assert client.get(f"/jobs/{job.pk}/status/").status_code == status
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404  # no file to take


def test_an_interrupted_batch_keeps_what_it_drafted_and_the_retry_goes_on(
    data: Data, frozen: Any
) -> None:
    county = data.county
    client = county.client("coordinator")
    job = _submit(client)
    # as if the worker died after the first units: their reports stay, the job is stale
    first_two = list(AnnualReport.objects.order_by("pk")[:2])
    AnnualReport.objects.exclude(pk__in=[r.pk for r in first_two]).delete()
    stale = timezone.now() - dt.timedelta(hours=1)
    Job.objects.filter(pk=job.pk).update(state=State.RUNNING, heartbeat_at=stale)
    assert jobs_sweep_stale() == 1
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "中断前已起草的报告都已保存" in page and 'id="retry-form"' in page
    assert client.post(f"/jobs/{job.pk}/retry/").status_code == 302
    job.refresh_from_db()
    assert job.state == State.DONE and job.attempts == 2
    assert len(job.result["skipped"]) == 2
    assert len(job.result["drafted"]) == len(_reporting(county)) - 2
