"""Reads of the metric engine: definitions in force, metric values, and the records behind them.

Other apps (dashboards, assessments, annual reports) call :func:`metric_values` for a unit and
a :class:`~fazhi.metrics.periods.Period`; each value carries the definition version it was
computed under and links to the records counted. Every query goes through
:func:`fazhi.orgs.scoping.visible_to`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce
from operator import or_
from typing import Any
from urllib.parse import urlencode

from django.db import models
from django.db.models import Q
from django.urls import reverse

from fazhi.metrics import engine
from fazhi.metrics.engine import DENOMINATOR, NUMERATOR, MetricValue
from fazhi.metrics.models import MetricDefinition
from fazhi.metrics.periods import Period
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor, require_unit_in_scope, visible_to


class UnknownMetric(LookupError):
    """No definition of this code is valid in the requested year."""


def definitions_for_year(year: int, codes: Sequence[str] | None = None) -> list[MetricDefinition]:
    """The definition versions in force in ``year`` (optionally only ``codes``), in display order
    (``sort_order``, then code)."""
    qs = MetricDefinition.objects.filter(valid_from_year__lte=year).filter(
        Q(valid_to_year__isnull=True) | Q(valid_to_year__gte=year)
    )
    if codes is not None:
        qs = qs.filter(code__in=codes)
    return list(qs.order_by("sort_order", "code"))


def definition_for(code: str, year: int) -> MetricDefinition:
    """The version of metric ``code`` in force in ``year``; raises :class:`UnknownMetric`."""
    found = definitions_for_year(year, [code])
    if not found:
        raise UnknownMetric(f"{year}年没有有效的统计指标“{code}”")
    return found[0]


def overlapping_version(definition: MetricDefinition) -> MetricDefinition | None:
    """Another version of the same code whose years overlap ``definition``'s, if any."""
    qs = MetricDefinition.objects.filter(code=definition.code).exclude(pk=definition.pk)
    if definition.valid_to_year is not None:
        qs = qs.filter(valid_from_year__lte=definition.valid_to_year)
    return qs.filter(
        Q(valid_to_year__isnull=True) | Q(valid_to_year__gte=definition.valid_from_year)
    ).first()


def _records(actor: Actor, definition: MetricDefinition, unit: OrgUnit) -> models.QuerySet[Any]:
    model = engine.source_model(definition.source)
    return visible_to(model._default_manager.all(), actor).filter(engine.unit_q(definition, unit))


def metric_values(
    *,
    actor: Actor,
    unit: OrgUnit,
    period: Period,
    codes: Sequence[str] | None = None,
    definitions: Sequence[MetricDefinition] | None = None,
) -> list[MetricValue]:
    """Every metric in force in ``period.year`` (or only ``codes``) for ``unit``'s subtree.

    One aggregate query per (source model, unit field); no rows are loaded. Raises
    PermissionDenied unless ``unit`` is in the actor's subtree.
    """
    require_unit_in_scope(unit, actor)
    if definitions is None:
        definitions = definitions_for_year(period.year, codes)
    groups: dict[tuple[str, str], list[MetricDefinition]] = {}
    for definition in definitions:
        groups.setdefault((definition.source, definition.unit_field), []).append(definition)
    figures: dict[int, engine.Figures] = {}
    for members in groups.values():
        figures.update(_compute_group(actor, unit, period, members))
    return [_value(d, unit, period, figures[id(d)]) for d in definitions]


def _compute_group(
    actor: Actor, unit: OrgUnit, period: Period, members: list[MetricDefinition]
) -> dict[int, engine.Figures]:
    aggregates: dict[str, Any] = {}
    for i, definition in enumerate(members):
        aggregates |= engine.aggregates(definition, period, f"m{i}")
    in_period = reduce(or_, {d.period_field: engine.period_q(d, period) for d in members}.values())
    row = _records(actor, members[0], unit).filter(in_period).aggregate(**aggregates)
    return {id(d): engine.evaluate(d, row, f"m{i}") for i, d in enumerate(members)}


def _value(
    definition: MetricDefinition, unit: OrgUnit, period: Period, figures: engine.Figures
) -> MetricValue:
    return MetricValue(
        definition=definition,
        unit=unit,
        period=period,
        value=figures.value,
        numerator=figures.numerator,
        denominator=figures.denominator,
        numerator_url=drill_url(definition, unit, period, NUMERATOR),
        denominator_url=(
            drill_url(definition, unit, period, DENOMINATOR)
            if engine.has_part(definition, DENOMINATOR)
            else ""
        ),
    )


def metric_value(*, actor: Actor, unit: OrgUnit, period: Period, code: str) -> MetricValue:
    """One metric (the version in force in ``period.year``); raises :class:`UnknownMetric`."""
    definition = definition_for(code, period.year)
    return metric_values(actor=actor, unit=unit, period=period, definitions=[definition])[0]


def drill_url(definition: MetricDefinition, unit: OrgUnit, period: Period, part: str) -> str:
    """The page listing the records behind a metric's numerator or denominator."""
    query = urlencode({"unit": unit.code, "period": period.key, "part": part})
    return f"{reverse('metrics:drill', args=[definition.code])}?{query}"


def metric_records(
    *, actor: Actor, definition: MetricDefinition, unit: OrgUnit, period: Period, part: str
) -> models.QuerySet[Any]:
    """Exactly the records counted in the numerator or denominator, newest first, scoped.

    Raises ValueError when the metric has no such part (a count has no denominator).
    """
    require_unit_in_scope(unit, actor)
    qs = _records(actor, definition, unit).filter(engine.records_q(definition, period, part))
    return qs.select_related(definition.unit_field).order_by(f"-{definition.period_field}", "-pk")


def record_date(definition: MetricDefinition, record: models.Model) -> Any:
    """The value of the definition's period field on ``record`` (follows ``a__b`` paths)."""
    return _follow(record, definition.period_field)


def record_unit(definition: MetricDefinition, record: models.Model) -> OrgUnit | None:
    """The unit ``record`` is counted for (through ``unit_field``; loaded by select_related)."""
    unit: OrgUnit | None = _follow(record, definition.unit_field)
    return unit


def record_amount(definition: MetricDefinition, record: models.Model) -> Any:
    """The ``value_field`` of ``record`` for sums and averages, else None."""
    return _follow(record, definition.value_field) if definition.value_field else None


def _follow(obj: Any, path: str) -> Any:
    for part in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


def units_to_pick(actor: Actor, selected: OrgUnit, levels: int = 2) -> list[OrgUnit]:
    """Units offered in the unit picker: the actor's subtree down ``levels`` levels, plus the
    selected unit's ancestors within the subtree and its children (bounded at any scale)."""
    top = actor.unit
    near = Q(depth__lte=top.depth + levels) | Q(parent_id=selected.pk)
    near |= Q(pk__in=[*selected.ancestor_ids, selected.pk])
    qs = visible_to(OrgUnit.objects.all(), actor).filter(near, is_active=True)
    return list(qs.order_by("path").only("code", "name", "short_name", "depth", "path"))


def children_of(actor: Actor, unit: OrgUnit) -> list[OrgUnit]:
    """Direct sub-units of ``unit`` the actor may see (for drilling down the tree)."""
    qs = visible_to(OrgUnit.objects.filter(parent_id=unit.pk, is_active=True), actor)
    return list(qs.order_by("sort_order", "path"))
