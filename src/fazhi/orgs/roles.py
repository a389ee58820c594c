"""Roles and what each may do. The single table of role → capability lives here."""

from __future__ import annotations

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITOR = "auditor", "审计管理员"
    COORDINATOR = "coordinator", "依法治办"
    REVIEWER = "reviewer", "审核"
    CLERK = "clerk", "填报"
    LEADER = "leader", "领导"


#: 三员分立: no account may hold two of these roles (in any units), and an account that holds
#: one of them holds no business role (GB/T 22239-2019 8.1.4.2 访问控制: 管理用户的权限分离).
SEPARATED_ADMIN_ROLES: frozenset[str] = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})
#: The roles that do the government's work (填报、审核、统筹、阅看): never on an administrator.
BUSINESS_ROLES: frozenset[str] = frozenset(str(r) for r in Role) - SEPARATED_ADMIN_ROLES


def roles_clash(held: str, wanted: str) -> bool:
    """Whether an account holding ``held`` (an active membership, in any unit) may not also be
    given ``wanted`` in another unit or as another role (三员分立): an administrator holds
    exactly one membership, so a clash is any pair with an administrator role in it; business
    roles combine freely (a clerk of one unit may review in another)."""
    return held in SEPARATED_ADMIN_ROLES or wanted in SEPARATED_ADMIN_ROLES


class Cap(StrEnum):
    """Capabilities checked by views, API and services."""

    VIEW_RECORDS = "view_records"  # read register data in scope
    EDIT_RECORDS = "edit_records"  # create/change register data in scope
    REVIEW = "review"  # approve / send back
    COORDINATE = "coordinate"  # plans, 督办, cross-unit figures
    MANAGE_UNITS = "manage_units"  # org tree structure, accounts, rules, calendar
    MANAGE_ROLES = "manage_roles"  # grant/revoke memberships, API tokens
    READ_AUDIT = "read_audit"  # the audit log


ROLE_CAPS: dict[str, frozenset[Cap]] = {
    Role.SYSADMIN: frozenset({Cap.MANAGE_UNITS, Cap.VIEW_RECORDS}),
    Role.SECADMIN: frozenset({Cap.MANAGE_ROLES}),
    Role.AUDITOR: frozenset({Cap.READ_AUDIT}),
    Role.COORDINATOR: frozenset({Cap.VIEW_RECORDS, Cap.EDIT_RECORDS, Cap.REVIEW, Cap.COORDINATE}),
    Role.REVIEWER: frozenset({Cap.VIEW_RECORDS, Cap.REVIEW}),
    Role.CLERK: frozenset({Cap.VIEW_RECORDS, Cap.EDIT_RECORDS}),
    Role.LEADER: frozenset({Cap.VIEW_RECORDS}),
}


def role_has(role: str, cap: Cap) -> bool:
    return cap in ROLE_CAPS.get(role, frozenset())
