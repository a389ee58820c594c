"""Denormalised tree slots: each register row carries the ids of its unit's ancestors by depth.

A row whose unit has path ``/1/12/345/`` gets ``d0=1, d1=12, d2=345, d3=None, d4=None``. Then
"in the subtree of unit U" is the indexed equality ``d<U.depth> = U.id``, and the breakdown of U
by child unit is one ``GROUP BY d<U.depth + 1>`` — whatever the number of children (a province's
cities, a city's counties, a county's departments and townships). Five depths cover
province → city → county → department/township → sub-unit; deeper units fall back to the path.

A model declares its slots with ``tree_slots = {"unit_d": "unit", "resp_d": "respondent"}``
(column prefix → path to an OrgUnit, ``__`` between relations). The ``pre_save`` signal fills
them on every save; ``bulk_create`` callers call :func:`fill_slots`; :func:`slots_refresh` keeps
them right when units move (called by ``orgs.services.orgunit_move``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.dispatch import Signal

if TYPE_CHECKING:
    from fazhi.orgs.models import OrgUnit

MAX_DEPTH = 5

#: Sent by :func:`slots_refresh` with ``units`` (the moved subtree) once their rows' slots are
#: rewritten, for caches keyed by the tree (the metric engine's monthly rollups).
units_moved = Signal()


def slots_of(path: str) -> tuple[int | None, ...]:
    """Ancestor-or-self ids of the unit with ``path``, by depth 0…4 (None past its depth)."""
    ids: list[int | None] = [int(p) for p in path.strip("/").split("/") if p]
    return tuple((ids + [None] * MAX_DEPTH)[:MAX_DEPTH])


def slot_field(prefix: str, depth: int) -> str:
    return f"{prefix}{depth}"


class UnitSlots(models.Model):
    """Slots of the row's ``unit`` (declare ``tree_slots = {"unit_d": "<path to unit>"}``)."""

    unit_d0 = models.PositiveBigIntegerField(
        "单位层级0", null=True, blank=True, db_index=True, editable=False
    )
    unit_d1 = models.PositiveBigIntegerField(
        "单位层级1", null=True, blank=True, db_index=True, editable=False
    )
    unit_d2 = models.PositiveBigIntegerField(
        "单位层级2", null=True, blank=True, db_index=True, editable=False
    )
    unit_d3 = models.PositiveBigIntegerField(
        "单位层级3", null=True, blank=True, db_index=True, editable=False
    )
    unit_d4 = models.PositiveBigIntegerField(
        "单位层级4", null=True, blank=True, db_index=True, editable=False
    )

    class Meta:
        abstract = True


class RespondentSlots(models.Model):
    """Slots of a second unit of the row (the 被申请人 of a 复议 case)."""

    resp_d0 = models.PositiveBigIntegerField(
        "被申请人层级0", null=True, blank=True, db_index=True, editable=False
    )
    resp_d1 = models.PositiveBigIntegerField(
        "被申请人层级1", null=True, blank=True, db_index=True, editable=False
    )
    resp_d2 = models.PositiveBigIntegerField(
        "被申请人层级2", null=True, blank=True, db_index=True, editable=False
    )
    resp_d3 = models.PositiveBigIntegerField(
        "被申请人层级3", null=True, blank=True, db_index=True, editable=False
    )
    resp_d4 = models.PositiveBigIntegerField(
        "被申请人层级4", null=True, blank=True, db_index=True, editable=False
    )

    class Meta:
        abstract = True


def declared(model: type[models.Model]) -> dict[str, str]:
    slots = getattr(model, "tree_slots", None)
    return dict(slots) if isinstance(slots, dict) else {}


def _follow(obj: Any, path: str) -> Any:
    for part in path.split("__"):
        obj = getattr(obj, part, None) if obj is not None else None
    return obj


def fill_slots(obj: models.Model) -> None:
    """Set every declared slot of ``obj`` from the paths of its related units (no save)."""
    for prefix, unit_path in declared(type(obj)).items():
        unit = _follow(obj, unit_path)
        values = slots_of(unit.path) if unit is not None else (None,) * MAX_DEPTH
        for depth, value in enumerate(values):
            setattr(obj, slot_field(prefix, depth), value)


def slot_lookup(model: type[models.Model], unit_field: str) -> str | None:
    """The slot prefix standing for ``unit_field`` on ``model``, if the model has one."""
    for prefix, path in declared(model).items():
        if path == unit_field:
            return prefix
    return None


def slotted_models() -> Iterable[type[models.Model]]:
    return [m for m in apps.get_models() if declared(m)]


def slots_refresh(units: Iterable[OrgUnit]) -> int:
    """Re-derive the slots of every row attached to ``units`` (after a move). Returns rows."""
    changed = 0
    for model in slotted_models():
        for prefix, unit_path in declared(model).items():
            for unit in units:
                values = dict(
                    zip(
                        (slot_field(prefix, d) for d in range(MAX_DEPTH)),
                        slots_of(unit.path),
                        strict=True,
                    )
                )
                changed += model._default_manager.filter(**{f"{unit_path}_id": unit.pk}).update(
                    **values
                )
    units_moved.send(sender=apps.get_model("orgs", "OrgUnit"), units=list(units))
    return changed


def on_pre_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if declared(sender):
        fill_slots(instance)
