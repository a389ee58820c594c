"""REST endpoints of the annual reports (under /api/v1/reports/), read-only, scoped like the UI.

A report is returned with its five parts as displayed (figures filled in) and its figures with
their provenance; ``POST check`` runs the checker on any report text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from fazhi.core.api_auth import actor_of
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


class ReportTextIn(Schema):
    text: str


@router.get("/", response=list[AnnualReportSummaryOut], summary="本单位（含下级单位）的年度报告")
def list_reports(request: HttpRequest, year: int | None = None) -> list[AnnualReportSummaryOut]:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    reports = selectors.reports_for(actor)
    if year:
        reports = reports.filter(year=year)
    return [AnnualReportSummaryOut.of(r) for r in reports.order_by("-year", "unit__path")[:1000]]


@router.post("/check", summary="检查任意报告文本：五个部分、年度、数字及对应指标")
def check_report_text(request: HttpRequest, payload: ReportTextIn) -> dict[str, Any]:
    actor_of(request).require(Cap.VIEW_RECORDS)
    return check_text(payload.text[:500_000]).as_dict()


@router.get(
    "/{report_id}", response=AnnualReportOut, summary="一份年度报告：正文、数据及来源、完整性检查"
)
def get_report(request: HttpRequest, report_id: int) -> AnnualReportOut:
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
