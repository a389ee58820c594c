"""Accounts: opening, disabling and resetting login accounts, one's own password change, and
API tokens (issue, revoke). Each write is audited (never a password, only how it was set).

Passwords follow the 密码策略 of :mod:`fazhi.accounts.passwords`: the settings' validators
(not on the command line), a history of hashes, and a temporary password — one the
系统管理员 set when opening the account from the UI or resetting it — that must be changed at
the next login."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from fazhi.accounts import passwords
from fazhi.accounts.models import AccountProfile, ApiToken
from fazhi.core.services import audit_append, record_write
from fazhi.orgs.models import Membership, OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope


def token_digest(raw: str) -> str:
    return hashlib.new("sm3", raw.encode()).hexdigest()


def temporary_password(user: User | None = None) -> str:
    """A random temporary password that passes the policy (for ``user``, when given: not
    containing its name, not one of its recent passwords), shown once."""
    while True:
        raw = passwords.temporary_password()
        if not password_problems(raw, user):
            return raw


#: Chinese messages for Django's password validators, by error code (some of Django's own
#: translations are missing); ``{min_length}`` is filled in from the error's parameters.
PASSWORD_MESSAGES = {
    "password_too_short": "密码太短，至少需要 {min_length} 个字符",
    "password_too_common": "这个密码太常见，容易被猜中，请换一个",
    "password_entirely_numeric": "密码不能全是数字",
    "password_too_similar": "密码与用户名或姓名过于相似",
}
# (the platform's own validators — password_too_simple, password_contains_name,
# password_reused — raise their messages in Chinese already)


def password_problems(password: str, user: User | None = None) -> list[str]:
    """Why ``password`` fails the settings' validators (AUTH_PASSWORD_VALIDATORS), in
    Chinese; empty when it passes."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        problems = []
        for error in exc.error_list:
            text = PASSWORD_MESSAGES.get(error.code or "")
            params = error.params if isinstance(error.params, dict) else {}
            problems.append(text.format(**params) if text else " ".join(error.messages))
        return problems
    return []


def _check_password(actor: Actor, password: str, user: User | None = None) -> None:
    """The password validators of the settings, unless the command line sets it (the server's
    operator may give test and demo accounts any password)."""
    if actor.is_command_line:
        return
    problems = password_problems(password, user)
    if problems:
        raise ValidationError({"password": problems})


def _account_actor(user: User) -> Actor:
    """The actor for an account acting on itself without a chosen 岗位 (no membership): its
    profile's unit, or the whole system (the top 审计管理员 reads the entry)."""
    membership = Membership.objects.active().filter(user=user).select_related("unit").first()
    if membership is not None:
        return Actor.for_membership(membership)
    profile = AccountProfile.objects.filter(user=user).select_related("unit").first()
    unit = profile.unit if profile else OrgUnit(code="", name="全系统", path="/")
    return Actor(unit=unit, role="", user=user)


account_actor = _account_actor  # public name (the tokens page, for an owner without a 岗位)


def _audit_user(actor: Actor, action: str, user: User, before: Any, after: Any) -> None:
    audit_append(
        actor=actor,
        action=action,
        object_type="auth.user",
        object_id=str(user.pk),
        object_repr=user.get_username(),
        before=before,
        after=after,
    )


def _require_manages(actor: Actor, user: User) -> None:
    """The 系统管理员 manages ``user`` (in scope); PermissionDenied otherwise."""
    from fazhi.accounts.selectors import accounts_for

    actor.require(Cap.MANAGE_UNITS)
    if not actor.is_command_line and not accounts_for(actor).filter(pk=user.pk).exists():
        raise PermissionDenied("该账号不在您的管辖范围内")


def _require_not_protected(actor: Actor, user: User, doing: str) -> None:
    """三员分立: the 系统管理员 cannot take over a 安全管理员's or 审计管理员's account, nor
    their own."""
    from fazhi.accounts.selectors import holds_protected_role

    if actor.is_command_line:
        return
    if actor.user is not None and actor.user.pk == user.pk:
        raise PermissionDenied(f"不能{doing}自己的账号；修改本人密码请用“修改密码”")
    role = holds_protected_role(user)
    if role:
        raise PermissionDenied(
            f"三员分立：系统管理员不能{doing}{role}的账号（请由本人修改密码，"
            "或由服务器管理人员在命令行处理）"
        )


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    full_name: str,
    password: str,
    unit: OrgUnit | None = None,
) -> User:
    """Open a login account (系统管理员, or the command line). The full name is stored in
    ``last_name``. ``unit``: the unit it is opened for (in the actor's subtree; default the
    actor's own unit, none on the command line), recorded in its :class:`AccountProfile`.

    The password must pass the settings' validators (not on the command line). 岗位 are
    granted separately, by the 安全管理员 (三员分立).
    """
    actor.require(Cap.MANAGE_UNITS)
    username = username.strip()
    model = get_user_model()
    if not username:
        raise ValidationError({"username": "请填写用户名"})
    if model.objects.filter(username=username).exists():
        raise ValidationError({"username": f"用户名“{username}”已存在"})
    if unit is None and not actor.is_command_line:
        unit = actor.unit
    if unit is not None:
        require_unit_in_scope(unit, actor)
    _check_password(actor, password, model(username=username, last_name=full_name))
    user = model.objects.create_user(username=username, password=password, last_name=full_name)
    # opened from the UI: a temporary password, to be changed at the first login; the command
    # line (and the demo and test accounts it makes) chooses the account's own password
    passwords.password_set(user, temporary=not actor.is_command_line)
    after: dict[str, Any] = {"username": username, "full_name": full_name}
    if unit is not None:
        AccountProfile.objects.create(user=user, unit=unit, created_by=actor.name)
        after["unit"] = unit.name
    _audit_user(actor, "user.create", user, None, after)
    return user


