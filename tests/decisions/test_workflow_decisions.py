"""重大行政决策 workflow: the state table, every refusal and its reason, the 第二十五条 gate with
the 探索性改革 exception, the 第十五条/第十六条 periods with hand-checked dates across 春节 and
国庆, 不适用, the 第三十六条 evaluator rule, 程序完整, the timeline and the audit trail.

Time is frozen at 2025-12-31 (:data:`tests.decisions.conftest.TODAY`).

Hand-checked dates (国务院办公厅 holiday notices for 2025; natural days, the start day not
counted, an end on a rest day moves to the next working day, 第十五条 minimum of 30 days):

* start 2024-12-30 + 30 = 2025-01-29, in the 春节 holiday (1月28日—2月4日) → 2025-02-05 (Wed);
* start 2025-09-05 + 30 = 2025-10-05, in the 国庆·中秋 holiday (10月1日—8日) → 2025-10-09 (Thu);
* start 2025-03-03 + 30 = 2025-04-02 (Wed, a working day: not moved).
* 听证 2025-10-10: materials 7 days before, counted back and not moved → 2025-10-03 (a holiday
  day is fine: delivering early is allowed); 听证 2025-02-10 → 2025-02-03.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from tests.decisions.conftest import (
    POSITIONS,
    conclude,
    d,
    decided,
    drafted,
    fresh,
    in_review,
    register,
)
from tests.personas import County

from fazhi.core.models import AuditEntry, DeadlineRule
from fazhi.decisions import rules
from fazhi.decisions import services as svc
from fazhi.decisions.models import (
    Catalogue,
    CatalogueStatus,
    Decision,
    DecisionEvent,
    MemberPosition,
    ProcedureKind,
    ProcedureState,
    Status,
)
from fazhi.decisions.workflow import CATALOGUES, DECISIONS

pytestmark = pytest.mark.usefixtures("frozen")

DISSENT = "甲，副县长，不同意\n乙，副县长，不同意\n丙，副县长，同意\n王县长，县长，同意"


def state(decision: Decision, code: str) -> str:
    return str(fresh(decision).procedures.get(kind_id=code).state)


# --- the table ---------------------------------------------------------------------------------
def test_state_table() -> None:
    assert DECISIONS.table() == {
        "listed": {"start": "drafting", "not_applicable": "listed", "terminate": "dropped"},
        "drafting": {
            "participate": "drafting",
            "hearing": "drafting",
            "expert": "drafting",
            "risk": "drafting",
            "not_applicable": "drafting",
            "submit_review": "review",
            "terminate": "dropped",
        },
        "review": {
            "participate": "review",
            "hearing": "review",
            "expert": "review",
            "risk": "review",
            "not_applicable": "review",
            "propose": "discussion",
            "terminate": "dropped",
        },
        "discussion": {
            "not_applicable": "discussion",
            "party_report": "discussion",
            "discuss": "decided",
            "terminate": "dropped",
        },
        "decided": {
            "not_applicable": "decided",
            "party_report": "decided",
            "publish": "published",
            "archive": "decided",
        },
        "published": {
            "not_applicable": "published",
            "archive": "published",
            "implement": "implementing",
        },
        "implementing": {
            "not_applicable": "implementing",
            "archive": "implementing",
            "execution_report": "implementing",
            "evaluate": "evaluating",
        },
        "evaluating": {
            "not_applicable": "evaluating",
            "archive": "evaluating",
            "execution_report": "evaluating",
            "finish_evaluation": "evaluated",
        },
        "evaluated": {
            "not_applicable": "evaluated",
            "archive": "evaluated",
            "execution_report": "evaluated",
        },
        "dropped": {},
    }
    assert CATALOGUES.table() == {
        "draft": {"publish": "published"},
        "published": {"supersede": "superseded"},
        "superseded": {},
    }


def test_register_creates_the_checklist_from_the_kinds_data(county: County) -> None:
    decision = register(county)
    codes = list(decision.procedures.order_by("kind__sort_order").values_list("kind_id", flat=True))
    assert codes == list(ProcedureKind.objects.values_list("code", flat=True))
    assert len(codes) == 11
    assert not decision.procedures_complete
    assert decision.status == Status.LISTED
    entry = AuditEntry.objects.filter(action="decisions.register").latest("seq")
    assert entry.object_id == str(decision.pk)
    assert DecisionEvent.objects.get(decision=decision).kind == "立项"


def test_register_refusals(county: County) -> None:
    with pytest.raises(ValidationError) as err:
        register(county, exploratory=True, legal_risk=" ")
    assert "明示法律风险" in str(err.value)
    with pytest.raises(ValidationError) as err:
        register(county, listed_on=dt.date(2026, 1, 1))
    assert "不能晚于今天" in str(err.value)
    with pytest.raises(PermissionDenied):
        register(county, persona="clerk_b", unit=county.town_a)
    with pytest.raises(PermissionDenied):
        register(county, persona="leader")


# --- 第十五条: the consultation period ----------------------------------------------------------
@pytest.mark.parametrize(
    ("start", "earliest"),
    [("2024-12-30", "2025-02-05"), ("2025-09-05", "2025-10-09"), ("2025-03-03", "2025-04-02")],
)
def test_consultation_minimum_across_holidays(county: County, start: str, earliest: str) -> None:
    assert rules.consultation_earliest_end(county.root, d(start)) == d(earliest)
    decision = register(county, listed_on=d("2024-12-01"))
    actor = county.actor("coordinator")
    svc.decision_start(actor=actor, decision=decision, started_on=d("2024-12-02"))
    day_before = d(earliest) - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as err:
        svc.decision_participate(
            actor=actor,
            decision=decision,
            methods="向社会公开征求意见",
            started_on=d(start),
            ended_on=day_before,
        )
    assert err.value.message_dict["shortened_reason"] == [
        f"公开征求意见的期限一般不少于30日（第十五条），截止日期应不早于{earliest}；"
        "因情况紧急等原因缩短的，请填写缩短期限的说明"
    ]
    svc.decision_participate(
        actor=actor,
        decision=decision,
        methods="向社会公开征求意见",
        started_on=d(start),
        ended_on=d(earliest),
    )
    row = fresh(decision).procedures.get(kind_id="participation")
    assert (row.state, row.ended_on, row.shortened_reason) == ("done", d(earliest), "")


def test_shorter_consultation_with_a_reason_is_recorded(county: County) -> None:
    decision = register(county)
    actor = county.actor("coordinator")
    svc.decision_start(actor=actor, decision=decision, started_on=d("2025-02-20"))
    svc.decision_participate(
        actor=actor,
        decision=decision,
        methods="书面征求意见",
        started_on=d("2025-03-03"),
        ended_on=d("2025-03-20"),
        shortened_reason="防汛工作紧急",
    )
    row = fresh(decision).procedures.get(kind_id="participation")
    assert row.shortened_reason == "防汛工作紧急"
    assert "缩短期限：防汛工作紧急" in decision.events.latest("pk").note
    assert fresh(decision).consultation_end == d("2025-03-20")


def test_consultation_other_refusals(county: County) -> None:
    decision = register(county)
    actor = county.actor("coordinator")
    svc.decision_start(actor=actor, decision=decision, started_on=d("2025-02-20"))
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"methods": " "}, "methods", "请填写听取意见的方式"),
        (
            {"started_on": d("2025-01-01")},
            "started_on",
            "公开征求意见开始日期不能早于纳入目录日期（2025年2月10日）",
        ),
        ({"ended_on": d("2025-03-01")}, "ended_on", "征求意见截止日期不能早于开始日期"),
    ]
    for change, field, message in cases:
        data = {"methods": "座谈会", "started_on": d("2025-03-03"), "ended_on": d("2025-04-02")}
        with pytest.raises(ValidationError) as err:
            svc.decision_participate(actor=actor, decision=decision, **(data | change))
        assert err.value.message_dict[field] == [message]


def test_province_override_of_the_consultation_period(county: County) -> None:
    national = DeadlineRule.objects.get(code=rules.CONSULTATION, region="")
    DeadlineRule.objects.create(
        **{
            f.name: getattr(national, f.name)
            for f in DeadlineRule._meta.concrete_fields
            if f.name not in ("id", "region", "days")
        },
        region="43",
        days=45,
    )
    # 2025-03-03 + 45 = 2025-04-17 (Thu)
    assert rules.consultation_earliest_end(county.root, d("2025-03-03")) == d("2025-04-17")
    assert rules.consultation_days(county.root) == 45


# --- 第十六条: 听证 materials -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("hearing", "latest"), [("2025-10-10", "2025-10-03"), ("2025-02-10", "2025-02-03")]
)
def test_hearing_materials_seven_days_before(county: County, hearing: str, latest: str) -> None:
    decision = register(county, listed_on=d("2025-01-06"))
    actor = county.actor("coordinator")
    svc.decision_start(actor=actor, decision=decision, started_on=d("2025-01-07"))
    late = d(latest) + dt.timedelta(days=1)
    data = {"hearing_on": d(hearing), "participants": "代表9名", "signed": True}
    with pytest.raises(ValidationError) as err:
        svc.decision_hearing(actor=actor, decision=decision, materials_sent_on=late, **data)
    assert err.value.message_dict["materials_sent_on"] == [
        f"听证会材料应当于召开听证会7日前送达听证参加人（第十六条第三款），最迟 {latest}"
    ]
    with pytest.raises(ValidationError) as err:
        svc.decision_hearing(
            actor=actor,
            decision=decision,
            materials_sent_on=d(latest),
            **(data | {"signed": False}),
        )
    assert "确认并签字" in err.value.message_dict["signed"][0]
    svc.decision_hearing(actor=actor, decision=decision, materials_sent_on=d(latest), **data)
    assert state(decision, "hearing") == "done"
    assert fresh(decision).hearing_on == d(hearing)


# --- 专家论证 / 风险评估 --------------------------------------------------------------------------
def test_expert_and_risk_refusals(county: County) -> None:
    decision = register(county)
    actor = county.actor("coordinator")
    svc.decision_start(actor=actor, decision=decision, started_on=d("2025-02-20"))
    expert = {
        "done_on": d("2025-03-01"),
        "performed_by": "法学院",
        "participants": "专家3名",
        "signed": True,
    }
    for change, field, text in [
        ({"signed": False}, "signed", "署名、盖章"),
        ({"participants": ""}, "participants", "请填写论证专家"),
        ({"performed_by": ""}, "performed_by", "请填写组织论证的单位"),
    ]:
        with pytest.raises(ValidationError) as err:
            svc.decision_expert(actor=actor, decision=decision, **(expert | change))
        assert text in err.value.message_dict[field][0]
    risk = {
        "done_on": d("2025-03-01"),
        "performed_by": "中心",
        "risk_points": "点",
        "measures": "措施",
        "risk_controllable": False,
    }
    for change, field, text in [
        ({"risk_points": ""}, "risk_points", "明确风险点"),
        ({"measures": ""}, "measures", "处置预案"),
        ({"performed_by": ""}, "performed_by", "请填写评估单位"),
    ]:
        with pytest.raises(ValidationError) as err:
            svc.decision_risk(actor=actor, decision=decision, **(risk | change))
        assert text in err.value.message_dict[field][0]
    svc.decision_risk(actor=actor, decision=decision, **risk)
    assert "风险不可控" in decision.events.latest("pk").note


# --- 不适用 ---------------------------------------------------------------------------------------
def test_not_applicable_rules(county: County) -> None:
    decision = register(county)
    actor = county.actor("coordinator")
    with pytest.raises(ValidationError) as err:
        svc.decision_not_applicable(actor=actor, decision=decision, kind="legality", reason="x")
    assert err.value.message_dict["kind"] == [
        "合法性审查是必经程序，不能记为不适用（第二十五条至第二十八条）"
    ]
    with pytest.raises(ValidationError) as err:
        svc.decision_not_applicable(actor=actor, decision=decision, kind="risk", reason=" ")
    assert "请填写风险评估不适用的理由" in err.value.message_dict["reason"][0]
    svc.decision_not_applicable(actor=actor, decision=decision, kind="risk", reason="不影响稳定")
    assert state(decision, "risk") == ProcedureState.NOT_APPLICABLE
    with pytest.raises(ValidationError) as err:
        svc.decision_not_applicable(actor=actor, decision=decision, kind="risk", reason="再次")
    assert err.value.message_dict["kind"] == ["风险评估已记为“不适用”"]


def test_not_applicable_counts_only_where_the_kind_allows_it(county: County) -> None:
    """An administrator who later forbids 不适用 for a kind makes such rows count as missing."""
    decision = decided(county)
    actor = county.actor("coordinator")
    svc.decision_not_applicable(
        actor=actor, decision=decision, kind="publication", reason="依法不公开"
    )
    svc.decision_archive(actor=actor, decision=decision, done_on=d("2025-05-20"))
    assert fresh(decision).procedures_complete
    ProcedureKind.objects.filter(code="publication").update(na_allowed=False)
    svc.decision_party_report(actor=actor, decision=fresh(decision), done_on=d("2025-05-21"))
    assert not fresh(decision).procedures_complete


# --- 送合法性审查 -----------------------------------------------------------------------------
def test_submit_review_needs_the_earlier_procedures(county: County) -> None:
    decision = register(county)
    actor = county.actor("coordinator")
    svc.decision_start(actor=actor, decision=decision, started_on=d("2025-02-20"))
    assert DECISIONS.blocker(fresh(decision), "submit_review") == (
        "公众参与、专家论证、风险评估尚未完成（或依法记为不适用），不能送合法性审查"
        "（第二十六条：应当提供履行决策法定程序的说明）"
    )
    svc.decision_not_applicable(actor=actor, decision=decision, kind="expert", reason="不专业")
    svc.decision_not_applicable(actor=actor, decision=decision, kind="risk", reason="无风险")
    assert DECISIONS.blocker(fresh(decision), "submit_review").startswith("公众参与尚未完成")
    with pytest.raises(ValidationError):
        svc.decision_submit_review(
            actor=actor, decision=decision, submitted_on=d("2025-03-01"), review_unit=county.dept
        )


def test_submit_review_registers_the_item_in_the_legality_register(county: County) -> None:
    decision = drafted(county)
    actor = county.actor("coordinator")
    with pytest.raises(ValidationError) as err:
        svc.decision_submit_review(actor=actor, decision=decision, submitted_on=d("2025-04-10"))
    assert err.value.message_dict["review_unit"] == ["请选择审查机构，或关联已登记的合法性审查"]
    svc.decision_submit_review(
        actor=actor, decision=decision, submitted_on=d("2025-04-10"), review_unit=county.dept
    )
    decision = fresh(decision)
    review = decision.legality_review
    assert review is not None
    assert (review.unit, review.submitter, review.category.code, review.title) == (
        county.dept,
        county.dept,
        "major_decision",
        decision.title,
    )
    assert decision.status == Status.REVIEW


def test_link_an_existing_review(county: County) -> None:
    from fazhi.legality.services import review_register

    decision = drafted(county)
    actor = county.actor("coordinator")
    other = review_register(
        actor=actor,
        unit=county.dept,
        submitter=county.root,
        title="合同",
        category="contract",
        received_on=d("2025-04-01"),
    )
    with pytest.raises(ValidationError) as err:
        svc.decision_submit_review(
            actor=actor, decision=decision, submitted_on=d("2025-04-10"), review=other
        )
    assert err.value.message_dict["review"] == ["关联的合法性审查类别不是“重大行政决策”"]
    existing = review_register(
        actor=actor,
        unit=county.dept,
        submitter=county.root,
        title=decision.title,
        category="major_decision",
        received_on=d("2025-04-01"),
    )
    svc.decision_submit_review(
        actor=actor, decision=decision, submitted_on=d("2025-04-10"), review=existing
    )
    assert fresh(decision).legality_review == existing


# --- the gate (第二十五条) -----------------------------------------------------------------------
def test_gate_blocks_until_the_review_is_lawful(county: County) -> None:
    decision = in_review(county)
    review = fresh(decision).legality_review
    assert review is not None
    reason = DECISIONS.blocker(fresh(decision), "propose")
    assert reason == (
        f"合法性审查尚未完成（审查编号 {review.number}，期限 {review.due_on:%Y-%m-%d}），"
        "不能提交集体讨论"
    )
    actor = county.actor("coordinator")
    with pytest.raises(ValidationError) as err:
        svc.decision_propose(actor=actor, decision=decision, proposed_on=d("2025-04-23"))
    assert err.value.messages == [reason]
    conclude(county, review, "unlawful")
    assert DECISIONS.blocker(fresh(decision), "propose") == (
        f"合法性审查结论为“不合法”（审查编号 {review.number}），"
        "不是“合法”“修改后合法”，不能提交集体讨论"
    )
    assert fresh(decision).status == Status.REVIEW


@pytest.mark.parametrize("conclusion", ["lawful", "amended"])
def test_gate_opens_on_lawful_or_amended(county: County, conclusion: str) -> None:
    decision = in_review(county)
    conclude(county, fresh(decision).legality_review, conclusion)
    actor = county.actor("coordinator")
    svc.decision_propose(actor=actor, decision=fresh(decision), proposed_on=d("2025-04-23"))
    assert fresh(decision).status == Status.DISCUSSION
    svc.decision_discuss(
        actor=actor,
        decision=fresh(decision),
        decided_on=d("2025-04-28"),
        meeting_kind="standing",
        meeting="常务会议",
        positions=POSITIONS,
    )
    decision = fresh(decision)
    assert decision.status == Status.DECIDED
    assert decision.procedures.get(kind_id="legality").state == ProcedureState.DONE
    assert decision.procedures.get(kind_id="legality").done_on == d("2025-04-22")


def test_gate_without_any_review(county: County) -> None:
    """A decision moved to 待审查 by linking nothing cannot exist; the gate's reason for a
    missing review is the contract's text (checked on an unsaved copy)."""
    decision = fresh(drafted(county))
    assert decision.legality_review is None
    from fazhi.decisions.workflow import gate_problem

    assert gate_problem(decision, d("2025-12-31")) == (
        "未经合法性审查（或审查结论不是“合法”“修改后合法”），不能提交集体讨论"
    )


