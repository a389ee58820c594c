"""Who may see what of a campaign, and the reads of the pages.

A campaign has three sides (checked here, on top of the org-tree scoping of
:mod:`fazhi.orgs.scoping`):

* the **organiser** — an actor whose subtree holds the organising unit, with ``Cap.COORDINATE``
  (or the command line): everything;
* a **reviewer** — an actor of a reviewing unit with ``Cap.REVIEW``: the answers of the
  indicators assigned to that unit, for every assessed unit except its own;
* an **assessed unit** — an actor whose subtree holds an evaluated unit: its own evaluation and
  explanation; the other units' results (totals, grades, ranks) only once published.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Q

from fazhi.assessments.models import (
    Answer,
    Campaign,
    Evaluation,
    Indicator,
    IndicatorSystem,
    Reviewer,
)
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, unit_in_scope, visible_to


def is_organiser(actor: Actor, campaign: Campaign) -> bool:
    if actor.is_command_line:
        return unit_in_scope(campaign.organiser, actor)
    return actor.can(Cap.COORDINATE) and unit_in_scope(campaign.organiser, actor)


def reviewer_of(actor: Actor, campaign: Campaign) -> Reviewer | None:
    """The reviewing assignment of the actor's own unit (a reviewer acts for its unit only)."""
    if actor.is_command_line or not actor.can(Cap.REVIEW):
        return None
    return Reviewer.objects.filter(campaign=campaign, unit=actor.unit).first()


def reviewed_indicator_ids(reviewer: Reviewer) -> set[int]:
    """The indicators a reviewer scores: those assigned and every one below them."""
    assigned = list(reviewer.indicators.all())
    if not assigned:
        return set()
    ids: set[int] = set()
    pool = list(Indicator.objects.filter(system_id=assigned[0].system_id))
    children: dict[int | None, list[Indicator]] = {}
    for ind in pool:
        children.setdefault(ind.parent_id, []).append(ind)
    todo = [a.pk for a in assigned]
    while todo:
        pk = todo.pop()
        if pk in ids:
            continue
        ids.add(pk)
        todo.extend(c.pk for c in children.get(pk, []))
    return ids


def own_evaluations(actor: Actor, campaign: Campaign) -> models.QuerySet[Evaluation]:
    """The evaluations of units in the actor's subtree (its own side)."""
    return visible_to(Evaluation.objects.filter(campaign=campaign), actor)


@dataclass(frozen=True)
class Access:
    organiser: bool
    reviewer: Reviewer | None
    own: frozenset[int]  # evaluation ids of the actor's own side

    @property
    def any(self) -> bool:
        return self.organiser or self.reviewer is not None or bool(self.own)

    def is_unit_side(self, evaluation: Evaluation) -> bool:
        """Whether the actor acts for the assessed unit (self-evaluation, 异议): its own
        subtree, and not the organiser (who holds every unit in its subtree)."""
        return evaluation.pk in self.own and not self.organiser

    def may_see_evaluation(self, evaluation: Evaluation, published: bool) -> bool:
        if self.organiser or evaluation.pk in self.own:
            return True
        if self.reviewer is not None and evaluation.unit_id != self.reviewer.unit_id:
            return True
        return published and bool(self.own)


def access(actor: Actor, campaign: Campaign) -> Access:
    return Access(
        organiser=is_organiser(actor, campaign),
        reviewer=reviewer_of(actor, campaign),
        own=frozenset(own_evaluations(actor, campaign).values_list("pk", flat=True)),
    )


def campaigns_for(actor: Actor) -> models.QuerySet[Campaign]:
    """Campaigns the actor has a side in: organised in its subtree, reviewed by its unit, or
    assessing a unit of its subtree."""
    organised = visible_to(Campaign.objects.all(), actor).values("pk")
    assessed = visible_to(Evaluation.objects.all(), actor).values("campaign_id")
    reviewing = Reviewer.objects.filter(unit=actor.unit).values("campaign_id")
    q = Q(pk__in=assessed)
    if actor.is_command_line or actor.can(Cap.COORDINATE):
        q |= Q(pk__in=organised)
    if actor.can(Cap.REVIEW) and not actor.is_command_line:
        q |= Q(pk__in=reviewing)
    return Campaign.objects.filter(q).select_related("organiser", "system")


