"""空闲超时 and 管理员双因素, checked on every request of a signed-in browser session.

:class:`IdleTimeoutMiddleware` (GB/T 22239-2019 8.1.4.1 b: 登录连接超时自动退出): a session
ends after ``FAZHI_IDLE_MINUTES`` without a request, and ``SESSION_COOKIE_AGE``
(``FAZHI_SESSION_SECONDS``, 8 h) after the login however active it is. Django alone cannot say
the second: a session saved again gets a new expiry, so the login time is stored in the session
(:func:`stamp_login`) and enforced here.

The last-request time (``fazhi_seen_at``) is rewritten only once it is
``FAZHI_IDLE_STAMP_SECONDS`` (60) old: a session is written at most once a minute per user, not
on every request, and the idle limit holds to that granularity (a session may end up to that
much before ``FAZHI_IDLE_MINUTES`` after its very last request, never later). When nothing else
in the session changed, the stamp is saved here, after the page, as a best effort: if the
database is busy (SQLite's write lock held by an import, a lost row) the page is still served —
the stamp waits at most ``STAMP_WAIT_MS`` for the lock (SQLite) and is retried on the next
request — instead of Django's 400 “session interrupted” after the 20 s busy timeout. A session
changed by the view (a login, a unit switch) is saved by Django's middleware as always.

:class:`AdminTotpMiddleware`: with ``FAZHI_ADMIN_TOTP`` on, a session of an administrator who
has bound an authenticator and was not verified with it (``request.user.is_verified()``) is
ended; with ``required``, an administrator who has not bound one may only bind one.

Requests with an API token (``Authorization: Bearer``) have no session and are not affected.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends.base import UpdateError
from django.db import DatabaseError, connection
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from fazhi.accounts import totp
from fazhi.orgs.http import memberships_on

LOGIN_AT = "fazhi_login_at"
SEEN_AT = "fazhi_seen_at"
#: How long a stamp-only session save waits for SQLite's write lock (ms) before it gives up.
STAMP_WAIT_MS = 2000

logger = logging.getLogger(__name__)

IDLE_MESSAGE = "长时间未操作，已自动退出，请重新登录"
ABSOLUTE_MESSAGE = "本次登录已超过 {hours} 小时，已自动退出，请重新登录"
TOTP_AGAIN_MESSAGE = "请重新登录，并输入身份验证器上的动态验证码"
ENROL_MESSAGE = "按照安全策略，管理员账号须先绑定身份验证器（动态验证码）才能继续使用"

Handler = Callable[[HttpRequest], HttpResponse]


@receiver(user_logged_in, dispatch_uid="fazhi.accounts.stamp_login")
def stamp_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Record when the session was signed in (the absolute limit counts from here)."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now


def uses_token(request: HttpRequest) -> bool:
    """An API call authenticated by a bearer token, not by the session."""
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


def wants_json(request: HttpRequest) -> bool:
    """An API or script request: answered with JSON rather than a redirect to a page."""
    return (
        request.path.startswith("/api/")
        or request.headers.get("X-Requested-With") == "XMLHttpRequest"
        or "application/json" in request.headers.get("Accept", "")
    )


def _signed_in(request: HttpRequest) -> bool:
    return not uses_token(request) and bool(request.user.is_authenticated)


def _sign_out(request: HttpRequest, message: str, status: int = 401) -> HttpResponse:
    """End the session; JSON ``{"detail": …}`` for a script, else the login page with the
    message (and the page asked for as ``next`` when it was a GET)."""
    logout(request)
    if wants_json(request):
        return JsonResponse({"detail": message}, status=status)
    messages.warning(request, message)
    url = reverse("accounts:login")
    if request.method == "GET":
        url += "?" + urlencode({"next": request.get_full_path()})
    return redirect(url)


def expiry_message(session: Any, now: float) -> str | None:
    """Why a session has expired at ``now`` (idle or absolute), or None while it is valid."""
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if isinstance(login_at, int | float) and now - login_at > settings.SESSION_COOKIE_AGE:
        hours = settings.SESSION_COOKIE_AGE / 3600
        return ABSOLUTE_MESSAGE.format(hours=f"{hours:g}")
    if isinstance(seen_at, int | float) and now - seen_at > settings.FAZHI_IDLE_MINUTES * 60:
        return IDLE_MESSAGE
    return None


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _signed_in(request):
            return self.get_response(request)
        now, session = time.time(), request.session
        message = expiry_message(session, now)
        if message is not None:
            return _sign_out(request, message)
        if not isinstance(session.get(LOGIN_AT), int | float):
            session[LOGIN_AT] = now  # a session older than this control: counts from now
        response = self.get_response(request)
        if stamp_due(session, now) and request.user.is_authenticated:  # not signed out meanwhile
            stamp_seen(session, now)
        return response


def stamp_due(session: Any, now: float) -> bool:
    """Whether the last-request time is FAZHI_IDLE_STAMP_SECONDS old (or missing)."""
    seen_at = session.get(SEEN_AT)
    return (
        not isinstance(seen_at, int | float) or now - seen_at >= settings.FAZHI_IDLE_STAMP_SECONDS
    )


def stamp_seen(session: Any, now: float) -> None:
    """Record ``now`` as the last request. Alone in the session: saved here, and a busy database
    only delays the stamp to a later request; with other changes: saved by Django as usual."""
    changed_by_view = session.modified
    session[SEEN_AT] = now
    if changed_by_view or settings.SESSION_SAVE_EVERY_REQUEST or session.session_key is None:
        return
    try:
        with _short_lock_wait():
            session.save()
    except (UpdateError, DatabaseError) as exc:
        logger.warning("会话最近访问时间未能保存（将在下次请求时重试）：%s", exc)
    session.modified = False  # saved, or left for a later request: not Django's 400


@contextmanager
def _short_lock_wait() -> Iterator[None]:
    """On SQLite: wait at most STAMP_WAIT_MS for the write lock, then the usual timeout again."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        row = cursor.fetchone()
        cursor.execute(f"PRAGMA busy_timeout = {STAMP_WAIT_MS}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(row[0]) if row else 20000}")


class AdminTotpMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            totp.mode() == "off"
            or not _signed_in(request)
            or not totp.is_administrator(request.user, memberships_on(request))
            or request.user.is_verified()  # type: ignore[union-attr]
        ):
            return self.get_response(request)
        if totp.confirmed_device(request.user) is not None:
            return _sign_out(request, TOTP_AGAIN_MESSAGE)
        if totp.mode() == "required" and request.path not in _enrol_paths():
            if wants_json(request):
                return JsonResponse({"detail": ENROL_MESSAGE}, status=403)
            messages.warning(request, ENROL_MESSAGE)
            return redirect("accounts:totp")
        return self.get_response(request)


def _enrol_paths() -> set[str]:
    return {reverse("accounts:totp"), reverse("accounts:logout")}