def test_exploratory_reform_goes_ahead_with_the_legal_risk_recorded(county: County) -> None:
    decision = in_review(county, exploratory=True, legal_risk="上位法尚无规定")
    conclude(county, fresh(decision).legality_review, "unlawful")
    actor = county.actor("coordinator")
    assert DECISIONS.blocker(fresh(decision), "propose") == ""
    svc.decision_propose(actor=actor, decision=fresh(decision), proposed_on=d("2025-04-23"))
    decision = fresh(decision)
    row = decision.procedures.get(kind_id="legality")
    assert row.state == ProcedureState.EXCEPTION
    assert row.note == "探索性改革决策事项，明示法律风险：上位法尚无规定"
    assert decision.events.latest("pk").note == row.note


# --- 集体讨论 -----------------------------------------------------------------------------------
def test_discussion_records_each_member_and_the_dissent(county: County) -> None:
    decision = decided(county)
    members = list(
        MemberPosition.objects.filter(decision=decision).values_list("name", "position", "is_head")
    )
    assert members == [
        ("李副县长", "agree", False),
        ("张副县长", "disagree", False),
        ("刘副县长", "agree", False),
        ("王县长", "agree", True),
    ]
    row = fresh(decision).procedures.get(kind_id="discussion")
    assert row.dissent == "张副县长"
    assert decision.events.latest("pk").note == "县政府第8次常务会议；不同意见：张副县长"


