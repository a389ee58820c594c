"""Reads of the accounts app: which login accounts a 系统管理员 manages.

An account belongs to the units it has a 岗位 in (active or revoked) and to the unit it was
opened for (:class:`~fazhi.accounts.models.AccountProfile`). A 系统管理员 manages it when every
one of those units lies in their subtree; an account that belongs to no unit at all (made on
the command line, never granted a 岗位) is managed at the top of the tree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from fazhi.accounts.models import AccountProfile, ApiToken
from fazhi.orgs.models import Membership
from fazhi.orgs.roles import Cap, Role
from fazhi.orgs.scoping import Actor

if TYPE_CHECKING:
    from django.contrib.auth.models import User

#: roles whose holders' accounts the 系统管理员 may neither disable nor reset (三员分立)
PROTECTED_ROLES = (Role.SECADMIN, Role.AUDITOR)


def accounts_for(actor: Actor) -> QuerySet[User]:
    """Accounts ``actor`` manages (see the module doc), by username, with their memberships
    and profile loaded. Empty unless the actor has :attr:`Cap.MANAGE_UNITS`."""
    model = get_user_model()
    if not actor.can(Cap.MANAGE_UNITS):
        return model.objects.none()
    path = actor.unit.path
    outside = Q(
        Exists(Membership.objects.filter(user=OuterRef("pk")).exclude(unit__path__startswith=path))
    ) | Q(
        Exists(
            AccountProfile.objects.filter(user=OuterRef("pk")).exclude(unit__path__startswith=path)
        )
    )
    placed = Q(Exists(Membership.objects.filter(user=OuterRef("pk")))) | Q(
        Exists(AccountProfile.objects.filter(user=OuterRef("pk")))
    )
    qs = model.objects.exclude(outside)
    if not actor.at_top:
        qs = qs.filter(placed)
    memberships = Membership.objects.select_related("unit").order_by("-is_active", "unit__path")
    return (
        qs.select_related("account_profile__unit")
        .prefetch_related(Prefetch("memberships", queryset=memberships))
        .order_by("username")
    )


def search_accounts(actor: Actor, *, text: str = "", status: str = "") -> QuerySet[User]:
    """:func:`accounts_for`, filtered by username/full name and 启用/停用 (``"1"``/``"0"``)."""
    qs = accounts_for(actor)
    if text:
        qs = qs.filter(Q(username__icontains=text) | Q(last_name__icontains=text))
    if status in ("1", "0"):
        qs = qs.filter(is_active=status == "1")
    return qs


def account_for(actor: Actor, pk: int) -> User:
    """One account ``actor`` manages, else Http404 (never reveals that it exists; an id no
    database column can hold is simply not found)."""
    if not 0 < pk < 2**63:
        raise Http404("账号不存在或不在您的管辖范围内")
    user = accounts_for(actor).filter(pk=pk).first()
    if user is None:
        raise Http404("账号不存在或不在您的管辖范围内")
    return user


def holds_protected_role(user: User) -> str:
    """The label of an active 安全管理员/审计管理员 岗位 ``user`` holds, or ""."""
    for membership in user.memberships.all():
        if membership.is_active and membership.role in PROTECTED_ROLES:
            return str(Role(membership.role).label)
    return ""


def home_unit(user: User) -> str:
    """The name of the unit the account was opened for ("" if none is recorded)."""
    profile = getattr(user, "account_profile", None)
    return profile.unit.name if isinstance(profile, AccountProfile) else ""


def tokens_for(user: User, actor: Actor | None) -> QuerySet[ApiToken]:
    """The API tokens ``user`` may see on the tokens page: their own (of any of their 岗位),
    and — acting as a 安全管理员 (:attr:`Cap.MANAGE_ROLES`) — every token of a membership in
    the actor's subtree. Newest first, membership, unit and account loaded."""
    mine = Q(membership__user=user)
    if actor is not None and actor.can(Cap.MANAGE_ROLES):
        mine |= Q(membership__unit__path__startswith=actor.unit.path)
    return (
        ApiToken.objects.filter(mine)
        .select_related("membership__unit", "membership__user")
        .order_by("-created_at", "-pk")
    )


def token_for(user: User, actor: Actor | None, pk: int) -> ApiToken:
    """One token ``user`` may revoke: their own; else PermissionDenied (403) unless acting as a
    安全管理员, then Http404 unless its membership's unit is in the actor's subtree (never
    reveals that it exists)."""
    if not 0 < pk < 2**63:
        raise Http404("接口令牌不存在或不在您的管辖范围内")
    own = ApiToken.objects.filter(pk=pk, membership__user=user).first()
    if own is not None:
        return own
    if actor is None or not actor.can(Cap.MANAGE_ROLES):
        raise PermissionDenied("只有令牌的持有人或安全管理员可以吊销接口令牌")
    token = tokens_for(user, actor).filter(pk=pk).first()
    if token is None:
        raise Http404("接口令牌不存在或不在您的管辖范围内")
    return token
