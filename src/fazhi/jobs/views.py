"""后台任务 pages: the list of one's jobs, a job's progress/result page, its JSON status (polled
by ``static/jobs/job_progress.js``) and 重试."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from fazhi.core.registers import actor_of
from fazhi.jobs import selectors, services
from fazhi.jobs.models import Job, State


def _register_url(job: Job) -> str:
    try:
        return reverse(f"{job.register}_list")
    except NoReverseMatch:
        return ""


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    services.jobs_sweep_stale()
    jobs = selectors.jobs_for(actor)[:100]
    return render(request, "jobs/list.html", {"jobs": jobs, "title": "后台任务"})


@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    actor = actor_of(request)
    services.jobs_sweep_stale()
    job = selectors.job_for(actor, job_id)
    own = actor.user is not None and job.created_by_id == actor.user.pk
    context = {
        "job": job,
        "title": job.title,
        "register_url": _register_url(job) if job.state == State.DONE else "",
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
