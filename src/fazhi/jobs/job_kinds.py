"""The job kinds of the jobs app itself: a register's Excel import (``import``) and a large
register export (``export``, :mod:`fazhi.jobs.exports`). Found by :func:`fazhi.jobs.kinds.kinds`
(other apps declare theirs in their own ``job_kinds`` module)."""

from __future__ import annotations

import inspect
from typing import Any

from django.core.files.storage import default_storage

from fazhi.core.excel import ImportResult, RowError, excel_register
from fazhi.jobs import exports
from fazhi.jobs.kinds import JobKind, Outcome, job_kind
from fazhi.jobs.models import Job, State
from fazhi.jobs.services import IMPORT, PHASE_IMPORT, PHASE_READ, Reporter, actor_of_job
from fazhi.orgs.roles import Cap


def _result_json(result: ImportResult) -> dict[str, Any]:
    def rows(items: list[RowError]) -> list[dict[str, Any]]:
        return [{"row": e.row, "column": e.column, "reason": e.reason} for e in items]

    return {
        "ok": result.ok,
        "summary": result.summary(),
        "created": result.created,
        "errors": rows(result.errors),
        "warnings": rows(result.warnings),
    }


def _accepts_progress(function: Any) -> bool:
    try:
        return "progress" in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False


def run_import(job: Job, reporter: Reporter) -> Outcome:
    """Import the stored file into the submitter's unit, all or nothing (``core/excel.py``):
    progress by committed batch; the batches written are journaled for a dead worker's sweep."""
    actor = actor_of_job(job)
    register = excel_register(job.register)
    reporter.phase(PHASE_READ, 0, 3)
    with default_storage.open(job.file_path, "rb") as handle:
        data = handle.read()
    reporter.phase(PHASE_IMPORT, 1, 3)
    kwargs: dict[str, Any] = {}
    if _accepts_progress(register.import_xlsx):
        kwargs["progress"] = reporter
    result = register.import_xlsx(data, actor=actor, unit=actor.unit, **kwargs)
    state = State.DONE if result.ok else State.FAILED
    return Outcome(state, result.summary(), _result_json(result))


def import_context(job: Job, actor: Any) -> dict[str, Any]:
    from django.urls import NoReverseMatch, reverse

    if job.state != State.DONE:
        return {}
    try:
        return {"register_url": reverse(f"{job.register}_list")}
    except NoReverseMatch:
        return {}


def import_retryable(job: Job) -> bool:
    """A failed import is retried from its stored upload, while it is kept."""
    return bool(job.file_path) and default_storage.exists(job.file_path)


IMPORT_KIND = job_kind(
    JobKind(
        code=IMPORT,
        label="Excel 导入",
        cap=Cap.EDIT_RECORDS,
        run=run_import,
        result_template="jobs/result_import.html",
        result_context=import_context,
        retryable=import_retryable,
    )
)

EXPORT_KIND = job_kind(
    JobKind(
        code=exports.EXPORT,
        label="Excel 导出",
        run=exports.run_export,
        result_template="jobs/result_export.html",
        result_context=exports.result_context,
        keep_file=True,
        download=exports.download,
        interrupted="后台进程中断，文件未生成；可点击“重试”重新生成",
    )
)
