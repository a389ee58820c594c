"""Writes of the reports app: create a draft from data, edit it, move it through the workflow
起草 → 保密审查 → 审议 → 报送 → 公开. Keyword-only, atomic, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from fazhi.core.services import audit_append, record_write
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope, unit_in_scope
from fazhi.plans.models import Reminder
from fazhi.reports import drafting, rules
from fazhi.reports.models import (
    PART_NUMBERS,
    TRANSITIONS,
    AnnualReport,
    ReportFigure,
    ReportPart,
    ReportState,
)
from fazhi.reports.selectors import deadline_status, prompts_refusal, report_issues

MAX_PART_CHARS = 60_000
EDIT_CONFLICT = "报告在您打开编辑页之后已被保存过（可能是他人或您在另一窗口），本次保存未执行。"


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _snapshot(report: AnnualReport) -> dict[str, Any]:
    """What the history shows of a report (the part texts are summarised by length)."""
    return {
        "state": report.state,
        "revision": report.revision,
        "secrecy_reviewer": report.secrecy_reviewer,
        "secrecy_on": _iso(report.secrecy_on),
        "meeting": report.meeting,
        "meeting_on": _iso(report.meeting_on),
        "submitted_on": _iso(report.submitted_on),
        "recipients": report.recipients,
        "published_on": _iso(report.published_on),
        "publish_url": report.publish_url,
    }


def may_edit(actor: Actor, report: AnnualReport) -> bool:
    return (
        actor.can(Cap.EDIT_RECORDS)
        and unit_in_scope(report.unit, actor)
        and report.state == ReportState.DRAFTING
    )


def may_review(actor: Actor, report: AnnualReport) -> bool:
    return actor.can(Cap.REVIEW) and unit_in_scope(report.unit, actor)


def may_record(actor: Actor, report: AnnualReport) -> bool:
    """Record 审议, 报送, 公开 (clerical steps of the drafting office)."""
    return actor.can(Cap.EDIT_RECORDS) and unit_in_scope(report.unit, actor)


def _locked(report: AnnualReport) -> AnnualReport:
    return (
        AnnualReport.objects.select_for_update(of=("self",))
        .select_related("unit")
        .get(pk=report.pk)
    )


def _require_state(report: AnnualReport, *states: str) -> None:
    if report.state not in states:
        raise ValidationError(
            f"报告当前状态为“{report.get_state_display()}”，不能执行此操作（请刷新页面）"
        )


def _move(report: AnnualReport, state: str) -> None:
    if state not in TRANSITIONS[report.state]:
        raise ValidationError(
            f"报告不能从“{report.get_state_display()}”转到“{ReportState(state).label}”"
        )
    report.state = state


def _check_day(
    day: dt.date | None,
    field: str,
    label: str,
    after: dt.date | None = None,
    after_label: str = "上一步的日期",
) -> None:
    if day is None:
        raise ValidationError({field: f"请填写{label}"})
    if day > timezone.localdate():
        raise ValidationError({field: f"{label}不能晚于今天"})
    if after is not None and day < after:
        raise ValidationError({field: f"{label}不能早于{after_label}（{after.isoformat()}）"})


def _require_no_prompts(report: AnnualReport, doing: str) -> None:
    """A drafting prompt never goes further: each step towards publication is refused while
    one is left, naming the parts (a report already past 起草 can only be returned)."""
    refusal = prompts_refusal(report, doing)
    if refusal:
        raise ValidationError(refusal)


def _notify(report: AnnualReport, event: str, text: str) -> None:
    """An in-app reminder on the report's unit (seen there and by the units above it: the
    reviewers and the 依法治办). One per report, event and revision."""
    Reminder.objects.get_or_create(
        key=f"annual:{report.pk}:{event}:{report.revision}"[:120],
        defaults={"unit": report.unit, "text": text[:300], "link": report.get_absolute_url()},
    )


def _send_back(report: AnnualReport, reason: str) -> None:
    """Back to 起草 with the reason shown on the report, and a reminder to its unit (the
    caller saves)."""
    report.return_reason = reason
    _move(report, ReportState.DRAFTING)
    _notify(report, "returned", f"《{report.title}》{reason}")


def _save_figures(
    report: AnnualReport, figures: Sequence[drafting.DraftFigure], at: dt.datetime
) -> None:
    report.figures.all().delete()
    ReportFigure.objects.bulk_create(
        ReportFigure(
            report=report,
            code=f.code,
            name=f.name,
            group=f.group,
            version=f.version,
            value=f.value,
            display=f.display,
            display_unit=f.display_unit,
            numerator=f.numerator,
            denominator=f.denominator,
            period=f.period,
            computed_at=at,
            drill_url=f.drill_url,
            order=f.order,
        )
        for f in figures
    )


@transaction.atomic
def report_create(
    *, actor: Actor, unit: OrgUnit, year: int, name_units: bool = False
) -> AnnualReport:
    """Start ``unit``'s report on ``year`` with a draft composed from the data; ``name_units``:
    part 二 names the units of overdue tasks (the author's choice, off by default)."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(unit, actor)
    if not rules.must_report(unit):
        raise ValidationError({"unit": f"“{unit.name}”无须编写法治政府建设年度报告"})
    today = timezone.localdate()
    if not 2000 <= year <= today.year:
        raise ValidationError({"year": f"报告年度应在 2000 年至 {today.year} 年之间"})
    if AnnualReport.objects.filter(unit=unit, year=year).exists():
        raise ValidationError({"year": f"{unit.name}{year}年度的报告已经存在"})
    now = timezone.now()
    draft = drafting.compose(actor=actor, unit=unit, year=year, now=now, name_units=name_units)
    try:
        with transaction.atomic():
            report = AnnualReport.objects.create(
                unit=unit,
                year=year,
                kind=draft.kind,
                title=draft.title,
                preamble=draft.preamble,
                rules_version=rules.version(),
                figures_at=now,
                name_units=name_units,
                created_by=actor.name,
            )
    except IntegrityError:
        raise ValidationError({"year": f"{unit.name}{year}年度的报告已经存在"}) from None
    ReportPart.objects.bulk_create(
        ReportPart(report=report, number=n, heading=rules.part_heading(n), body=draft.parts[n])
        for n in PART_NUMBERS
    )
    _save_figures(report, draft.figures, now)
    record_write(
        actor=actor,
        action="report.create",
        obj=report,
        before=None,
        after={**_snapshot(report), "figures": len(draft.figures), "name_units": name_units},
        summary="从数据生成年度报告草稿",
    )
    return report


@transaction.atomic
def report_edit(
    *,
    actor: Actor,
    report: AnnualReport,
    revision: int,
    title: str,
    preamble: str,
    bodies: Mapping[int, str],
) -> AnnualReport:
    """Save the texts; refused if someone else saved since ``revision`` was read."""
    report = _locked(report)
    if not may_edit(actor, report):
        raise PermissionDenied("只有起草中的报告可以修改，且须为本单位（含上级）的填报人员")
    if revision != report.revision:
        raise ValidationError(
            "报告在您打开编辑页之后已被保存过（可能是他人或您在另一窗口），本次保存未执行。"
        )
    if not title.strip():
        raise ValidationError({"title": "标题不能为空"})
    if len(title.strip()) > 200:
        raise ValidationError({"title": "标题不能超过 200 字"})
    parts = {p.number: p for p in report.parts.all()}
    changed: list[int] = []
    for number, body in bodies.items():
        if number not in parts:
            raise ValidationError(f"报告没有第{number}部分")
        text = body.replace("\r\n", "\n").strip()
        if len(text) > MAX_PART_CHARS:
            raise ValidationError({f"part{number}": f"第{number}部分超过 {MAX_PART_CHARS} 字"})
        if text != parts[number].body:
            parts[number].body = text
            parts[number].save(update_fields=["body"])
            changed.append(number)
    before = _snapshot(report)
    report.title, report.preamble = title.strip(), preamble.replace("\r\n", "\n").strip()
    report.revision += 1
    report.save()
    record_write(
        actor=actor,
        action="report.edit",
        obj=report,
        before=before,
        after={**_snapshot(report), "parts_changed": changed},
        summary="修改报告正文" + (f"（第{'、'.join(map(str, changed))}部分）" if changed else ""),
    )
    return report


@transaction.atomic
def report_refresh(
    *,
    actor: Actor,
    report: AnnualReport,
    parts: Sequence[int] = (),
    name_units: bool | None = None,
) -> AnnualReport:
    """Re-freeze every figure from the registers; with ``parts``, also regenerate those parts'
    texts from the data (their edits are replaced: the page asks first). ``name_units`` changes
    the report's choice of naming the units of overdue tasks (kept when None)."""
    report = _locked(report)
    if not may_edit(actor, report):
        raise PermissionDenied("只有起草中的报告可以更新数据")
    bad = [n for n in parts if n not in PART_NUMBERS]
    if bad:
        raise ValidationError(f"报告没有第{bad[0]}部分")
    before = {**_snapshot(report), "name_units": report.name_units}
    if name_units is not None:
        report.name_units = name_units
    now = timezone.now()
    draft = drafting.compose(
        actor=actor,
        unit=report.unit,
        year=report.year,
        now=now,
        parts=tuple(parts),
        name_units=report.name_units,
    )
    report.figures_at = now
    _save_figures(report, draft.figures, now)
    for part in report.parts.filter(number__in=parts):
        part.body = draft.parts[part.number]
        part.save(update_fields=["body"])
    report.revision += 1
    report.save()
    record_write(
        actor=actor,
        action="report.refresh",
        obj=report,
        before=before,
        after={
            **_snapshot(report),
            "name_units": report.name_units,
            "regenerated_parts": list(parts),
        },
        summary="更新报告数据" + (f"并重新生成第{'、'.join(map(str, parts))}部分" if parts else ""),
    )
    return report


@transaction.atomic
def report_send_to_review(*, actor: Actor, report: AnnualReport) -> AnnualReport:
    """起草 → 保密审查, only when the completeness check finds no error."""
    report = _locked(report)
    if not may_edit(actor, report):
        raise PermissionDenied("只有本单位（含上级）的填报人员可以提交保密审查")
    _require_no_prompts(report, "提交保密审查")
    errors = [i.message for i in report_issues(actor=actor, report=report) if i.is_error]
    if errors:
        raise ValidationError("报告还不完整，不能提交保密审查：" + "；".join(errors))
    before = _snapshot(report)
    _move(report, ReportState.SECRECY)
    report.return_reason = ""
    report.save()
    _notify(report, "review", f"《{report.title}》已提交保密审查，请审核人员办理")
    record_write(
        actor=actor,
        action="report.send_review",
        obj=report,
        before=before,
        after=_snapshot(report),
        summary="提交保密审查",
    )
    return report


@transaction.atomic
def report_secrecy_review(
    *,
    actor: Actor,
    report: AnnualReport,
    approve: bool,
    reviewer: str,
    reviewed_on: dt.date | None,
    opinion: str,
) -> AnnualReport:
    """保密审查: passed → 审议; returned (with the reason) → 起草."""
    report = _locked(report)
    if not may_review(actor, report):
        raise PermissionDenied("只有本单位（含上级）的审核人员可以进行保密审查")
    _require_state(report, ReportState.SECRECY)
    before = _snapshot(report)
    if approve:
        _require_no_prompts(report, "通过保密审查（请退回修改）")
        if not reviewer.strip():
            raise ValidationError({"reviewer": "请填写保密审查人或审查机构"})
        _check_day(reviewed_on, "reviewed_on", "保密审查日期")
        report.secrecy_reviewer, report.secrecy_on = reviewer.strip()[:100], reviewed_on
        report.secrecy_opinion = opinion.strip()
        _move(report, ReportState.DELIBERATION)
    else:
        if not opinion.strip():
            raise ValidationError({"opinion": "退回修改须写明原因"})
        _send_back(report, f"保密审查退回：{opinion.strip()}")
    report.save()
    record_write(
        actor=actor,
        action="report.secrecy_review",
        obj=report,
        before=before,
        after=_snapshot(report),
        summary="保密审查通过" if approve else "保密审查退回修改",
    )
    return report


@transaction.atomic
def report_deliberate(
    *,
    actor: Actor,
    report: AnnualReport,
    approve: bool,
    meeting: str,
    meeting_on: dt.date | None,
    reason: str = "",
) -> AnnualReport:
    """审议 (e.g. 政府常务会议 on a date): passed → 报送; not passed → 起草 with the reason."""
    report = _locked(report)
    if not may_record(actor, report):
        raise PermissionDenied("只有本单位（含上级）的填报人员可以登记审议情况")
    _require_state(report, ReportState.DELIBERATION)
    before = _snapshot(report)
    if approve:
        _require_no_prompts(report, "登记审议通过（请登记未通过，退回修改）")
        if not meeting.strip():
            raise ValidationError({"meeting": "请填写审议会议（如：县人民政府第12次常务会议）"})
        _check_day(meeting_on, "meeting_on", "审议日期", report.secrecy_on, "保密审查日期")
        report.meeting, report.meeting_on = meeting.strip()[:100], meeting_on
        _move(report, ReportState.SUBMISSION)
    else:
        if not reason.strip():
            raise ValidationError({"reason": "审议未通过须写明原因"})
        _send_back(report, f"审议未通过：{reason.strip()}")
    report.save()
    record_write(
        actor=actor,
        action="report.deliberate",
        obj=report,
        before=before,
        after=_snapshot(report),
        summary="审议通过" if approve else "审议未通过，退回修改",
    )
    return report


@transaction.atomic
def report_return(*, actor: Actor, report: AnnualReport, reason: str) -> AnnualReport:
    """待报送 / 待公开 → 起草, with the reason (e.g. a prompt left in the text): the report is
    then edited, reviewed and adopted again. Not once published."""
    report = _locked(report)
    if not may_record(actor, report):
        raise PermissionDenied("只有本单位（含上级）的填报人员可以退回起草")
    _require_state(report, ReportState.SUBMISSION, ReportState.PUBLICATION)
    if not reason.strip():
        raise ValidationError({"reason": "退回起草须写明原因"})
    before = _snapshot(report)
    _send_back(report, f"退回起草：{reason.strip()}")
    report.save()
    record_write(
        actor=actor,
        action="report.return",
        obj=report,
        before=before,
        after=_snapshot(report),
        summary="退回起草",
    )
    return report


def _names(values: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(v.strip()[:100] for v in values if v.strip()))


@transaction.atomic
def report_submit(
    *,
    actor: Actor,
    report: AnnualReport,
    submitted_on: dt.date | None,
    recipients: Sequence[str],
    copy_to: Sequence[str],
) -> AnnualReport:
    """报送 to the recipients (by unit kind, see rules) on a date."""
    report = _locked(report)
    if not may_record(actor, report):
        raise PermissionDenied("只有本单位（含上级）的填报人员可以登记报送情况")
    _require_state(report, ReportState.SUBMISSION)
    _require_no_prompts(report, "报送（请退回起草修改）")
    to = _names(recipients)
    if not to:
        raise ValidationError({"recipients": "请填写报送单位"})
    _check_day(submitted_on, "submitted_on", "报送日期", report.meeting_on, "审议日期")
    before = _snapshot(report)
    report.submitted_on, report.recipients, report.copy_to = submitted_on, to, _names(copy_to)
    _move(report, ReportState.PUBLICATION)
    report.save()
    record_write(
        actor=actor,
        action="report.submit",
        obj=report,
        before=before,
        after=_snapshot(report),
        summary="报送：" + "、".join(to),
    )
    return report


@transaction.atomic
def report_publish(
    *, actor: Actor, report: AnnualReport, published_on: dt.date | None, url: str
) -> AnnualReport:
    """公开: the date and the address where it was published; the report then appears on the
    platform's public portal too."""
    report = _locked(report)
    if not may_record(actor, report):
        raise PermissionDenied("只有本单位（含上级）的填报人员可以登记公开情况")
    _require_state(report, ReportState.PUBLICATION)
    _require_no_prompts(report, "向社会公开（请退回起草修改）")
    # 公开 may come before 报送 is acknowledged, never before the report was adopted (审议).
    _check_day(published_on, "published_on", "公开日期", report.meeting_on, "审议日期")
    url = url.strip()
    if url and not url.lower().startswith(("http://", "https://")):
        raise ValidationError({"url": "公开网址应以 http:// 或 https:// 开头"})
    before = _snapshot(report)
    report.published_on, report.publish_url = published_on, url[:300]
    _move(report, ReportState.PUBLISHED)
    report.save()
    record_write(
        actor=actor,
        action="report.publish",
        obj=report,
        before=before,
        after=_snapshot(report),
        summary="向社会公开",
    )
    return report


@transaction.atomic
def reports_sweep(*, today: dt.date) -> int:
    """Remind every unit that must report on last year of a deadline (报送, 公开) that is within
    the rules' ``warn_days`` or past, until it is met. One reminder per unit, deadline and state
    (临近 / 逾期): a second run the same day, or the next, adds nothing. Returns how many."""
    year = today.year - 1
    prefix = f"annual-due:{year}:"
    known = set(Reminder.objects.filter(key__startswith=prefix).values_list("key", flat=True))
    reports = {
        r.unit_id: r
        for r in AnnualReport.objects.filter(year=year).only(
            "pk", "unit_id", "submitted_on", "published_on"
        )
    }
    new: list[Reminder] = []
    units = OrgUnit.objects.active().filter(kind__in=rules.reporting_kinds())
    for unit in units.iterator(chunk_size=2000):
        report = reports.get(unit.pk)
        for status in deadline_status(unit, year, report):
            state = status.state(today)
            key = f"{prefix}{unit.pk}:{status.label}:{state}"
            if state not in ("soon", "overdue") or key in known:
                continue
            link = (
                report.get_absolute_url()
                if report
                else f"{reverse('reports:list')}?unit={unit.pk}&year={year}"
            )
            text = f"{year}年度法治政府建设年度报告{status.text(today)}"
            new.append(Reminder(unit=unit, key=key, text=text[:300], link=link))
    Reminder.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        audit_append(
            actor=Actor.command_line(),
            action="report.sweep",
            object_type="reports.annualreport",
            after={"year": year, "today": today.isoformat(), "reminders": len(new)},
        )
    return len(new)
