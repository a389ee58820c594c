"""后台任务 pages: the list of one's jobs, a job's progress/result page (its result section
rendered by its kind, :mod:`fazhi.jobs.kinds`), its JSON status (polled by
``static/jobs/job_progress.js``), 重试 and the download of a finished job's file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from fazhi.core.registers import actor_of
from fazhi.jobs import selectors, services
from fazhi.jobs.kinds import kinds


def _sweep() -> None:
    services.jobs_sweep_stale()
    services.jobs_sweep_files()


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _sweep()
    jobs = selectors.jobs_for(actor)[:100]
    return render(request, "jobs/list.html", {"jobs": jobs, "title": "后台任务"})


@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    actor = actor_of(request)
    _sweep()
    job = selectors.job_for(actor, job_id)
    own = actor.user is not None and job.created_by_id == actor.user.pk
    kind = kinds().get(job.kind)
    extra = kind.result_context(job, actor) if kind and kind.result_context else {}
    context = {
        "job": job,
        "title": job.title,
        "result_template": kind.result_template if kind else "jobs/result_import.html",
        "extra": extra,
        "can_retry": own and services.can_retry(job),
    }
    return render(request, "jobs/detail.html", context)


@login_required
def job_status(request: HttpRequest, job_id: int) -> JsonResponse:
    actor = actor_of(request)
    services.jobs_sweep_stale()
    job = selectors.job_for(actor, job_id)
    return JsonResponse(
        {
            "state": job.state,
            "state_label": job.get_state_display(),
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "message": job.message,
            "finished": job.finished,
        }
    )


@login_required
@require_POST
def job_retry(request: HttpRequest, job_id: int) -> HttpResponse:
    actor = actor_of(request)
    job = selectors.job_for(actor, job_id)
    try:
        services.job_retry(actor=actor, job=job)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已重新提交，正在后台执行")
    return redirect("jobs:detail", job_id=job.pk)


@login_required
def job_download(request: HttpRequest, job_id: int) -> FileResponse:
    """A finished job's file (an export's workbook): its kind decides who may take it and
    audits it; anyone else, or a file already deleted: not found."""
    actor = actor_of(request)
    job = selectors.job_for(actor, job_id)
    kind = kinds().get(job.kind)
    if kind is None or kind.download is None:
        raise Http404("该任务没有可下载的文件")
    found = kind.download(job, actor)
    handle = default_storage.open(job.file_path, "rb")
    return FileResponse(
        handle, as_attachment=True, filename=found.file_name, content_type=found.content_type
    )
