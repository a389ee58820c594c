"""REST endpoints of the annual reports (under /api/v1/reports/), read-only, scoped like the UI.

A report is returned with its five parts as displayed (figures filled in) and its figures with
their provenance; ``POST check`` runs the checker on any report text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from fazhi.core.api_auth import actor_of
from fazhi.core.api_errors import RecordId, responses
from fazhi.core.dates import MAX_YEAR, MIN_YEAR
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import get_visible_or_404
from fazhi.reports import selectors, tokens
from fazhi.reports.checker import check_text
from fazhi.reports.models import AnnualReport

router = Router(tags=["年度报告"])


class AnnualReportSummaryOut(Schema):
    id: int
    unit: str
    unit_name: str
    year: int
    title: str
    state: str
    state_label: str
    submitted_on: dt.date | None
    published_on: dt.date | None
    publish_url: str

    @staticmethod
    def of(report: AnnualReport) -> AnnualReportSummaryOut:
        return AnnualReportSummaryOut(
            id=report.pk,
            unit=report.unit.code,
            unit_name=report.unit.name,
            year=report.year,
            title=report.title,
            state=report.state,
            state_label=report.get_state_display(),
            submitted_on=report.submitted_on,
            published_on=report.published_on,
            publish_url=report.publish_url,
        )


class AnnualReportPartOut(Schema):
    number: int
    heading: str
    text: str


class AnnualReportFigureOut(Schema):
    code: str
    name: str
    display: str
    value: float | None
    numerator: float
    denominator: int | None
    version: int
    period: str
    computed_at: dt.datetime
    drill_url: str


class AnnualReportOut(AnnualReportSummaryOut):
    preamble: str
    parts: list[AnnualReportPartOut]
    figures: list[AnnualReportFigureOut]
    issues: list[str]


#: The longest report text ``POST check`` reads (a longer one is a 422).
MAX_REPORT_TEXT = 500_000


class ReportTextIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(title="报告全文", max_length=MAX_REPORT_TEXT)


class CheckPartOut(Schema):
    number: int
    name: str
    found: bool
    heading: str | None
    line: int | None
    level: int | None


class CheckFigureOut(Schema):
    value: str
    written: str
    number: str
    unit: str
    approx: bool
    phrase: str
    line: int
    part: int | None
    metric_code: str | None


class CheckFindingOut(Schema):
    kind: str
    level: str
    message: str
    line: int | None


class CheckSummaryOut(Schema):
    parts_found: int
    parts_missing: list[int]
    order: list[int]
    figures: int
    figures_mapped: int
    figures_by_part: dict[str, int]
    figures_by_metric: dict[str, int]
    problems: int
    notes: int


class CheckOut(Schema):
    year: int | None
    parts: list[CheckPartOut]
    figures: list[CheckFigureOut]
    findings: list[CheckFindingOut]
    summary: CheckSummaryOut


class ReportFilters(Schema):
    year: int | None = Field(None, ge=MIN_YEAR, le=MAX_YEAR, description="报告年度")


@router.get(
    "/",
    summary="本单位（含下级单位）的年度报告",
    **responses({200: list[AnnualReportSummaryOut]}, 401, 403, 422),
)
def list_reports(
    request: HttpRequest, filters: Query[ReportFilters]
) -> list[AnnualReportSummaryOut]:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    reports = selectors.reports_for(actor)
    if filters.year:
        reports = reports.filter(year=filters.year)
    return [AnnualReportSummaryOut.of(r) for r in reports.order_by("-year", "unit__path")[:1000]]


@router.post(
    "/check",
    summary="检查任意报告文本：五个部分、年度、数字及对应指标",
    **responses({200: CheckOut}, 400, 401, 403, 422),
)
def check_report_text(request: HttpRequest, payload: ReportTextIn) -> dict[str, Any]:
    actor_of(request).require(Cap.VIEW_RECORDS)
    return check_text(payload.text).as_dict()


@router.get(
    "/{report_id}",
    summary="一份年度报告：正文、数据及来源、完整性检查",
    **responses({200: AnnualReportOut}, 401, 403, 404, 422),
)
def get_report(request: HttpRequest, report_id: RecordId) -> AnnualReportOut:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    report = get_visible_or_404(selectors.reports_for(actor), actor, pk=report_id)
    figures = selectors.figures_of(report)
    displays = {f.code: f.display for f in figures}
    return AnnualReportOut(
        **AnnualReportSummaryOut.of(report).dict(),
        preamble=tokens.render(report.preamble, displays),
        parts=[
            AnnualReportPartOut(
                number=p.number, heading=p.heading, text=tokens.render(p.body, displays)
            )
            for p in selectors.parts_of(report)
        ],
        figures=[
            AnnualReportFigureOut(
                code=f.code,
                name=f.name,
                display=f.display,
                value=None if f.value is None else float(f.value),
                numerator=float(f.numerator),
                denominator=f.denominator,
                version=f.version,
                period=f.period,
                computed_at=f.computed_at,
                drill_url=f.drill_url,
            )
            for f in figures
        ],
        issues=[i.message for i in selectors.report_issues(actor=actor, report=report)],
    )
