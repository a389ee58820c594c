"""安全事件审计: logins, logouts, failed logins, 岗位 switches, exports and downloads, and 403
refusals, each written to the one audit chain (:func:`fazhi.core.services.audit_append`).

GB/T 22239-2019 level 3, 8.1.4.3 安全审计: the audit covers every user and the important
security events (登录、登录失败、权限切换、数据导出、越权访问), each with its date and time,
user, event type and outcome; the source address is added by the request-context middleware.

- Login, logout and failed login come from Django's auth signals, connected in
  :meth:`fazhi.core.apps.CoreConfig.ready` (:func:`connect`).
- A failed login records the username **as typed** (usernames are account names, not personal
  data; ID and mobile numbers typed in are masked like everywhere in the log), whether the
  account exists and why it failed (:func:`failure_note`), never the password or a code. The
  person trying sees the same message either way:
  the record is written after the fact and changes nothing in the response.
- An event without a signed-in actor is recorded for a :class:`Visitor`: the account's unit
  when the account exists (its 审计管理员 reads it), else the whole system (the top one does).
- 403 refusals: :func:`permission_denied` is the site's ``handler403`` (every
  ``PermissionDenied`` a page lets escape), and the API's ``PermissionDenied`` handler calls
  :func:`audit_denied`. Only the path is recorded (never the query string or the body); 404s
  are not recorded. One insert per refusal.
- Downloads: :func:`audit_download`, called by each export and download view (one line each).
  Import templates hold no data and are not recorded; nor are the portal's published reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.views import defaults

from fazhi.core.services import audit_append, object_type_of
from fazhi.orgs.http import actor_on
from fazhi.orgs.scoping import Actor

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    from fazhi.orgs.models import OrgUnit

LOGIN_ACTION = "account.login"
LOGOUT_ACTION = "account.logout"
LOGIN_FAILED_ACTION = "account.login_failed"
SWITCH_ACTION = "membership.switch"
DENIED_ACTION = "access.denied"
EXPORT_VERB = "export"  # ``<app>.export`` for a register's Excel export

#: the longest username Django's ``User`` holds; longer typed text is cut
USERNAME_LIMIT = 150
PATH_LIMIT = 200


@dataclass(frozen=True)
class Visitor(Actor):
    """The party of an event with no signed-in actor (a login attempt, an anonymous request):
    recorded under ``unit`` with no account as its actor."""

    label: str = "未登录的访问者"

    @property
    def name(self) -> str:
        return self.label

    @property
    def role_label(self) -> str:
        return "未登录"


def whole_system() -> OrgUnit:
    """The unsaved unit that stands for the whole system (entries the top 审计管理员 reads)."""
    from fazhi.orgs.models import OrgUnit

    return OrgUnit(code="", name="全系统", path="/")


def account_unit(user: AbstractBaseUser) -> OrgUnit:
    """The unit an account belongs to: its first active 岗位's, else the unit it was opened
    for, else the whole system."""
    from fazhi.accounts.models import AccountProfile
    from fazhi.orgs.selectors import memberships_of

    memberships = memberships_of(user)
    if memberships:
        return memberships[0].unit
    profile = AccountProfile.objects.filter(user_id=user.pk).select_related("unit").first()
    return profile.unit if profile and profile.unit else whole_system()


def account_actor(user: AbstractBaseUser) -> Actor:
    """The account acting on its own: in the 岗位 the session starts with (the first active
    one, as :class:`fazhi.orgs.middleware.ActorMiddleware` chooses), else without a role in
    its unit."""
    from django.contrib.auth.models import User

    from fazhi.orgs.selectors import memberships_of

    memberships = memberships_of(user)
    if memberships:
        return Actor.for_membership(memberships[0])
    assert isinstance(user, User)
    return Actor(unit=account_unit(user), role="", user=user)


def request_actor(request: HttpRequest) -> Actor:
    """Who made ``request``: its acting 岗位, the signed-in account without one, or a
    :class:`Visitor` for the whole system."""
    actor = actor_on(request)
    if actor is not None:
        return actor
    user: AbstractBaseUser | AnonymousUser | None = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return account_actor(user)
    return Visitor(unit=whole_system(), role="")


def _audit_account(actor: Actor, action: str, user: AbstractBaseUser, after: Any = None) -> None:
    audit_append(
        actor=actor,
        action=action,
        object_type="auth.user",
        object_id=str(user.pk),
        object_repr=user.get_username(),
        after=after,
    )


# --- login, logout, failed login (Django's auth signals) ---------------------------------
def on_login(sender: Any, request: HttpRequest | None, user: AbstractBaseUser, **_: Any) -> None:
    """``account.login``: the account signed in."""
    _audit_account(account_actor(user), LOGIN_ACTION, user)


def on_logout(
    sender: Any, request: HttpRequest | None, user: AbstractBaseUser | None, **_: Any
) -> None:
    """``account.logout``: a signed-in account signed out (an anonymous logout is nothing)."""
    if user is None or not user.is_authenticated:
        return
    actor = actor_on(request) if request is not None else None
    _audit_account(actor or account_actor(user), LOGOUT_ACTION, user)


def typed_username(credentials: Any) -> str:
    """The username of a login attempt as typed (trimmed, cut, without NUL); never any other
    credential (the password is not even read)."""
    field = get_user_model().USERNAME_FIELD
    raw = credentials.get(field, "") if isinstance(credentials, dict) else ""
    return str(raw or "").replace("\x00", "").strip()[:USERNAME_LIMIT]


def failure_note(user: Any, request: HttpRequest | None) -> str:
    """Why a login of an existing account failed, as far as the request tells: locked (django-axes
    marks the request), a wrong second-factor code (the TOTP step marks it), disabled, else a
    wrong password."""
    if getattr(request, "axes_locked_out", False):
        return "账号或来源地址已被锁定"
    if getattr(request, "fazhi_second_factor_failed", False):
        return "动态验证码错误"
    if not user.is_active:
        return "账号已停用"
    return "密码错误"


def on_login_failed(
    sender: Any, credentials: Any, request: HttpRequest | None = None, **_: Any
) -> None:
    """``account.login_failed``: the attempted username, whether that account exists, and for
    an existing one why (wrong password, disabled, locked); recorded under the account's unit,
    or the whole system for an unknown name."""
    username = typed_username(credentials)
    model = get_user_model()
    user = model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()
    if user is None:
        audit_append(
            actor=Visitor(unit=whole_system(), role=""),
            action=LOGIN_FAILED_ACTION,
            object_type="auth.user",
            object_repr=username or "（未填写）",
            after={"username": username, "note": "账号不存在"},
        )
        return
    after = {"username": username, "note": failure_note(user, request)}
    _audit_account(Visitor(unit=account_unit(user), role=""), LOGIN_FAILED_ACTION, user, after)


def connect() -> None:
    """Connect the auth signals (from ``CoreConfig.ready``; idempotent by dispatch uid)."""
    user_logged_in.connect(on_login, dispatch_uid="fazhi.audit.login")
    user_logged_out.connect(on_logout, dispatch_uid="fazhi.audit.logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="fazhi.audit.login_failed")


# --- 岗位 switch -----------------------------------------------------------------------
def audit_switch(*, actor: Actor | None, to: Any) -> None:
    """``membership.switch``: the signed-in account now acts as the membership ``to``; recorded
    under the 岗位 it switched from (before → after: the two 岗位)."""
    new = Actor.for_membership(to)
    before = {"membership": str(actor.membership)} if actor and actor.membership else None
    audit_append(
        actor=actor or new,
        action=SWITCH_ACTION,
        object_type=object_type_of(to),
        object_id=str(to.pk),
        object_repr=str(to),
        before=before,
        after={"membership": str(to)},
    )


# --- exports and downloads -------------------------------------------------------------
def audit_download(
    *,
    actor: Actor,
    action: str,
    target: models.Model | type[models.Model],
    filename: str = "",
    count: int | None = None,
    label: str = "",
    extra: dict[str, Any] | None = None,
) -> None:
    """Record that ``actor`` took data out of the system: ``target`` is the row downloaded (a
    report, an evidence file, a plan) or the model of the rows exported; ``filename`` the
    file's name (never an uploaded file's own name, which may name a person); ``count`` the
    number of rows exported; ``label`` what the entry shows as its object instead of the
    row's ``str()``."""
    after: dict[str, Any] = dict(extra or {})
    if filename:
        after["file"] = filename
    if count is not None:
        after["count"] = count
    row = target if isinstance(target, models.Model) else None
    audit_append(
        actor=actor,
        action=action,
        object_type=object_type_of(target),
        object_id=str(row.pk) if row is not None else "",
        object_repr=label or (str(row) if row is not None else filename),
        after=after or None,
    )


def export_action(model: type[models.Model]) -> str:
    """The audit code of an Excel export of ``model``'s rows: ``<app label>.export``."""
    return f"{model._meta.app_label}.{EXPORT_VERB}"


# --- 403 refusals ----------------------------------------------------------------------
def audit_denied(request: HttpRequest, exc: BaseException | None = None) -> None:
    """``access.denied``: ``request`` was refused (403). Records the method, the path (never
    the query string or the body) and the refusal's message."""
    reason = str(exc or "")[:PATH_LIMIT] if isinstance(exc, PermissionDenied) else ""
    after = {"path": request.path[:PATH_LIMIT], "http_method": request.method or ""}
    if reason:
        after["reason"] = reason
    audit_append(
        actor=request_actor(request),
        action=DENIED_ACTION,
        object_type="",
        object_repr=request.path[:PATH_LIMIT],
        after=after,
    )


def permission_denied(
    request: HttpRequest, exception: Exception, template_name: str = "403.html"
) -> HttpResponse:
    """The site's ``handler403``: audit the refusal, then Django's own 403 page."""
    audit_denied(request, exception)
    return defaults.permission_denied(request, exception, template_name=template_name)
