"""Refuse query strings that no database can hold, before any view reads them.

A NUL character (``%00``) in a query parameter's name or value is refused with 400: PostgreSQL
rejects NUL in any text it is given ("A string literal cannot contain NUL"), so a filter, a
search or a sort that passed it on would answer 500. Checking here, once, keeps every page and
API operation — present and future — from turning such a request into a server error. Form
fields already refuse NUL (Django's ``ProhibitNullCharactersValidator``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

MESSAGE = "请求参数中含有不允许的控制字符（NUL），请检查网址"


def _has_nul(request: HttpRequest) -> bool:
    return any(
        "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
    )


class QueryGuardMiddleware:
    """400 for a query string holding a NUL character: JSON under ``/api/``, else a page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": MESSAGE}, status=400)
            return render(request, "400.html", {"message": MESSAGE}, status=400)
        return self.get_response(request)
