"""Reads of the 人民调解 registers, scoped by ``visible_to``."""

from __future__ import annotations

from fazhi.mediation.models import Case, CaseStatus, Committee, CommitteeStatus
from fazhi.orgs.scoping import Actor, visible_to


def todo_counts(actor: Actor) -> dict[str, int]:
    """Open cases and committees whose term has ended, as the actor sees them."""
    return {
        "open": visible_to(Case.objects.filter(status=CaseStatus.RECEIVED), actor).count(),
        "ended": visible_to(Committee.objects.filter(status=CommitteeStatus.ENDED), actor).count(),
    }