def test_discussion_refusals(county: County) -> None:
    decision = in_review(county)
    conclude(county, fresh(decision).legality_review)
    actor = county.actor("coordinator")
    svc.decision_propose(actor=actor, decision=fresh(decision), proposed_on=d("2025-04-23"))
    base = {
        "decided_on": d("2025-04-28"),
        "meeting_kind": "standing",
        "meeting": "常务会议",
        "positions": POSITIONS,
    }
    cases: list[tuple[dict[str, Any], str, str]] = [
        (
            {"positions": "王县长，县长，同意"},
            "positions",
            "请逐人记录会议组成人员的意见（至少两人）",
        ),
        (
            {"positions": "王县长\n李副县长，副县长，同意"},
            "positions",
            "第1行应为“姓名，职务，意见，发言要点”",
        ),
        (
            {"positions": "王县长，县长，赞成\n李，副，同意"},
            "positions",
            "第1行的意见应为同意、不同意、保留意见或弃权",
        ),
        ({"meeting": " "}, "meeting", "请填写会议名称"),
        (
            {"decided_on": d("2025-04-21")},
            "decided_on",
            "集体讨论日期不能早于合法性审查完成日期（2025年4月22日）",
        ),
        (
            {"positions": DISSENT},
            "head_reason",
            "行政首长拟作出的决定与会议组成人员多数人的意见不一致的，应当说明理由（第三十条第二款）",
        ),
        (
            {"positions": "甲，副县长，同意\n乙，副县长，同意\n王县长，县长，不同意"},
            "head_reason",
            "行政首长拟作出的决定与会议组成人员多数人的意见不一致的，应当说明理由（第三十条第二款）",
        ),
    ]
    for change, field, message in cases:
        with pytest.raises(ValidationError) as err:
            svc.decision_discuss(actor=actor, decision=fresh(decision), **(base | change))
        assert err.value.message_dict[field] == [message], change
    svc.decision_discuss(
        actor=actor,
        decision=fresh(decision),
        **(
            base
            | {
                "positions": DISSENT,
                "head_reason": "涉及民生，时间紧迫",
            }
        ),
    )
    assert fresh(decision).procedures.get(kind_id="discussion").note == "涉及民生，时间紧迫"


