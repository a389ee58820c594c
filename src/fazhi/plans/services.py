"""Writes of the plans app. Every service is keyword-only, atomic and audited."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from fazhi.core.audit import snapshot
from fazhi.core.services import audit_append, record_write
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope, unit_in_scope, visible_to
from fazhi.plans.evidence import check_uploads
from fazhi.plans.models import (
    ASSIGNMENT_TRANSITIONS,
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Evidence,
    NoticeStatus,
    Plan,
    PlanSection,
    ProgressReport,
    Reminder,
    ReportStatus,
    SupervisionNotice,
    Task,
    TaskKind,
)
from fazhi.plans.parser import COOPERATING, LEAD, RESPONSIBLE, ParsedPlan
from fazhi.plans.selectors import chapters, guess_chapter

#: parser role key → assignment role, in order of precedence (a unit named twice keeps the first)
ROLES: tuple[tuple[str, str], ...] = (
    (LEAD, AssignmentRole.LEAD),
    (RESPONSIBLE, AssignmentRole.RESPONSIBLE),
    (COOPERATING, AssignmentRole.COOPERATING),
)


@dataclass(frozen=True)
class ImportSummary:
    plan: Plan
    tasks: int
    assignments: int
    unmatched: tuple[str, ...]


def task_due_on(deadlines: Sequence[Mapping[str, object]]) -> dt.date | None:
    """A task's completion date: the latest dated deadline it states (None if none is dated)."""
    found = [dt.date.fromisoformat(str(d["date"])) for d in deadlines if d.get("date")]
    return max(found) if found else None


@transaction.atomic
def plan_import(
    *,
    actor: Actor,
    unit: OrgUnit,
    parsed: ParsedPlan,
    resolution: Mapping[str, Sequence[OrgUnit]],
    source_name: str = "",
    source_text: str = "",
    allow_unmatched: bool = False,
    titles: Mapping[int, str] | None = None,
    due_dates: Mapping[int, dt.date | None] | None = None,
) -> ImportSummary:
    """Save a parsed plan for ``unit`` with one assignment per (task, unit).

    ``resolution`` maps every unit name the plan uses to the units it stands for, as the
    user confirmed them (collective names expanded). A name missing from it, or resolved to
    no unit, refuses the whole import (ValidationError naming the names and tasks) unless
    ``allow_unmatched``, in which case those names get no assignment. ``titles`` and
    ``due_dates`` (by task index, in document order) are the user's corrections of the parsed
    task names and completion dates. Needs the 依法治办 role
    (``Cap.COORDINATE``) in a unit whose subtree holds ``unit``.
    """
    actor.require(Cap.COORDINATE)
    require_unit_in_scope(unit, actor)
    if parsed.year is None:
        raise ValidationError({"year": "未能从文件中识别年度，请指定年度"})
    for units in resolution.values():
        for target in units:
            require_unit_in_scope(target, actor)
    unmatched = _unmatched(parsed, resolution)
    if unmatched and not allow_unmatched:
        names = "；".join(
            f"“{name}”（任务 {'、'.join(where)}）" for name, where in unmatched.items()
        )
        raise ValidationError({"units": f"以下单位名称未对应到本级组织机构：{names}"})
    plan = Plan.objects.create(
        unit=unit,
        year=parsed.year,
        title=parsed.title or f"{parsed.year}年工作计划",
        issued_on=parsed.issued_on,
        source_name=source_name,
        source_text=source_text,
        created_by=actor.name,
    )
    tasks = assignments = 0
    for s_order, section in enumerate(parsed.sections):
        row = PlanSection.objects.create(
            plan=plan, number=section.number, title=section.title, order=s_order
        )
        for task in section.tasks:
            data = task.as_dict()
            title = (titles or {}).get(tasks, "").strip() or task.title
            due = task_due_on(data["deadlines"])
            if due_dates is not None and tasks in due_dates:
                due = due_dates[tasks]
            saved = Task.objects.create(
                plan=plan,
                section=row,
                number=task.number,
                title=title[:200],
                text=task.text,
                order=tasks,
                due_on=due,
                deadlines=data["deadlines"],
                targets=data["targets"],
                chapter=guess_chapter(task.text, section.title),
            )
            tasks += 1
            assignments += _assign(saved, task.units, resolution)
            leads = [u for name in task.units.get(LEAD, []) for u in resolution.get(name, ())]
            if leads:
                saved.lead_unit = leads[0]
                saved.save(update_fields=["lead_unit"])
    audit_append(
        actor=actor,
        action="plan.import",
        object_type="plans.plan",
        object_id=str(plan.pk),
        object_repr=plan.title,
        after={
            "unit": unit.code,
            "year": plan.year,
            "tasks": tasks,
            "assignments": assignments,
            "unmatched": sorted(unmatched),
            "source_name": source_name,
        },
    )
    return ImportSummary(plan, tasks, assignments, tuple(sorted(unmatched)))


