"""The 案卷评查 demo filler: one campaign of the demo year, ≈30 scored files (drawn from the
county's 执法 records when H3's filler ran, else chosen by hand-made 文书号), crossed review,
a spread of grades, and 整改 through plans with replies in every state."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.test.utils import override_settings
from tests.dbsnapshot import TEST_SETTINGS
from tests.demo_county import DEMO_TODAY, DEMO_YEAR

from fazhi.case_review.demo import fill
from fazhi.case_review.models import Campaign, CaseFile, FileStatus, Rectification
from fazhi.case_review.services import own_unit_problem
from fazhi.demo.generator import CountyContext, seed_county
from fazhi.enforcement.models import Subject
from fazhi.enforcement_data.models import Record
from fazhi.orgs.models import OrgUnit, UnitKind
from fazhi.plans.models import AssignmentStatus

pytestmark = pytest.mark.django_db


def check(filled: int) -> None:
    campaign = Campaign.objects.get()
    assert campaign.year == DEMO_YEAR and campaign.organiser.name.endswith("司法局")
    files = list(CaseFile.objects.select_related("unit", "reviewer_unit"))
    assert filled == len(files) and 25 <= len(files) <= 30
    assert all(f.status == FileStatus.DONE and f.submitted_on is not None for f in files)
    assert all(f.submitted_on <= DEMO_TODAY and f.submitted_on.year == DEMO_YEAR for f in files)  # type: ignore[operator,union-attr]
    assert all(f.reviewer_unit and not own_unit_problem(f.unit, f.reviewer_unit) for f in files)
    grades = Counter(f.grade for f in files)
    assert grades["excellent"] and grades["pass"], grades
    rects = list(Rectification.objects.select_related("assignment"))
    assert len(rects) >= 3
    states = {r.assignment.status for r in rects}
    assert AssignmentStatus.COMPLETED in states and AssignmentStatus.IN_PROGRESS in states


def test_filler_by_hand_chosen_files() -> None:
    with override_settings(**TEST_SETTINGS):
        result = seed_county(today=DEMO_TODAY, fillers=[("case_review", fill)])
    assert all(f.record_id is None for f in CaseFile.objects.all())
    check(dict(result.filled)["case_review"])


def _records(ctx: CountyContext) -> int:
    """Stand-in for the enforcement fillers: 8 penalty records per department (ORM)."""
    made = 0
    for unit in OrgUnit.objects.filter(parent=ctx.root, kind=UnitKind.DEPARTMENT).order_by("path"):
        subject = Subject.objects.create(unit=unit, name=f"{unit.name}执法队")
        for n in range(1, 9):
            Record.objects.create(
                year=DEMO_YEAR, unit=unit, subject=subject, kind="penalty",
                case_number=f"{unit.code}罚〔{DEMO_YEAR}〕{n}号",
                decided_on=dt.date(DEMO_YEAR, n, 3),
            )  # fmt: skip
            made += 1
    return made


def test_filler_draws_from_the_county_records() -> None:
    with override_settings(**TEST_SETTINGS):
        result = seed_county(
            today=DEMO_TODAY, fillers=[("records", _records), ("case_review", fill)]
        )
    files = CaseFile.objects.all()
    assert all(f.record_id is not None for f in files)
    assert Campaign.objects.get().seed is not None
    check(dict(result.filled)["case_review"])
