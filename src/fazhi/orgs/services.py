"""Writes to the organisation tree and memberships. Each write is audited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from fazhi.core.audit import snapshot
from fazhi.core.services import record_write
from fazhi.orgs.models import PATH_SEP, Membership, OrgUnit
from fazhi.orgs.roles import Cap, Role
from fazhi.orgs.scoping import Actor, require_unit_in_scope
from fazhi.orgs.selectors import SELF_ROLES_REFUSED, revoke_problem, separation_problem
from fazhi.orgs.slots import slots_refresh

if TYPE_CHECKING:
    from django.contrib.auth.models import User

#: Fields a unit's own clerks may keep up to date (the 单位信息 register).
CONTACT_FIELDS = ("contact_person", "contact_phone", "address")
#: Fields that describe the structure; only a 系统管理员 may change them.
STRUCTURE_FIELDS = (
    "name",
    "short_name",
    "kind",
    "level",
    "sort_order",
    "province_code",
    "is_active",
    "is_reconsideration_body",
    "demonstration_area",
)


def _path_for(unit: OrgUnit, parent: OrgUnit | None) -> tuple[str, int]:
    if parent is None:
        return f"{PATH_SEP}{unit.pk}{PATH_SEP}", 0
    return f"{parent.path}{unit.pk}{PATH_SEP}", parent.depth + 1


@transaction.atomic
def orgunit_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    level: str,
    parent: OrgUnit | None,
    **extra: Any,
) -> OrgUnit:
    """Create a unit under ``parent`` (which must be in the actor's subtree).

    Root units (no parent) can only be created from the command line.
    """
    actor.require(Cap.MANAGE_UNITS)
    if parent is None and not actor.is_command_line:
        raise PermissionDenied("只能通过命令行创建顶级单位")
    if parent is not None:
        require_unit_in_scope(parent, actor)
    if OrgUnit.objects.filter(code=code).exists():
        raise ValidationError({"code": f"单位编码“{code}”已存在"})
    unit = OrgUnit(code=code, name=name, kind=kind, level=level, parent=parent, path="-", **extra)
    unit.full_clean(exclude=["path"])
    unit.save()
    unit.path, unit.depth = _path_for(unit, parent)
    OrgUnit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)
    record_write(
        actor=actor,
        action="orgunit.create",
        obj=unit,
        before=None,
        after=snapshot(unit),
        summary=f"新建单位 {unit.name}",
    )
    return unit


@transaction.atomic
def orgunit_update(*, actor: Actor, unit: OrgUnit, **changes: Any) -> OrgUnit:
    """Change a unit's fields. Contact fields: 填报/依法治办 in scope; structure: 系统管理员."""
    require_unit_in_scope(unit, actor)
    unknown = set(changes) - set(CONTACT_FIELDS) - set(STRUCTURE_FIELDS)
    if unknown:
        raise ValidationError(f"不能修改字段：{'、'.join(sorted(unknown))}")
    if set(changes) & set(STRUCTURE_FIELDS):
        actor.require(Cap.MANAGE_UNITS)
    if set(changes) & set(CONTACT_FIELDS) and not (
        actor.can(Cap.EDIT_RECORDS) or actor.can(Cap.MANAGE_UNITS)
    ):
        raise PermissionDenied(f"当前角色“{actor.role_label}”不能修改单位信息")
    locked = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    before = snapshot(locked, changes)
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save(update_fields=list(changes))
    record_write(
        actor=actor,
        action="orgunit.update",
        obj=locked,
        before=before,
        after=snapshot(locked, changes),
        summary="修改单位信息",
    )
    return locked


@transaction.atomic
def orgunit_move(*, actor: Actor, unit: OrgUnit, new_parent: OrgUnit) -> OrgUnit:
    """Move a unit (and its subtree) under ``new_parent``, rewriting materialised paths."""
    actor.require(Cap.MANAGE_UNITS)
    require_unit_in_scope(unit, actor)
    require_unit_in_scope(new_parent, actor)
    if new_parent.path.startswith(unit.path):
        raise ValidationError({"parent": "不能把单位移动到它自己或其下级单位之下"})
    old_path, old_depth = unit.path, unit.depth
    subtree = list(OrgUnit.objects.select_for_update().filter(path__startswith=old_path))
    new_path, new_depth = _path_for(unit, new_parent)
    for row in subtree:
        row.path = new_path + row.path[len(old_path) :]
        row.depth = row.depth - old_depth + new_depth
        if row.pk == unit.pk:
            row.parent = new_parent
    OrgUnit.objects.bulk_update(subtree, ["path", "depth", "parent"])
    slots_refresh(subtree)  # the register rows' denormalised ancestor ids follow the move
    unit.refresh_from_db()
    record_write(
        actor=actor,
        action="orgunit.move",
        obj=unit,
        before={"parent": old_path},
        after={"parent": unit.path},
        summary=f"调整隶属关系至 {new_parent.name}",
    )
    return unit


@transaction.atomic
def membership_grant(*, actor: Actor, user: User, unit: OrgUnit, role: str) -> Membership:
    """Give ``user`` a role in ``unit`` (安全管理员, in scope), enforcing 三员分立.

    An administrator account (系统管理员 / 安全管理员 / 审计管理员) holds that one
    membership and nothing else; a business account is never given an administrator role
    (:func:`fazhi.orgs.selectors.separation_problem`; the database's triggers refuse the same
    rows written any other way). Nobody grants a role to their own account.
    """
    actor.require(Cap.MANAGE_ROLES)
    require_unit_in_scope(unit, actor)
    role = Role(role)
    if actor.user is not None and actor.user.pk == user.pk:
        raise PermissionDenied(SELF_ROLES_REFUSED)
    # Lock the user row so concurrent grants to the same user are serialised.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    problem = separation_problem(user=user, unit=unit, role=role)
    if problem:
        raise ValidationError({"role": problem})
    before = None
    membership, created = Membership.objects.get_or_create(
        user=user, unit=unit, role=role, defaults={"is_active": True}
    )
    if not created and not membership.is_active:
        before = {
            "user": user.get_username(),
            "unit": unit.code,
            "role": role.value,
            "is_active": False,
        }
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    record_write(
        actor=actor,
        action="membership.grant",
        obj=membership,
        before=before,
        after={
            "user": user.get_username(),
            "unit": unit.code,
            "role": role.value,
            "is_active": True,
        },
        summary=f"授予 {user.get_username()} {unit.display_name}{role.label}",
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor: Actor, membership: Membership) -> Membership:
    """Deactivate a membership (安全管理员, in scope). History is kept.

    Not one's own (PermissionDenied), and not the last 审计管理员 covering a unit
    (ValidationError, :func:`fazhi.orgs.selectors.revoke_problem`): grant the successor first.
    """
    actor.require(Cap.MANAGE_ROLES)
    require_unit_in_scope(membership.unit, actor)
    if actor.user is not None and actor.user.pk == membership.user_id:
        raise PermissionDenied(SELF_ROLES_REFUSED)
    if membership.role == Role.AUDITOR:
        # Serialise revocations of the auditors covering this unit (two 安全管理员 revoking
        # the last two at once would each see the other's still active).
        chain = [*membership.unit.ancestor_ids, membership.unit_id]
        list(
            Membership.objects.select_for_update()
            .filter(role=Role.AUDITOR, unit_id__in=chain, is_active=True)
            .values_list("pk", flat=True)
        )
    problem = revoke_problem(membership)
    if problem:
        raise ValidationError(problem)
    Membership.objects.filter(pk=membership.pk).update(is_active=False)
    membership.is_active = False
    record_write(
        actor=actor,
        action="membership.revoke",
        obj=membership,
        before={"is_active": True},
        after={"is_active": False},
        summary=f"撤销 {membership.user.get_username()} 的{membership.get_role_display()}",
    )
    return membership
