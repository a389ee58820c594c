"""Reads of the 法律顾问 registers, scoped by ``visible_to``."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from fazhi.counsel.models import Counsel, Participation, Status
from fazhi.orgs.scoping import Actor, visible_to

EXPIRING_DAYS = 30


def todo_counts(actor: Actor, today: dt.date) -> dict[str, int]:
    """在聘 advisers the actor sees, and those whose contract ends within 30 days."""
    active = visible_to(Counsel.objects.filter(status=Status.ACTIVE), actor)
    soon = today + dt.timedelta(days=EXPIRING_DAYS)
    return {"active": active.count(), "expiring": active.filter(contract_end__lte=soon).count()}


def participations_of(counsel: Counsel) -> QuerySet[Participation]:
    """All participations of one adviser (typed and counted), newest first."""
    return counsel.participations.order_by("-on", "-id")
