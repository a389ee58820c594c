"""The public portal: no login. Only published reports are shown; anything else is a 404."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from fazhi.reports import selectors
from fazhi.reports.html import html_blocks
from fazhi.reports.models import AnnualReport
from fazhi.reports.views import docx_response

PAGE_SIZE = 50


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(reverse("portal:reports"))


def report_list(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("year", "")
    year = int(text) if text.isdigit() else None
    search = request.GET.get("q", "")[:50]
    reports = selectors.published_reports(year=year, search=search)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "title": "法治政府建设年度报告",
        "page": page,
        "years": selectors.published_years(),
        "year": year,
        "q": search,
    }
    return render(request, "portal/list.html", context)


def _published(pk: int) -> AnnualReport | None:
    return selectors.published_reports().filter(pk=pk).first()


def _not_found(request: HttpRequest) -> HttpResponse:
    """The portal's own 404 (the platform's one speaks of logins and scopes)."""
    return render(request, "portal/404.html", {"title": "报告不存在或尚未公开"}, status=404)


def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    report = _published(pk)
    if report is None:
        return _not_found(request)
    parts, figures = selectors.parts_of(report), selectors.figures_of(report)
    context = {
        "title": report.title,
        "report": report,
        "blocks": html_blocks(report, parts, figures, links=False, public=True),
    }
    return render(request, "portal/report.html", context)


def report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    report = _published(pk)
    return _not_found(request) if report is None else docx_response(report, public=True)
