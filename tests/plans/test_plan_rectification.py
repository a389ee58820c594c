"""The generic 整改 service of plans (``rectification_create``): a yearly 整改 plan of the
organiser, one RECTIFICATION task per notice, one responsible assignment tracked by the same
machinery as every plan task (report, review, lights, 督办单). Used by 案卷评查 (issue 17) and
meant for 考核 (issue 19)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from tests.personas import County

from fazhi.core.models import AuditEntry
from fazhi.plans.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Plan,
    Reminder,
    Task,
    TaskKind,
)
from fazhi.plans.services import (
    light,
    notice_issue,
    rectification_create,
    report_review,
    report_submit,
)

pytestmark = pytest.mark.django_db
D = dt.date
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 30, 12, 0, tzinfo=SHANGHAI), tick=False):
        yield


def _issue(county: County, **kw: object) -> Assignment:
    args: dict[str, object] = {
        "actor": county.actor("coordinator"),
        "organiser": county.dept,
        "unit": county.town_a,
        "title": "案卷评查整改（白沙镇）",
        "content": "1. 立案不及时（扣1分）",
        "due_on": D(2026, 7, 31),
        "source_label": "行政执法案卷评查",
        "source_url": "/case-review/campaigns/1/",
    }
    args.update(kw)
    return rectification_create(**args)  # type: ignore[arg-type]


def test_creates_the_yearly_plan_task_and_assignment(county: County) -> None:
    a = _issue(county)
    b = _issue(county, unit=county.town_b, title="案卷评查整改（黄金乡）")
    plans = Plan.objects.filter(unit=county.dept, year=2026)
    assert [p.title for p in plans] == ["2026年度整改任务"]  # one plan, found again
    tasks = Task.objects.filter(plan=plans[0]).order_by("order")
    assert [(t.kind, t.number, t.due_on) for t in tasks] == [
        (TaskKind.RECTIFICATION, "整改1", D(2026, 7, 31)),
        (TaskKind.RECTIFICATION, "整改2", D(2026, 7, 31)),
    ]
    assert "来源：行政执法案卷评查（/case-review/campaigns/1/）" in tasks[0].text
    for assignment, unit in ((a, county.town_a), (b, county.town_b)):
        assert assignment.unit == unit
        assert assignment.role == AssignmentRole.RESPONSIBLE
        assert assignment.status == AssignmentStatus.NOT_STARTED
        assert assignment.assigned_as == "行政执法案卷评查"
    assert (
        Reminder.objects.filter(unit=county.town_a, key__startswith="rectification:").count() == 1
    )
    entry = AuditEntry.objects.filter(action="plan.rectification_create").first()
    assert entry is not None and entry.after["source"] == "行政执法案卷评查"


def test_tracked_by_the_plans_machinery(county: County) -> None:
    a = _issue(county)
    assert light(a, D(2026, 6, 30), warn_days=7) == "green"
    assert light(a, D(2026, 8, 1)) == "red"
    notice = notice_issue(
        actor=county.actor("coordinator"),
        assignment=a,
        content="请加快整改",
        reply_due=D(2026, 7, 10),
    )
    assert notice.number.startswith("督办〔2026〕")
    report = report_submit(
        actor=county.actor("clerk_a"),
        assignment=a,
        text="已整改，见附件",
        claims_completion=True,
    )
    report_review(actor=county.actor("reviewer"), report=report, approve=True)
    a.refresh_from_db()
    assert a.status == AssignmentStatus.COMPLETED
    assert a.completed_on_time is True


def test_refusals(county: County) -> None:
    with pytest.raises(PermissionDenied):
        _issue(county, actor=county.actor("clerk_a"))  # the 司法局 is not in 白沙镇's subtree
    with pytest.raises(PermissionDenied):
        _issue(county, actor=county.actor("leader"))  # no EDIT_RECORDS
    with pytest.raises(ValidationError) as exc:
        _issue(county, due_on=D(2026, 6, 29))
    assert "整改期限" in str(exc.value)
    with pytest.raises(ValidationError):
        _issue(county, content=" ")
    with pytest.raises(ValidationError):
        _issue(county, issued_on=D(2026, 7, 1))  # never after today
    assert not Plan.objects.filter(title__endswith="整改任务").exists()


def test_back_filled_issue_date(county: County) -> None:
    a = _issue(county, issued_on=D(2025, 11, 20), due_on=D(2025, 12, 31))
    assert a.task.plan.year == 2025
    assert a.task.plan.title == "2025年度整改任务"
