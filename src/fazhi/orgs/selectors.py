"""Reads of the organisation tree. Scoped reads go through :func:`fazhi.orgs.scoping.visible_to`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from fazhi.orgs.models import Membership, OrgUnit, OrgUnitQuerySet
from fazhi.orgs.scoping import Actor, visible_to

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User


def subtree(unit: OrgUnit) -> OrgUnitQuerySet:
    """``unit`` and all its descendants, in tree order."""
    return OrgUnit.objects.subtree_of(unit)


def ancestors(unit: OrgUnit) -> list[OrgUnit]:
    """``unit``'s ancestors, root first."""
    return list(OrgUnit.objects.ancestors_of(unit))


def units_for(actor: Actor) -> OrgUnitQuerySet:
    """Units the actor may see, with their parent loaded."""
    return visible_to(OrgUnit.objects.select_related("parent"), actor)


def unit_by_code(code: str) -> OrgUnit | None:
    return OrgUnit.objects.filter(code=code).first()


def memberships_of(user: AbstractBaseUser | AnonymousUser) -> list[Membership]:
    """The user's active memberships, with their units, in tree order."""
    if not user.is_authenticated:
        return []
    return list(Membership.objects.active().filter(user_id=user.pk).select_related("unit", "user"))


def grantable_users(actor: Actor) -> QuerySet[User]:
    """Accounts a 安全管理员 may give roles to: those already in the actor's subtree, and
    new accounts with no membership yet (never accounts that only belong elsewhere)."""
    model = get_user_model()
    in_scope = visible_to(Membership.objects.all(), actor).values("user_id")
    return (
        model.objects.filter(is_active=True)
        .filter(Q(pk__in=in_scope) | Q(memberships__isnull=True))
        .distinct()
        .order_by("username")
    )
