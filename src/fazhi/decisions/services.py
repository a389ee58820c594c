"""Writes to the 重大行政决策 register: 登记 here, every status change through the workflows.

* :func:`catalogue_register` / :func:`catalogue_publish` — the 决策事项目录 (第三条第三款).
* :func:`decision_register` — 立项/纳入目录: the decision and its checklist (one
  :class:`~fazhi.decisions.models.Procedure` per kind of the data table).
* one named service per transition of :data:`fazhi.decisions.workflow.DECISIONS`.
* :func:`decision_load` — an Excel row: 登记 and the recorded procedures replayed through the
  same transitions (dates from the row).
* :func:`evidence_add` — an evidence file on a procedure (size and type checked, audited).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from fazhi.core import staging
from fazhi.core.audit import snapshot
from fazhi.core.services import record_write
from fazhi.decisions.models import (
    Catalogue,
    CatalogueEvent,
    CatalogueStatus,
    Category,
    Decision,
    DecisionEvent,
    Procedure,
    ProcedureFile,
    ProcedureKind,
    Proposer,
)
from fazhi.decisions.workflow import CATALOGUES, DECISIONS, kinds
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope, unit_in_scope

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
EVIDENCE_TYPES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".jpeg", ".png", ".ofd", ".zip")


# --- 决策事项目录 -----------------------------------------------------------------------------
@transaction.atomic
def catalogue_register(
    *,
    actor: Actor,
    unit: OrgUnit,
    year: int,
    title: str,
    drawn_up_on: dt.date,
    previous: Catalogue | None = None,
    adjustment_reason: str = "",
    note: str = "",
) -> Catalogue:
    """登记 a 目录 of ``unit`` for ``year``: version 1, or — with ``previous`` (a published
    version of the same unit and year) and the reason — the adjusted next version."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(unit, actor)
    if not title.strip():
        raise ValidationError({"title": "请填写目录名称"})
    version = 1
    if previous is not None:
        if previous.unit_id != unit.pk or previous.year != year:
            raise ValidationError({"previous": "调整前版本须为同一决策机关同一年度的目录"})
        if previous.status != CatalogueStatus.PUBLISHED:
            raise ValidationError({"previous": "只能调整已公布的目录"})
        if not adjustment_reason.strip():
            raise ValidationError({"adjustment_reason": "请填写调整理由"})
        version = previous.version + 1
    elif Catalogue.objects.filter(unit=unit, year=year).exists():
        raise ValidationError(
            {"previous": f"{unit.name}{year}年度已有目录；调整目录请选择调整前版本"}
        )
    catalogue = staging.save_new(
        Catalogue(
            unit=unit,
            year=year,
            version=version,
            title=title.strip(),
            previous=previous,
            adjustment_reason=adjustment_reason.strip(),
            drawn_up_on=drawn_up_on,
            note=note.strip(),
        )
    )
    staging.create(
        CatalogueEvent,
        catalogue=catalogue,
        kind="编制" if previous is None else "调整",
        on=drawn_up_on,
        actor_name=actor.name,
        note=adjustment_reason.strip(),
    )
    record_write(
        actor=actor,
        action="decisions.catalogue.register",
        obj=catalogue,
        before=None,
        after=snapshot(catalogue),
        summary=f"登记决策事项目录（{year}年度第{version}版）",
    )
    return catalogue


def catalogue_publish(
    *,
    actor: Actor,
    catalogue: Catalogue,
    party_approved_on: dt.date,
    published_on: dt.date,
    url: str = "",
) -> Catalogue:
    """公布 after the 同级党委同意 (第三条第三款); a published adjustment supersedes the old."""
    done: Catalogue = CATALOGUES.run(
        "publish",
        actor=actor,
        obj=catalogue,
        party_approved_on=party_approved_on,
        published_on=published_on,
        url=url,
    )
    return done


