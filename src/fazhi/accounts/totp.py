"""管理员双因素 (GB/T 22239-2019 8.1.4.1 d: 采用两种或两种以上组合的鉴别技术): TOTP codes from
an authenticator app for the 系统管理员, 安全管理员 and 审计管理员 (django-otp's TOTP devices).

``FAZHI_ADMIN_TOTP``: ``off``; ``optional`` (an administrator who has bound an authenticator
enters its code after the password); ``required`` (an administrator without one binds one right
after the password, and enters a code at every later login). Business roles are never asked.

The login is two steps: the password (the login view) and then the code
(:func:`pending_start` keeps who passed the password in the session for
:data:`PENDING_SECONDS`; the session is signed in only when the code is right). A wrong code
counts as a failed login for the lockout, and django-otp throttles a device after each wrong
code (1, 2, 4 … seconds).
"""

from __future__ import annotations

import time
from typing import Any

import segno
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from fazhi.core.services import audit_append
from fazhi.orgs.models import Membership
from fazhi.orgs.roles import SEPARATED_ADMIN_ROLES
from fazhi.orgs.scoping import Actor

PENDING_KEY = "fazhi_totp_pending"
#: how long the code step may follow the password step
PENDING_SECONDS = 300
DEVICE_NAME = "身份验证器"

AnyUser = AbstractBaseUser | AnonymousUser


def mode() -> str:
    """``off``, ``optional`` or ``required`` (``FAZHI_ADMIN_TOTP``)."""
    return str(settings.FAZHI_ADMIN_TOTP)


def is_administrator(user: AnyUser, memberships: list[Membership] | None = None) -> bool:
    """Whether the account holds an active 系统管理员/安全管理员/审计管理员 岗位 (``memberships``:
    its active memberships when the caller has them, e.g. ``request.memberships``)."""
    if not user.is_authenticated:
        return False
    if memberships is not None:
        return any(m.role in SEPARATED_ADMIN_ROLES for m in memberships)
    rows = Membership.objects.active().filter(user_id=user.pk, role__in=SEPARATED_ADMIN_ROLES)
    return rows.exists()


def confirmed_device(user: AnyUser) -> TOTPDevice | None:
    """The account's bound authenticator, if any."""
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("pk").first()


def asks_code(user: AnyUser) -> bool:
    """Whether the login of ``user`` (who passed the password) needs a code as second step."""
    return mode() != "off" and is_administrator(user) and confirmed_device(user) is not None


def enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed device being bound (the same one until it is confirmed, so reloading
    the page keeps the QR code the phone already scanned)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app by hand."""
    from base64 import b32encode

    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The ``otpauth://`` URL as an inline SVG QR code, made on the server (no network)."""
    code = segno.make(device.config_url, error="l")  # shown on a screen: no damage to recover
    return str(code.svg_inline(scale=4, dark="#000", light="#fff", title="身份验证器二维码"))


def _audit(actor: Actor, action: str, user: User, after: Any = None) -> None:
    audit_append(
        actor=actor,
        action=action,
        object_type="auth.user",
        object_id=str(user.pk),
        object_repr=user.get_username(),
        after=after,
    )


@transaction.atomic
def totp_confirm(*, actor: Actor, user: User, device: TOTPDevice, token: str) -> bool:
    """Bind ``device`` if ``token`` is its current code: it becomes the account's only
    authenticator (an earlier one is removed). Audited ``account.totp_enrol``. False (and
    nothing changes but django-otp's throttle) when the code is wrong."""
    if device.user_id != user.pk or not device.verify_token(token.strip()):
        return False
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    _audit(actor, "account.totp_enrol", user, {"name": device.name})
    return True


@transaction.atomic
def totp_reset(*, actor: Actor, user: User) -> int:
    """Remove the account's authenticators (a lost phone; ``fazhi totp_reset``): the next
    login asks for the password only (``optional``) or to bind a new one (``required``).
    Audited ``account.totp_reset``. Returns how many were removed."""
    count, _ = TOTPDevice.objects.filter(user=user).delete()
    _audit(actor, "account.totp_reset", user, {"count": count})
    return int(count)


# --- the second step of the login ------------------------------------------------------
def pending_start(request: HttpRequest, user: AbstractBaseUser, next_url: str) -> None:
    """Remember that ``user`` passed the password step (not signed in yet)."""
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
        "at": time.time(),
        "next": next_url,
    }


def pending_user(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    """Who passed the password step in this session within :data:`PENDING_SECONDS` and still
    needs a code, with the stored step; None otherwise (the step is then forgotten)."""
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict) or time.time() - float(data.get("at", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    pk = data.get("user")
    user = User.objects.filter(pk=pk, is_active=True).first() if isinstance(pk, int) else None
    if user is None or confirmed_device(user) is None:
        request.session.pop(PENDING_KEY, None)
        return None
    return user, data
