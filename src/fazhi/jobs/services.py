"""Writes of 后台任务: submit a job, run it (in the worker) with its kind's ``run``
(:mod:`fazhi.jobs.kinds`), mark dead workers' jobs failed, retry, delete expired files.

A job's progress is kept in memory while it runs and written by a small reporter thread on its
own database connection (:class:`Reporter`): the import runs inside its own transaction(s), and
a progress row written through that transaction would be invisible until it commits (and rolled
back with it). The same thread is the job's heartbeat; a running job whose heartbeat is older
than ``FAZHI_JOB_STALE_SECONDS`` lost its worker (killed, machine restarted) and
:func:`jobs_sweep_stale` marks it failed. Nothing of its file was written: an import writes a
file all or nothing (its committed batches are journaled and undone by the sweep), and a killed
process's open transaction is rolled back by the database. A batch drafting keeps the units it
drafted (one transaction each); an export had written nothing yet.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
import uuid
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder as Encoder
from django.db import DatabaseError, connections, transaction
from django.db.models.signals import post_save
from django.utils import timezone

from fazhi.core import excel as excel_engine
from fazhi.core.excel import ExcelRegister
from fazhi.core.services import audit_append
from fazhi.jobs.kinds import Outcome, kind_of, kinds
from fazhi.jobs.models import Job, State
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor

logger = logging.getLogger(__name__)

STORAGE_FOLDER = "jobs"
IMPORT = "import"  # the kind code of an Excel import (fazhi/jobs/job_kinds.py)
PHASE_START = "开始执行"
PHASE_READ = "读取文件"
INTERRUPTED = "后台进程中断，本次未写入任何数据；可点击“重试”重新执行"
PHASE_IMPORT = "校验并写入（全部通过才保存）"


def _immediate() -> bool:
    from django_tasks.backends.immediate import ImmediateBackend

    from fazhi.jobs.tasks import run_job

    return isinstance(run_job.get_backend(), ImmediateBackend)


def _enqueue(job: Job) -> None:
    """Hand the job to the configured django-tasks backend (the immediate backend runs it now)."""
    from fazhi.jobs.tasks import run_job

    result = run_job.enqueue(job_id=job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])


def job_submit(
    *,
    actor: Actor,
    kind: str,
    title: str,
    register: str = "",
    params: dict[str, Any] | None = None,
    data: bytes | None = None,
    file_name: str = "",
    audit_after: dict[str, Any] | None = None,
) -> Job:
    """Queue a job of ``kind`` as ``actor`` (a signed-in 岗位, which must hold the kind's
    capability) in ``actor.unit``: ``data`` (an uploaded file) is stored under ``jobs/``
    through Django's storage API; the submission is audited (``jobs.submit``). Returns the job
    (already finished with the immediate backend)."""
    cap = kind_of(kind).cap
    if cap is not None:
        actor.require(cap)
    if actor.user is None or actor.membership is None:
        raise PermissionDenied("后台任务只能由登录用户提交")
    stored = ""
    if data is not None:
        name = f"{STORAGE_FOLDER}/{uuid.uuid4().hex}.xlsx"
        stored = default_storage.save(name, ContentFile(data))
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            register=register,
            title=title[:200],
            created_by=actor.user,
            membership=actor.membership,
            unit=actor.unit,
            params=params or {},
            file_name=file_name[:255],
            file_path=stored,
            message="排队等待后台进程",
        )
        audit_append(
            actor=actor,
            action="jobs.submit",
            object_type="jobs.job",
            object_id=str(job.pk),
            object_repr=job.title,
            after=audit_after,
        )
    _enqueue(job)
    job.refresh_from_db()
    return job


def import_job_submit(*, actor: Actor, register: ExcelRegister, data: bytes, file_name: str) -> Job:
    """Store the uploaded file under ``jobs/`` (Django's storage API) and queue its import as
    ``actor`` into ``actor.unit``; returns the job (already finished with the immediate
    backend)."""
    actor.require(Cap.EDIT_RECORDS)
    return job_submit(
        actor=actor,
        kind=IMPORT,
        title=f"导入{register.title}台账",
        register=register.key,
        data=data,
        file_name=file_name,
        audit_after={"文件": file_name[:255], "台账": register.key},
    )


class Reporter:
    """A running job's progress, flushed with its heartbeat every ``FAZHI_JOB_HEARTBEAT_SECONDS``
    by a thread with its own database connection; :meth:`__call__` is the import's
    ``progress(done, total)`` callback."""

    def __init__(self, job_id: int, *, threaded: bool = True) -> None:
        self.job_id = job_id
        self.threaded = threaded
        self.done = 0
        self.total = 0
        self.message = ""
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"job-{job_id}", daemon=True)
        self._ident = threading.get_ident()
        self._uid = f"fazhi.jobs.reporter.{job_id}.{self._ident}"
        self.written: Any = None

    def __call__(self, done: int, total: int) -> None:
        """Called after each committed batch: note the progress, and on SQLite pause so that
        the writers waiting for the lock (a login, a save) get it before the next batch — its
        busy handler polls every 100 ms at most, and a writer that begins again at once would
        win every time."""
        with self._lock:
            self.done, self.total = done, total
            self.message = f"{PHASE_IMPORT}：{done}/{total} 件"
        if self.threaded:
            _journal_write(self.job_id, self.written)
        pause = settings.FAZHI_JOB_BATCH_PAUSE_MS
        if self.threaded and pause and connections["default"].vendor == "sqlite" and done < total:
            time.sleep(pause / 1000)

    def phase(self, message: str, done: int, total: int) -> None:
        """Note how far the job is (``done`` of ``total``; the progress bar)."""
        with self._lock:
            self.message, self.done, self.total = message, done, total

    def committed(self, message: str, done: int, total: int) -> None:
        """:meth:`phase` after a committed write (a unit's report): on SQLite pause as
        :meth:`__call__` does, so that other users' writes get the lock between two."""
        self.phase(message, done, total)
        pause = settings.FAZHI_JOB_BATCH_PAUSE_MS
        if self.threaded and pause and connections["default"].vendor == "sqlite" and done < total:
            time.sleep(pause / 1000)

    def __enter__(self) -> Reporter:
        if self.threaded:
            self._thread.start()
            post_save.connect(self._note_written, dispatch_uid=self._uid)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.threaded:
            post_save.disconnect(dispatch_uid=self._uid)
            self._stop.set()
            self._thread.join()

    def _note_written(self, **kwargs: Any) -> None:
        """Keep the import engine's record of what its batches write (the same object for the
        whole import, read at the first save of this thread) for :func:`_journal_write`."""
        if self.written is None and threading.get_ident() == self._ident:
            self.written = excel_engine._WRITTEN.get()

    def flush(self) -> None:
        with self._lock:
            values = {"done": self.done, "total": self.total, "message": self.message[:200]}
        Job.objects.filter(pk=self.job_id, state=State.RUNNING).update(
            heartbeat_at=timezone.now(), **values
        )

    def _loop(self) -> None:
        interval = settings.FAZHI_JOB_HEARTBEAT_SECONDS
        try:
            while not self._stop.wait(min(interval, 1.0) if not self.total else interval):
                try:
                    self.flush()
                except DatabaseError:  # e.g. SQLite busy past its timeout: try next beat
                    logger.warning("后台任务 %s 的进度未能写入，稍后重试", self.job_id)
        finally:
            connections.close_all()  # this thread's own connection


def _journal_write(job_id: int, written: Any) -> None:
    """Record on the job what the import's committed batches wrote so far (called between
    batches), so that :func:`jobs_sweep_stale` can undo it if this process dies before the
    import ends. ``written`` is the import engine's own record (``core.excel._Written``), with
    which it undoes them itself on a row error."""
    if written is None:
        return
    journal = {
        "created": {model._meta.label: pks for model, pks in written.created.items()},
        "before": [
            [model._meta.label, pk, values] for (model, pk), values in written.before.items()
        ],
    }
    Job.objects.filter(pk=job_id).update(journal=json.loads(json.dumps(journal, cls=Encoder)))


def _journal_undo(job: Job) -> None:
    """Undo what a dead worker's committed batches wrote (:func:`_journal_write`), in one
    transaction, audited (``import.compensate``) like the engine's own undoing."""
    journal = job.journal or {}
    written = excel_engine._Written()
    for label, pks in journal.get("created", {}).items():
        written.created[apps.get_model(label)] = list(pks)
    for label, pk, values in journal.get("before", []):
        written.before[(apps.get_model(label), pk)] = values
    if not (written.created or written.before):
        return
    actor = Actor.command_line(job.unit)
    if job.membership is not None:
        actor = Actor.for_membership(job.membership)
    excel_engine._compensate(written, actor, job.total)


def _claim(job_id: int) -> bool:
    now = timezone.now()
    with transaction.atomic():
        claimed = Job.objects.filter(pk=job_id, state=State.QUEUED).update(
            state=State.RUNNING, started_at=now, heartbeat_at=now, message=PHASE_START
        )
        if claimed:
            job = Job.objects.get(pk=job_id)
            job.attempts += 1
            job.save(update_fields=["attempts"])
    return bool(claimed)


def _finish(job_id: int, outcome: Outcome, reporter: Reporter) -> bool:
    """Write the outcome on the job (if it is still running: a sweep may have marked it failed
    meanwhile); whether it was written."""
    values: dict[str, Any] = {"state": outcome.state, "message": outcome.message[:200]}
    values |= {"result": outcome.result, "finished_at": timezone.now()}
    values["journal"] = {}  # the import ended: it kept or undid its batches itself
    if outcome.state == State.DONE:
        values["done"] = values["total"] = max(reporter.total, 1)
    else:
        values["done"], values["total"] = reporter.done, reporter.total
    if outcome.file_path:
        values["file_path"] = outcome.file_path
    return bool(Job.objects.filter(pk=job_id, state=State.RUNNING).update(**values))


def actor_of_job(job: Job) -> Actor:
    """The 岗位 the job runs as: its submitter's, still active (else PermissionDenied)."""
    membership = job.membership
    if membership is None or not membership.is_active or not membership.unit.is_active:
        raise PermissionDenied("提交任务的岗位已停用，任务未执行")
    if membership.user_id != job.created_by_id or not membership.user.is_active:
        raise PermissionDenied("提交任务的账号已停用，任务未执行")
    return Actor.for_membership(membership)


def _failed(message: str) -> Outcome:
    return Outcome(State.FAILED, message, {"ok": False, "summary": message, "errors": []})


def job_run(*, job_id: int) -> str:
    """Run one queued job (called by the worker through :func:`fazhi.jobs.tasks.run_job`)
    with its kind's ``run`` (:mod:`fazhi.jobs.kinds`).

    A job that is not queued (already run, or retried elsewhere) is left alone. Every outcome
    is written on the row; an unexpected exception marks the job failed and is logged. The
    input file of a finished job is deleted; a kind's product file is kept for download.
    """
    if not _claim(job_id):
        return "已跳过：任务不在排队状态"
    jobs_sweep_files()
    job = Job.objects.select_related("membership__user", "membership__unit").get(pk=job_id)
    kind = kinds().get(job.kind)
    # Run inside the request (the immediate backend: tests, no worker): nobody polls, and a
    # second connection could not see the caller's uncommitted rows anyway.
    with Reporter(job_id, threaded=not _immediate()) as reporter:
        try:
            if kind is None:
                raise ValidationError(f"未知的任务类型：{job.kind}")
            outcome = kind.run(job, reporter)
        except (PermissionDenied, ValidationError) as exc:
            outcome = _failed("；".join(getattr(exc, "messages", None) or [str(exc) or "无权限"]))
        except Exception as exc:  # any failure is the job's outcome, not a crash
            logger.exception("后台任务 %s 出错", job_id)
            outcome = _failed(f"任务出错（{type(exc).__name__}）：{exc}")
    written = _finish(job_id, outcome, reporter)
    if outcome.file_path and not written:
        default_storage.delete(outcome.file_path)  # swept meanwhile: nobody will fetch it
    keep = kind is not None and kind.keep_file
    if outcome.state == State.DONE and job.file_path and not keep:
        default_storage.delete(job.file_path)
    return outcome.message


def stale_before(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(seconds=settings.FAZHI_JOB_STALE_SECONDS)


def jobs_sweep_stale(*, now: dt.datetime | None = None) -> int:
    """Mark failed every running job whose worker stopped reporting (its heartbeat is older
    than ``FAZHI_JOB_STALE_SECONDS``); returns how many. Safe to run from any process."""
    stale = Job.objects.filter(state=State.RUNNING, heartbeat_at__lt=stale_before(now))
    count = 0
    for job in stale.select_related("unit", "membership__unit", "membership__user"):
        kind = kinds().get(job.kind)
        message = kind.interrupted if kind is not None else INTERRUPTED
        with transaction.atomic():
            # Claim it first: of two sweeps at once, one undoes the batches.
            claimed = Job.objects.filter(pk=job.pk, state=State.RUNNING).update(
                state=State.FAILED,
                message=message,
                finished_at=timezone.now(),
                result={"ok": False, "summary": message, "errors": [], "interrupted": True},
                journal={},
            )
            if claimed:
                _journal_undo(job)
                count += 1
    return count


def can_retry(job: Job) -> bool:
    """A failed job is retried only when it failed without row errors (interrupted, or an
    error of the system) and what its kind needs is still there (an import's file)."""
    if job.state != State.FAILED or job.result.get("errors"):
        return False
    kind = kinds().get(job.kind)
    return kind is not None and (kind.retryable is None or kind.retryable(job))


def job_retry(*, actor: Actor, job: Job) -> Job:
    """Queue ``job`` again (its submitter only, who must still hold the kind's capability)."""
    cap = kind_of(job.kind).cap
    if cap is not None:
        actor.require(cap)
    if actor.user is None or job.created_by_id != actor.user.pk:
        raise PermissionDenied("只有提交任务的本人可以重试")
    if not can_retry(job):
        raise ValidationError("该任务不能重试：只有因后台中断或系统错误而失败的任务可以重试")
    with transaction.atomic():
        updated = Job.objects.filter(pk=job.pk, state=State.FAILED).update(
            state=State.QUEUED,
            done=0,
            total=0,
            message="排队等待后台进程（重试）",
            result={},
            started_at=None,
            finished_at=None,
            heartbeat_at=None,
        )
        if not updated:
            raise ValidationError("该任务已在执行，请刷新页面")
        audit_append(
            actor=actor,
            action="jobs.retry",
            object_type="jobs.job",
            object_id=str(job.pk),
            object_repr=job.title,
        )
    _enqueue(job)
    job.refresh_from_db()
    return job


def file_expires(job: Job) -> dt.datetime | None:
    """When a finished job's stored file is deleted (:func:`jobs_sweep_files`)."""
    if job.finished_at is None or not job.file_path:
        return None
    return job.finished_at + dt.timedelta(days=settings.FAZHI_JOB_FILE_DAYS)


def jobs_sweep_files(*, now: dt.datetime | None = None) -> int:
    """Delete the stored files (an export's workbook, a failed import's upload) of the jobs
    that finished more than ``FAZHI_JOB_FILE_DAYS`` days ago; returns how many. The job rows
    stay (their result pages say the file was deleted); idempotent."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.FAZHI_JOB_FILE_DAYS)
    old = Job.objects.filter(finished_at__lt=cutoff).exclude(file_path="")
    count = 0
    for pk, path in old.values_list("pk", "file_path"):
        default_storage.delete(path)
        count += Job.objects.filter(pk=pk, file_path=path).update(file_path="")
    return count


def delete_stored_file(sender: type[Job], instance: Job, **kwargs: Any) -> None:
    """``post_delete`` of a job: its stored file goes with it (once the deletion commits)."""
    path = instance.file_path
    if path:
        transaction.on_commit(lambda: default_storage.delete(path))