# --- 公布 / 归档 / 执行 / 后评估 ------------------------------------------------------------------
def test_a_tie_has_no_majority_to_depart_from(county: County) -> None:
    decision = in_review(county)
    conclude(county, fresh(decision).legality_review)
    actor = county.actor("coordinator")
    svc.decision_propose(actor=actor, decision=fresh(decision), proposed_on=d("2025-04-23"))
    svc.decision_discuss(
        actor=actor,
        decision=fresh(decision),
        decided_on=d("2025-04-28"),
        meeting_kind="standing",
        meeting="常务会议",
        positions="甲，副县长，同意\n乙，副县长，保留意见\n王县长，县长，同意",
    )
    assert fresh(decision).status == Status.DECIDED


def test_publish_needs_the_party_report(county: County) -> None:
    decision = in_review(county)
    conclude(county, fresh(decision).legality_review)
    actor = county.actor("coordinator")
    svc.decision_propose(actor=actor, decision=fresh(decision), proposed_on=d("2025-04-23"))
    svc.decision_discuss(
        actor=actor,
        decision=fresh(decision),
        decided_on=d("2025-04-28"),
        meeting_kind="plenary",
        meeting="全体会议",
        positions=POSITIONS,
    )
    reason = "重大行政决策出台前应当向同级党委请示报告（第三十一条），请先登记党委请示报告"
    assert DECISIONS.blocker(fresh(decision), "publish") == reason
    with pytest.raises(ValidationError):
        svc.decision_publish(
            actor=actor, decision=fresh(decision), published_on=d("2025-05-06"), methods="网站"
        )
    svc.decision_party_report(actor=actor, decision=fresh(decision), done_on=d("2025-04-29"))
    with pytest.raises(ValidationError) as err:
        svc.decision_publish(
            actor=actor, decision=fresh(decision), published_on=d("2025-05-06"), methods=" "
        )
    assert err.value.message_dict["methods"] == ["请填写公布途径"]
    svc.decision_publish(
        actor=actor,
        decision=fresh(decision),
        published_on=d("2025-05-06"),
        methods="政府网站",
        adoption="说明采纳情况",
    )
    assert fresh(decision).published_on == d("2025-05-06")


