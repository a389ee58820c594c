"""密码策略: an account whose password is temporary (opened from the UI, or reset by the
系统管理员) or expired (FAZHI_PASSWORD_MAX_AGE_DAYS) must change it before anything else.

Every page is redirected to 修改密码 (``/accounts/password/?next=…``), except that page,
login, logout, static files and views marked with :func:`password_change_exempt` (or named
``accounts:totp…``/``accounts:otp…``, the second factor's pages); other JSON requests get a 403
with a Chinese ``detail``. ``/api/`` is left to the API's authenticators: a bearer token is
not affected (it was issued to a 岗位, not typed by the person), while the browser-session
authenticator (:class:`fazhi.core.api_auth.ActorSessionAuth`) refuses with the same 403 —
so a made-up ``Authorization`` header does not let a session past the change.

The account's state is read at login and then once per password (kept in the session under
the password's session hash: changing the password or a reset reads it again), so pages cost no
query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from fazhi.accounts.passwords import PasswordState, password_state

SESSION_KEY = "fazhi_password_state"
EXEMPT_VIEWS = frozenset({"accounts:password_change", "accounts:login", "accounts:logout"})
EXEMPT_VIEW_PREFIXES = ("accounts:totp", "accounts:otp")

F = TypeVar("F", bound=Callable[..., Any])


def password_change_exempt(view: F) -> F:
    """Mark a view as reachable before a required password change (e.g. a login step)."""
    view.password_change_exempt = True  # type: ignore[attr-defined]
    return view


def session_password_state(request: HttpRequest, user: User) -> PasswordState:
    """The account's :class:`PasswordState`, cached in the session for its current password."""
    fingerprint = user.get_session_auth_hash()
    cached = request.session.get(SESSION_KEY)
    if isinstance(cached, list) and len(cached) == 3 and cached[0] == fingerprint:
        changed = dt.datetime.fromisoformat(cached[1]) if cached[1] else None
        return PasswordState(changed_at=changed, temporary=bool(cached[2]))
    state = password_state(user)
    changed_at = state.changed_at.isoformat() if state.changed_at else ""
    request.session[SESSION_KEY] = [fingerprint, changed_at, state.temporary]
    return state


@receiver(user_logged_in)
def _read_at_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Read the state while signing in, so that the first page costs no query."""
    if request is not None and hasattr(request, "session") and isinstance(user, User):
        session_password_state(request, user)


def change_reason(request: HttpRequest) -> str:
    """Why the signed-in account must change its password now ("" if it need not)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        return ""
    return session_password_state(request, user).change_reason()


def safe_next(request: HttpRequest) -> str:
    """Where to go after the change: the page the account was sent away from (``next``, this
    site only), else the home page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("core:home")


def _exempt(request: HttpRequest, view: Callable[..., Any]) -> bool:
    if request.path_info.startswith(settings.STATIC_URL or "/static/"):
        return True
    if getattr(view, "password_change_exempt", False):
        return True
    match = request.resolver_match
    name = match.view_name if match is not None else ""
    return name in EXEMPT_VIEWS or name.startswith(EXEMPT_VIEW_PREFIXES)


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


class PasswordPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if request.path_info.startswith("/api/") or _exempt(request, view):
            return None
        reason = change_reason(request)
        if not reason:
            return None
        if _wants_json(request):
            return JsonResponse(
                {"detail": reason}, status=403, json_dumps_params={"ensure_ascii": False}
            )
        target = reverse("accounts:password_change")
        if request.method == "GET" and request.get_full_path() != "/":
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)
