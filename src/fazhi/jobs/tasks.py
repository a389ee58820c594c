"""The one django-tasks task: run the :class:`~fazhi.jobs.models.Job` with this id.

Its arguments are just the job's id (JSON), so any backend (database, Redis) can carry it;
everything else the job needs is on the row and in the storage."""

from __future__ import annotations

from django_tasks import task


@task()
def run_job(job_id: int) -> str:
    from fazhi.jobs.services import job_run

    return job_run(job_id=job_id)
