"""Accounts: user creation and API tokens. Each write is audited."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from fazhi.accounts.models import ApiToken
from fazhi.core.services import audit_append, record_write
from fazhi.orgs.models import Membership
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope


def token_digest(raw: str) -> str:
    return hashlib.new("sm3", raw.encode()).hexdigest()


@transaction.atomic
def user_create(*, actor: Actor, username: str, full_name: str, password: str) -> User:
    """Create a login account (系统管理员). The full name is stored in ``last_name``."""
    actor.require(Cap.MANAGE_UNITS)
    model = get_user_model()
    if model.objects.filter(username=username).exists():
        raise ValidationError({"username": f"用户名“{username}”已存在"})
    user = model.objects.create_user(username=username, password=password, last_name=full_name)
    audit_append(
        actor=actor,
        action="user.create",
        object_type="auth.user",
        object_id=str(user.pk),
        object_repr=username,
        after={"username": username, "full_name": full_name},
    )
    return user


@transaction.atomic
def token_create(*, actor: Actor, membership: Membership, name: str) -> tuple[ApiToken, str]:
    """Issue an API token for a membership (安全管理员, in scope). Returns (row, raw token).

    The raw token is shown once; only its SM3 digest is kept.
    """
    actor.require(Cap.MANAGE_ROLES)
    require_unit_in_scope(membership.unit, actor)
    raw = "fz_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        membership=membership, name=name, prefix=raw[:8], digest=token_digest(raw)
    )
    record_write(
        actor=actor,
        action="token.create",
        obj=token,
        before=None,
        after={"membership": membership.pk, "name": name, "prefix": token.prefix},
        summary=f"签发接口令牌 {name}",
    )
    return token, raw
