"""A county 考核 from opening to 整改, through the services: register figures prefilled (and
never typed), the 减负 counter, self-evaluation, review with notes and overrides, publication,
an upheld objection that rescores and reranks with an audit entry, immutability after 定档, and
整改 tasks in plans whose completion moves the campaign's 整改完成率."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.personas import County

from fazhi.assessments import services
from fazhi.assessments.models import (
    Answer,
    Campaign,
    EvalStatus,
    Evaluation,
    IndicatorSystem,
    ObjectionStatus,
    Source,
    Status,
)
from fazhi.assessments.systems_io import system_from_data
from fazhi.core.models import AuditEntry
from fazhi.plans.models import Assignment, AssignmentStatus, TaskKind
from fazhi.study.services import session_register

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
D = Decimal

ROWS = [
    {"code": "1", "name": "学法与组织", "points": 10},
    {
        "code": "1.1",
        "name": "学法次数",
        "points": 3,
        "rule": "per_count",
        "metric_code": "study.sessions",
        "figure_name": "学法次数",
        "figure_unit": "次",
        "target": 6,
        "each": 0.5,
    },
    {
        "code": "1.2",
        "name": "专题研究次数",
        "points": 2,
        "rule": "per_count",
        "answered_by": "unit",
        "figure_name": "专题研究次数",
        "figure_unit": "次",
        "target": 3,
        "each": 1,
    },
    {"code": "1.3", "name": "年度报告", "points": 5, "rule": "reviewer"},
    {
        "code": "2",
        "name": "普法",
        "points": 2,
        "rule": "checklist",
        "answered_by": "unit",
        "items": "普法清单（1）；活动记录（1）",
    },
    {"code": "3", "name": "加分", "points": 3, "kind": "bonus", "rule": "reviewer"},
    {"code": "4", "name": "否决", "kind": "veto", "rule": "reviewer"},
]


def make_system() -> IndicatorSystem:
    return system_from_data(
        name="测试方案",
        rows=ROWS,
        kind="annual",
        grades=[["优秀", 10], ["合格", 6]],
        bonus_cap=D(2),
    )


def answer(evaluation: Evaluation, code: str) -> Answer:
    return evaluation.answers.select_related("indicator", "evaluation__campaign").get(
        indicator__code=code
    )


@pytest.fixture
def campaign(county: County) -> Campaign:
    coordinator = county.actor("coordinator")
    with time_machine.travel(dt.datetime(2026, 1, 5, 10, tzinfo=TZ), tick=False):
        for n in range(4):  # 白沙镇 studied 4 times in 2025; 黄金乡 never
            session_register(
                actor=county.actor("clerk_a"),
                unit=county.town_a,
                kind="executive",
                held_on=dt.date(2025, 3 + n, 10),
                subject=f"学法{n}",
                attendee_count=10,
            )
        made = services.campaign_create(
            actor=coordinator,
            organiser=county.root,
            system=make_system(),
            year=2025,
            title="2025年度法治政府建设考核",
            self_due=dt.date(2026, 1, 20),
            review_due=dt.date(2026, 2, 10),
            reviewers={county.dept: []},
        )
        services.reviewer_set(
            actor=coordinator,
            campaign=made,
            unit=county.dept,
            indicators=list(made.system.indicators.filter(code__in=["1.3", "2", "3", "4"])),
        )
        services.campaign_open(actor=coordinator, campaign=made)
    return made


def test_open_prefills_register_figures_for_every_unit(campaign: Campaign, county: County) -> None:
    units = {e.unit_id: e for e in campaign.evaluations.all()}
    assert set(units) == {county.dept.pk, county.town_a.pk, county.town_b.pk}
    a = answer(units[county.town_a.pk], "1.1")
    assert (a.source, a.figure, a.display) == (Source.REGISTER, D(4), "4次")
    assert "/metrics/" in a.drill_url and county.town_a.code in a.drill_url
    assert a.applied == D("1.0") and a.reason == "学法次数 4次，要求6次，差2，每次扣0.5分"
    assert answer(units[county.town_b.pk], "1.1").applied == D(3)
    assert units[county.town_a.pk].prefilled == 1  # one register indicator per unit
    assert campaign.system.is_frozen


def test_a_unit_never_types_a_figure_a_register_holds(campaign: Campaign, county: County) -> None:
    evaluation = campaign.evaluations.get(unit=county.town_a)
    with pytest.raises(ValidationError, match="由系统台账"):
        services.answer_save(
            actor=county.actor("clerk_a"), answer=answer(evaluation, "1.1"), value=D(9)
        )
    assert Evaluation.objects.get(pk=evaluation.pk).typed_fields == 0


def test_the_burden_counter_counts_what_the_unit_typed_and_uploaded(
    campaign: Campaign, county: County
) -> None:
    clerk = county.actor("clerk_a")
    evaluation = campaign.evaluations.get(unit=county.town_a)
    with time_machine.travel(dt.datetime(2026, 1, 10, 10, tzinfo=TZ), tick=False):
        services.answer_save(
            actor=clerk, answer=answer(evaluation, "1.2"), value=D(2), self_note="两次"
        )
        services.answer_save(actor=clerk, answer=answer(evaluation, "1.2"), value=D(2))  # unchanged
        services.answer_save(
            actor=clerk,
            answer=answer(evaluation, "2"),
            checks=[True, False],
            refs=[
                {"kind": "study", "id": "1", "label": "学法：学法0", "url": "/study/sessions/1/"}
            ],
            files=[SimpleUploadedFile("清单.txt", "普法责任清单".encode(), "text/plain")],
        )
    evaluation.refresh_from_db()
    assert (evaluation.typed_fields, evaluation.uploaded_files, evaluation.reused) == (2, 1, 1)
    assert answer(evaluation, "1.2").applied == D(1)  # 3 required, 2 done, 1 each


def test_another_unit_cannot_answer_and_a_clerk_cannot_open(
    campaign: Campaign, county: County
) -> None:
    evaluation = campaign.evaluations.get(unit=county.town_a)
    with pytest.raises(PermissionDenied):
        services.answer_save(
            actor=county.actor("clerk_b"), answer=answer(evaluation, "1.2"), value=D(1)
        )
    with pytest.raises(PermissionDenied):
        services.campaign_start_review(actor=county.actor("clerk_a"), campaign=campaign)


def run_to_publication(campaign: Campaign, county: County) -> None:
    coordinator, reviewer = county.actor("coordinator"), county.actor("reviewer")
    with time_machine.travel(dt.datetime(2026, 1, 15, 10, tzinfo=TZ), tick=False):
        for unit, clerk, studies in (
            (county.town_a, "clerk_a", D(3)),
            (county.town_b, "clerk_b", None),
        ):
            e = campaign.evaluations.get(unit=unit)
            if studies is not None:
                services.answer_save(
                    actor=county.actor(clerk), answer=answer(e, "1.2"), value=studies
                )
                services.answer_save(
                    actor=county.actor(clerk), answer=answer(e, "2"), checks=[True, True]
                )
            services.evaluation_submit(actor=county.actor(clerk), evaluation=e)
    with time_machine.travel(dt.datetime(2026, 1, 21, 10, tzinfo=TZ), tick=False):
        services.campaign_start_review(actor=coordinator, campaign=campaign)
        for e in campaign.evaluations.exclude(unit=county.dept):
            late = e.unit == county.town_b
            services.answer_review(
                actor=reviewer,
                answer=answer(e, "1.3"),
                deduction=D(1) if late else D(5),
                note="报告逾期" if late else "报告未报送",
            )
        town_a = campaign.evaluations.get(unit=county.town_a)
        services.answer_review(
            actor=reviewer, answer=answer(town_a, "3"), deduction=D(3), note="经验推广"
        )
        dept = campaign.evaluations.get(unit=county.dept)
        services.answer_review(
            actor=coordinator, answer=answer(dept, "1.3"), deduction=D(0), note=""
        )  # the dept reviews: the organiser scores the dept itself
        services.campaign_publish(
            actor=coordinator, campaign=campaign, objection_due=dt.date(2026, 1, 28)
        )


def test_review_then_publish_gives_hand_computed_totals_and_ranks(
    campaign: Campaign, county: County
) -> None:
    run_to_publication(campaign, county)
    got = {e.unit_id: (e.total, e.grade, e.rank) for e in campaign.evaluations.all()}
    # 白沙镇: 1.1 −1 (4 of 6), 1.2 0 (3 of 3), 1.3 −5, 2 0 → 12 − 6 + 2 = 8 (bonus 3 capped at 2)
    # 黄金乡: 1.1 −3, 1.2 −2 (missing), 1.3 −1, 2 −2 (no evidence) → 10 − 6 + 0 − 2 = 4
    # 司法局: 1.1 −3 (no sessions), 1.2 −2 (missing), 1.3 0, 2 −2 → 5 + 0 = 5
    assert got[county.town_a.pk] == (D("8.00"), "合格", 1)
    assert got[county.town_b.pk] == (D("4.00"), "不合格", 2)
    assert got[county.dept.pk] == (D("5.00"), "不合格", 1)  # the only department
    assert Campaign.objects.get(pk=campaign.pk).status == Status.PUBLICITY


def test_a_deduction_needs_a_note_and_an_override_its_reason(
    campaign: Campaign, county: County
) -> None:
    reviewer = county.actor("reviewer")
    with time_machine.travel(dt.datetime(2026, 1, 21, 10, tzinfo=TZ), tick=False):
        services.campaign_start_review(actor=county.actor("coordinator"), campaign=campaign)
        e = campaign.evaluations.get(unit=county.town_a)
        with pytest.raises(ValidationError, match="请填写扣分理由"):
            services.answer_review(actor=reviewer, answer=answer(e, "1.3"), deduction=D(2))
        with pytest.raises(ValidationError, match="须写明理由"):
            services.answer_review(actor=reviewer, answer=answer(e, "2"), override=D(0))
        with pytest.raises(PermissionDenied, match="不是该指标的评审单位"):
            services.answer_review(
                actor=reviewer, answer=answer(e, "1.1"), override=D(0), override_reason="x"
            )
        own = campaign.evaluations.get(unit=county.dept)
        with pytest.raises(PermissionDenied, match="不能评审本单位"):
            services.answer_review(actor=reviewer, answer=answer(own, "1.3"), deduction=D(0))


def test_upheld_objection_rescored_audited_and_reranked_then_frozen(
    campaign: Campaign, county: County
) -> None:
    run_to_publication(campaign, county)
    town_b = campaign.evaluations.get(unit=county.town_b)
    with time_machine.travel(dt.datetime(2026, 1, 25, 10, tzinfo=TZ), tick=False):
        objection = services.objection_file(
            actor=county.actor("clerk_b"),
            evaluation=town_b,
            indicator=campaign.system.indicators.get(code="2"),
            reason="普法清单和活动记录已在门户公开，有截图",
        )
        services.objection_answer(
            actor=county.actor("coordinator"),
            objection=objection,
            upheld=True,
            answer="核实属实",
            new_value=D(0),
        )
        second = services.objection_file(
            actor=county.actor("clerk_b"),
            evaluation=town_b,
            indicator=campaign.system.indicators.get(code="1.2"),
            reason="专题研究3次，会议纪要已补报",
        )
        services.objection_answer(
            actor=county.actor("coordinator"),
            objection=second,
            upheld=True,
            answer="属实",
            new_value=D(0),
        )
        rejected = services.objection_file(
            actor=county.actor("clerk_b"),
            evaluation=town_b,
            indicator=campaign.system.indicators.get(code="1.3"),
            reason="报告按时报送",
        )
        services.objection_answer(
            actor=county.actor("coordinator"),
            objection=rejected,
            upheld=False,
            answer="回执日期晚于期限",
        )
    town_b.refresh_from_db()
    assert (town_b.total, town_b.rank) == (D("8.00"), 1)  # was 4.00 and second
    town_a = campaign.evaluations.get(unit=county.town_a)
    objection.refresh_from_db()
    assert (objection.status, objection.before, objection.after) == (
        ObjectionStatus.UPHELD,
        D("2.00"),
        D("0.00"),
    )
    assert town_a.total == D("8.00") and town_a.rank == 1
    entries = AuditEntry.objects.filter(action="assessment.rescore").order_by("seq")
    assert [(e.before, e.after["total"]) for e in entries] == [
        ({"total": "4.00"}, "6.00"),
        ({"total": "6.00"}, "8.00"),
    ]
    rejected.refresh_from_db()
    assert rejected.status == ObjectionStatus.REJECTED and rejected.after is None
    with time_machine.travel(dt.datetime(2026, 1, 29, 10, tzinfo=TZ), tick=False):
        services.campaign_freeze(actor=county.actor("coordinator"), campaign=campaign)
        frozen = Campaign.objects.get(pk=campaign.pk)
        e = frozen.evaluations.get(unit=county.town_a)
        with pytest.raises(ValidationError, match="已定档"):
            services.answer_review(
                actor=county.actor("coordinator"), answer=answer(e, "1.3"), deduction=D(0)
            )
        with pytest.raises(ValidationError, match="已定档"):
            services.objection_file(
                actor=county.actor("clerk_a"),
                evaluation=e,
                indicator=frozen.system.indicators.get(code="1.3"),
                reason="x",
            )
    assert Evaluation.objects.get(pk=town_b.pk).total == D("8.00")


def test_objection_after_the_window_is_refused(campaign: Campaign, county: County) -> None:
    run_to_publication(campaign, county)
    with (
        time_machine.travel(dt.datetime(2026, 1, 29, 10, tzinfo=TZ), tick=False),
        pytest.raises(ValidationError, match="异议期已于 2026-01-28 截止"),
    ):
        services.objection_file(
            actor=county.actor("clerk_b"),
            evaluation=campaign.evaluations.get(unit=county.town_b),
            indicator=campaign.system.indicators.get(code="1.3"),
            reason="晚了",
        )


def test_deductions_become_rectification_tasks_and_closing_them_moves_the_rate(
    campaign: Campaign, county: County
) -> None:
    run_to_publication(campaign, county)
    with time_machine.travel(dt.datetime(2026, 1, 26, 10, tzinfo=TZ), tick=False):
        made = services.findings_from_deductions(
            actor=county.actor("coordinator"), campaign=campaign
        )
        again = services.findings_from_deductions(
            actor=county.actor("coordinator"), campaign=campaign
        )
    assert again == []
    # 白沙镇 1.1, 1.3; 黄金乡 1.1, 1.2, 1.3, 2; 司法局 1.1, 1.2, 2
    assert len(made) == 9
    assignment = Assignment.objects.get(pk=made[0].assignment_id)
    assert assignment.task.kind == TaskKind.RECTIFICATION and assignment.unit == made[0].unit
    assert assignment.due_on == dt.date(2026, 1, 26) + dt.timedelta(days=60)
    assert services.rectification_figures(campaign) == (0, 9)
    Assignment.objects.filter(pk=assignment.pk).update(status=AssignmentStatus.COMPLETED)
    assert services.rectification_figures(campaign) == (1, 9)


def test_publication_waits_for_every_reviewer_score(campaign: Campaign, county: County) -> None:
    with time_machine.travel(dt.datetime(2026, 1, 21, 10, tzinfo=TZ), tick=False):
        services.campaign_start_review(actor=county.actor("coordinator"), campaign=campaign)
        with pytest.raises(ValidationError, match="项指标未评分，不能公示"):
            services.campaign_publish(
                actor=county.actor("coordinator"),
                campaign=campaign,
                objection_due=dt.date(2026, 1, 28),
            )
    assert all(e.status != EvalStatus.REVIEWED for e in campaign.evaluations.all())


def test_a_figure_the_reviewers_supply_is_scored_by_its_rule(county: County) -> None:
    rows = [
        {
            "code": "1",
            "name": "群众满意度",
            "points": 4,
            "rule": "linear",
            "answered_by": "survey",
            "figure_name": "满意度",
            "figure_unit": "%",
            "full": 90,
            "zero": 50,
        }
    ]
    system = system_from_data(name="满意度方案", rows=rows, kind="annual")
    coordinator = county.actor("coordinator")
    with time_machine.travel(dt.datetime(2026, 1, 21, 10, tzinfo=TZ), tick=False):
        made = services.campaign_create(
            actor=coordinator,
            organiser=county.root,
            system=system,
            year=2025,
            title="满意度测评",
            self_due=dt.date(2026, 1, 20),
            review_due=dt.date(2026, 2, 10),
        )
        services.campaign_open(actor=coordinator, campaign=made)
        e = made.evaluations.get(unit=county.town_a)
        with pytest.raises(ValidationError, match="由评审填写"):
            services.answer_save(actor=county.actor("clerk_a"), answer=answer(e, "1"), value=D(1))
        services.campaign_start_review(actor=coordinator, campaign=made)
        with pytest.raises(ValidationError, match="数值不能为负数"):
            services.answer_review(actor=coordinator, answer=answer(e, "1"), value=D(-1))
        services.answer_review(actor=coordinator, answer=answer(e, "1"), value=D(80), note="测评")
    a = answer(e, "1")
    assert (a.figure, a.applied) == (D(80), D("1.00"))  # (90 − 80) / 40 × 4


def test_an_onsite_inspection_records_the_visit_with_its_opinion(county: County) -> None:
    coordinator = county.actor("coordinator")
    with time_machine.travel(dt.datetime(2026, 3, 20, 10, tzinfo=TZ), tick=False):
        made = services.campaign_create(
            actor=coordinator,
            organiser=county.root,
            system=make_system(),
            year=2025,
            title="2025年度法治督察",
            kind="inspection",
            mode="onsite",
            visit_from=dt.date(2026, 3, 9),
            visit_to=dt.date(2026, 3, 13),
            self_due=dt.date(2026, 3, 6),
            review_due=dt.date(2026, 3, 31),
        )
        services.campaign_open(actor=coordinator, campaign=made)
        services.campaign_start_review(actor=coordinator, campaign=made)
        e = made.evaluations.get(unit=county.town_b)
        with pytest.raises(ValidationError, match="请填写实地督察日期"):
            services.opinion_issue(actor=coordinator, evaluation=e, text="意见", findings=[])
        with pytest.raises(ValidationError, match="2026-03-09 至 2026-03-13 之间"):
            services.opinion_issue(
                actor=coordinator,
                evaluation=e,
                text="意见",
                findings=[],
                visited_on=dt.date(2026, 3, 16),
            )
        made_findings = services.opinion_issue(
            actor=coordinator,
            evaluation=e,
            text="学法制度落实不到位",
            findings=["学法记录不全", " "],
            visited_on=dt.date(2026, 3, 11),
            interviews="镇长、司法所长：学法安排",
            documents_checked="2025年学法记录、会议纪要",
        )
    e.refresh_from_db()
    assert (e.visited_on, e.interviews, e.opinion_on) == (
        dt.date(2026, 3, 11),
        "镇长、司法所长：学法安排",
        dt.date(2026, 3, 20),
    )
    assert [f.text for f in made_findings] == ["学法记录不全"]
    assert made_findings[0].assignment is not None
