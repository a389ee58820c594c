"""败诉剖析: after every N losses in a government's subtree (``FAZHI_LOSS_REVIEW_EVERY``,
default 5) a :class:`LossReview` is opened for its 依法治办 with those cases."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from fazhi.core.audit import snapshot
from fazhi.core.services import record_write
from fazhi.litigation.models import LitigationCase, LossReview
from fazhi.orgs.models import OrgUnit, UnitKind
from fazhi.orgs.scoping import Actor


def loss_review_threshold() -> int:
    return int(getattr(settings, "FAZHI_LOSS_REVIEW_EVERY", 5))


def open_loss_reviews(actor: Actor, case: LitigationCase, on: dt.date) -> None:
    """Open a review for every government at or above the 被告 with N uncovered losses."""
    every = loss_review_threshold()
    governments = OrgUnit.objects.filter(
        pk__in=[*case.unit.ancestor_ids, case.unit.pk], kind=UnitKind.GOVERNMENT
    )
    for gov in governments:
        uncovered = LitigationCase.objects.filter(
            unit__path__startswith=gov.path, is_loss=True
        ).exclude(loss_reviews_covering__unit=gov)
        if uncovered.count() < every:
            continue
        batch = list(uncovered.order_by("judged_on", "pk")[:every])
        review = LossReview.objects.create(unit=gov, opened_on=on, threshold=every)
        review.covered.set(batch)
        record_write(
            actor=actor,
            action="litigation.loss_review_open",
            obj=review,
            before=None,
            after=snapshot(review),
            summary=f"累计败诉{every}件，启动败诉剖析",
        )
