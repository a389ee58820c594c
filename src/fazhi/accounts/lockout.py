"""登录失败锁定 (GB/T 22239-2019 8.1.4.1 b: 登录失败处理): django-axes with a window rule.

django-axes does the plumbing: its backend (first in ``AUTHENTICATION_BACKENDS``) refuses a
locked user name or address before the password is checked, its signal handlers record each
failure, its middleware turns a lockout into the response of :func:`lockout_response`, and
``user_locked_out`` is sent when a lock starts.

What axes alone cannot say is "N failures within M minutes lock for T minutes": it keeps one
row per (name, address, browser) with a running count and the time of the *last* failure, and
one duration (``AXES_COOLOFF_TIME``) serves both as the window and as the lock. So
:class:`WindowLockoutHandler` counts from axes' own per-failure table (``AccessFailureLog``,
one row per failure with its time) instead, for each lockout parameter on its own:

* a user name (typed, whether the account exists or not) is locked when some failure for it
  within the last ``FAZHI_LOCKOUT_MINUTES`` was the ``FAZHI_LOCKOUT_ATTEMPTS``-th within
  ``FAZHI_LOCKOUT_WINDOW_MINUTES`` (counting back from that failure);
* a source address likewise, with ``FAZHI_LOCKOUT_ADDRESS_ATTEMPTS``.

Tries while locked are refused without being counted, so a lock ends T minutes after the
failure that started it. A successful login forgets the failures of that user name (not of
the address). :func:`lockout_clear` (``fazhi unlock``) unlocks early.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt, AccessFailureLog
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from fazhi.core.request_context import client_ip
from fazhi.core.services import audit_append
from fazhi.orgs.scoping import Actor

LOCKED_MESSAGE = (
    "登录失败次数过多，已暂停登录 {minutes} 分钟。请稍后再试；如需提前解除，请联系安全管理员。"
)
#: the same words whether or not the account exists, and whether a password was wrong
INVALID_MESSAGE = "用户名或密码不正确，请重新输入。"


def client_address(request: HttpRequest) -> str | None:
    """The source address axes counts (``AXES_CLIENT_IP_CALLABLE``): the audit log's, i.e.
    ``REMOTE_ADDR`` unless it is one of ``FAZHI_TRUSTED_PROXIES``."""
    return client_ip(request.META, settings.FAZHI_TRUSTED_PROXIES) or None


class LockoutBackend(AxesStandaloneBackend):  # type: ignore[misc]
    """axes' check, skipped when ``authenticate()`` is called without a request.

    Every password typed over the network goes through the login view, which passes its
    request; only code on the server calls ``authenticate()`` without one (the test client's
    ``login()``, a shell), and axes would raise there instead of answering.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        super().authenticate(request, username, password, **kwargs)
        return None


def _window_locked(times: Sequence[dt.datetime], now: dt.datetime, limit: int) -> bool:
    """Whether failures at ``times`` (ascending) lock at ``now``: some failure within the lock
    duration was the ``limit``-th within the window ending at it."""
    window = dt.timedelta(minutes=settings.FAZHI_LOCKOUT_WINDOW_MINUTES)
    lock = dt.timedelta(minutes=settings.FAZHI_LOCKOUT_MINUTES)
    first = 0
    for i, at in enumerate(times):
        while times[first] <= at - window:
            first += 1
        if i - first + 1 >= limit and at > now - lock:
            return True
    return False


def _horizon(now: dt.datetime) -> dt.datetime:
    minutes = settings.FAZHI_LOCKOUT_WINDOW_MINUTES + settings.FAZHI_LOCKOUT_MINUTES
    return now - dt.timedelta(minutes=minutes)


def is_locked(*, username: str | None, address: str | None, now: dt.datetime) -> bool:
    """Whether ``username`` or ``address`` (either may be None) is locked at ``now``."""
    checks = [
        ("username", username, settings.FAZHI_LOCKOUT_ATTEMPTS),
        ("ip_address", address, settings.FAZHI_LOCKOUT_ADDRESS_ATTEMPTS),
    ]
    for field, value, limit in checks:
        if not value:
            continue
        # no upper bound: the row just written is stamped by the database's clock
        # (``auto_now_add``), a moment after the request's ``now``
        rows = AccessFailureLog.objects.filter(**{field: value}, attempt_time__gt=_horizon(now))
        times = sorted(rows.values_list("attempt_time", flat=True))
        if _window_locked(times, now, limit):
            return True
    return False


class WindowLockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """axes' database handler counting with the window rule of the module docstring."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        username = self._username(request, credentials)
        locked = is_locked(
            username=username, address=request.axes_ip_address, now=request.axes_attempt_time
        )
        return int(settings.AXES_FAILURE_LIMIT) if locked else 0

    @staticmethod
    def _username(request: Any, credentials: dict[str, Any] | None) -> str | None:
        from axes.helpers import get_client_username

        name = get_client_username(request, credentials)
        return name if isinstance(name, str) and name else None

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        """Record the failure (unless refused while locked), then let axes decide on a lock."""
        if request is not None and not request.axes_locked_out:
            now = request.axes_attempt_time
            AccessFailureLog.objects.filter(attempt_time__lte=_horizon(now)).delete()
            AccessFailureLog.objects.create(
                username=self._username(request, credentials),
                ip_address=request.axes_ip_address,
                user_agent=request.axes_user_agent,
                http_accept=request.axes_http_accept,
                path_info=request.axes_path_info,
                attempt_time=now,
            )
        super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        super().user_logged_in(sender, request, user, **kwargs)
        AccessFailureLog.objects.filter(username=user.get_username()).delete()
        AccessAttempt.objects.filter(username=user.get_username()).delete()

    def reset_attempts(
        self,
        *,
        ip_address: str | None = None,
        username: str | None = None,
        ip_or_username: bool = False,
    ) -> int:
        count = super().reset_attempts(
            ip_address=ip_address, username=username, ip_or_username=ip_or_username
        )
        failures = AccessFailureLog.objects.all()
        if ip_address:
            failures = failures.filter(ip_address=ip_address)
        if username:
            failures = failures.filter(username=username)
        if ip_address or username:
            count += failures.delete()[0]
        return int(count)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """The login page saying the login is paused (``AXES_LOCKOUT_CALLABLE``), HTTP 429; the
    same page for every user name, existing or not."""
    from django.contrib.auth.forms import AuthenticationForm

    form = AuthenticationForm(request)
    message = LOCKED_MESSAGE.format(minutes=settings.FAZHI_LOCKOUT_MINUTES)
    context = {"form": form, "locked_message": message, "next": request.POST.get("next", "")}
    return render(request, "accounts/login.html", context, status=429)


@receiver(user_locked_out, dispatch_uid="fazhi.accounts.lockout")
def audit_lockout(
    sender: Any, request: Any, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    """``account.lockout``: a lock starts (not each try refused while it lasts: axes sends the
    signal for those too). Recorded like a failed login, for a visitor: under the account's
    unit when the name is an account's, else the whole system."""
    if request is None or getattr(request, "axes_failures_since_start", None) is None:
        return
    from fazhi.core.security_events import Visitor, account_unit, whole_system

    name = (username or "")[:150]
    user = User.objects.filter(username=name).first() if name else None
    audit_append(
        actor=Visitor(unit=account_unit(user) if user else whole_system(), role=""),
        action="account.lockout",
        object_type="auth.user",
        object_id=str(user.pk) if user else "",
        object_repr=name or "（未填写）",
        after={"username": name, "address": ip_address or "", "minutes": _minutes()},
    )


def _minutes() -> int:
    return int(settings.FAZHI_LOCKOUT_MINUTES)


@transaction.atomic
def lockout_clear(*, actor: Actor, username: str = "", address: str = "") -> int:
    """Unlock a user name and/or a source address before the lock ends (``fazhi unlock``):
    forgets their recorded failures; audited ``account.unlock``. Returns the rows removed."""
    from axes.handlers.proxy import AxesProxyHandler

    if not username and not address:
        raise ValueError("须指定用户名或来源地址")
    removed = 0
    if username:
        removed += AxesProxyHandler.reset_attempts(username=username)
    if address:
        removed += AxesProxyHandler.reset_attempts(ip_address=address)
    audit_append(
        actor=actor,
        action="account.unlock",
        object_type="auth.user",
        object_repr=username[:150],
        after={"username": username, "address": address, "count": removed},
    )
    return int(removed)


def locked_now(*, username: str = "", address: str = "") -> bool:
    """Whether ``username`` / ``address`` is locked now (for ``fazhi unlock --list`` and tests)."""
    return is_locked(username=username or None, address=address or None, now=timezone.now())
