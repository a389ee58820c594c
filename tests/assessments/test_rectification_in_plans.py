"""整改 of a 考核 is plans work: the tasks sit in the organiser's 整改 plan matrix, the daily
sweep marks them overdue and reminds the unit, the unit reports with evidence, the organiser's
approval closes the 问题 and moves the campaign's 整改完成率; self-evaluation reminders."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from tests.assessments.test_campaign_flow import TZ, campaign, run_to_publication
from tests.personas import County

from fazhi.assessments import services
from fazhi.assessments.models import Campaign
from fazhi.plans import services as plans
from fazhi.plans.models import Assignment, AssignmentStatus, Reminder

pytestmark = pytest.mark.django_db
__all__ = ["campaign"]


def test_rectification_through_plans(campaign: Campaign, county: County) -> None:
    run_to_publication(campaign, county)
    with time_machine.travel(dt.datetime(2026, 1, 26, 10, tzinfo=TZ), tick=False):
        finding = services.finding_create(
            actor=county.actor("coordinator"),
            campaign=campaign,
            unit=county.town_b,
            text="普法责任清单未制定",
            due_on=dt.date(2026, 2, 27),
        )
    assignment = Assignment.objects.select_related("task__plan").get(pk=finding.assignment_id)
    matrix = county.client("coordinator").get(f"/plans/{assignment.task.plan_id}/")
    assert matrix.status_code == 200 and "普法责任清单未制定" in matrix.content.decode()
    with time_machine.travel(dt.datetime(2026, 3, 2, 8, tzinfo=TZ), tick=False):
        plans.assignments_sweep(today=dt.date(2026, 3, 2))
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.OVERDUE
    assert Reminder.objects.filter(unit=county.town_b, key__startswith="overdue:").exists()
    with time_machine.travel(dt.datetime(2026, 3, 3, 9, tzinfo=TZ), tick=False):
        report = plans.report_submit(
            actor=county.actor("clerk_b"),
            assignment=assignment,
            text="已制定普法责任清单并公布",
            claims_completion=True,
        )
        plans.report_review(actor=county.actor("coordinator"), report=report, approve=True)
    finding.refresh_from_db()
    assert finding.done and services.rectification_figures(campaign) == (1, 1)


def test_self_evaluation_reminders(campaign: Campaign, county: County) -> None:
    # self_due 2026-01-20: reminded within the warning days, then as overdue; idempotent
    assert services.sweep(today=dt.date(2026, 1, 1)) == 0
    assert services.sweep(today=dt.date(2026, 1, 18)) == 3
    assert services.sweep(today=dt.date(2026, 1, 18)) == 0
    evaluation = campaign.evaluations.get(unit=county.town_a)
    services.evaluation_submit(actor=county.actor("clerk_a"), evaluation=evaluation)
    assert services.sweep(today=dt.date(2026, 1, 21)) == 2  # the two that did not submit
    texts = set(Reminder.objects.filter(unit=county.town_b).values_list("text", flat=True))
    assert "“2025年度法治政府建设考核”自评已逾期（截止 2026-01-20），请尽快提交" in texts
