"""The demo county's 考核 (the shipped 县级 scheme, its last full year): every department and
township assessed, register figures prefilled from the demo registers, in 公示 with one upheld
and one waiting 异议, and the 整改 of the three lowest units open in plans."""

from __future__ import annotations

from typing import Any

import pytest

from fazhi.assessments.models import (
    Answer,
    Campaign,
    EvalStatus,
    Finding,
    ObjectionStatus,
    Source,
    Status,
)
from fazhi.orgs.models import OrgUnit, UnitKind
from fazhi.plans.models import TaskKind

pytestmark = pytest.mark.django_db


def test_the_demo_campaign(demo_county: Any) -> None:
    campaign = Campaign.objects.get()
    root = OrgUnit.objects.get(parent=None)
    assert (campaign.organiser, campaign.status) == (root, Status.PUBLICITY)
    assert campaign.title == f"{campaign.year}年度法治政府建设考核"
    assessed = set(campaign.evaluations.values_list("unit_id", flat=True))
    expected = OrgUnit.objects.filter(
        parent=root, kind__in=[UnitKind.DEPARTMENT, UnitKind.TOWNSHIP], is_active=True
    )
    assert assessed == set(expected.values_list("pk", flat=True)) and len(assessed) > 10
    evaluations = list(campaign.evaluations.all())
    assert all(e.status == EvalStatus.REVIEWED and e.pending == 0 for e in evaluations)
    assert all(e.total is not None and e.rank for e in evaluations)
    register = Answer.objects.filter(evaluation__campaign=campaign, source=Source.REGISTER)
    assert register.filter(figure__isnull=False).count() > 20  # the demo registers answer
    assert not register.filter(prefilled_at__isnull=True).exists()
    assert sum(e.typed_fields for e in evaluations) > 0  # only what no register holds
    statuses = sorted(s for e in evaluations for s in e.objections.values_list("status", flat=True))
    assert statuses == sorted([ObjectionStatus.UPHELD, ObjectionStatus.FILED])
    findings = list(Finding.objects.filter(campaign=campaign).select_related("assignment__task"))
    assert 3 <= len(findings) <= 6 and len({f.unit_id for f in findings}) == 3
    assert all(f.assignment and f.assignment.task.kind == TaskKind.RECTIFICATION for f in findings)
    assert not any(f.done for f in findings)
