"""The public library of 规范性文件 on the portal (no login) and its 审查建议 form.

Only published documents are shown; a draft, or an unknown id, is the portal's 404. The list
shows 现行有效 documents by default (``?scope=all``: every published one), searchable by
title, 文号, issuing unit and year. Personal data of the form is only ever POSTed: never in a
URL, never logged; after sending, the page says so without repeating it.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_protect

from fazhi.core.register_forms import add_service_error
from fazhi.core.workflow import today
from fazhi.filing_review import selectors, services
from fazhi.filing_review.forms import PublicSuggestionForm

PAGE_SIZE = 30
#: At most this many 审查建议 per client address per hour (``FAZHI_SUGGESTION_RATE``).
DEFAULT_RATE = 5


def _text(request: HttpRequest, name: str) -> str:
    return (request.GET.get(name) or "").strip()[:50]


def _year(text: str) -> int | None:
    """A year of publication to filter by; anything else (not ASCII digits, or beyond the
    years a date can hold, e.g. ``99999999999``) is no filter rather than an error."""
    if not (text.isascii() and text.isdigit()) or len(text) > 4:
        return None
    year = int(text)
    return year if dt.MINYEAR <= year <= dt.MAXYEAR else None


def library(request: HttpRequest) -> HttpResponse:
    year = _year(_text(request, "year"))
    params = {
        "q": _text(request, "q"),
        "number": _text(request, "number"),
        "unit": _text(request, "unit"),
    }
    all_published = request.GET.get("scope") == "all"
    now = today()
    docs = selectors.library(today=now, year=year, all_published=all_published, **params)
    page = Paginator(docs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(d, selectors.shown_status(d, now)) for d in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "title": "规范性文件库",
        "page": page,
        "rows": rows,
        "years": selectors.library_years(),
        "year": year,
        "all_published": all_published,
        "query": query.urlencode(),
        **params,
    }
    return render(request, "filing_review/library.html", context)


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "filing_review/library_404.html",
        {"title": "文件不存在或尚未公布"},
        status=404,
    )


def _rate_key(request: HttpRequest) -> str:
    address = request.META.get("REMOTE_ADDR", "") or ""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    return f"fazhi:suggestion-rate:{digest}"


def _rate_exceeded(request: HttpRequest) -> bool:
    limit = int(getattr(settings, "FAZHI_SUGGESTION_RATE", DEFAULT_RATE))
    key = _rate_key(request)
    count = int(cache.get(key, 0))
    return count >= limit


def _count_submission(request: HttpRequest) -> None:
    key = _rate_key(request)
    if not cache.add(key, 1, timeout=3600):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=3600)


@csrf_protect
def document(request: HttpRequest, pk: int) -> HttpResponse:
    doc = selectors.public_document(pk)
    if doc is None:
        return _not_found(request)
    form = PublicSuggestionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if _rate_exceeded(request):
            form.add_error(None, "提交过于频繁，请一小时后再试")
            status = 429
        elif form.is_valid():
            try:
                services.suggestion_submit(document=doc, **form.cleaned_data)
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                _count_submission(request)
                return HttpResponseRedirect(
                    reverse("portal:library_document", args=[doc.pk]) + "?sent=1#feedback"
                )
        if status == 200:
            status = 400 if form.errors else 200
    now = today()
    context = {
        "title": doc.title,
        "doc": doc,
        "status": selectors.shown_status(doc, now),
        "history": selectors.history(doc, now),
        "form": form,
        "sent": request.GET.get("sent") == "1" and request.method == "GET",
    }
    return render(request, "filing_review/library_document.html", context, status=status)
