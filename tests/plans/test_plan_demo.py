"""The demo county's plan: imported through the parser and the services, a year of progress
in every state, consistent with the registers' monthly facts. The county is generated once per
session (``demo_county`` in tests/conftest.py)."""

from __future__ import annotations

import pytest

from fazhi.demo.generator import SeedResult
from fazhi.metrics.facts import facts_check
from fazhi.plans.models import Assignment, Plan, ProgressReport, Task

pytestmark = pytest.mark.django_db


def test_demo_plan(demo_county: SeedResult) -> None:
    result = demo_county
    plan = Plan.objects.get()
    assert plan.title == "湘江县2025年法治政府建设工作要点" and plan.year == 2025
    assert Task.objects.count() == 9
    statuses = set(Assignment.objects.values_list("status", flat=True))
    assert statuses == {"completed", "in_progress", "overdue", "not_started"}
    assert dict(result.filled)["plans"] == Assignment.objects.count() > 60
    assert ProgressReport.objects.filter(status="returned").count() == 1
    assert Assignment.objects.filter(completed_on_time=False).exists()
    assert not Assignment.objects.filter(assigned_as="县编办", unit__isnull=True).exists()
    assert facts_check()[1] == []
