"""The kinds of 后台任务: each is a registered callable with its own result rendering.

A kind is declared where its work lives, in an app's ``job_kinds`` module (found like
``admin.py`` modules, :func:`django.utils.module_loading.autodiscover_modules`): the Excel
import and the large register export in ``fazhi/jobs/job_kinds.py``, the batch drafting of
annual reports in ``fazhi/reports/job_kinds.py``. No shared file lists the kinds.

``run(job, reporter)`` does the work as the job's submitter and returns an :class:`Outcome`;
``reporter.phase(message, done, total)`` says how far it is (the job's progress bar; the
reporter's thread writes it with the job's heartbeat), ``reporter.committed(...)`` the same
after a committed write (on SQLite it then yields the write lock to other users for a moment).
Whatever a kind writes, it writes through the services, in short transactions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.module_loading import autodiscover_modules

from fazhi.orgs.roles import Cap

if TYPE_CHECKING:
    from fazhi.jobs.models import Job, State
    from fazhi.jobs.services import Reporter
    from fazhi.orgs.scoping import Actor


@dataclass(frozen=True)
class Outcome:
    """How a run ended: ``state`` (done or failed), a one-line ``message`` in Chinese and the
    ``result`` the result page shows (JSON; ``summary`` is its first line); ``file_path``: the
    file it stored for download (Django's storage API), if any."""

    state: State
    message: str
    result: dict[str, Any]
    file_path: str = ""


@dataclass(frozen=True)
class Download:
    """A finished job's file as the submitter downloads it: its name and content type."""

    file_name: str
    content_type: str


@dataclass(frozen=True)
class JobKind:
    """One kind of job.

    * ``code``: stored on :attr:`Job.kind` (≤ 20 characters); ``label``: its Chinese name.
    * ``cap``: what the submitter must hold to submit it and to retry it (None: the kind
      checks it itself, e.g. the register's own ``view_cap`` for an export).
    * ``run(job, reporter) -> Outcome``: the work (in the worker process).
    * ``result_template``: the template of the result section (``job`` and ``extra`` in its
      context); ``result_context(job, actor) -> dict``: that ``extra``.
    * ``retryable(job)``: whether a failed job may be queued again (default: it failed
      without per-row errors, i.e. interrupted or a system error).
    * ``keep_file``: the stored file (``Job.file_path``) is the job's product, kept for
      download until it expires (``FAZHI_JOB_FILE_DAYS``); otherwise it is the job's input,
      deleted once the job is done.
    * ``download(job, actor) -> Download``: checks that ``actor`` may take the file out and
      audits it (a security event); PermissionDenied/Http404 otherwise. None: no download.
    * ``interrupted``: what the result page says when the worker died mid-job.
    """

    code: str
    label: str
    run: Callable[[Job, Reporter], Outcome]
    result_template: str
    cap: Cap | None = None
    result_context: Callable[[Job, Actor], dict[str, Any]] | None = None
    retryable: Callable[[Job], bool] | None = None
    keep_file: bool = False
    download: Callable[[Job, Actor], Download] | None = None
    interrupted: str = "后台进程中断，本次未写入任何数据；可点击“重试”重新执行"


_KINDS: dict[str, JobKind] = {}
_DISCOVERED = False


def job_kind(kind: JobKind) -> JobKind:
    """Register ``kind`` (from an app's ``job_kinds`` module); a second registration of the
    same code replaces the first (module reloads in tests)."""
    if len(kind.code) > 20:
        raise ValueError(f"任务类型代码过长：{kind.code}")
    _KINDS[kind.code] = kind
    return kind


def kinds() -> dict[str, JobKind]:
    """Every registered kind by code (discovering the ``job_kinds`` modules once)."""
    global _DISCOVERED
    if not _DISCOVERED:
        autodiscover_modules("job_kinds")
        _DISCOVERED = True
    return dict(_KINDS)


def kind_of(code: str) -> JobKind:
    """The kind stored as ``code``; LookupError if no app declares it."""
    found = kinds().get(code)
    if found is None:
        raise LookupError(f"未知的后台任务类型：{code}")
    return found
