"""Reads of 后台任务: which jobs an actor may see.

The submitter sees their own jobs; a 系统管理员 (``Cap.MANAGE_UNITS``) also sees every job of
the units in their subtree (to help when an import fails). Anyone else: not found (404).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from fazhi.jobs.models import Job
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, scope_q


def jobs_for(actor: Actor) -> QuerySet[Job]:
    """The jobs ``actor`` may see, newest first."""
    jobs = Job.objects.select_related("unit", "created_by")
    if actor.user is None:
        return jobs.none()
    own = Q(created_by=actor.user, unit__path__startswith=actor.unit.path)
    if actor.can(Cap.MANAGE_UNITS):
        return jobs.filter(own | scope_q(Job, actor.unit.path))
    return jobs.filter(own)


def job_for(actor: Actor, job_id: int) -> Job:
    """One job ``actor`` may see, else Http404 (never reveals that it exists)."""
    job = jobs_for(actor).filter(pk=job_id).first()
    if job is None:
        raise Http404("任务不存在或不在您的管辖范围内")
    return job