def test_archive_once_and_procedures_complete(county: County) -> None:
    decision = decided(county)
    actor = county.actor("coordinator")
    assert not fresh(decision).procedures_complete  # 公布、归档 outstanding
    svc.decision_publish(
        actor=actor, decision=fresh(decision), published_on=d("2025-05-06"), methods="政府网站"
    )
    assert not fresh(decision).procedures_complete
    svc.decision_archive(actor=actor, decision=fresh(decision), done_on=d("2025-05-20"))
    assert fresh(decision).procedures_complete
    assert DECISIONS.blocker(fresh(decision), "archive") == "已于 2025-05-20 归档"


def _implementing(county: County) -> Decision:
    decision = decided(county)
    actor = county.actor("coordinator")
    svc.decision_publish(
        actor=actor, decision=fresh(decision), published_on=d("2025-05-06"), methods="政府网站"
    )
    svc.decision_implement(
        actor=actor,
        decision=fresh(decision),
        started_on=d("2025-05-10"),
        execution_unit=county.dept,
    )
    return fresh(decision)


@pytest.mark.parametrize("evaluator", ["湘江大学法学院", " 湘江大学 法学院 ", "县风险评估中心"])
def test_the_evaluator_may_not_be_who_did_the_pre_decision_work(
    county: County, evaluator: str
) -> None:
    decision = _implementing(county)
    actor = county.actor("coordinator")
    with pytest.raises(ValidationError) as err:
        svc.decision_evaluate(
            actor=actor,
            decision=decision,
            started_on=d("2025-11-01"),
            trigger="opinions",
            evaluator=evaluator,
        )
    label = "风险评估" if "风险" in evaluator else "专家论证"
    assert err.value.message_dict["evaluator"] == [
        f"{evaluator.strip()}承担了决策作出前的{label}工作，不能承担后评估（第三十六条第二款）"
    ]
    assert fresh(decision).status == Status.IMPLEMENTING


