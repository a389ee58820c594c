"""Reads of the 重大行政决策 register, scoped by ``visible_to``."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from fazhi.decisions.models import Decision, Status
from fazhi.decisions.workflow import OPEN
from fazhi.orgs.scoping import Actor, visible_to

#: Days ahead the home tile and the sweep name a consultation or hearing coming to its date.
SOON_DAYS = 7


def todo_counts(actor: Actor, today: dt.date) -> dict[str, int]:
    """Decisions in progress the actor sees, those waiting for the 集体讨论, and those whose
    consultation ends or hearing is held within :data:`SOON_DAYS` days."""
    soon = today + dt.timedelta(days=SOON_DAYS)
    # one query for the home page: the four figures as filtered counts of the open decisions
    counts: dict[str, int] = (
        visible_to(Decision.objects.all(), actor)
        .filter(status__in=OPEN)
        .aggregate(
            open=Count("pk"),
            discussion=Count("pk", filter=Q(status__in=(Status.REVIEW, Status.DISCUSSION))),
            consultation=Count(
                "pk", filter=Q(consultation_end__gte=today, consultation_end__lte=soon)
            ),
            hearing=Count("pk", filter=Q(hearing_on__gte=today, hearing_on__lte=soon)),
        )
    )
    return counts


def consultations_ended(today: dt.date) -> int:
    """Open decisions whose 公开征求意见 ended before ``today`` and that have not yet gone to
    the 合法性审查 (the 承办单位 has to 归纳整理、研究论证 the opinions, 第十八条)."""
    return Decision.objects.filter(status=Status.DRAFTING, consultation_end__lt=today).count()
