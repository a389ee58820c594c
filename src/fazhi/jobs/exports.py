"""Large register exports as background jobs (kind ``export``).

A register's 导出 Excel (``Register.export_view``, core/registers.py) downloads at once when
the selection has at most ``FAZHI_EXPORT_JOB_ROWS`` rows. A larger one shows a page that says
so (:func:`export_job_page`); its button queues a job that writes the same workbook — the same
register, the same filters and search term, as the same 岗位 — through Django's storage API
under ``jobs/``, reporting the rows written. The result page offers the file to its submitter
only (:func:`download`), audited like the immediate export (``<app>.export``, file and rows);
the file is deleted after ``FAZHI_JOB_FILE_DAYS`` days, or with the job.

The search term of a register that keeps it out of URLs (personal data) is stored on the job
encrypted (:func:`fazhi.core.crypto.encrypt`), like the session keeps it.
"""

from __future__ import annotations

import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from fazhi.core.crypto import decrypt, encrypt
from fazhi.core.excel import XLSX_TYPE
from fazhi.core.registers import Register, register_named
from fazhi.core.search_terms import TOKEN_PARAM
from fazhi.core.security_events import audit_download, export_action
from fazhi.jobs.kinds import Download, Outcome
from fazhi.jobs.models import Job, State
from fazhi.jobs.services import STORAGE_FOLDER, Reporter, actor_of_job, job_submit
from fazhi.orgs.scoping import Actor

EXPORT = "export"
M = TypeVar("M", bound=models.Model)
#: query parameters that are not filters (paging, the search token: the term is stored apart)
NOT_FILTERS = frozenset({"page", TOKEN_PARAM, "csrfmiddlewaretoken"})
#: progress is noted every so many rows
TICK = 200


# --- counting the rows as the workbook is written -------------------------------------------
class _Counting(models.QuerySet[Any]):
    """A queryset that calls ``_tick(n)`` as it yields its n-th row, and whose clones (an
    export's ``select_related(...)``, ``prefetch_related(...)``) do too."""

    _tick: Callable[[int], None] | None = None

    def _clone(self) -> Any:
        clone = super()._clone()  # type: ignore[misc]  # (untyped in django-stubs)
        clone._tick = self._tick
        return clone

    def _counted(self, rows: Iterator[Any]) -> Iterator[Any]:
        for number, row in enumerate(rows, start=1):
            if self._tick is not None:
                self._tick(number)
            yield row

    def iterator(self, chunk_size: int | None = None) -> Iterator[Any]:
        return self._counted(super().iterator(chunk_size=chunk_size))

    def __iter__(self) -> Iterator[Any]:
        return self._counted(super().__iter__())


_COUNTING: dict[type[Any], type[Any]] = {}


def counted(qs: models.QuerySet[M], tick: Callable[[int], None]) -> models.QuerySet[M]:
    """``qs`` (any queryset class) calling ``tick(n)`` for each row it yields, however the
    register's export reads it (``iterator()`` or a plain loop, after ``select_related``)."""
    base = type(qs)
    if base not in _COUNTING:
        _COUNTING[base] = type(f"Counting{base.__name__}", (_Counting, base), {})
    clone: Any = qs._chain()  # type: ignore[attr-defined]
    clone.__class__ = _COUNTING[base]
    clone._tick = tick
    return cast("models.QuerySet[M]", clone)


# --- submit -------------------------------------------------------------------------------
def _filters(params: Any) -> dict[str, str]:
    return {k: str(v)[:200] for k, v in params.items() if k not in NOT_FILTERS and v}


