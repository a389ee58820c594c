"""Records of the other registers that name advisers, written directly through the ORM (those
registers are other apps'; only the fields the counting reads matter)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fazhi.decisions.models import Decision, Procedure, ProcedureState
from fazhi.legality.models import Category, Review
from fazhi.orgs.models import OrgUnit

_numbers = iter(range(1, 10_000))


def review(
    unit: OrgUnit,
    completed: str | None,
    reviewers: list[dict[str, Any]],
    submitter: OrgUnit | None = None,
    title: str = "关于某事项的规范性文件",
) -> Review:
    received = dt.date.fromisoformat(completed) if completed else dt.date(2025, 3, 1)
    return Review.objects.create(
        unit=unit,
        submitter=submitter or unit,
        number=f"HF-{next(_numbers)}",
        title=title,
        category=Category.objects.order_by("pk").first(),
        received_on=received,
        period_start=received,
        due_on=received + dt.timedelta(days=20),
        reviewers=reviewers,
        completed_on=dt.date.fromisoformat(completed) if completed else None,
    )


def expert_procedure(
    unit: OrgUnit, done: str, participants: str, state: str = ProcedureState.DONE
) -> Procedure:
    decision = Decision.objects.create(
        unit=unit,
        lead_unit=unit,
        title="城区停车收费调整",
        category="policy",
        listed_on=dt.date(2025, 1, 2),
    )
    return Procedure.objects.create(
        decision=decision,
        kind_id="expert",
        state=state,
        done_on=dt.date.fromisoformat(done),
        participants=participants,
    )