def _unmatched(
    parsed: ParsedPlan, resolution: Mapping[str, Sequence[OrgUnit]]
) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for task in parsed.tasks:
        for names in task.units.values():
            for name in names:
                if not resolution.get(name):
                    found.setdefault(name, []).append(task.number or task.title)
    return found


def _assign(
    task: Task, units: Mapping[str, list[str]], resolution: Mapping[str, Sequence[OrgUnit]]
) -> int:
    taken: set[int] = set()
    rows = []
    for key, role in ROLES:
        for name in units.get(key, []):
            for target in resolution.get(name, ()):
                if target.pk in taken:
                    continue
                taken.add(target.pk)
                rows.append(
                    Assignment(
                        task=task,
                        unit=target,
                        role=role,
                        due_on=task.due_on,
                        assigned_as=name[:100],
                    )
                )
    for row in rows:
        row.save()  # one by one: tree slots and monthly facts follow every save
    return len(rows)


# --- tracking: progress reports, review, sweep, 督办 -------------------------------------------
def _require_own_unit(actor: Actor, assignment: Assignment) -> None:
    """Only the assigned unit (or a unit above it) reports on an assignment."""
    actor.require(Cap.EDIT_RECORDS)
    if not unit_in_scope(assignment.unit, actor):
        raise PermissionDenied("只能报送本单位（含下级单位）承担的任务")


def may_report(actor: Actor, assignment: Assignment) -> bool:
    """Whether ``actor`` may report progress on ``assignment`` now (for the templates)."""
    return (
        actor.can(Cap.EDIT_RECORDS)
        and unit_in_scope(assignment.unit, actor)
        and assignment.status != AssignmentStatus.COMPLETED
    )


def may_coordinate(actor: Actor, plan: Plan) -> bool:
    """Whether ``actor`` is the plan's 依法治办: issues 督办单 and edits its tasks."""
    return actor.can(Cap.COORDINATE) and unit_in_scope(plan.unit, actor)


def may_review(actor: Actor, report: ProgressReport) -> bool:
    """The plan's unit reviews every report; the task's lead unit reviews the other units'."""
    if not actor.can(Cap.REVIEW):
        return False
    assignment = report.assignment
    if unit_in_scope(assignment.task.plan.unit, actor):
        return True
    if unit_in_scope(assignment.unit, actor):
        return False  # never one's own report
    lead = assignment.task.lead_unit
    return lead is not None and unit_in_scope(lead, actor)


def _set_status(assignment: Assignment, status: str) -> None:
    if status == assignment.status:
        return
    if status not in ASSIGNMENT_TRANSITIONS[assignment.status]:
        old = AssignmentStatus(assignment.status).label
        raise ValidationError(f"任务状态“{old}”不能改为“{AssignmentStatus(status).label}”")
    assignment.status = status


def remind(*, unit: OrgUnit, key: str, text: str, link: str = "") -> None:
    """An in-app reminder for ``unit`` (one per ``key``): for other apps' notices, e.g. a
    考核 opening its self-evaluation."""
    _remind(unit, key, text, link)


def _remind(unit: OrgUnit, key: str, text: str, link: str = "") -> None:
    Reminder.objects.get_or_create(
        key=key[:120], defaults={"unit": unit, "text": text[:300], "link": link}
    )


