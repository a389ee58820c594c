"""The background job of the 执法数据 upload page (``enf_ingest``): stream the stored file
through :func:`fazhi.enforcement_data.ingest.ingest_file` as the submitter, with progress by
staged batch; the rejected rows (``skip_bad``) are kept for the submitter to download."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.http import Http404
from django.urls import reverse

from fazhi.core.security_events import audit_download
from fazhi.enforcement_data.ingest import ingest_file
from fazhi.enforcement_data.models import IngestBatch
from fazhi.jobs.kinds import Download, JobKind, Outcome, job_kind
from fazhi.jobs.models import Job, State
from fazhi.jobs.services import STORAGE_FOLDER, Reporter, actor_of_job
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor

INGEST = "enf_ingest"
REJECTED_NAME = "执法数据拒收行.csv"
PHASE = "校验并写入执法数据"


def run_ingest(job: Job, reporter: Reporter) -> Outcome:
    actor = actor_of_job(job)
    skip_bad = bool(job.params.get("skip_bad"))
    reporter.phase("读取文件", 0, 1)
    suffix = Path(job.file_name).suffix.lower() or ".csv"
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / f"upload{suffix}"
        with default_storage.open(job.file_path, "rb") as handle, source.open("wb") as out:
            shutil.copyfileobj(handle, out, 1 << 20)
        rejected = Path(folder) / "rejected.csv" if skip_bad else None
        result = ingest_file(
            actor=actor,
            path=source,
            unit=actor.unit,
            skip_bad=skip_bad,
            rejected_path=rejected,
            progress=lambda done, total: reporter.committed(PHASE, done, total),
        )
        stored = ""
        if result.ok and result.rejected and rejected is not None and rejected.exists():
            with rejected.open("rb") as handle:
                stored = default_storage.save(
                    f"{STORAGE_FOLDER}/rejected-{job.pk}.csv", File(handle)
                )
    payload: dict[str, Any] = {
        "ok": result.ok,
        "summary": result.summary(),
        "loaded": result.loaded,
        "rejected": result.rejected,
        "batch": result.batch,
        "errors": [{"row": e.row, "column": e.column, "reason": e.reason} for e in result.errors],
        "rejected_file": bool(stored),
    }
    state = State.DONE if result.ok else State.FAILED
    return Outcome(state, result.summary(), payload, file_path=stored)


def result_context(job: Job, actor: Actor) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if job.state == State.DONE:
        found["register_url"] = reverse("enforcement_data_list")
        own = actor.user is not None and job.created_by_id == actor.user.pk
        if own and job.result.get("rejected_file") and job.file_path:
            found["download_url"] = reverse("jobs:download", args=[job.pk])
    return found


def download(job: Job, actor: Actor) -> Download:
    """The rejected rows, for the submitter only (who must still edit records); audited."""
    if actor.user is None or job.created_by_id != actor.user.pk:
        raise Http404("只有提交任务的本人可以下载")
    if not job.result.get("rejected_file") or not job.file_path:
        raise Http404("没有拒收行文件")
    if not default_storage.exists(job.file_path):
        raise Http404("文件已过期删除")
    if not actor.can(Cap.EDIT_RECORDS):
        raise PermissionDenied(f"当前角色“{actor.role_label}”不能下载拒收行")
    audit_download(
        actor=actor,
        action="enforcement_data.rejected_download",
        target=IngestBatch,
        filename=REJECTED_NAME,
        count=job.result.get("rejected"),
        extra={"job": job.pk, "batch": job.result.get("batch")},
    )
    return Download(REJECTED_NAME, "text/csv; charset=utf-8")


INGEST_KIND = job_kind(
    JobKind(
        code=INGEST,
        label="执法数据导入",
        cap=Cap.EDIT_RECORDS,
        run=run_ingest,
        result_template="enforcement_data/result_ingest.html",
        result_context=result_context,
        download=download,
        interrupted="后台进程中断，本次未写入任何执法记录（未入库的数据已清除）；可点击“重试”重新执行",
    )
)
