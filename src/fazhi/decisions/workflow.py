"""The 重大行政决策 state machine, declared (rules only in ``Transition.problem`` and ``apply``).

已立项 →(启动论证)→ 论证中 →(送合法性审查)→ 待审查 →(提请集体讨论)→ 待集体讨论
→(集体讨论决定)→ 已决定 →(公布)→ 已公布 →(开始执行)→ 执行中 →(启动后评估)→ 后评估中
→(完成后评估)→ 已后评估; 终止决策程序 from any state before the decision.

Steps inside a state (no state change): 公众参与, 听证会, 专家论证, 风险评估 (论证中, and 待审查
after a 退回补充), 不适用 (any open state), 党委请示报告 (待集体讨论, 已决定), 归档 and
执行情况报告.

The hard gate of 第二十五条: 提请集体讨论 and 集体讨论决定 are refused unless the linked 合法性审查
is concluded 合法 or 修改后合法 (:func:`fazhi.legality.gates.lawful_review_problem`, the one
place of that rule), except an 探索性改革 decision whose legal risk is stated; the exception is
recorded on the checklist (探索性改革（明示法律风险）) and in the timeline.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from fazhi.core import staging
from fazhi.core.workflow import Change, Transition, Workflow, check_date
from fazhi.decisions import forms as f
from fazhi.decisions import rules
from fazhi.decisions.models import (
    SATISFIED,
    Catalogue,
    CatalogueEvent,
    CatalogueStatus,
    Decision,
    DecisionEvent,
    EvaluationTrigger,
    MemberPosition,
    PositionKind,
    Procedure,
    ProcedureKind,
    ProcedureState,
    Status,
)
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor, unit_in_scope

OPEN = (Status.LISTED, Status.DRAFTING, Status.REVIEW, Status.DISCUSSION)
AFTER_DECISION = (
    Status.DECIDED,
    Status.PUBLISHED,
    Status.IMPLEMENTING,
    Status.EVALUATING,
    Status.EVALUATED,
)
#: Procedures to be done (or validly 不适用) before the draft goes to the 合法性审查 (第二十六条:
#: 履行决策法定程序的说明; 第二十七条第二项).
BEFORE_REVIEW = ("participation", "expert", "risk")


def authorize(actor: Actor, decision: Decision) -> None:
    """The 决策机关's subtree or the 承办单位's subtree moves the decision."""
    from django.core.exceptions import PermissionDenied

    if not (unit_in_scope(decision.unit, actor) or unit_in_scope(decision.lead_unit, actor)):
        raise PermissionDenied("该决策不在您的管辖范围内")


# --- the checklist ------------------------------------------------------------------------
def kinds() -> dict[str, ProcedureKind]:
    """The procedure kinds (data), read once per import batch or once per call."""
    found: dict[str, ProcedureKind] = staging.memo(
        "decisions.kinds", lambda: {k.code: k for k in ProcedureKind.objects.all()}
    )
    return found


def procedures(decision: Decision) -> dict[str, Procedure]:
    rows = staging.children(decision, Procedure, "decision", "procedures")
    return {row.kind_id: row for row in rows}


def procedure(decision: Decision, code: str) -> Procedure:
    return procedures(decision)[code]


def record(row: Procedure, **values: Any) -> None:
    """Set ``values`` on a checklist row and save them."""
    for name, value in values.items():
        setattr(row, name, value)
    staging.save(row, update_fields=list(values))


def satisfied(row: Procedure, kind: ProcedureKind) -> bool:
    if row.state == ProcedureState.NOT_APPLICABLE:
        return kind.na_allowed
    return row.state in SATISFIED


def missing(decision: Decision, codes: tuple[str, ...] | None = None) -> list[str]:
    """Names of the mandatory procedures (of ``codes``, default all) not yet satisfied."""
    table = kinds()
    rows = procedures(decision)
    wanted = codes if codes is not None else tuple(table)
    return [
        table[code].name
        for code in sorted(wanted, key=lambda c: table[c].sort_order)
        if table[code].mandatory and code in rows and not satisfied(rows[code], table[code])
    ]


def recalc(decision: Decision) -> None:
    """``procedures_complete``: every mandatory procedure done or validly 不适用."""
    decision.procedures_complete = not missing(decision)


# --- the gate (第二十五条) -----------------------------------------------------------------
def exploratory_exception(decision: Decision) -> bool:
    """An 探索性改革 decision with its legal risk stated may be discussed (第二十五条第二款)."""
    return decision.exploratory and bool(decision.legal_risk.strip())


def gate_problem(decision: Decision, today: dt.date) -> str:
    if exploratory_exception(decision):
        return ""
    from fazhi.legality.gates import lawful_review_problem

    return lawful_review_problem(decision.legality_review, action="提交集体讨论")


def _passing(decision: Decision) -> bool:
    from fazhi.legality.models import PASSING

    review = decision.legality_review
    return review is not None and review.conclusion in PASSING


def _record_legality(decision: Decision) -> str:
    """Tick the 合法性审查 row: done when the review passed, else the recorded exception."""
    row = procedure(decision, "legality")
    review = decision.legality_review
    if _passing(decision):
        assert review is not None
        record(
            row,
            state=ProcedureState.DONE,
            done_on=review.completed_on,
            note=f"审查编号 {review.number}，结论：{review.get_conclusion_display()}",
        )
        return ""
    note = f"探索性改革决策事项，明示法律风险：{decision.legal_risk.strip()}"
    record(row, state=ProcedureState.EXCEPTION, done_on=None, note=note)
    return note


# --- 启动论证 -------------------------------------------------------------------------------
def start(decision: Decision, *, actor: Actor, started_on: dt.date) -> Change:
    check_date(
        started_on,
        "启动论证日期",
        not_before=decision.listed_on,
        after_label="纳入目录日期",
        field="started_on",
    )
    decision.started_on = started_on
    return Change(started_on, f"承办单位：{decision.lead_unit.name}")


# --- 公众参与 -------------------------------------------------------------------------------
def participate(
    decision: Decision,
    *,
    actor: Actor,
    methods: str,
    started_on: dt.date,
    ended_on: dt.date,
    shortened_reason: str = "",
    adoption: str = "",
) -> Change:
    if not methods.strip():
        raise ValidationError({"methods": "请填写听取意见的方式"})
    check_date(
        started_on,
        "公开征求意见开始日期",
        not_before=decision.listed_on,
        after_label="纳入目录日期",
        field="started_on",
    )
    if ended_on < started_on:
        raise ValidationError({"ended_on": "征求意见截止日期不能早于开始日期"})
    earliest = rules.consultation_earliest_end(decision.unit, started_on)
    short = ended_on < earliest
    if short and not shortened_reason.strip():
        days = rules.consultation_days(decision.unit)
        raise ValidationError(
            {
                "shortened_reason": (
                    f"公开征求意见的期限一般不少于{days}日（第十五条），截止日期应不早于"
                    f"{earliest:%Y-%m-%d}；因情况紧急等原因缩短的，请填写缩短期限的说明"
                )
            }
        )
    record(
        procedure(decision, "participation"),
        state=ProcedureState.DONE,
        methods=methods.strip(),
        started_on=started_on,
        ended_on=ended_on,
        done_on=ended_on,
        shortened_reason=shortened_reason.strip() if short else "",
        adoption=adoption.strip(),
    )
    decision.consultation_end = ended_on
    note = f"{methods.strip()}；征求意见 {started_on:%Y-%m-%d} 至 {ended_on:%Y-%m-%d}"
    if short:
        note += f"（缩短期限：{shortened_reason.strip()}）"
    return Change(started_on, note, event_kind="公众参与")


# --- 听证会 ---------------------------------------------------------------------------------
def hearing(
    decision: Decision,
    *,
    actor: Actor,
    hearing_on: dt.date,
    materials_sent_on: dt.date,
    participants: str,
    signed: bool,
) -> Change:
    check_date(
        hearing_on,
        "听证会日期",
        not_before=decision.listed_on,
        after_label="纳入目录日期",
        field="hearing_on",
    )
    latest = rules.hearing_materials_latest(decision.unit, hearing_on)
    if materials_sent_on > latest:
        days = rules.hearing_materials_days(decision.unit)
        raise ValidationError(
            {
                "materials_sent_on": (
                    f"听证会材料应当于召开听证会{days}日前送达听证参加人（第十六条第三款），"
                    f"最迟 {latest:%Y-%m-%d}"
                )
            }
        )
    if not participants.strip():
        raise ValidationError({"participants": "请填写听证参加人"})
    if not signed:
        raise ValidationError({"signed": "听证会记录应当由听证参加人确认并签字（第十七条第三项）"})
    record(
        procedure(decision, "hearing"),
        state=ProcedureState.DONE,
        done_on=hearing_on,
        started_on=materials_sent_on,
        participants=participants.strip(),
        signed=True,
    )
    decision.hearing_on = hearing_on
    return Change(hearing_on, f"材料送达 {materials_sent_on:%Y-%m-%d}", event_kind="听证会")


# --- 专家论证 -------------------------------------------------------------------------------
def expert(
    decision: Decision,
    *,
    actor: Actor,
    done_on: dt.date,
    performed_by: str,
    participants: str,
    signed: bool,
    dissent: str = "",
) -> Change:
    check_date(
        done_on,
        "论证日期",
        not_before=decision.listed_on,
        after_label="纳入目录日期",
        field="done_on",
    )
    if not performed_by.strip():
        raise ValidationError({"performed_by": "请填写组织论证的单位"})
    if not participants.strip():
        raise ValidationError({"participants": "请填写论证专家、专业机构"})
    if not signed:
        raise ValidationError({"signed": "提供书面论证意见的，应当署名、盖章（第十九条第二款）"})
    record(
        procedure(decision, "expert"),
        state=ProcedureState.DONE,
        done_on=done_on,
        performed_by=performed_by.strip(),
        participants=participants.strip(),
        dissent=dissent.strip(),
        signed=True,
    )
    note = f"{performed_by.strip()}组织；" + ("有不同意见" if dissent.strip() else "无不同意见")
    return Change(done_on, note, event_kind="专家论证")


# --- 风险评估 -------------------------------------------------------------------------------
def risk(
    decision: Decision,
    *,
    actor: Actor,
    done_on: dt.date,
    performed_by: str,
    risk_points: str,
    measures: str,
    risk_controllable: bool,
) -> Change:
    check_date(
        done_on,
        "风险评估报告日期",
        not_before=decision.listed_on,
        after_label="纳入目录日期",
        field="done_on",
    )
    if not performed_by.strip():
        raise ValidationError({"performed_by": "请填写评估单位"})
    if not risk_points.strip():
        raise ValidationError({"risk_points": "风险评估报告应当明确风险点（第二十三条第二款）"})
    if not measures.strip():
        raise ValidationError(
            {"measures": "风险评估报告应当提出风险防范措施和处置预案（第二十三条第二款）"}
        )
    record(
        procedure(decision, "risk"),
        state=ProcedureState.DONE,
        done_on=done_on,
        performed_by=performed_by.strip(),
        risk_points=risk_points.strip(),
        measures=measures.strip(),
        risk_controllable=risk_controllable,
    )
    verdict = (
        "风险可控" if risk_controllable else "风险不可控：须调整决策草案确保风险可控（第二十四条）"
    )
    return Change(done_on, f"{performed_by.strip()}评估；{verdict}", event_kind="风险评估")


# --- 不适用 ---------------------------------------------------------------------------------
def not_applicable(
    decision: Decision, *, actor: Actor, kind: ProcedureKind | str, reason: str
) -> Change:
    if isinstance(kind, str):
        if kind not in kinds():
            raise ValidationError({"kind": "请选择程序"})
        kind = kinds()[kind]
    if not kind.na_allowed:
        raise ValidationError({"kind": f"{kind.name}是必经程序，不能记为不适用（{kind.article}）"})
    if not reason.strip():
        raise ValidationError(
            {"reason": f"请填写{kind.name}不适用的理由（依据：{kind.na_ground}）"}
        )
    row = procedure(decision, kind.code)
    if row.state != ProcedureState.PENDING:
        raise ValidationError({"kind": f"{kind.name}已记为“{row.get_state_display()}”"})
    record(row, state=ProcedureState.NOT_APPLICABLE, na_reason=reason.strip())
    from fazhi.core.workflow import today

    return Change(today(), f"{kind.name}：{reason.strip()}", event_kind="程序不适用")


# --- 送合法性审查 ---------------------------------------------------------------------------
def submit_review_problem(decision: Decision, today: dt.date) -> str:
    left = missing(decision, BEFORE_REVIEW)
    if left:
        return (
            f"{'、'.join(left)}尚未完成（或依法记为不适用），不能送合法性审查"
            "（第二十六条：应当提供履行决策法定程序的说明）"
        )
    return ""


def submit_review(
    decision: Decision,
    *,
    actor: Actor,
    submitted_on: dt.date,
    review_unit: OrgUnit | None = None,
    review: Any = None,
) -> Change:
    check_date(
        submitted_on,
        "送审日期",
        not_before=decision.started_on or decision.listed_on,
        after_label="启动论证日期",
        field="submitted_on",
    )
    if review is not None:
        if review.category.code != "major_decision":
            raise ValidationError({"review": "关联的合法性审查类别不是“重大行政决策”"})
        decision.legality_review = review
        return Change(submitted_on, f"关联合法性审查（审查编号 {review.number}）")
    if review_unit is None:
        raise ValidationError({"review_unit": "请选择审查机构，或关联已登记的合法性审查"})
    from fazhi.legality.services import review_register

    created = review_register(
        actor=actor,
        unit=review_unit,
        submitter=decision.lead_unit,
        title=decision.title,
        category="major_decision",
        received_on=submitted_on,
    )
    decision.legality_review = created
    return Change(submitted_on, f"送{review_unit.name}合法性审查")


# --- 提请集体讨论 / 集体讨论决定 ---------------------------------------------------------------
def propose(decision: Decision, *, actor: Actor, proposed_on: dt.date) -> Change:
    check_date(
        proposed_on,
        "提请日期",
        not_before=decision.listed_on,
        after_label="纳入目录日期",
        field="proposed_on",
    )
    note = _record_legality(decision)
    return Change(proposed_on, note or "合法性审查已通过")


POSITIONS = {label: value for value, label in PositionKind.choices}


def parse_positions(text: str) -> list[tuple[str, str, str, str]]:
    """``姓名，职务，意见，发言要点`` per line → (name, post, position, opinion)."""
    found: list[tuple[str, str, str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace(",", "，").split("，")]
        if len(parts) < 3 or not parts[0]:
            raise ValidationError({"positions": f"第{number}行应为“姓名，职务，意见，发言要点”"})
        if parts[2] not in POSITIONS:
            raise ValidationError(
                {"positions": f"第{number}行的意见应为同意、不同意、保留意见或弃权"}
            )
        found.append((parts[0], parts[1], POSITIONS[parts[2]], "，".join(parts[3:])))
    if len(found) < 2:
        raise ValidationError({"positions": "请逐人记录会议组成人员的意见（至少两人）"})
    return found


def discuss(
    decision: Decision,
    *,
    actor: Actor,
    decided_on: dt.date,
    meeting_kind: str,
    meeting: str,
    positions: str,
    head_reason: str = "",
) -> Change:
    review = decision.legality_review
    not_before = review.completed_on if review is not None and review.completed_on else None
    check_date(
        decided_on,
        "集体讨论日期",
        not_before=not_before or decision.listed_on,
        after_label="合法性审查完成日期" if not_before else "纳入目录日期",
        field="decided_on",
    )
    if not meeting.strip():
        raise ValidationError({"meeting": "请填写会议名称"})
    members = parse_positions(positions)
    head = members[-1]
    others = members[:-1]
    agree = sum(1 for m in others if m[2] == PositionKind.AGREE)
    head_agrees = head[2] == PositionKind.AGREE
    # departs from the majority: agrees when most did not, or not when most agreed (a tie has
    # no majority)
    departs = (agree * 2 < len(others)) if head_agrees else (agree * 2 > len(others))
    if departs and not head_reason.strip():
        raise ValidationError(
            {
                "head_reason": "行政首长拟作出的决定与会议组成人员多数人的意见不一致的，"
                "应当说明理由（第三十条第二款）"
            }
        )
    for index, (name, post, position, opinion) in enumerate(members):
        staging.create(
            MemberPosition,
            decision=decision,
            name=name,
            post=post,
            position=position,
            opinion=opinion,
            is_head=index == len(members) - 1,
        )
    dissent = [m[0] for m in members if m[2] != PositionKind.AGREE]
    _record_legality(decision)
    record(
        procedure(decision, "discussion"),
        state=ProcedureState.DONE,
        done_on=decided_on,
        participants="、".join(m[0] for m in members),
        dissent="、".join(dissent),
        note=head_reason.strip(),
    )
    decision.decided_on = decided_on
    decision.meeting = meeting.strip()
    decision.meeting_kind = meeting_kind
    note = f"{meeting.strip()}；" + (
        f"不同意见：{'、'.join(dissent)}" if dissent else "与会人员均同意"
    )
    return Change(decided_on, note)


# --- 党委请示报告 / 公布 / 归档 ---------------------------------------------------------------
def party_report(decision: Decision, *, actor: Actor, done_on: dt.date, note: str = "") -> Change:
    check_date(
        done_on,
        "请示报告日期",
        not_before=decision.listed_on,
        after_label="纳入目录日期",
        field="done_on",
    )
    record(
        procedure(decision, "party_report"),
        state=ProcedureState.DONE,
        done_on=done_on,
        note=note.strip(),
    )
    return Change(done_on, note.strip(), event_kind="党委请示报告")


def publish_problem(decision: Decision, today: dt.date) -> str:
    if missing(decision, ("party_report",)):
        return "重大行政决策出台前应当向同级党委请示报告（第三十一条），请先登记党委请示报告"
    return ""


def publish(
    decision: Decision, *, actor: Actor, published_on: dt.date, methods: str, adoption: str = ""
) -> Change:
    check_date(
        published_on,
        "公布日期",
        not_before=decision.decided_on,
        after_label="集体讨论日期",
        field="published_on",
    )
    if not methods.strip():
        raise ValidationError({"methods": "请填写公布途径"})
    record(
        procedure(decision, "publication"),
        state=ProcedureState.DONE,
        done_on=published_on,
        methods=methods.strip(),
        adoption=adoption.strip(),
    )
    decision.published_on = published_on
    return Change(published_on, methods.strip())


def archive_problem(decision: Decision, today: dt.date) -> str:
    row = procedures(decision).get("archive")
    if row is not None and row.state == ProcedureState.DONE:
        return f"已于 {row.done_on:%Y-%m-%d} 归档"
    return ""


def archive(decision: Decision, *, actor: Actor, done_on: dt.date, note: str = "") -> Change:
    check_date(
        done_on,
        "归档日期",
        not_before=decision.decided_on,
        after_label="集体讨论日期",
        field="done_on",
    )
    record(
        procedure(decision, "archive"),
        state=ProcedureState.DONE,
        done_on=done_on,
        note=note.strip(),
    )
    return Change(done_on, note.strip(), event_kind="归档")


# --- 执行 / 后评估 ---------------------------------------------------------------------------
def implement(
    decision: Decision, *, actor: Actor, started_on: dt.date, execution_unit: OrgUnit
) -> Change:
    check_date(
        started_on,
        "开始执行日期",
        not_before=decision.decided_on,
        after_label="集体讨论日期",
        field="started_on",
    )
    decision.execution_unit = execution_unit
    return Change(started_on, f"决策执行单位：{execution_unit.name}")


def execution_report(
    decision: Decision, *, actor: Actor, reported_on: dt.date, note: str
) -> Change:
    check_date(
        reported_on,
        "报告日期",
        not_before=decision.decided_on,
        after_label="集体讨论日期",
        field="reported_on",
    )
    if not note.strip():
        raise ValidationError({"note": "请填写执行情况"})
    row = procedure(decision, "execution")
    lines = [line for line in row.note.splitlines() if line]
    lines.append(f"{reported_on:%Y-%m-%d} {note.strip()}")
    record(row, state=ProcedureState.DONE, done_on=reported_on, note="\n".join(lines))
    return Change(reported_on, note.strip(), event_kind="执行情况报告")


def _norm(name: str) -> str:
    return "".join(name.split())


def evaluator_problem(decision: Decision, evaluator: str) -> str:
    """第三十六条第二款: the unit that did the main pre-decision 论证评估 may not evaluate."""
    rows = procedures(decision)
    for code in ("expert", "risk"):
        row = rows.get(code)
        if row is not None and row.performed_by and _norm(row.performed_by) == _norm(evaluator):
            label = "专家论证" if code == "expert" else "风险评估"
            return (
                f"{evaluator.strip()}承担了决策作出前的{label}工作，不能承担后评估"
                "（第三十六条第二款）"
            )
    return ""


def evaluate(
    decision: Decision, *, actor: Actor, started_on: dt.date, trigger: str, evaluator: str
) -> Change:
    check_date(
        started_on,
        "启动后评估日期",
        not_before=decision.decided_on,
        after_label="集体讨论日期",
        field="started_on",
    )
    if trigger not in EvaluationTrigger.values:
        raise ValidationError({"trigger": "请选择后评估情形"})
    if not evaluator.strip():
        raise ValidationError({"evaluator": "请填写承担评估工作的单位"})
    problem = evaluator_problem(decision, evaluator)
    if problem:
        raise ValidationError({"evaluator": problem})
    decision.evaluation_trigger = trigger
    decision.evaluator = evaluator.strip()
    decision.evaluation_started_on = started_on
    record(procedure(decision, "evaluation"), started_on=started_on, performed_by=evaluator.strip())
    return Change(started_on, f"{EvaluationTrigger(trigger).label}；评估单位：{evaluator.strip()}")


def finish_evaluation(
    decision: Decision, *, actor: Actor, evaluated_on: dt.date, note: str
) -> Change:
    check_date(
        evaluated_on,
        "后评估完成日期",
        not_before=decision.evaluation_started_on,
        after_label="启动后评估日期",
        field="evaluated_on",
    )
    if not note.strip():
        raise ValidationError({"note": "请填写评估结论"})
    decision.evaluated_on = evaluated_on
    record(
        procedure(decision, "evaluation"),
        state=ProcedureState.DONE,
        done_on=evaluated_on,
        note=note.strip(),
    )
    return Change(evaluated_on, note.strip())


def terminate(decision: Decision, *, actor: Actor, ended_on: dt.date, reason: str) -> Change:
    check_date(
        ended_on,
        "终止日期",
        not_before=decision.listed_on,
        after_label="纳入目录日期",
        field="ended_on",
    )
    if not reason.strip():
        raise ValidationError({"reason": "请填写终止理由"})
    decision.ended_on = ended_on
    decision.end_reason = reason.strip()
    return Change(ended_on, reason.strip())


STEPPING = (Status.DRAFTING, Status.REVIEW)

DECISIONS: Workflow[Decision] = Workflow(
    model=Decision,
    audit_prefix="decisions",
    event_model=DecisionEvent,
    event_fk="decision",
    noun="决策",
    authorize=authorize,
    recalc=recalc,
    transitions=(
        Transition(
            "start",
            "启动论证",
            (Status.LISTED,),
            start,
            target=Status.DRAFTING,
            form_class=f.StartForm,
        ),
        Transition(
            "participate",
            "公众参与",
            STEPPING,
            participate,
            form_class=f.ParticipationForm,
            help="公开征求意见的期限一般不少于30日（第十五条）；缩短的须说明",
        ),
        Transition(
            "hearing",
            "听证会",
            STEPPING,
            hearing,
            form_class=f.HearingForm,
            help="听证会材料应当于召开听证会7日前送达听证参加人（第十六条第三款）",
        ),
        Transition("expert", "专家论证", STEPPING, expert, form_class=f.ExpertForm),
        Transition("risk", "风险评估", STEPPING, risk, form_class=f.RiskForm),
        Transition(
            "not_applicable",
            "记为不适用",
            (*OPEN, *AFTER_DECISION),
            not_applicable,
            form_class=f.NotApplicableForm,
            help="只有条例允许的程序可以记为不适用，并须写明理由",
        ),
        Transition(
            "submit_review",
            "送合法性审查",
            (Status.DRAFTING,),
            submit_review,
            target=Status.REVIEW,
            form_class=f.SubmitReviewForm,
            problem=submit_review_problem,
        ),
        Transition(
            "propose",
            "提请集体讨论",
            (Status.REVIEW,),
            propose,
            target=Status.DISCUSSION,
            form_class=f.ProposeForm,
            problem=gate_problem,
            help="决策草案未经合法性审查或者经审查不合法的，不得提交决策机关讨论（第二十五条）",
        ),
        Transition(
            "party_report",
            "党委请示报告",
            (Status.DISCUSSION, Status.DECIDED),
            party_report,
            form_class=f.PartyReportForm,
        ),
        Transition(
            "discuss",
            "集体讨论决定",
            (Status.DISCUSSION,),
            discuss,
            target=Status.DECIDED,
            form_class=f.DiscussForm,
            problem=gate_problem,
        ),
        Transition(
            "publish",
            "公布",
            (Status.DECIDED,),
            publish,
            target=Status.PUBLISHED,
            form_class=f.PublishForm,
            problem=publish_problem,
        ),
        Transition(
            "archive",
            "归档",
            AFTER_DECISION,
            archive,
            form_class=f.ArchiveForm,
            problem=archive_problem,
        ),
        Transition(
            "implement",
            "开始执行",
            (Status.PUBLISHED,),
            implement,
            target=Status.IMPLEMENTING,
            form_class=f.ImplementForm,
        ),
        Transition(
            "execution_report",
            "执行情况报告",
            (Status.IMPLEMENTING, Status.EVALUATING, Status.EVALUATED),
            execution_report,
            form_class=f.ExecutionReportForm,
        ),
        Transition(
            "evaluate",
            "启动后评估",
            (Status.IMPLEMENTING,),
            evaluate,
            target=Status.EVALUATING,
            form_class=f.EvaluateForm,
            help="决策作出前承担主要论证评估工作的单位不得承担后评估（第三十六条第二款）",
        ),
        Transition(
            "finish_evaluation",
            "完成后评估",
            (Status.EVALUATING,),
            finish_evaluation,
            target=Status.EVALUATED,
            form_class=f.FinishEvaluationForm,
        ),
        Transition(
            "terminate",
            "终止决策程序",
            OPEN,
            terminate,
            target=Status.DROPPED,
            form_class=f.TerminateForm,
            confirm="确定终止该决策程序吗？终止后不能恢复。",
        ),
    ),
)


# --- 决策事项目录 ----------------------------------------------------------------------------
def catalogue_authorize(actor: Actor, catalogue: Catalogue) -> None:
    from fazhi.orgs.scoping import require_unit_in_scope

    require_unit_in_scope(catalogue.unit, actor)


def catalogue_publish(
    catalogue: Catalogue,
    *,
    actor: Actor,
    party_approved_on: dt.date,
    published_on: dt.date,
    url: str = "",
) -> Change:
    check_date(
        party_approved_on,
        "同级党委同意日期",
        not_before=catalogue.drawn_up_on,
        after_label="编制日期",
        field="party_approved_on",
    )
    check_date(
        published_on,
        "公布日期",
        not_before=party_approved_on,
        after_label="同级党委同意日期（目录经同级党委同意后向社会公布，第三条第三款）",
        field="published_on",
    )
    if url.strip() and not url.strip().startswith(("http://", "https://")):
        raise ValidationError({"url": "公布网址应以 http:// 或 https:// 开头"})
    catalogue.party_approved_on = party_approved_on
    catalogue.published_on = published_on
    catalogue.url = url.strip()
    previous = catalogue.previous

    def supersede() -> None:
        if previous is not None and previous.status == CatalogueStatus.PUBLISHED:
            CATALOGUES.run("supersede", actor=actor, obj=previous)

    return Change(published_on, url.strip() or "已向社会公布", after=supersede)


def supersede_problem(catalogue: Catalogue, today: dt.date) -> str:
    newer = Catalogue.objects.filter(previous=catalogue, status=CatalogueStatus.PUBLISHED)
    if not newer.exists():
        return "调整后的新版本尚未公布"
    return ""


def supersede(catalogue: Catalogue, *, actor: Actor) -> Change:
    newer = Catalogue.objects.filter(previous=catalogue).order_by("-version").first()
    on = newer.published_on if newer is not None and newer.published_on else catalogue.drawn_up_on
    return Change(on, f"调整为第{newer.version if newer else '?'}版")


CATALOGUES: Workflow[Catalogue] = Workflow(
    model=Catalogue,
    audit_prefix="decisions.catalogue",
    event_model=CatalogueEvent,
    event_fk="catalogue",
    noun="目录",
    authorize=catalogue_authorize,
    transitions=(
        Transition(
            "publish",
            "公布",
            (CatalogueStatus.DRAFT,),
            catalogue_publish,
            target=CatalogueStatus.PUBLISHED,
            form_class=f.CataloguePublishForm,
            help="决策事项目录经同级党委同意后向社会公布（第三条第三款）",
        ),
        Transition(
            "supersede",
            "记为已调整",
            (CatalogueStatus.PUBLISHED,),
            supersede,
            target=CatalogueStatus.SUPERSEDED,
            form_class=f.CatalogueSupersedeForm,
            problem=supersede_problem,
        ),
    ),
)
