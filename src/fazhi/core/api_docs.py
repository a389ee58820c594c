"""Who may read the API's description: ``/api/v1/openapi.json`` and the ``/api/v1/docs`` page.

In the production profile (``FAZHI_PROFILE=production``, ``settings.PRODUCTION``) both require
a signed-in user (the page redirects to the login page, the JSON answers 401) or, for the JSON,
a valid API token; in development they are open. The page's Swagger UI is served from
django-ninja's bundled static files (``ninja`` is an installed app), never from a CDN.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse

from fazhi.core.api_errors import ERROR_TEXT


def _token_valid(request: HttpRequest) -> bool:
    from fazhi.core.api_auth import TokenAuth

    try:
        return TokenAuth()(request) is not None
    except Exception:  # noqa: BLE001 - an expired or revoked token is simply not a valid one
        return False


def docs_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ninja's ``docs_decorator``: login (or, for the JSON, a token) in production."""

    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(settings, "PRODUCTION", False) and not request.user.is_authenticated:
            if request.path.endswith(".json"):
                if not _token_valid(request):
                    return JsonResponse({"detail": ERROR_TEXT[401]}, status=401)
            else:
                return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return guarded
