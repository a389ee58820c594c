"""Reads of the 行政复议 register, always through :func:`fazhi.orgs.scoping.visible_to`."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Count, Q

from fazhi.orgs.scoping import Actor, unit_in_scope, visible_to
from fazhi.reconsideration.models import (
    OPEN_STATUSES,
    CaseQuerySet,
    OpinionLetter,
    ReconsiderationCase,
)


def cases_for(actor: Actor) -> models.QuerySet[ReconsiderationCase]:
    """Cases the actor may see: kept by, or brought against, a unit in its subtree."""
    return visible_to(ReconsiderationCase.objects.all(), actor)


def todo_counts(actor: Actor, today: dt.date) -> dict[str, int]:
    """Open cases, overdue open cases and overdue 意见书 replies in scope (two queries)."""
    counts = cases_for(actor).aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=CaseQuerySet.overdue_q(today)),
    )
    letters = (
        OpinionLetter.objects.overdue(today).filter(case__in=cases_for(actor).values("pk")).count()
    )
    return {"open": counts["open"], "overdue": counts["overdue"], "letters_overdue": letters}


def replyable_letters(actor: Actor, case: ReconsiderationCase) -> list[OpinionLetter]:
    """Letters of ``case`` still waiting for the report that ``actor`` may record: the
    复议机构 side records any; the recipient side records its own."""
    pending = case.letters.filter(replied_on__isnull=True).select_related("recipient")
    if unit_in_scope(case.unit, actor):
        return list(pending)
    return [
        letter
        for letter in pending
        if letter.recipient is not None and unit_in_scope(letter.recipient, actor)
    ]