def test_execution_and_evaluation(county: County) -> None:
    decision = _implementing(county)
    actor = county.actor("coordinator")
    svc.decision_execution_report(
        actor=actor, decision=decision, reported_on=d("2025-07-01"), note="进展一"
    )
    svc.decision_execution_report(
        actor=actor, decision=fresh(decision), reported_on=d("2025-10-01"), note="进展二"
    )
    row = fresh(decision).procedures.get(kind_id="execution")
    assert row.note == "2025-07-01 进展一\n2025-10-01 进展二"
    with pytest.raises(ValidationError) as err:
        svc.decision_evaluate(
            actor=actor,
            decision=fresh(decision),
            started_on=d("2025-11-01"),
            trigger="",
            evaluator="第三方",
        )
    assert err.value.message_dict["trigger"] == ["请选择后评估情形"]
    svc.decision_evaluate(
        actor=actor,
        decision=fresh(decision),
        started_on=d("2025-11-01"),
        trigger="below",
        evaluator="省社科院",
    )
    svc.decision_finish_evaluation(
        actor=actor, decision=fresh(decision), evaluated_on=d("2025-12-20"), note="达到预期"
    )
    decision = fresh(decision)
    assert decision.status == Status.EVALUATED
    assert decision.procedures.get(kind_id="evaluation").state == ProcedureState.DONE


