"""Writes to the organisation tree and memberships. Each write is audited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from fazhi.core.audit import snapshot
from fazhi.core.services import record_write
from fazhi.orgs.models import PATH_SEP, Membership, OrgUnit
from fazhi.orgs.roles import SEPARATED_ADMIN_ROLES, Cap, Role
from fazhi.orgs.scoping import Actor, require_unit_in_scope
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

    No account may hold two of 系统管理员 / 安全管理员 / 审计管理员 (in any units).
    """
    actor.require(Cap.MANAGE_ROLES)
    require_unit_in_scope(unit, actor)
    role = Role(role)
    if actor.user is not None and actor.user.pk == user.pk:
        raise PermissionDenied("不能给自己授予角色")
    # Lock the user row so concurrent grants to the same user are serialised.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if role in SEPARATED_ADMIN_ROLES:
        clash = (
            Membership.objects.filter(user=user, is_active=True, role__in=SEPARATED_ADMIN_ROLES)
            .exclude(role=role, unit=unit)
            .first()
        )
        if clash is not None:
            raise ValidationError(
                {
                    "role": f"三员分立：该账号已在“{clash.unit.display_name}”担任"
                    f"“{clash.get_role_display()}”，一个账号只能担任系统管理员、"
                    f"安全管理员、审计管理员中的一个岗位，不能再担任“{role.label}”"
                }
            )
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
    """Deactivate a membership (安全管理员, in scope). History is kept."""
    actor.require(Cap.MANAGE_ROLES)
    require_unit_in_scope(membership.unit, actor)
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
