"""Tracking a plan: progress reports with evidence, review (退回 with a reason / 通过), status
and completion, traffic lights, the overdue sweep and reminders, 督办单, and who may do what
(a unit never sees or reports on another unit's assignments)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.personas import County

from fazhi.core.models import AuditEntry
from fazhi.orgs.models import OrgUnit
from fazhi.plans.models import (
    Assignment,
    AssignmentStatus,
    Evidence,
    NoticeStatus,
    Reminder,
    ReportStatus,
)
from fazhi.plans.parser import parse_plan
from fazhi.plans.services import (
    SweepResult,
    assignments_sweep,
    light,
    notice_issue,
    notice_reply,
    plan_import,
    report_review,
    report_submit,
)

pytestmark = pytest.mark.django_db
D = dt.date
PDF = b"%PDF-1.4\n% evidence\n"

PLAN = """湘江县2025年法治政府建设工作要点
一、严格规范公正文明执法
（一）开展案卷评查。9月30日前完成评查，不少于100卷。（牵头单位：湘江县司法局；责任单位：白沙镇人民政府、黄金乡人民政府）
（二）落实述法。6月底前完成。（责任单位：白沙镇人民政府）
"""


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def plan(county: County) -> Any:
    units = {"湘江县司法局": [county.dept], "白沙镇人民政府": [county.town_a]}
    units["黄金乡人民政府"] = [county.town_b]
    with time_machine.travel(dt.datetime(2025, 3, 1, 9, tzinfo=dt.UTC), tick=False):
        return plan_import(
            actor=county.actor("coordinator"),
            unit=county.root,
            parsed=parse_plan(PLAN),
            resolution=units,
        ).plan


def assignment(plan: Any, number: str, unit: OrgUnit) -> Assignment:
    return Assignment.objects.get(task__plan=plan, task__number=number, unit=unit)


def pdf(name: str = "评查报告.pdf", data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@time_machine.travel(dt.datetime(2025, 6, 10, 9, tzinfo=dt.UTC), tick=False)
def test_report_return_resubmit_approve(county: County, plan: Any) -> None:
    a = assignment(plan, "（一）", county.town_a)
    assert (a.status, a.due_on) == (AssignmentStatus.NOT_STARTED, D(2025, 9, 30))
    first = report_submit(
        actor=county.actor("clerk_a"), assignment=a, text="已完成自查 60 卷。", files=[pdf()]
    )
    a.refresh_from_db()
    assert a.status == AssignmentStatus.IN_PROGRESS
    evidence = Evidence.objects.get(report=first)
    assert evidence.original_name == "评查报告.pdf" and evidence.size == len(PDF)
    assert "评查报告" not in evidence.file.name and evidence.file.name.endswith(".pdf")
    assert len(evidence.sha256) == 64
    assert Reminder.objects.filter(unit=county.root, key=f"report:{first.pk}").exists()
    with pytest.raises(ValidationError, match="退回原因"):
        report_review(actor=county.actor("coordinator"), report=first, approve=False)
    report_review(actor=county.actor("coordinator"), report=first, approve=False, note="缺评查表")
    first.refresh_from_db()
    assert (first.status, first.review_note) == (ReportStatus.RETURNED, "缺评查表")
    assert Reminder.objects.get(key=f"returned:{first.pk}").unit == county.town_a
    with pytest.raises(ValidationError, match="已退回"):
        report_review(actor=county.actor("coordinator"), report=first, approve=True)
    second = report_submit(
        actor=county.actor("clerk_a"),
        assignment=a,
        text="补充评查表，已完成 100 卷。",
        claims_completion=True,
        files=[pdf("评查表.pdf")],
    )
    report_review(actor=county.actor("coordinator"), report=second, approve=True)
    a.refresh_from_db()
    assert (a.status, a.completed_on, a.completed_on_time) == (
        AssignmentStatus.COMPLETED,
        D(2025, 6, 10),
        True,
    )
    with pytest.raises(ValidationError, match="已审核完成"):
        report_submit(actor=county.actor("clerk_a"), assignment=a, text="再报")
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"plan.report_submit", "plan.report_review"} <= actions


def test_a_lead_unit_reviews_others_but_not_itself(county: County, plan: Any) -> None:
    town = assignment(plan, "（一）", county.town_a)
    lead = assignment(plan, "（一）", county.dept)
    theirs = report_submit(actor=county.actor("clerk_a"), assignment=town, text="进展")
    ours = report_submit(actor=county.actor("dept_clerk"), assignment=lead, text="进展")
    report_review(actor=county.actor("reviewer"), report=theirs, approve=True)  # dept leads (一)
    with pytest.raises(PermissionDenied):
        report_review(actor=county.actor("reviewer"), report=ours, approve=True)
    with pytest.raises(PermissionDenied):
        report_review(actor=county.actor("reviewer_a"), report=ours, approve=True)
    other = assignment(plan, "（二）", county.town_a)  # dept does not lead (二)
    report = report_submit(actor=county.actor("clerk_a"), assignment=other, text="进展")
    with pytest.raises(PermissionDenied):
        report_review(actor=county.actor("reviewer"), report=report, approve=True)


@pytest.mark.parametrize("persona", ["clerk_b", "dept_clerk", "leader", "reviewer_a"])
def test_no_report_on_another_units_assignment(county: County, plan: Any, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        report_submit(
            actor=county.actor(persona),
            assignment=assignment(plan, "（一）", county.town_a),
            text="进展",
        )


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("a.exe", b"MZ...", "不支持的文件类型"),
        ("a.pdf", b"GIF89a", "与扩展名 .pdf 不符"),
        ("a.docx", b"%PDF-", "与扩展名 .docx 不符"),
        ("a.txt", b"text\x00bin", "不是文本文件"),
        ("a.pdf", b"", "文件为空"),
    ],
)
def test_evidence_is_checked(
    county: County, plan: Any, name: str, data: bytes, reason: str
) -> None:
    a = assignment(plan, "（一）", county.town_a)
    with pytest.raises(ValidationError, match=reason):
        report_submit(
            actor=county.actor("clerk_a"), assignment=a, text="进展", files=[pdf(name, data)]
        )
    assert not a.reports.exists()


def test_evidence_size_limit(county: County, plan: Any, settings: Any) -> None:
    settings.FAZHI_EVIDENCE_MAX_MB = 1
    big = pdf("大.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError, match="超过 1 MB"):
        report_submit(
            actor=county.actor("clerk_a"),
            assignment=assignment(plan, "（一）", county.town_a),
            text="进展",
            files=[big],
        )


def test_lights(county: County, plan: Any, settings: Any) -> None:
    a = assignment(plan, "（二）", county.town_a)  # due 2025-06-30
    settings.FAZHI_PLAN_WARN_DAYS = 3
    assert light(a, D(2025, 6, 26)) == "green"
    assert light(a, D(2025, 6, 27)) == "yellow"
    assert light(a, D(2025, 6, 30)) == "yellow"
    assert light(a, D(2025, 7, 1)) == "red"
    assert light(a, D(2025, 6, 20), warn_days=10) == "yellow"
    a.status = AssignmentStatus.COMPLETED
    assert light(a, D(2025, 7, 1)) == "green"


def test_sweep_flags_overdue_once_and_reminds(county: County, plan: Any, settings: Any) -> None:
    settings.FAZHI_PLAN_WARN_DAYS = 3
    assert assignments_sweep(today=D(2025, 6, 27)) == SweepResult(0, 1)  # (二): due in 3 days
    assert assignments_sweep(today=D(2025, 6, 27)) == SweepResult(0, 0)
    result = assignments_sweep(today=D(2025, 7, 1))
    assert (result.overdue, result.reminders) == (1, 1)
    a = assignment(plan, "（二）", county.town_a)
    assert a.status == AssignmentStatus.OVERDUE
    assert assignments_sweep(today=D(2025, 7, 1)) == SweepResult(0, 0)  # idempotent
    texts = list(Reminder.objects.filter(unit=county.town_a).values_list("text", flat=True))
    assert any("已逾期" in t for t in texts) and any("将于 2025-06-30 到期" in t for t in texts)
    # reporting late keeps it 逾期 until the completion is approved, then 逾期完成
    report = report_submit(
        actor=county.actor("clerk_a"), assignment=a, text="补报", claims_completion=True
    )
    with time_machine.travel(dt.datetime(2025, 7, 5, 9, tzinfo=dt.UTC), tick=False):
        report_review(actor=county.actor("coordinator"), report=report, approve=True)
    a.refresh_from_db()
    assert a.status == AssignmentStatus.COMPLETED and a.completed_on_time is False


@time_machine.travel(dt.datetime(2025, 7, 2, 9, tzinfo=dt.UTC), tick=False)
def test_supervision_notice(county: County, plan: Any) -> None:
    a = assignment(plan, "（二）", county.town_a)
    with pytest.raises(PermissionDenied):
        notice_issue(
            actor=county.actor("clerk_a"), assignment=a, content="x", reply_due=D(2025, 7, 9)
        )
    with pytest.raises(ValidationError, match="回复期限不能早于今天"):
        notice_issue(
            actor=county.actor("coordinator"),
            assignment=a,
            content="请说明",
            reply_due=D(2025, 7, 1),
        )
    notice = notice_issue(
        actor=county.actor("coordinator"),
        assignment=a,
        content="述法工作逾期，请说明原因并限期完成",
        reply_due=D(2025, 7, 9),
    )
    assert notice.number == "督办〔2025〕1号"
    assert Reminder.objects.get(key=f"notice:{notice.pk}").unit == county.town_a
    with pytest.raises(PermissionDenied):
        notice_reply(actor=county.actor("clerk_b"), notice=notice, text="x")
    notice_reply(actor=county.actor("clerk_a"), notice=notice, text="已于7月5日完成述法")
    notice.refresh_from_db()
    assert (notice.status, notice.replied_on) == (NoticeStatus.REPLIED, D(2025, 7, 2))
    with pytest.raises(ValidationError, match="已回复"):
        notice_reply(actor=county.actor("clerk_a"), notice=notice, text="again")
