"""Reads of the 行政应诉 register, always through :func:`fazhi.orgs.scoping.visible_to`."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Count

from fazhi.litigation.models import (
    JudicialSuggestion,
    LitigationCase,
    LitigationQuerySet,
    LossReview,
    LossReviewStatus,
    Status,
    SuggestionQuerySet,
)
from fazhi.orgs.scoping import Actor, visible_to


def cases_for(actor: Actor) -> models.QuerySet[LitigationCase]:
    """Cases whose 被告 is a unit in the actor's subtree."""
    return visible_to(LitigationCase.objects.all(), actor)


def todo_counts(actor: Actor, today: dt.date) -> dict[str, int]:
    """Pending cases, cases past a 答辩举证 or 上诉 deadline (``LitigationQuerySet.overdue_q``),
    unanswered (and overdue) 司法建议 and open 败诉剖析 in scope."""
    cases = cases_for(actor).aggregate(
        pending=Count("pk", filter=models.Q(status=Status.PENDING)),
        overdue=Count("pk", filter=LitigationQuerySet.overdue_q(today)),
    )
    suggestions = visible_to(JudicialSuggestion.objects.all(), actor).aggregate(
        unanswered=Count("pk", filter=SuggestionQuerySet.pending_q()),
        overdue=Count("pk", filter=SuggestionQuerySet.overdue_q(today)),
    )
    reviews = visible_to(LossReview.objects.all(), actor).filter(status=LossReviewStatus.OPEN)
    return {
        "pending": cases["pending"],
        "overdue": cases["overdue"],
        "suggestions_unanswered": suggestions["unanswered"],
        "suggestions_overdue": suggestions["overdue"],
        "reviews_open": reviews.count(),
    }