def systems_for(actor: Actor) -> models.QuerySet[IndicatorSystem]:
    """Shipped systems (no owner) and those owned in the actor's subtree or above it."""
    above = [int(p) for p in actor.unit.path.strip("/").split("/") if p.isdigit()]
    return IndicatorSystem.objects.filter(
        Q(owner__isnull=True) | Q(owner_id__in=above) | Q(owner__path__startswith=actor.unit.path)
    )


def indicator_tree(system: IndicatorSystem) -> list[Indicator]:
    """The system's indicators in display order (parents before children)."""
    return list(system.indicators.order_by("order", "pk"))


def pending_reviews(campaign: Campaign, indicator_ids: Iterable[int]) -> dict[int, int]:
    """Per evaluation: the reviewer-scored indicators among ``indicator_ids`` not scored yet."""
    rows = (
        Answer.objects.filter(
            evaluation__campaign=campaign,
            indicator_id__in=list(indicator_ids),
            indicator__rule="reviewer",
            indicator__kind="score",
            review_deduction__isnull=True,
            override__isnull=True,
        )
        .values("evaluation_id")
        .annotate(n=Count("pk"))
    )
    return {r["evaluation_id"]: r["n"] for r in rows}


def reviewers_of(campaign: Campaign) -> list[Reviewer]:
    """The reviewing units of a campaign with their assigned indicators (two queries)."""
    return list(
        campaign.reviewers.select_related("unit")
        .prefetch_related(models.Prefetch("indicators", Indicator.objects.order_by("order")))
        .order_by("unit__path")
    )


def reviewer_candidates(campaign: Campaign) -> list[OrgUnit]:
    """Units that may review: the organiser and its direct subordinate units."""
    organiser = campaign.organiser
    below = OrgUnit.objects.filter(parent=organiser, is_active=True).order_by("sort_order", "pk")
    return [organiser, *below]


def answers_of(evaluation: Evaluation, only: Iterable[int] | None = None) -> list[Answer]:
    qs = evaluation.answers.select_related("indicator").prefetch_related("files")
    if only is not None:
        qs = qs.filter(indicator_id__in=list(only))
    return list(qs.order_by("indicator__order", "pk"))


def todo_counts(actor: Actor, today: object = None) -> dict[str, int]:
    """What waits for the actor: its units' self-evaluations not submitted (in 自评), answers
    its unit reviews still pending (in 审核评分), 异议 to answer (organiser)."""
    from fazhi.assessments.models import EvalStatus, Objection, ObjectionStatus, Status

    counts = {"to_submit": 0, "to_review": 0, "objections": 0}
    if actor.can(Cap.EDIT_RECORDS):
        counts["to_submit"] = (
            visible_to(Evaluation.objects.all(), actor)
            .filter(campaign__status=Status.SELF, status=EvalStatus.PENDING)
            .count()
        )
    if actor.can(Cap.REVIEW) and not actor.is_command_line:
        for reviewer in Reviewer.objects.filter(
            unit=actor.unit, campaign__status=Status.REVIEW
        ).prefetch_related("indicators"):
            ids = reviewed_indicator_ids(reviewer)
            counts["to_review"] += (
                Answer.objects.filter(
                    evaluation__campaign_id=reviewer.campaign_id,
                    indicator_id__in=ids,
                    indicator__rule="reviewer",
                    indicator__kind="score",
                    review_deduction__isnull=True,
                )
                .exclude(evaluation__unit=actor.unit)
                .count()
            )
    if actor.can(Cap.COORDINATE):
        organised = visible_to(Campaign.objects.all(), actor).values("pk")
        counts["objections"] = Objection.objects.filter(
            evaluation__campaign__in=organised, status=ObjectionStatus.FILED
        ).count()
    return counts
