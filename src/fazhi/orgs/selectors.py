"""Reads of the organisation tree. Scoped reads go through :func:`fazhi.orgs.scoping.visible_to`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from fazhi.orgs.models import Membership, OrgUnit, OrgUnitQuerySet
from fazhi.orgs.roles import BUSINESS_ROLES, SEPARATED_ADMIN_ROLES, Role, roles_clash
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


#: The most units one type-ahead answer lists (``?limit=``; the picker asks for 20).
UNIT_SEARCH_MAX = 50


def unit_search(actor: Actor, term: str, limit: int = 20) -> list[dict[str, str]]:
    """Units of the actor's subtree whose code, name or short name contains ``term`` (all of
    them, from the top, for an empty term), higher levels first, at most ``limit`` (capped at
    :data:`UNIT_SEARCH_MAX`): code, full name, short name and the parent's name — no contact
    or other personal data. One query whatever the size of the tree."""
    limit = max(1, min(limit, UNIT_SEARCH_MAX))
    qs = units_for(actor).filter(is_active=True)
    term = term.strip()[:100]
    if term:
        qs = qs.filter(
            Q(code__icontains=term) | Q(name__icontains=term) | Q(short_name__icontains=term)
        )
    rows = qs.order_by("depth", "path").values_list("code", "name", "short_name", "parent__name")
    return [
        {"code": code, "name": name, "short_name": short, "parent": parent or ""}
        for code, name, short, parent in rows[:limit]
    ]


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
    users = (
        model.objects.filter(is_active=True)
        .filter(Q(pk__in=in_scope) | Q(memberships__isnull=True))
        .distinct()
        .order_by("username")
    )
    if actor.user is not None:  # nobody acts on their own account's roles
        users = users.exclude(pk=actor.user.pk)
    return users


# --- 三员分立 (GB/T 22239-2019 8.1.4.2 访问控制: 管理用户的权限分离) ---------------------------

#: Why an administrator may not grant to or revoke from their own account.
SELF_ROLES_REFUSED = (
    "不能授予或撤销自己账号的岗位（管理员不能操作本人账号的权限），请由另一名安全管理员办理"
)


def held_memberships(user: AbstractBaseUser) -> list[Membership]:
    """The account's active memberships (``is_active`` rows, whatever the unit's or account's
    state: the rule and the database triggers look at the same rows), oldest first."""
    return list(
        Membership.objects.filter(user_id=user.pk, is_active=True)
        .select_related("unit")
        .order_by("pk")
    )


def _clash_text(held: Membership, wanted: str) -> str:
    where = f"该账号已在“{held.unit.display_name}”担任“{held.get_role_display()}”"
    label = Role(wanted).label
    if held.role in SEPARATED_ADMIN_ROLES and wanted in SEPARATED_ADMIN_ROLES:
        return (
            f"三员分立：{where}，一个账号只能担任系统管理员、安全管理员、审计管理员中的"
            f"一个岗位，不能再担任“{label}”"
        )
    if held.role in SEPARATED_ADMIN_ROLES:
        return (
            f"三员分立：{where}（管理员岗位），管理员账号不能担任业务岗位“{label}”；"
            "办理业务请另开账号"
        )
    return f"三员分立：{where}（业务岗位），业务账号不能担任管理员岗位“{label}”；管理员请另开账号"


def separation_problem(*, user: AbstractBaseUser, unit: OrgUnit, role: str) -> str:
    """Why 三员分立 forbids giving ``user`` ``role`` in ``unit`` ("" if it does not): the
    conflicting role and its unit named. Re-granting a membership the account holds is fine."""
    for held in held_memberships(user):
        if held.unit_id == unit.pk and held.role == role:
            continue
        if roles_clash(held.role, role):
            return _clash_text(held, role)
    return ""


def grantable_roles(user: AbstractBaseUser) -> tuple[list[tuple[str, str]], str]:
    """The roles the grant form offers for ``user`` (value, label) and, when some are left
    out, why (shown on the form): an administrator account is offered none, a business
    account only business roles, a new account every role."""
    held = held_memberships(user)
    if not held:
        return list(Role.choices), ""
    admin = next((m for m in held if m.role in SEPARATED_ADMIN_ROLES), None)
    if admin is not None:
        return [], (
            f"该账号已在“{admin.unit.display_name}”担任“{admin.get_role_display()}”。"
            "三员分立：管理员账号只担任这一个岗位，不能再授予其他岗位；如需调整，请先撤销现有岗位"
        )
    offered = [(value, label) for value, label in Role.choices if value in BUSINESS_ROLES]
    return offered, (
        "该账号担任业务岗位。三员分立：业务账号不能担任系统管理员、安全管理员、审计管理员，"
        "管理员请另开账号"
    )


def revoke_problem(membership: Membership) -> str:
    """Why ``membership`` may not be revoked ("" if it may): it is the last 审计管理员 whose
    audit covers its unit. A unit is covered by an active 审计管理员 membership (account and
    unit enabled) in it or in one of its ancestors; revoking one is refused when no other
    covers its unit, since its unit and every unit below would be left without one. Grant
    the successor (there or above) first."""
    if membership.role != Role.AUDITOR:
        return ""
    active = Membership.objects.active().filter(role=Role.AUDITOR)
    if not active.filter(pk=membership.pk).exists():
        return ""  # not covering anything now (revoked, or account or unit disabled)
    chain = [*membership.unit.ancestor_ids, membership.unit_id]
    if active.filter(unit_id__in=chain).exclude(pk=membership.pk).exists():
        return ""
    return (
        f"不能撤销：账号 {membership.user.get_username()} 是“{membership.unit.display_name}”"
        "及其下级单位唯一的审计管理员，撤销后这些单位将无人审计。请先在该单位或其上级单位"
        "授予另一名审计管理员，再撤销本岗位"
    )