@transaction.atomic
def report_submit(
    *,
    actor: Actor,
    assignment: Assignment,
    text: str,
    claims_completion: bool = False,
    files: Sequence[UploadedFile] = (),
    at: dt.datetime | None = None,
) -> ProgressReport:
    """A unit reports progress on its assignment, with evidence files (checked by
    :func:`fazhi.plans.evidence.check_upload`: size, type, content). A first report moves the
    assignment to 推进中; ``claims_completion`` asks the reviewer to mark it 已完成. ``at`` (aware;
    default now) is for back-filling records kept elsewhere (the demo data)."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("task__plan__unit", "unit")
        .get(pk=assignment.pk)
    )
    _require_own_unit(actor, assignment)
    if not text.strip():
        raise ValidationError({"text": "请填写进展情况"})
    checked = check_uploads(files)
    if assignment.status == AssignmentStatus.COMPLETED:
        raise ValidationError("该任务已审核完成，无需再报送")
    if assignment.status in (AssignmentStatus.NOT_STARTED, AssignmentStatus.OVERDUE):
        if assignment.status == AssignmentStatus.NOT_STARTED:
            _set_status(assignment, AssignmentStatus.IN_PROGRESS)
        assignment.save()
    report = ProgressReport.objects.create(
        assignment=assignment,
        text=text.strip(),
        claims_completion=claims_completion,
        submitted_at=at or timezone.now(),
        submitted_by=actor.name,
    )
    for upload, digest in checked:
        Evidence.objects.create(
            report=report,
            file=upload,
            original_name=upload.name[:200] if upload.name else "附件",
            size=upload.size or 0,
            content_type=upload.content_type or "",
            sha256=digest,
        )
    plan = assignment.task.plan
    _remind(
        plan.unit,
        f"report:{report.pk}",
        f"{assignment.unit.name}报送了“{assignment.task.title}”的进展，待审核",
        assignment_url(assignment),
    )
    record_write(
        actor=actor,
        action="plan.report_submit",
        obj=assignment,
        before=None,
        after={"report": report.pk, "claims_completion": claims_completion, "files": len(checked)},
        summary="报送进展" + ("（申报完成）" if claims_completion else ""),
    )
    return report


@transaction.atomic
def report_review(
    *,
    actor: Actor,
    report: ProgressReport,
    approve: bool,
    note: str = "",
    at: dt.datetime | None = None,
) -> ProgressReport:
    """通过 or 退回 (a reason is required) a submitted report. Approving a report that claims
    completion marks the assignment 已完成 on the report's date (按期 if by the due date)."""
    report = (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related(
            "assignment__task__plan__unit", "assignment__task__lead_unit", "assignment__unit"
        )
        .get(pk=report.pk)
    )
    if not may_review(actor, report):
        raise PermissionDenied("只有计划印发单位或牵头单位的审核人员可以审核本报告")
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(f"该报告已{ReportStatus(report.status).label}，不能再审核")
    if not approve and not note.strip():
        raise ValidationError({"note": "退回时请填写退回原因"})
    report.status = ReportStatus.APPROVED if approve else ReportStatus.RETURNED
    report.reviewed_at = at or timezone.now()
    report.reviewed_by = actor.name
    report.review_note = note.strip()
    report.save()
    assignment = Assignment.objects.select_for_update(of=("self",)).get(pk=report.assignment_id)
    if approve and report.claims_completion:
        _set_status(assignment, AssignmentStatus.COMPLETED)
        assignment.completed_on = timezone.localdate(report.submitted_at)
        due = assignment.due_on
        assignment.completed_on_time = due is None or assignment.completed_on <= due
        assignment.save()
    elif not approve:
        _remind(
            report.assignment.unit,
            f"returned:{report.pk}",
            f"“{report.assignment.task.title}”的进展被退回：{report.review_note}",
            assignment_url(report.assignment),
        )
    record_write(
        actor=actor,
        action="plan.report_review",
        obj=assignment,
        before={"report": report.pk, "status": ReportStatus.SUBMITTED},
        after={"report": report.pk, "status": report.status, "note": report.review_note},
        summary=f"审核进展：{ReportStatus(report.status).label}",
    )
    return report


def light(assignment: Assignment, today: dt.date, warn_days: int | None = None) -> str:
    """Traffic light: "green" (done, or not due within ``warn_days``), "yellow" (due within
    ``warn_days``, default ``FAZHI_PLAN_WARN_DAYS``), "red" (past its due date, not done)."""
    if assignment.status == AssignmentStatus.COMPLETED or assignment.due_on is None:
        return "green"
    days = settings.FAZHI_PLAN_WARN_DAYS if warn_days is None else warn_days
    if assignment.due_on < today:
        return "red"
    return "yellow" if (assignment.due_on - today).days <= days else "green"


@dataclass(frozen=True)
class SweepResult:
    overdue: int
    reminders: int


