"""REST endpoints of the orgs app (under /api/v1/orgs/), scoped like the UI."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from fazhi.core.api_auth import actor_of
from fazhi.core.audit import mask_value
from fazhi.orgs import services
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import get_visible_or_404
from fazhi.orgs.selectors import units_for

router = Router(tags=["单位"])


class UnitOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    level: str
    parent_code: str | None
    contact_person: str
    contact_phone_masked: str

    @staticmethod
    def of(unit: OrgUnit) -> UnitOut:
        return UnitOut(
            code=unit.code,
            name=unit.name,
            short_name=unit.short_name,
            kind=unit.kind,
            level=unit.level,
            parent_code=unit.parent.code if unit.parent else None,
            contact_person=unit.contact_person,
            contact_phone_masked=mask_value(unit.contact_phone),
        )


class UnitContactIn(Schema):
    contact_person: str | None = None
    contact_phone: str | None = None
    address: str | None = None


@router.get("/units", response=list[UnitOut], summary="本单位及下级单位列表")
def list_units(request: HttpRequest, kind: str | None = None) -> list[UnitOut]:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    qs = units_for(actor)
    if kind:
        qs = qs.filter(kind=kind)
    return [UnitOut.of(u) for u in qs]


@router.get("/units/{code}", response=UnitOut, summary="单位详情")
def get_unit(request: HttpRequest, code: str) -> UnitOut:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    return UnitOut.of(
        get_visible_or_404(OrgUnit.objects.select_related("parent"), actor, code=code)
    )


@router.patch("/units/{code}", response=UnitOut, summary="修改单位联系信息")
def patch_unit(request: HttpRequest, code: str, data: UnitContactIn) -> UnitOut:
    actor = actor_of(request)
    unit = get_visible_or_404(OrgUnit.objects.select_related("parent"), actor, code=code)
    changes = data.dict(exclude_none=True)
    return UnitOut.of(services.orgunit_update(actor=actor, unit=unit, **changes))