# --- 决策 -------------------------------------------------------------------------------------
@transaction.atomic
def decision_register(
    *,
    actor: Actor,
    unit: OrgUnit,
    lead_unit: OrgUnit,
    title: str,
    category: str,
    listed_on: dt.date,
    proposer: str = Proposer.LEADER,
    catalogue: Catalogue | None = None,
    exploratory: bool = False,
    legal_risk: str = "",
    note: str = "",
) -> Decision:
    """立项/纳入目录: a decision of ``unit`` (in the actor's subtree) drafted by ``lead_unit``,
    with one checklist row per procedure kind."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(unit, actor)
    if not title.strip():
        raise ValidationError({"title": "请填写决策事项"})
    if category not in Category.values:
        raise ValidationError({"category": "请选择事项类别"})
    if proposer not in Proposer.values:
        raise ValidationError({"proposer": "请选择建议提出方"})
    from fazhi.core.workflow import check_date

    check_date(listed_on, "纳入目录日期", field="listed_on")
    if catalogue is not None and catalogue.unit_id != unit.pk:
        raise ValidationError({"catalogue": "所选目录不是该决策机关的目录"})
    if exploratory and not legal_risk.strip():
        raise ValidationError(
            {"legal_risk": "探索性改革决策事项须明示法律风险（第二十五条第二款）"}
        )
    if staging.exists(Decision, unit=unit, title=title.strip(), listed_on=listed_on):
        raise ValidationError({"title": f"{unit.name}已登记同日纳入目录的“{title.strip()}”"})
    decision = staging.save_new(
        Decision(
            unit=unit,
            lead_unit=lead_unit,
            catalogue=catalogue,
            title=title.strip(),
            category=category,
            proposer=proposer,
            listed_on=listed_on,
            exploratory=exploratory,
            legal_risk=legal_risk.strip() if exploratory else "",
            note=note.strip(),
        )
    )
    for code in kinds():
        staging.create(Procedure, decision=decision, kind_id=code)
    staging.create(
        DecisionEvent,
        decision=decision,
        kind="立项",
        on=listed_on,
        actor_name=actor.name,
        note=f"承办单位：{lead_unit.name}",
    )
    record_write(
        actor=actor,
        action="decisions.register",
        obj=decision,
        before=None,
        after=snapshot(decision),
        summary=f"登记重大行政决策（{decision.get_category_display()}）",
    )
    return decision


def _run(name: str, actor: Actor, decision: Decision, **data: Any) -> Decision:
    done: Decision = DECISIONS.run(name, actor=actor, obj=decision, **data)
    return done


def decision_start(*, actor: Actor, decision: Decision, started_on: dt.date) -> Decision:
    """启动论证 (第十一条)."""
    return _run("start", actor, decision, started_on=started_on)


def decision_participate(*, actor: Actor, decision: Decision, **data: Any) -> Decision:
    """公众参与: methods, consultation period (≥30 days or a stated reason), adoption."""
    return _run("participate", actor, decision, **data)


def decision_hearing(*, actor: Actor, decision: Decision, **data: Any) -> Decision:
    """听证会: materials 7 days before (第十六条)."""
    return _run("hearing", actor, decision, **data)


def decision_expert(*, actor: Actor, decision: Decision, **data: Any) -> Decision:
    """专家论证 (第十九条、第二十条)."""
    return _run("expert", actor, decision, **data)


def decision_risk(*, actor: Actor, decision: Decision, **data: Any) -> Decision:
    """风险评估 (第二十二条至第二十四条)."""
    return _run("risk", actor, decision, **data)


def decision_not_applicable(
    *, actor: Actor, decision: Decision, kind: ProcedureKind | str, reason: str
) -> Decision:
    """Record a procedure as 不适用 where the 条例 allows it."""
    if isinstance(kind, str):
        kind = kinds()[kind]
    return _run("not_applicable", actor, decision, kind=kind, reason=reason)


def decision_submit_review(*, actor: Actor, decision: Decision, **data: Any) -> Decision:
    """送合法性审查: registers the item in the 合法性审查 register, or links an existing one."""
    return _run("submit_review", actor, decision, **data)


def decision_propose(*, actor: Actor, decision: Decision, proposed_on: dt.date) -> Decision:
    """提请集体讨论 — refused until the review is 合法/修改后合法 (第二十五条)."""
    return _run("propose", actor, decision, proposed_on=proposed_on)


def decision_discuss(*, actor: Actor, decision: Decision, **data: Any) -> Decision:
    """集体讨论决定 with each member's position (第三十条)."""
    return _run("discuss", actor, decision, **data)


def decision_party_report(
    *, actor: Actor, decision: Decision, done_on: dt.date, note: str = ""
) -> Decision:
    """党委请示报告 (第三十一条)."""
    return _run("party_report", actor, decision, done_on=done_on, note=note)


