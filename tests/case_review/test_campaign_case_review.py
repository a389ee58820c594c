"""Campaigns: drawing files (seeded, reproducible, audited) or choosing them by 文书号,
交叉评查 (no unit scores its own files), scoring with a note per deduction, submit / return,
results, 整改通知 through the plans machinery, and standards frozen once used."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from tests.personas import County

from fazhi.case_review import services as svc
from fazhi.case_review.models import (
    Campaign,
    CampaignStatus,
    CaseFile,
    FileStatus,
    Rectification,
    Standard,
    StandardStatus,
)
from fazhi.case_review.selectors import files_to_score, results
from fazhi.core.models import AuditEntry
from fazhi.plans.models import AssignmentStatus, TaskKind
from fazhi.plans.services import report_review, report_submit

from .conftest import MakeRecords

pytestmark = pytest.mark.django_db
D = Decimal
M = svc.MarkInput


def items(standard: Standard) -> dict[str, int]:
    return {i.name: i.pk for p in standard.parts.all() for i in p.items.all()}


def test_draw_is_random_seeded_reproducible_and_audited(
    county: County, campaign: Campaign, make_records: MakeRecords
) -> None:
    a = make_records(county.town_a, 10)
    make_records(county.town_a, 4, kind="license", prefix="许")  # not a chosen kind
    make_records(county.town_a, 3, year=2025)  # not the campaign's year
    b = make_records(county.town_b, 2)  # fewer than per_unit: all of them
    n = svc.files_draw(actor=county.actor("dept_clerk"), campaign=campaign, seed=20260630)
    assert n == 5
    campaign.refresh_from_db()
    assert (campaign.seed, campaign.status, campaign.drawn_on) == (
        20260630, CampaignStatus.REVIEWING, dt.date(2026, 6, 30),
    )  # fmt: skip
    drawn = {f.record_id for f in campaign.files.all()}
    expected = set(svc.draw_sample([r.pk for r in a], 3, 20260630)) | {r.pk for r in b}
    assert drawn == expected  # the same seed and records give the same files
    assert svc.draw_sample([r.pk for r in reversed(a)], 3, 20260630) == svc.draw_sample(
        [r.pk for r in a], 3, 20260630
    )
    f = campaign.files.filter(unit=county.town_a).first()
    assert f is not None and f.reviewer_unit == county.dept and f.kind == "penalty"
    record = next(r for r in a if r.pk == f.record_id)
    assert (f.case_number, f.decided_on, f.subject_name, f.record_year) == (
        record.case_number, record.decided_on, record.subject.name, 2026,
    )  # fmt: skip
    entry = AuditEntry.objects.get(action="case_review.files_draw")
    assert entry.after["seed"] == 20260630
    assert entry.after["files"] == {county.town_a.code: 3, county.town_b.code: 2}
    with pytest.raises(ValidationError, match="不能重复抽取"):
        svc.files_draw(actor=county.actor("dept_clerk"), campaign=campaign)


def test_files_chosen_by_case_number(
    county: County, campaign: Campaign, make_records: MakeRecords
) -> None:
    rec = make_records(county.town_a, 2)[1]
    actor = county.actor("dept_clerk")
    f = svc.file_add(
        actor=actor, campaign=campaign, unit=county.town_a, case_number=rec.case_number
    )
    assert (f.record_id, f.kind, f.reviewer_unit) == (rec.pk, "penalty", county.dept)
    with pytest.raises(ValidationError, match="已在本次评查中"):
        svc.file_add(
            actor=actor, campaign=campaign, unit=county.town_a, case_number=rec.case_number
        )
    with pytest.raises(ValidationError, match="没有白沙镇人民政府文书号"):
        svc.file_add(actor=actor, campaign=campaign, unit=county.town_a, case_number="无此号")
    manual = svc.file_add(
        actor=actor, campaign=campaign, unit=county.town_a, case_number="白沙罚〔2026〕99号",
        kind="penalty", decided_on=dt.date(2026, 5, 1), subject_name="白沙镇综合执法队",
    )  # fmt: skip
    assert manual.record_id is None
    with pytest.raises(PermissionDenied):
        svc.file_add(
            actor=county.actor("clerk_a"), campaign=campaign, unit=county.town_a, case_number="x"
        )


def test_cross_review_refused_in_assignment_and_scoring(
    county: County, campaign: Campaign, make_records: MakeRecords
) -> None:
    actor = county.actor("dept_clerk")
    for own in (county.town_a, county.village_a, county.root):
        with pytest.raises(ValidationError, match="交叉评查"):
            svc.reviewer_assign(
                actor=actor, campaign=campaign, unit=county.town_a, reviewer_unit=own
            )
    make_records(county.town_a, 1)
    make_records(county.town_b, 1)
    svc.files_draw(actor=actor, campaign=campaign, seed=1)
    own_file = campaign.files.get(unit=county.town_a)
    other_file = campaign.files.get(unit=county.town_b)
    # 白沙镇's reviewer scores 黄金乡's file, never 白沙镇's own (even if assigned by hand)
    CaseFile.objects.filter(pk=own_file.pk).update(reviewer_unit=county.town_a)
    own_file.refresh_from_db()
    with pytest.raises(PermissionDenied, match="交叉评查"):
        svc.file_score(actor=county.actor("reviewer_a"), case_file=own_file, marks={})
    with pytest.raises(PermissionDenied, match="交叉评查"):
        svc.file_submit(actor=county.actor("reviewer_a"), case_file=own_file)
    svc.file_score(actor=county.actor("reviewer_a"), case_file=other_file, marks={})
    # a role without REVIEW, and a reviewer of another unit, may not score
    with pytest.raises(PermissionDenied, match="不能评查"):
        svc.file_score(actor=county.actor("clerk_a"), case_file=other_file, marks={})
    with pytest.raises(PermissionDenied, match="由白沙镇人民政府评查"):
        svc.file_score(actor=county.actor("reviewer"), case_file=other_file, marks={})


def test_scoring_submit_return(
    county: County, campaign: Campaign, make_records: MakeRecords
) -> None:
    make_records(county.town_b, 1)
    svc.files_draw(actor=county.actor("dept_clerk"), campaign=campaign, seed=3)
    f = campaign.files.get()
    ids = items(campaign.standard)
    reviewer = county.actor("reviewer_a")
    with pytest.raises(ValidationError) as exc:
        svc.file_score(actor=reviewer, case_file=f, marks={ids["文书填写"]: M(instances=2)})
    assert exc.value.message_dict == {f"note_{ids['文书填写']}": ["“文书填写”扣分须填写说明"]}
    with pytest.raises(ValidationError) as exc:
        svc.file_score(
            actor=reviewer, case_file=f, marks={ids["强制措施"]: M(amount=D(3), note="超期")}
        )
    assert "5～15" in str(exc.value)
    svc.file_score(
        actor=reviewer,
        case_file=f,
        marks={
            ids["文书填写"]: M(instances=2, note="两处涂改"),
            ids["强制措施"]: M(amount=D(6), note="超期扣押"),
        },
    )
    f.refresh_from_db()
    assert (f.status, f.score, f.grade) == (FileStatus.PENDING, D(92), "excellent")
    assert files_to_score(reviewer) == 1
    done = svc.file_submit(actor=reviewer, case_file=f)
    assert (done.status, done.submitted_on, done.reviewed_by) == (
        FileStatus.DONE,
        dt.date(2026, 6, 30),
        "白沙审",
    )
    assert files_to_score(reviewer) == 0
    with pytest.raises(ValidationError, match="已评查完成"):
        svc.file_score(actor=reviewer, case_file=f, marks={})
    with pytest.raises(PermissionDenied):
        svc.file_return(actor=county.actor("clerk_b"), case_file=f, note="x")
    with pytest.raises(ValidationError):
        svc.file_return(actor=county.actor("dept_clerk"), case_file=f, note=" ")
    back = svc.file_return(
        actor=county.actor("dept_clerk"), case_file=f, note="强制措施扣分依据不足"
    )
    assert (back.status, back.submitted_on, back.return_note) == (
        FileStatus.PENDING,
        None,
        "强制措施扣分依据不足",
    )
    svc.file_score(
        actor=reviewer,
        case_file=f,
        marks={ids["主体不合法"]: M(veto=True, note="委托组织以自己名义处罚")},
    )
    done = svc.file_submit(actor=reviewer, case_file=f)
    assert (done.score, done.grade, done.veto) == (D(0), "fail", True)
    actions = AuditEntry.objects.filter(action__startswith="case_review.file_").order_by("pk")
    assert [a.action for a in actions] == [
        "case_review.file_score", "case_review.file_submit", "case_review.file_return",
        "case_review.file_score", "case_review.file_submit",
    ]  # fmt: skip


def _scored(county: County, campaign: Campaign, make_records: MakeRecords) -> None:
    make_records(county.town_a, 2)
    make_records(county.town_b, 2)
    svc.files_draw(actor=county.actor("dept_clerk"), campaign=campaign, seed=5)
    ids = items(campaign.standard)
    a1, a2 = campaign.files.filter(unit=county.town_a).order_by("pk")
    b1, b2 = campaign.files.filter(unit=county.town_b).order_by("pk")
    plan = {
        a1: {ids["无管辖权"]: M(instances=1, note="越权处罚")},  # 90 优秀
        a2: {
            ids["强制措施"]: M(amount=D(15), note="违法扣押"),
            ids["无管辖权"]: M(1, note="越权"),
        },  # 75
        b1: {},  # 100
        b2: {ids["程序不合法"]: M(veto=True, note="未告知听证")},  # 0 否决
    }
    for f, marks in plan.items():
        who = county.actor("reviewer" if f.unit == county.town_a else "reviewer_a")
        svc.file_score(actor=who, case_file=f, marks=marks)
        svc.file_submit(actor=who, case_file=f)


def test_results_per_unit_and_campaign(
    county: County, campaign: Campaign, make_records: MakeRecords
) -> None:
    _scored(county, campaign, make_records)
    by_unit, whole = results(campaign)
    a, b = by_unit
    assert (a.unit_name, a.files, a.done, a.average, a.excellent, a.passed, a.failed) == (
        "白沙镇人民政府", 2, 2, D("82.5"), 1, 1, 0,
    )  # fmt: skip
    assert (b.average, b.excellent, b.failed, b.pass_rate) == (D(50), 1, 1, D(50))
    assert (whole.files, whole.average, whole.pass_rate) == (4, D("66.3"), D(75))  # 265 / 4 = 66.25


def test_rectification_through_plans(
    county: County, campaign: Campaign, make_records: MakeRecords
) -> None:
    _scored(county, campaign, make_records)
    actor = county.actor("dept_clerk")
    with pytest.raises(PermissionDenied):
        svc.rectification_issue(
            actor=county.actor("clerk_a"),
            campaign=campaign,
            unit=county.town_a,
            due_on=dt.date(2026, 8, 31),
        )
    rect = svc.rectification_issue(
        actor=actor, campaign=campaign, unit=county.town_a, due_on=dt.date(2026, 8, 31)
    )
    a = rect.assignment
    assert (a.unit, a.due_on, a.task.kind, a.task.plan.unit) == (
        county.town_a,
        dt.date(2026, 8, 31),
        TaskKind.RECTIFICATION,
        county.dept,
    )
    assert "无管辖权（扣10分）——越权处罚" in a.task.text
    assert "来源：行政执法案卷评查（/case-review/campaigns/" in a.task.text
    with pytest.raises(ValidationError, match="已向"):
        svc.rectification_issue(
            actor=actor, campaign=campaign, unit=county.town_a, due_on=dt.date(2026, 8, 31)
        )
    # the unit replies through plans, the organiser's reviewer approves
    report = report_submit(
        actor=county.actor("clerk_a"), assignment=a, text="已逐项整改", claims_completion=True
    )
    report_review(actor=county.actor("reviewer"), report=report, approve=True)
    a.refresh_from_db()
    assert a.status == AssignmentStatus.COMPLETED
    assert Rectification.objects.count() == 1


def test_rectification_needs_deductions(
    county: County, campaign: Campaign, make_records: MakeRecords
) -> None:
    make_records(county.town_b, 1)
    svc.files_draw(actor=county.actor("dept_clerk"), campaign=campaign, seed=5)
    f = campaign.files.get()
    svc.file_submit(actor=county.actor("reviewer_a"), case_file=f)
    with pytest.raises(ValidationError, match="没有扣分"):
        svc.rectification_issue(
            actor=county.actor("dept_clerk"),
            campaign=campaign,
            unit=county.town_b,
            due_on=dt.date(2026, 8, 31),
        )


def test_campaign_rules(county: County, standard: Standard) -> None:
    actor = county.actor("dept_clerk")
    draft = svc.standard_new_version(actor=actor, standard=standard)
    assert (draft.version, draft.status) == (2, StandardStatus.DRAFT)
    kw = {
        "actor": actor,
        "organiser": county.dept,
        "year": 2026,
        "title": "t",
        "units": [county.town_a],
    }
    with pytest.raises(ValidationError, match="未启用"):
        svc.campaign_create(standard=draft, **kw)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="执法类别"):
        svc.campaign_create(standard=standard, kinds=["xx"], **kw)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        svc.campaign_create(standard=standard, **{**kw, "actor": county.actor("clerk_a")})  # type: ignore[arg-type]
    c = svc.campaign_create(standard=standard, **kw)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="每单位抽取卷数"):
        svc.files_draw(actor=actor, campaign=c)
    with pytest.raises(ValidationError, match="只能结束评查中"):
        svc.campaign_close(actor=actor, campaign=c)


def test_used_standard_is_frozen_and_versions(county: County, campaign: Campaign) -> None:
    actor = county.actor("dept_clerk")
    standard = campaign.standard
    with pytest.raises(ValidationError, match="不能修改"):
        svc.standard_thresholds(actor=actor, standard=standard, excellent_min=D(85), pass_min=D(60))
    copy = svc.standard_new_version(actor=actor, standard=standard)
    svc.standard_thresholds(actor=actor, standard=copy, excellent_min=D(85), pass_min=D(65))
    assert [(p.name, p.items.count()) for p in copy.parts.all()] == [
        (p.name, p.items.count()) for p in standard.parts.all()
    ]
    svc.standard_activate(actor=actor, standard=copy)
    standard.refresh_from_db()
    assert (standard.status, copy.status) == (StandardStatus.RETIRED, StandardStatus.ACTIVE)
    with pytest.raises(PermissionDenied):
        svc.standard_activate(actor=county.actor("clerk_a"), standard=standard)
    sample = Standard.objects.get(owner=None)
    with pytest.raises(PermissionDenied):
        svc.standard_new_version(actor=actor, standard=sample)  # system data: the top only