def test_terminate(county: County) -> None:
    decision = drafted(county)
    actor = county.actor("coordinator")
    with pytest.raises(ValidationError) as err:
        svc.decision_terminate(actor=actor, decision=decision, ended_on=d("2025-05-01"), reason="")
    assert err.value.message_dict["reason"] == ["请填写终止理由"]
    svc.decision_terminate(actor=actor, decision=decision, ended_on=d("2025-05-01"), reason="撤销")
    decision = fresh(decision)
    assert decision.status == Status.DROPPED
    assert DECISIONS.blocker(decision, "start") == "决策当前状态为“已终止”，不能启动论证"


def test_the_lead_unit_side_may_move_its_decision(county: County) -> None:
    """The 承办单位 (here the 司法局's clerk) drafts; another township may not."""
    decision = register(county)
    svc.decision_start(
        actor=county.actor("dept_clerk"), decision=decision, started_on=d("2025-02-20")
    )
    with pytest.raises(PermissionDenied):
        svc.decision_expert(
            actor=county.actor("clerk_b"),
            decision=fresh(decision),
            done_on=d("2025-03-01"),
            performed_by="x",
            participants="y",
            signed=True,
        )


def test_every_step_is_audited_and_on_the_timeline(county: County) -> None:
    decision = decided(county)
    actions = list(
        AuditEntry.objects.filter(object_id=str(decision.pk), action__startswith="decisions.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "decisions.register",
        "decisions.start",
        "decisions.participate",
        "decisions.expert",
        "decisions.risk",
        "decisions.submit_review",
        "decisions.propose",
        "decisions.party_report",
        "decisions.discuss",
    ]
    kinds_ = list(decision.events.order_by("pk").values_list("kind", flat=True))
    assert kinds_ == [
        "立项",
        "启动论证",
        "公众参与",
        "专家论证",
        "风险评估",
        "送合法性审查",
        "提请集体讨论",
        "党委请示报告",
        "集体讨论决定",
    ]


# --- 决策事项目录 -----------------------------------------------------------------------------
def test_catalogue_versions_and_adjustment(county: County) -> None:
    actor = county.actor("coordinator")
    first = svc.catalogue_register(
        actor=actor, unit=county.root, year=2025, title="目录", drawn_up_on=d("2025-01-06")
    )
    with pytest.raises(ValidationError) as err:
        svc.catalogue_publish(
            actor=actor,
            catalogue=first,
            party_approved_on=d("2025-01-20"),
            published_on=d("2025-01-15"),
        )
    assert "不能早于同级党委同意日期" in err.value.message_dict["published_on"][0]
    with pytest.raises(ValidationError) as err:
        svc.catalogue_register(
            actor=actor, unit=county.root, year=2025, title="目录二", drawn_up_on=d("2025-01-07")
        )
    assert "调整目录请选择调整前版本" in err.value.message_dict["previous"][0]
    with pytest.raises(ValidationError) as err:
        svc.catalogue_register(
            actor=actor,
            unit=county.root,
            year=2025,
            title="目录二",
            drawn_up_on=d("2025-06-01"),
            previous=first,
            adjustment_reason="增列",
        )
    assert err.value.message_dict["previous"] == ["只能调整已公布的目录"]
    with pytest.raises(ValidationError) as err:
        svc.catalogue_publish(
            actor=actor,
            catalogue=first,
            party_approved_on=d("2025-01-20"),
            published_on=d("2025-01-25"),
            url="example.gov.cn/ml",
        )
    assert err.value.message_dict["url"] == ["公布网址应以 http:// 或 https:// 开头"]
    svc.catalogue_publish(
        actor=actor,
        catalogue=first,
        party_approved_on=d("2025-01-20"),
        published_on=d("2025-01-25"),
        url="https://example.gov.cn/ml",
    )
    assert CATALOGUES.blocker(first, "supersede") == "调整后的新版本尚未公布"
    with pytest.raises(ValidationError) as err:
        svc.catalogue_register(
            actor=actor,
            unit=county.root,
            year=2025,
            title="目录二",
            drawn_up_on=d("2025-06-01"),
            previous=first,
        )
    assert err.value.message_dict["adjustment_reason"] == ["请填写调整理由"]
    second = svc.catalogue_register(
        actor=actor,
        unit=county.root,
        year=2025,
        title="目录二",
        drawn_up_on=d("2025-06-01"),
        previous=first,
        adjustment_reason="增列",
    )
    assert second.version == 2
    svc.catalogue_publish(
        actor=actor,
        catalogue=second,
        party_approved_on=d("2025-06-10"),
        published_on=d("2025-06-12"),
    )
    statuses = dict(Catalogue.objects.values_list("version", "status"))
    assert statuses == {1: CatalogueStatus.SUPERSEDED, 2: CatalogueStatus.PUBLISHED}