def decision_publish(*, actor: Actor, decision: Decision, **data: Any) -> Decision:
    """公布 (第三十二条)."""
    return _run("publish", actor, decision, **data)


def decision_archive(
    *, actor: Actor, decision: Decision, done_on: dt.date, note: str = ""
) -> Decision:
    """归档 (第三十三条)."""
    return _run("archive", actor, decision, done_on=done_on, note=note)


def decision_implement(
    *, actor: Actor, decision: Decision, started_on: dt.date, execution_unit: OrgUnit
) -> Decision:
    """开始执行 (第三十四条)."""
    return _run("implement", actor, decision, started_on=started_on, execution_unit=execution_unit)


def decision_execution_report(
    *, actor: Actor, decision: Decision, reported_on: dt.date, note: str
) -> Decision:
    """执行情况报告 (第三十四条、第三十五条)."""
    return _run("execution_report", actor, decision, reported_on=reported_on, note=note)


def decision_evaluate(
    *, actor: Actor, decision: Decision, started_on: dt.date, trigger: str, evaluator: str
) -> Decision:
    """启动后评估 — the unit that did the 论证/评估 may not evaluate (第三十六条)."""
    return _run(
        "evaluate", actor, decision, started_on=started_on, trigger=trigger, evaluator=evaluator
    )


def decision_finish_evaluation(
    *, actor: Actor, decision: Decision, evaluated_on: dt.date, note: str
) -> Decision:
    return _run("finish_evaluation", actor, decision, evaluated_on=evaluated_on, note=note)


def decision_terminate(
    *, actor: Actor, decision: Decision, ended_on: dt.date, reason: str
) -> Decision:
    return _run("terminate", actor, decision, ended_on=ended_on, reason=reason)


# --- evidence files ---------------------------------------------------------------------------
@transaction.atomic
def evidence_add(*, actor: Actor, procedure: Procedure, upload: UploadedFile) -> ProcedureFile:
    """Attach an evidence file to a checklist row (size ≤ 20 MB, an office/PDF/image type)."""
    actor.require(Cap.EDIT_RECORDS)
    decision = procedure.decision
    if not (unit_in_scope(decision.unit, actor) or unit_in_scope(decision.lead_unit, actor)):
        raise PermissionDenied("该决策不在您的管辖范围内")
    name = upload.name or "file"
    if not name.lower().endswith(EVIDENCE_TYPES):
        raise ValidationError({"file": "只能上传 PDF、Word、Excel、OFD、图片或 ZIP 文件"})
    if upload.size is None or upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError({"file": "文件不能超过 20 MB"})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    row = ProcedureFile.objects.create(
        procedure=procedure,
        file=upload,
        original_name=name[:200],
        size=upload.size,
        content_type=(upload.content_type or "")[:100],
        sha256=digest.hexdigest(),
        uploaded_by=actor.name,
    )
    record_write(
        actor=actor,
        action="decisions.evidence_add",
        obj=decision,
        before=None,
        after={"procedure": procedure.kind_id, "file": row.pk, "sha256": row.sha256},
        summary=f"上传{procedure.kind.name}佐证材料",
    )
    return row


# --- an Excel row -------------------------------------------------------------------------------
def _na_items(text: str) -> list[tuple[ProcedureKind, str]]:
    names = {k.name: k for k in kinds().values()}
    found: list[tuple[ProcedureKind, str]] = []
    for item in text.replace(";", "；").split("；"):
        if not item.strip():
            continue
        name, sep, reason = item.replace(":", "：").partition("：")
        kind = names.get(name.strip())
        if kind is None or not sep:
            raise ValidationError(
                {
                    "not_applicable_text": f"“{item.strip()}”应写作“程序名称：理由”，程序名称如："
                    + "、".join(k.name for k in kinds().values() if k.na_allowed)
                }
            )
        found.append((kind, reason.strip()))
    return found


def _load_na(actor: Actor, decision: Decision, text: str) -> None:
    """The row's 不适用 items; an error is the 不适用的程序 column's."""
    for kind, reason in _na_items(text):
        try:
            decision_not_applicable(actor=actor, decision=decision, kind=kind, reason=reason)
        except ValidationError as exc:
            raise ValidationError({"not_applicable_text": exc.messages}) from None


