"""The demo county's plan: imported through the parser and the services, a year of progress
in every state, consistent with the registers' monthly facts. The county is generated once per
session (``demo_county`` in tests/conftest.py)."""

from __future__ import annotations

import pytest

from fazhi.demo.generator import SeedResult
from fazhi.metrics.facts import facts_check
from fazhi.plans.models import Assignment, Plan, ProgressReport, Task
from fazhi.plans.services import rectification_plan_title

pytestmark = pytest.mark.django_db


def test_demo_plan(demo_county: SeedResult) -> None:
    result = demo_county
    # the 工作要点, and the 整改任务 plans the 案卷评查 filler (2025, issue 17) and the 考核
    # filler (整改 of the 2025 考核, issued in January 2026, issue 19) open; their own tests
    rectification = [rectification_plan_title(2025), rectification_plan_title(2026)]
    plan = Plan.objects.exclude(title__in=rectification).get()
    years = Plan.objects.filter(title__in=rectification).values_list("year", flat=True)
    assert sorted(years) == [2025, 2026]
    assert plan.title == "湘江县2025年法治政府建设工作要点" and plan.year == 2025
    assert Task.objects.filter(plan=plan).count() == 9
    assignments = Assignment.objects.filter(task__plan=plan)
    statuses = set(assignments.values_list("status", flat=True))
    assert statuses == {"completed", "in_progress", "overdue", "not_started"}
    assert dict(result.filled)["plans"] == assignments.count() > 60
    assert (
        ProgressReport.objects.filter(status="returned", assignment__task__plan=plan).count() == 1
    )
    assert assignments.filter(completed_on_time=False).exists()
    assert not Assignment.objects.filter(assigned_as="县编办", unit__isnull=True).exists()
    assert facts_check()[1] == []
