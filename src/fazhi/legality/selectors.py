"""Reads of the 合法性审查 register, scoped by ``visible_to``."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from fazhi.legality.models import OPEN_STATUSES, Review, ReviewQuerySet, Status
from fazhi.orgs.scoping import Actor, visible_to


def todo_counts(actor: Actor, today: dt.date) -> dict[str, int]:
    """Items waiting for review that the actor sees, of them overdue, and items returned for
    supplement (one query)."""
    found = visible_to(Review.objects.all(), actor).aggregate(
        pending=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=ReviewQuerySet.overdue_q(today)),
        returned=Count("pk", filter=Q(status=Status.RETURNED)),
    )
    return {k: int(v or 0) for k, v in found.items()}
