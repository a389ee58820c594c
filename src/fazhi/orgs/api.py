"""REST endpoints of the orgs app (under /api/v1/orgs/), scoped like the UI."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.params import functions as param
from pydantic import ConfigDict, Field

from fazhi.core.api_auth import actor_of
from fazhi.core.api_errors import NO_NUL, responses
from fazhi.core.audit import mask_value
from fazhi.orgs import services
from fazhi.orgs.models import OrgUnit, UnitKind
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


def _length(name: str) -> int:
    length: int = getattr(OrgUnit._meta.get_field(name), "max_length", None) or 0
    return length


#: A unit code in a path (the column's length).
UnitCode = Annotated[
    str, param.Path(max_length=_length("code"), pattern=NO_NUL, description="单位编码")
]


class UnitContactIn(Schema):
    """The contact fields of a unit; a field left out (or null) is not changed."""

    model_config = ConfigDict(extra="forbid")

    contact_person: str | None = Field(
        None, title="联系人", max_length=_length("contact_person"), pattern=NO_NUL
    )
    contact_phone: str | None = Field(
        None, title="联系电话", max_length=_length("contact_phone"), pattern=NO_NUL
    )
    address: str | None = Field(None, title="地址", max_length=_length("address"), pattern=NO_NUL)


class UnitFilters(Schema):
    kind: UnitKind | None = Field(None, description="单位类别")


@router.get(
    "/units",
    summary="本单位及下级单位列表",
    **responses({200: list[UnitOut]}, 401, 403, 422),
)
def list_units(request: HttpRequest, filters: Query[UnitFilters]) -> list[UnitOut]:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    qs = units_for(actor)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return [UnitOut.of(u) for u in qs]


@router.get(
    "/units/{code}",
    summary="单位详情",
    **responses({200: UnitOut}, 401, 403, 404, 422),
)
def get_unit(request: HttpRequest, code: UnitCode) -> UnitOut:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    return UnitOut.of(
        get_visible_or_404(OrgUnit.objects.select_related("parent"), actor, code=code)
    )


@router.patch(
    "/units/{code}",
    summary="修改单位联系信息",
    **responses({200: UnitOut}, 400, 401, 403, 404, 422),
)
def patch_unit(request: HttpRequest, code: UnitCode, data: UnitContactIn) -> UnitOut:
    actor = actor_of(request)
    unit = get_visible_or_404(OrgUnit.objects.select_related("parent"), actor, code=code)
    changes = data.dict(exclude_none=True)
    return UnitOut.of(services.orgunit_update(actor=actor, unit=unit, **changes))
