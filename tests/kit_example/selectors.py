"""Reads of the 法律顾问 register, scoped by ``visible_to``."""

from __future__ import annotations

import datetime as dt

from tests.kit_example.models import Counsel, Status

from fazhi.orgs.scoping import Actor, visible_to

EXPIRING_DAYS = 30


def todo_counts(actor: Actor, today: dt.date) -> dict[str, int]:
    """在聘 counsels the actor sees, and those whose contract ends within 30 days."""
    active = visible_to(Counsel.objects.filter(status=Status.ACTIVE), actor)
    soon = today + dt.timedelta(days=EXPIRING_DAYS)
    return {"active": active.count(), "expiring": active.filter(contract_end__lte=soon).count()}