@transaction.atomic
def user_set_active(*, actor: Actor, user: User, active: bool) -> User:
    """停用 (``active`` False) or 启用 an account the 系统管理员 manages. A disabled account
    cannot sign in, its open sessions end and its API tokens stop working; its 岗位 and
    records stay. Not one's own account, nor a 安全管理员's or 审计管理员's (三员分立)."""
    doing = "启用" if active else "停用"
    _require_manages(actor, user)
    _require_not_protected(actor, user, doing)
    locked = get_user_model().objects.select_for_update().get(pk=user.pk)
    if locked.is_active == active:
        raise ValidationError(f"账号“{locked.get_username()}”已经是{doing}状态")
    locked.is_active = active
    locked.save(update_fields=["is_active"])
    _audit_user(
        actor,
        f"user.{'enable' if active else 'disable'}",
        locked,
        {"is_active": not active},
        {"is_active": active},
    )
    user.is_active = active
    return locked


@transaction.atomic
def user_password_reset(*, actor: Actor, user: User, password: str = "") -> str:
    """The 系统管理员 gives an account a temporary password: ``password`` as typed (checked by
    the validators) or, when empty, a generated one. Returns it, to be shown once; only its
    hash is stored and the audit entry says how it was set, never the password. The account's
    open sessions end, and it must change the password at its next login (not when the
    command line resets it). Not one's own, nor a 安全管理员's or 审计管理员's (三员分立)."""
    _require_manages(actor, user)
    _require_not_protected(actor, user, "重置")
    generated = not password
    password = password or temporary_password(user)
    _check_password(actor, password, user)
    locked = get_user_model().objects.select_for_update().get(pk=user.pk)
    locked.set_password(password)
    locked.save(update_fields=["password"])
    passwords.password_set(locked, temporary=not actor.is_command_line)
    how = "系统生成临时密码" if generated else "管理员设定临时密码"
    _audit_user(actor, "user.password_reset", locked, None, {"method": how})
    return password


@transaction.atomic
def user_password_change(
    *, user: User, old_password: str, new_password: str, actor: Actor | None = None
) -> User:
    """An account changes its own password: the old one must match and the new one pass the
    settings' validators (including the history: not one of the last FAZHI_PASSWORD_HISTORY).
    Clears a temporary or expired password's forced change. Audited as the account itself
    (``actor``: its current 岗位, if any)."""
    if not user.check_password(old_password):
        raise ValidationError({"old_password": "原密码不正确，请重新输入"})
    if old_password == new_password:
        raise ValidationError({"new_password1": "新密码不能与原密码相同"})
    problems = password_problems(new_password, user)
    if problems:
        raise ValidationError({"new_password1": problems})
    user.set_password(new_password)
    user.save(update_fields=["password"])
    passwords.password_set(user, temporary=False)
    acting = actor if actor is not None and actor.user == user else _account_actor(user)
    _audit_user(acting, "user.password_change", user, None, {"method": "本人修改"})
    return user


@transaction.atomic
def token_create(*, actor: Actor, membership: Membership, name: str) -> tuple[ApiToken, str]:
    """Issue an API token for a membership (安全管理员, in scope). Returns (row, raw token).

    The raw token is shown once; only its SM3 digest is kept. It expires FAZHI_TOKEN_DAYS
    days from now (never when the setting is 0).
    """
    actor.require(Cap.MANAGE_ROLES)
    require_unit_in_scope(membership.unit, actor)
    raw = "fz_" + secrets.token_urlsafe(32)
    days = int(settings.FAZHI_TOKEN_DAYS)
    expires_at = timezone.now() + dt.timedelta(days=days) if days > 0 else None
    token = ApiToken.objects.create(
        membership=membership,
        name=name,
        prefix=raw[:8],
        digest=token_digest(raw),
        expires_at=expires_at,
    )
    after = {"membership": membership.pk, "name": name, "prefix": token.prefix}
    record_write(
        actor=actor,
        action="token.create",
        obj=token,
        before=None,
        after=after | {"expires_at": expires_at.isoformat() if expires_at else None},
        summary=f"签发接口令牌 {name}",
    )
    return token, raw


@transaction.atomic
def token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    """吊销 an API token: by its owner (the account of its membership) or by the 安全管理员
    of a subtree holding the membership's unit (or the command line). It stops working at once;
    the row stays (listed as 已吊销). Audited as ``token.revoke``. PermissionDenied for anyone
    else; ValidationError if it is already revoked."""
    locked = (
        ApiToken.objects.select_for_update()
        .select_related("membership__unit", "membership__user")
        .get(pk=token.pk)
    )
    owner = actor.user is not None and locked.membership.user_id == actor.user.pk
    if not owner:
        actor.require(Cap.MANAGE_ROLES)
        require_unit_in_scope(locked.membership.unit, actor)
    if locked.revoked:
        raise ValidationError(f"接口令牌“{locked.name}”（{locked.prefix}…）已经吊销")
    locked.revoked = True
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor.name
    locked.save(update_fields=["revoked", "revoked_at", "revoked_by"])
    record_write(
        actor=actor,
        action="token.revoke",
        obj=locked,
        before={"revoked": False},
        after={"revoked": True, "name": locked.name, "prefix": locked.prefix},
        summary=f"吊销接口令牌 {locked.name}（{'本人' if owner else '安全管理员'}）",
    )
    token.revoked, token.revoked_at, token.revoked_by = True, locked.revoked_at, actor.name
    return locked
