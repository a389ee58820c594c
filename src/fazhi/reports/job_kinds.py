"""Batch drafting of annual reports as a background job (kind ``report_drafts``).

The 依法治办's overview (``/reports/overview/``) offers 为未起草的单位批量生成草稿: after a
confirmation, a job drafts the report of ``year`` for every unit of the submitter's subtree that
must report and has none yet — through :func:`fazhi.reports.services.report_create`, the same
service as 起草年度报告 (one short transaction per unit, audited ``report.create`` as the
submitter), so a unit drafted before the worker dies stays drafted and 重试 carries on with the
others. Progress is per unit; the result lists the units drafted, skipped (a report already
exists) and failed (with the service's reason).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fazhi.jobs.kinds import JobKind, Outcome, job_kind
from fazhi.jobs.models import Job, State
from fazhi.jobs.services import Reporter, actor_of_job, job_submit
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor
from fazhi.reports import selectors, services
from fazhi.reports.models import AnnualReport

logger = logging.getLogger(__name__)

DRAFTS = "report_drafts"


def undrafted_units(actor: Actor, year: int) -> list[OrgUnit]:
    """The units of ``actor``'s subtree that must report on ``year`` and have no report yet
    (in the overview's order)."""
    units = selectors.reporting_units(actor)
    done = set(
        AnnualReport.objects.filter(unit__in=[u.pk for u in units], year=year).values_list(
            "unit_id", flat=True
        )
    )
    return [unit for unit in units if unit.pk not in done]


def _require(actor: Actor) -> None:
    actor.require(Cap.COORDINATE)
    actor.require(Cap.EDIT_RECORDS)


def drafts_submit(*, actor: Actor, year: int, name_units: bool = False) -> Job:
    """Queue the drafting of ``year``'s report for every unit of the actor's subtree that must
    report and has none (a 依法治办 who may draft); audited (``jobs.submit``)."""
    _require(actor)
    today = timezone.localdate()
    if not 2000 <= year <= today.year:
        raise ValidationError(f"报告年度应在 2000 年至 {today.year} 年之间")
    missing = len(undrafted_units(actor, year))
    if not missing:
        raise ValidationError(f"本地区须报告的单位都已有{year}年度的报告")
    return job_submit(
        actor=actor,
        kind=DRAFTS,
        title=f"批量起草{year}年度法治政府建设年度报告",
        params={"year": year, "name_units": name_units},
        audit_after={"年度": year, "未起草的单位": missing, "列出逾期单位名称": name_units},
    )


def _entry(unit: OrgUnit, **more: Any) -> dict[str, Any]:
    return {"unit": unit.name, "code": unit.code, **more}


def _draft_one(
    actor: Actor, unit: OrgUnit, year: int, name_units: bool
) -> tuple[str, dict[str, Any]]:
    """Draft ``unit``'s report: ``("drafted"|"skipped"|"failed", entry)``."""
    try:
        report = services.report_create(actor=actor, unit=unit, year=year, name_units=name_units)
    except (ValidationError, PermissionDenied) as exc:
        existing = AnnualReport.objects.filter(unit=unit, year=year).first()
        if existing is not None:  # drafted by someone else meanwhile
            return "skipped", _entry(unit, report=existing.pk, reason="已有报告")
        reason = "；".join(getattr(exc, "messages", None) or [str(exc) or "无权限"])
        return "failed", _entry(unit, reason=reason)
    except Exception as exc:  # one unit's failure does not stop the others
        logger.exception("批量起草：%s 的报告未能生成", unit.code)
        return "failed", _entry(unit, reason=f"系统错误（{type(exc).__name__}）：{exc}"[:300])
    return "drafted", _entry(unit, report=report.pk)


def run_drafts(job: Job, reporter: Reporter) -> Outcome:
    """Draft each unit's report in turn, one short transaction per unit."""
    actor = actor_of_job(job)
    _require(actor)
    year, name_units = int(job.params["year"]), bool(job.params.get("name_units"))
    units = selectors.reporting_units(actor)
    existing = dict(
        AnnualReport.objects.filter(unit__in=[u.pk for u in units], year=year).values_list(
            "unit_id", "pk"
        )
    )
    found: dict[str, list[dict[str, Any]]] = {"drafted": [], "skipped": [], "failed": []}
    total = len(units)
    reporter.phase(f"起草报告：0/{total} 个单位", 0, total)
    for number, unit in enumerate(units, start=1):
        if unit.pk in existing:
            found["skipped"].append(_entry(unit, report=existing[unit.pk], reason="已有报告"))
            reporter.phase(f"起草报告：{number}/{total} 个单位", number, total)
            continue
        outcome, entry = _draft_one(actor, unit, year, name_units)
        found[outcome].append(entry)
        reporter.committed(f"起草报告：{number}/{total} 个单位", number, total)
    drafted, skipped, failed = (len(found[k]) for k in ("drafted", "skipped", "failed"))
    summary = f"新起草 {drafted} 个单位的报告，已有报告跳过 {skipped} 个，失败 {failed} 个"
    state = State.FAILED if failed and not drafted else State.DONE
    result = {"ok": not failed, "summary": summary, "year": year, "errors": [], **found}
    return Outcome(state, summary, result)


def result_context(job: Job, actor: Actor) -> dict[str, Any]:
    return {"year": job.params.get("year")}


DRAFTS_KIND = job_kind(
    JobKind(
        code=DRAFTS,
        label="批量起草年度报告",
        cap=Cap.COORDINATE,
        run=run_drafts,
        result_template="reports/job_drafts_result.html",
        result_context=result_context,
        interrupted="后台进程中断：中断前已起草的报告都已保存（每个单位单独保存）；"
        "可点击“重试”继续为其余单位起草",
    )
)
