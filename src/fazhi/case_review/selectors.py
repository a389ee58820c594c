"""Reads of the 案卷评查 app: the files a reviewer has to score, results per unit and per
campaign."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet

from fazhi.case_review.models import Campaign, CaseFile, FileStatus, Grade, Standard
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, visible_to


def files_to_score(actor: Actor) -> int:
    """Pending files whose reviewing unit is in the actor's subtree (0 without Cap.REVIEW)."""
    if not actor.can(Cap.REVIEW):
        return 0
    return CaseFile.objects.filter(
        status=FileStatus.PENDING, reviewer_unit__path__startswith=actor.unit.path
    ).count()


def standards() -> QuerySet[Standard]:
    """Every standard (rule data, readable by every role that reads registers)."""
    return Standard.objects.select_related("owner").order_by("name", "-version")


def campaigns_for(actor: Actor) -> QuerySet[Campaign]:
    return visible_to(Campaign.objects.select_related("organiser", "standard"), actor)


@dataclass
class UnitResult:
    unit_name: str
    unit_code: str
    files: int = 0
    done: int = 0
    excellent: int = 0
    passed: int = 0
    failed: int = 0
    total: Decimal = Decimal("0")
    reviewer: str = ""
    rectification: object = None
    scores: list[Decimal] = field(default_factory=list)

    @property
    def average(self) -> Decimal | None:
        if not self.done:
            return None
        return (self.total / self.done).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def pass_rate(self) -> Decimal | None:
        if not self.done:
            return None
        return (Decimal(100) * (self.excellent + self.passed) / self.done).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )


def results(
    campaign: Campaign, files: QuerySet[CaseFile] | None = None
) -> tuple[list[UnitResult], UnitResult]:
    """Per reviewed unit (in the campaign's order) and for the whole campaign: files drawn,
    finished, average score, grades. ``files`` restricts to what the viewer sees."""
    rows = {
        r.unit_id: UnitResult(
            r.unit.name, r.unit.code, reviewer=r.reviewer_unit.name if r.reviewer_unit else ""
        )
        for r in campaign.units.select_related("unit", "reviewer_unit")
    }
    for rect in campaign.rectifications.select_related("assignment"):
        if rect.unit_id in rows:
            rows[rect.unit_id].rectification = rect
    qs = files if files is not None else campaign.files.all()
    whole = UnitResult("合计", "")
    for f in qs.values("unit_id", "status", "grade", "score"):
        row = rows.get(f["unit_id"])
        for target in (row, whole):
            if target is None:
                continue
            target.files += 1
            if f["status"] == FileStatus.DONE:
                target.done += 1
                target.total += f["score"] or Decimal("0")
                if f["grade"] == Grade.EXCELLENT:
                    target.excellent += 1
                elif f["grade"] == Grade.PASS:
                    target.passed += 1
                else:
                    target.failed += 1
    return list(rows.values()), whole