@transaction.atomic
def assignments_sweep(*, today: dt.date) -> SweepResult:
    """Flag every unfinished assignment past its due date 逾期 and remind units of what is due
    within ``FAZHI_PLAN_WARN_DAYS`` or overdue. Idempotent: a second run changes nothing."""
    overdue = 0
    late = Assignment.objects.select_for_update(of=("self",)).filter(
        due_on__lt=today,
        status__in=[AssignmentStatus.NOT_STARTED, AssignmentStatus.IN_PROGRESS],
    )
    for assignment in late:
        _set_status(assignment, AssignmentStatus.OVERDUE)
        assignment.save()  # one by one: the monthly facts follow every save
        overdue += 1
    soon = today + dt.timedelta(days=settings.FAZHI_PLAN_WARN_DAYS)
    pending = Assignment.objects.filter(due_on__lte=soon).exclude(status=AssignmentStatus.COMPLETED)
    before = Reminder.objects.count()
    for assignment in pending.select_related("task", "unit"):
        due = assignment.due_on
        assert due is not None
        if due < today:
            key, text = (
                f"overdue:{assignment.pk}:{due}",
                f"“{assignment.task.title}”已逾期（时限 {due}）",
            )
        else:
            key, text = f"due:{assignment.pk}:{due}", f"“{assignment.task.title}”将于 {due} 到期"
        _remind(assignment.unit, key, text, assignment_url(assignment))
    made = Reminder.objects.count() - before
    if overdue or made:
        audit_append(
            actor=Actor.command_line(),
            action="plan.sweep",
            object_type="plans.assignment",
            after={"today": today.isoformat(), "overdue": overdue, "reminders": made},
        )
    return SweepResult(overdue, made)


@transaction.atomic
def notice_issue(
    *, actor: Actor, assignment: Assignment, content: str, reply_due: dt.date
) -> SupervisionNotice:
    """督办单 from the plan's 依法治办 to the assigned unit, with a reply deadline."""
    actor.require(Cap.COORDINATE)
    plan = assignment.task.plan
    if not may_coordinate(actor, plan):
        raise PermissionDenied("只有计划印发单位的依法治办可以发督办单")
    if not content.strip():
        raise ValidationError({"content": "请填写督办事项"})
    today = timezone.localdate()
    if reply_due < today:
        raise ValidationError({"reply_due": "回复期限不能早于今天"})
    count = SupervisionNotice.objects.filter(assignment__task__plan=plan).count()
    notice = SupervisionNotice.objects.create(
        assignment=assignment,
        number=f"督办〔{plan.year}〕{count + 1}号",
        content=content.strip(),
        issued_on=today,
        issued_by=actor.name,
        reply_due=reply_due,
    )
    _remind(
        assignment.unit,
        f"notice:{notice.pk}",
        f"{notice.number}：请于 {reply_due} 前回复“{assignment.task.title}”的办理情况",
        assignment_url(assignment),
    )
    record_write(
        actor=actor,
        action="plan.notice_issue",
        obj=assignment,
        before=None,
        after={"notice": notice.number, "reply_due": reply_due.isoformat()},
        summary=f"督办：{notice.number}",
    )
    return notice


@transaction.atomic
def notice_reply(*, actor: Actor, notice: SupervisionNotice, text: str) -> SupervisionNotice:
    """The assigned unit replies to a 督办单 (once)."""
    notice = (
        SupervisionNotice.objects.select_for_update(of=("self",))
        .select_related("assignment__unit", "assignment__task__plan__unit")
        .get(pk=notice.pk)
    )
    _require_own_unit(actor, notice.assignment)
    if notice.status == NoticeStatus.REPLIED:
        raise ValidationError("该督办单已回复")
    if not text.strip():
        raise ValidationError({"reply_text": "请填写回复内容"})
    notice.status = NoticeStatus.REPLIED
    notice.reply_text = text.strip()
    notice.replied_on = timezone.localdate()
    notice.replied_by = actor.name
    notice.save()
    _remind(
        notice.assignment.task.plan.unit,
        f"notice-reply:{notice.pk}",
        f"{notice.assignment.unit.name}回复了{notice.number}",
        assignment_url(notice.assignment),
    )
    record_write(
        actor=actor,
        action="plan.notice_reply",
        obj=notice.assignment,
        before=None,
        after={"notice": notice.number},
        summary=f"回复督办：{notice.number}",
    )
    return notice


def reminders_read(*, actor: Actor) -> int:
    """Mark every unread reminder of the actor's subtree read; returns how many."""
    unread = visible_to(Reminder.objects.filter(read_at__isnull=True), actor)
    return Reminder.objects.filter(pk__in=unread.values("pk")).update(read_at=timezone.now())


def assignment_url(assignment: Assignment) -> str:
    return reverse("plans:assignment", args=[assignment.pk])


