"""The one place where org-tree scoping is decided.

Every view, API endpoint, export and command that reads scoped data goes through
:func:`visible_to`. A scoped model names the path of its unit's materialised path with the
class attribute ``scope_path_field`` (``"path"`` on ``OrgUnit``, ``"unit__path"`` on a register
row that has a ``unit`` foreign key, or a tuple of such paths when a row belongs to several
units, see :func:`scope_q`). A user acts as one membership at a time (chosen with the
unit switcher) and sees that unit's subtree only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404

from fazhi.orgs.roles import Cap, Role, role_has

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from fazhi.orgs.models import Membership, OrgUnit

M = TypeVar("M", bound=models.Model)
QS = TypeVar("QS", bound=models.QuerySet[Any])


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user in one membership, or the command line acting for a unit."""

    unit: OrgUnit
    role: str
    user: User | None = None
    membership: Membership | None = None

    @classmethod
    def for_membership(cls, membership: Membership) -> Actor:
        return cls(
            unit=membership.unit, role=membership.role, user=membership.user, membership=membership
        )

    @classmethod
    def command_line(cls, unit: OrgUnit | None = None) -> Actor:
        """The `fazhi` CLI, run by whoever has shell access to the server.

        Scoped to ``unit``'s subtree, or to the whole system when ``unit`` is None.
        """
        if unit is None:
            from fazhi.orgs.models import OrgUnit

            unit = OrgUnit(code="", name="全系统", path="/")
        return cls(unit=unit, role=COMMAND_LINE)

    @property
    def is_command_line(self) -> bool:
        return self.role == COMMAND_LINE

    @property
    def name(self) -> str:
        if self.user is None:
            return "命令行"
        full = f"{self.user.last_name}{self.user.first_name}".strip()
        return full or self.user.get_username()

    @property
    def role_label(self) -> str:
        return "命令行" if self.is_command_line else Role(self.role).label

    @property
    def at_top(self) -> bool:
        """Acting for the top of the tree (a root unit, or the command line)."""
        return self.is_command_line or self.unit.parent_id is None

    def require_top(self) -> None:
        """Raise PermissionDenied unless acting for the top of the tree (system-wide data)."""
        if not self.at_top:
            raise PermissionDenied("全系统共用的规则数据只能由最上级单位的系统管理员维护")

    def can(self, cap: Cap) -> bool:
        if self.is_command_line:
            return True  # shell access to the server is full access; still scoped to a unit
        return role_has(self.role, cap)

    def require(self, cap: Cap) -> None:
        """Raise PermissionDenied (HTTP 403) unless the actor has ``cap``."""
        if not self.can(cap):
            raise PermissionDenied(f"当前角色“{self.role_label}”无此权限")


COMMAND_LINE = "command_line"


def _path_fields(model: type[models.Model]) -> tuple[str, ...]:
    field = getattr(model, "scope_path_field", None)
    if isinstance(field, str):
        return (field,)
    if isinstance(field, tuple) and field and all(isinstance(f, str) for f in field):
        return field
    raise ImproperlyConfigured(f"{model.__name__} 未声明 scope_path_field，不能按单位范围查询")


def scope_q(model: type[models.Model], path: str) -> Q:
    """The condition "this row belongs to the subtree at ``path``" for ``model``.

    A model may name several path fields (a tuple): a 复议 case belongs both to the 复议机关
    that handles it and to the 被申请人 whose act is reviewed, and either side sees it.
    """
    query = Q()
    for field in _path_fields(model):
        query |= Q(**{f"{field}__startswith": path})
    return query


def _slot_q(model: type[models.Model], unit: OrgUnit) -> Q | None:
    """For a model with ``scope_by_slots``: "in ``unit``'s subtree" as the indexed equality
    of each path field's tree slot (``unit_d<depth> = unit``; see :mod:`fazhi.orgs.slots`),
    the same rows as the path condition. None when it does not apply (a unit deeper than the
    slots, an unsaved unit such as the command line's, a path field without a slot)."""
    from fazhi.orgs.slots import MAX_DEPTH, slot_field, slot_lookup

    if not getattr(model, "scope_by_slots", False) or unit.pk is None:
        return None
    if unit.depth >= MAX_DEPTH:
        return None
    query = Q()
    for field in _path_fields(model):
        prefix = slot_lookup(model, field.removesuffix("__path"))
        if prefix is None:
            return None
        query |= Q(**{slot_field(prefix, unit.depth): unit.pk})
    return query


def visible_to(queryset: QS, actor: Actor) -> QS:
    """Rows of ``queryset`` that belong to the actor's unit subtree. A model may set
    ``scope_by_slots = True`` to have the condition written on its tree slots (a table of
    millions of rows, where the slot indexes serve and a join to the units would not)."""
    field = _path_fields(queryset.model)[0]
    by_slots = _slot_q(queryset.model, actor.unit)
    scoped = queryset.filter(
        by_slots if by_slots is not None else scope_q(queryset.model, actor.unit.path)
    )
    if (
        getattr(queryset.model, "scope_includes_system_rows", False)
        and actor.unit.parent_id is None
    ):
        # Rows made for the whole system (path "/") belong to the top of the tree.
        scoped = scoped | queryset.filter(**{field: "/"})
    return scoped


def implies_visibility(model: type[models.Model], unit_field: str) -> bool:
    """Whether every row of ``model`` whose ``unit_field`` lies in a unit's subtree is visible
    to every actor who may see that unit — so a query already restricted to that subtree needs
    no :func:`visible_to` condition (the metric engine's subtree queries and monthly facts)."""
    return f"{unit_field}__path" in _path_fields(model)


def unit_in_scope(unit: OrgUnit, actor: Actor) -> bool:
    """Whether ``unit`` is in the actor's subtree."""
    return unit.path.startswith(actor.unit.path)


def get_visible_or_404(queryset: models.QuerySet[M], actor: Actor, **lookup: object) -> M:
    """One row by ``lookup`` if the actor may see it, else Http404 (never reveals existence)."""
    row = visible_to(queryset, actor).filter(**lookup).first()
    if row is None:
        raise Http404("记录不存在或不在您的管辖范围内")
    return row


def require_unit_in_scope(unit: OrgUnit, actor: Actor) -> None:
    """Raise PermissionDenied unless ``unit`` is in the actor's subtree (used by services)."""
    if not unit_in_scope(unit, actor):
        raise PermissionDenied(f"单位“{unit.name}”不在您的管辖范围内")