@transaction.atomic
def decision_load(
    *,
    actor: Actor,
    unit: OrgUnit,
    lead_unit: OrgUnit,
    title: str,
    category: str,
    listed_on: dt.date,
    exploratory: bool = False,
    legal_risk: str = "",
    not_applicable_text: str = "",
    participation_on: dt.date | None = None,
    consultation_end: dt.date | None = None,
    participation_methods: str = "",
    shortened_reason: str = "",
    expert_on: dt.date | None = None,
    expert_by: str = "",
    expert_participants: str = "",
    risk_on: dt.date | None = None,
    risk_by: str = "",
    risk_points: str = "",
    risk_measures: str = "",
    risk_controllable: bool | None = None,
    review_unit: OrgUnit | None = None,
    submitted_on: dt.date | None = None,
    legality_conclusion: str = "",
    legality_completed_on: dt.date | None = None,
    party_report_on: dt.date | None = None,
    decided_on: dt.date | None = None,
    meeting_kind: str = "",
    meeting: str = "",
    positions_text: str = "",
    published_on: dt.date | None = None,
    publication_methods: str = "",
    archived_on: dt.date | None = None,
    **register: Any,
) -> Decision:
    """One Excel row: 登记, then each procedure the row dates, through the workflow (so every
    rule of the screens applies). Errors name the row's columns (the keys)."""
    d = decision_register(
        actor=actor,
        unit=unit,
        lead_unit=lead_unit,
        title=title,
        category=category,
        listed_on=listed_on,
        exploratory=exploratory,
        legal_risk=legal_risk,
        **register,
    )
    drafting = [x for x in (participation_on, expert_on, risk_on, submitted_on) if x]
    if not drafting and not decided_on:
        _load_na(actor, d, not_applicable_text)
        return d
    decision_start(actor=actor, decision=d, started_on=min([listed_on, *drafting]))
    _load_na(actor, d, not_applicable_text)
    if participation_on:
        if consultation_end is None:
            raise ValidationError({"consultation_end": "请填写征求意见截止日期"})
        decision_participate(
            actor=actor,
            decision=d,
            methods=participation_methods or "向社会公开征求意见",
            started_on=participation_on,
            ended_on=consultation_end,
            shortened_reason=shortened_reason,
        )
    if expert_on:
        decision_expert(
            actor=actor,
            decision=d,
            done_on=expert_on,
            performed_by=expert_by,
            participants=expert_participants,
            signed=True,
        )
    if risk_on:
        if risk_controllable is None:
            raise ValidationError({"risk_controllable": "请填写风险可控（是/否）"})
        decision_risk(
            actor=actor,
            decision=d,
            done_on=risk_on,
            performed_by=risk_by,
            risk_points=risk_points,
            measures=risk_measures,
            risk_controllable=risk_controllable,
        )
    if not submitted_on:
        if decided_on:
            raise ValidationError({"submitted_on": "已集体讨论的决策请填写合法性审查送审日期"})
        return d
    if review_unit is None:
        raise ValidationError({"review_unit": "请填写合法性审查机构"})
    decision_submit_review(
        actor=actor, decision=d, submitted_on=submitted_on, review_unit=review_unit
    )
    if legality_conclusion:
        if legality_completed_on is None:
            raise ValidationError({"legality_completed_on": "请填写审查完成日期"})
        from fazhi.legality.services import review_conclude

        assert d.legality_review is not None
        review_conclude(
            actor=actor,
            review=d.legality_review,
            completed_on=legality_completed_on,
            conclusion=legality_conclusion,
            reason="（导入）" if legality_conclusion == "declined" else "",
        )
    if not decided_on:
        if party_report_on:
            raise ValidationError({"decided_on": "登记了党委请示报告日期的，请填写集体讨论日期"})
        return d
    decision_propose(actor=actor, decision=d, proposed_on=decided_on)
    if party_report_on and party_report_on <= decided_on:
        decision_party_report(actor=actor, decision=d, done_on=party_report_on)
    decision_discuss(
        actor=actor,
        decision=d,
        decided_on=decided_on,
        meeting_kind=meeting_kind or "standing",
        meeting=meeting,
        positions=positions_text,
    )
    if party_report_on and party_report_on > decided_on:
        decision_party_report(actor=actor, decision=d, done_on=party_report_on)
    if published_on:
        decision_publish(
            actor=actor,
            decision=d,
            published_on=published_on,
            methods=publication_methods or "政府网站",
        )
    if archived_on:
        decision_archive(actor=actor, decision=d, done_on=archived_on)
    return d
