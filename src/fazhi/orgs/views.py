"""Screens of the orgs app: the 单位信息 register (generic register layer)."""

from __future__ import annotations

from typing import Any

from fazhi.core.audit import mask_value
from fazhi.core.registers import Column, Filter, Register
from fazhi.orgs import services
from fazhi.orgs.forms import UnitContactForm
from fazhi.orgs.models import OrgUnit, OrgUnitQuerySet, UnitKind, UnitLevel
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor


class UnitRegister(Register[OrgUnit]):
    key = "units"
    title = "单位信息"
    model = OrgUnit
    columns = (
        Column("code", "单位编码"),
        Column("name", "单位名称", link=True),
        Column("kind", "单位类别"),
        Column("level", "层级"),
        Column("parent.display_name", "上级单位"),
        Column("contact_person", "联系人"),
        Column("contact_phone", "联系电话", value=lambda u: mask_value(u.contact_phone)),
    )
    filters = (
        Filter("kind", "单位类别", "kind", UnitKind.choices),
        Filter("level", "层级", "level", UnitLevel.choices),
    )
    search_fields = ("name", "short_name", "code")
    detail_fields = (
        "code",
        "name",
        "short_name",
        "kind",
        "level",
        "parent",
        "contact_person",
        "contact_phone",
        "address",
    )
    form_class = UnitContactForm
    ordering = ("path",)

    def base_queryset(self) -> OrgUnitQuerySet:
        return OrgUnit.objects.select_related("parent")

    def can_edit(self, actor: Actor, obj: OrgUnit) -> bool:
        return actor.can(Cap.EDIT_RECORDS) or actor.can(Cap.MANAGE_UNITS)

    def save(self, actor: Actor, obj: OrgUnit, data: dict[str, Any]) -> OrgUnit:
        return services.orgunit_update(actor=actor, unit=obj, **data)


units = UnitRegister()