def export_job_submit(
    *, actor: Actor, register: Register[Any], params: Any, term: str, count: int
) -> Job:
    """Queue the export of the rows of ``register`` that ``actor`` sees through the filters in
    ``params`` and the search ``term`` (stored encrypted); audited (``jobs.submit``)."""
    actor.require(register.view_cap)
    name = register.export_name(params)
    return job_submit(
        actor=actor,
        kind=EXPORT,
        title=f"导出{register.title.removesuffix('案件')}台账",
        register=register.key,
        params={"filters": _filters(params), "term": encrypt(term)},
        file_name=name,
        audit_after={"台账": register.key, "文件": name, "记录数": count},
    )


def export_job_page(
    request: HttpRequest, register: Register[Any], actor: Actor, *, count: int, term: str
) -> HttpResponse:
    """The 导出 of more rows than ``FAZHI_EXPORT_JOB_ROWS``: GET says so and asks to go on;
    POST queues the job and goes to its progress page."""
    if request.method == "POST":
        job = export_job_submit(
            actor=actor, register=register, params=request.GET, term=term, count=count
        )
        return redirect("jobs:detail", job_id=job.pk)
    context = {
        "title": f"导出{register.title}",
        "register": register,
        "count": count,
        "limit": settings.FAZHI_EXPORT_JOB_ROWS,
        "days": settings.FAZHI_JOB_FILE_DAYS,
        "file_name": register.export_name(request.GET),
        "list_url": f"{register.url('list')}?{urllib.parse.urlencode(_list_query(request))}",
    }
    return render(request, "jobs/export_confirm.html", context)


def _list_query(request: HttpRequest) -> list[tuple[str, str]]:
    return [(k, str(v)) for k, v in request.GET.items() if k != "page"]


# --- run (kind ``export``) ------------------------------------------------------------------
def run_export(job: Job, reporter: Reporter) -> Outcome:
    """Write the workbook as the submitter's 岗位, store it, and note its row count."""
    actor = actor_of_job(job)
    register = register_named(job.register)
    actor.require(register.view_cap)
    params = job.params or {}
    rows = register.filtered(actor, params.get("filters") or {}, decrypt(params.get("term", "")))
    total = rows.count()
    reporter.phase(f"写入 Excel：0/{total} 件", 0, total)

    def tick(done: int) -> None:
        if done % TICK == 0 or done == total:
            reporter.phase(f"写入 Excel：{min(done, total)}/{total} 件", min(done, total), total)

    content = register.export_xlsx(counted(rows, tick))
    reporter.phase("保存文件", total, total)
    stored = default_storage.save(f"{STORAGE_FOLDER}/{uuid.uuid4().hex}.xlsx", ContentFile(content))
    summary = f"已生成 Excel 文件：{total} 件"
    result = {"ok": True, "summary": summary, "count": total, "errors": []}
    return Outcome(State.DONE, summary, result, file_path=stored)


def download(job: Job, actor: Actor) -> Download:
    """The finished export's file for its submitter (anyone else: not found), who must still
    see the register; audited as the immediate export is (``<app>.export``)."""
    if actor.user is None or job.created_by_id != actor.user.pk:
        raise Http404("只有提交任务的本人可以下载")
    if job.state != State.DONE or not job.file_path or not default_storage.exists(job.file_path):
        raise Http404("文件不存在或已过期删除，请重新导出")
    try:
        register = register_named(job.register)
    except LookupError:
        raise Http404("没有这个台账") from None
    if not actor.can(register.view_cap):
        raise PermissionDenied(f"当前角色“{actor.role_label}”不能导出{register.title}")
    count = job.result.get("count")
    audit_download(
        actor=actor,
        action=export_action(register.model),
        target=register.model,
        filename=job.file_name,
        count=count if isinstance(count, int) else None,
        extra={"job": job.pk},
    )
    return Download(job.file_name, XLSX_TYPE)


def result_context(job: Job, actor: Actor) -> dict[str, Any]:
    from fazhi.jobs.services import file_expires

    own = actor.user is not None and job.created_by_id == actor.user.pk
    return {"own": own, "expires": file_expires(job), "days": settings.FAZHI_JOB_FILE_DAYS}
