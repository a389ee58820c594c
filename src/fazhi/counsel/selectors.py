"""Reads of the 法律顾问 registers, scoped by ``visible_to``."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from fazhi.counsel.models import Counsel, Participation, Status
from fazhi.orgs.scoping import Actor, visible_to

EXPIRING_DAYS = 30


def todo_counts(actor: Actor, today: dt.date) -> dict[str, int]:
    """Of the 在聘 advisers the actor sees (one query): ``active``, those still within their
    term; ``expiring``, those whose term ends within 30 days; ``ended``, those whose term has
    ended but who are not yet marked 聘期届满 (the daily sweep has not run since)."""
    soon = today + dt.timedelta(days=EXPIRING_DAYS)
    counts = visible_to(Counsel.objects.filter(status=Status.ACTIVE), actor).aggregate(
        active=Count("pk", filter=Q(contract_end__gte=today)),
        expiring=Count("pk", filter=Q(contract_end__gte=today, contract_end__lte=soon)),
        ended=Count("pk", filter=Q(contract_end__lt=today)),
    )
    return {key: int(value or 0) for key, value in counts.items()}


def participations_of(counsel: Counsel) -> QuerySet[Participation]:
    """All participations of one adviser (typed and counted), newest first."""
    return counsel.participations.order_by("-on", "-id")