@transaction.atomic
def task_update(
    *,
    actor: Actor,
    task: Task,
    title: str,
    due_on: dt.date | None,
    chapter: int | None,
    indicator_codes: Sequence[str],
) -> Task:
    """The plan's 依法治办 corrects a task: name, completion date (passed on to the units'
    unfinished assignments), 纲要 chapter and indicator codes (the annual report and the
    assessments group achievements by them)."""
    actor.require(Cap.COORDINATE)
    task = Task.objects.select_for_update(of=("self",)).select_related("plan__unit").get(pk=task.pk)
    if not may_coordinate(actor, task.plan):
        raise PermissionDenied("只有计划印发单位的依法治办可以修改任务")
    if not title.strip():
        raise ValidationError({"title": "任务名称不能为空"})
    if chapter is not None and chapter not in {n for n, _ in chapters()}:
        raise ValidationError({"chapter": f"纲要章节“{chapter}”不存在"})
    codes = [c.strip() for c in indicator_codes if c.strip()]
    bad = [c for c in codes if not re.fullmatch(r"[A-Za-z0-9_.\-]{1,60}", c)]
    if bad:
        rule = "指标编码只能由字母、数字、点、下划线、连字符组成"
        raise ValidationError({"indicator_codes": f"{rule}：{'、'.join(bad)}"})
    before = snapshot(task)
    task.title, task.due_on, task.chapter = title.strip()[:200], due_on, chapter
    task.indicator_codes = list(dict.fromkeys(codes))
    task.save()
    for assignment in task.assignments.exclude(status=AssignmentStatus.COMPLETED):
        assignment.due_on = due_on
        assignment.save()  # one by one: slots and monthly facts follow every save
    record_write(
        actor=actor,
        action="plan.task_update",
        obj=task,
        before=before,
        after=snapshot(task),
        summary="修改任务",
    )
    return task


# --- 整改 (rectification) tasks issued by other registers --------------------------------------
def rectification_plan_title(year: int) -> str:
    return f"{year}年度整改任务"


@transaction.atomic
def rectification_create(
    *,
    actor: Actor,
    organiser: OrgUnit,
    unit: OrgUnit,
    title: str,
    content: str,
    due_on: dt.date,
    source_label: str,
    source_url: str = "",
    issued_on: dt.date | None = None,
) -> Assignment:
    """An 整改通知 from ``organiser`` to ``unit``, tracked like every plan task: finds or
    creates the organiser's yearly 整改 plan (“<年>年度整改任务”, year of today), adds a
    RECTIFICATION task with ``due_on`` and one 责任单位 assignment for ``unit``, and reminds
    the unit. The unit then reports (``report_submit``, with evidence), the organiser reviews
    (``report_review``), may press it with a 督办单 (``notice_issue``); the sweep and the
    traffic lights treat it like any assignment. ``source_label``/``source_url`` name what
    the 整改 comes from (e.g. “2026年度行政执法案卷评查”, its page); they are written in the
    task's text. ``issued_on`` (default today, never later) is for back-filling records kept
    elsewhere (the demo data). Needs ``Cap.EDIT_RECORDS`` in a unit whose subtree holds
    ``organiser``."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(organiser, actor)
    if not title.strip():
        raise ValidationError({"title": "请填写整改任务名称"})
    if not content.strip():
        raise ValidationError({"content": "请填写整改要求"})
    today = timezone.localdate()
    if issued_on is not None and issued_on > today:
        raise ValidationError({"issued_on": "下发日期不能晚于今天"})
    today = issued_on or today
    if due_on < today:
        raise ValidationError({"due_on": "整改期限不能早于下发日期"})
    year = today.year
    plan, _ = Plan.objects.get_or_create(
        unit=organiser,
        year=year,
        title=rectification_plan_title(year),
        defaults={"issued_on": today, "source_name": "整改通知", "created_by": actor.name},
    )
    order = plan.tasks.count() + 1
    source = source_label.strip() + (f"（{source_url}）" if source_url else "")
    task = Task.objects.create(
        plan=plan,
        kind=TaskKind.RECTIFICATION,
        number=f"整改{order}",
        title=title.strip()[:200],
        text=content.strip() + (f"\n来源：{source}" if source else ""),
        order=order,
        due_on=due_on,
        deadlines=[{"text": f"{due_on:%Y年%-m月%-d日}前完成整改", "date": due_on.isoformat()}],
    )
    assignment = Assignment.objects.create(
        task=task,
        unit=unit,
        role=AssignmentRole.RESPONSIBLE,
        due_on=due_on,
        assigned_as=source_label.strip()[:100],
    )
    _remind(
        unit,
        f"rectification:{assignment.pk}",
        f"{organiser.name}下发整改通知“{task.title}”，请于 {due_on} 前完成整改并报送",
        assignment_url(assignment),
    )
    record_write(
        actor=actor,
        action="plan.rectification_create",
        obj=assignment,
        before=None,
        after={
            "plan": plan.pk,
            "unit": unit.code,
            "due_on": due_on.isoformat(),
            "source": source_label,
            "source_url": source_url,
        },
        summary=f"下发整改通知：{task.title}",
    )
    return assignment
