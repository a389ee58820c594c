"""Reads of the metric engine: definitions in force, metric values, and the records behind them.

Other apps (dashboards, assessments, annual reports) call :func:`metric_values` for a unit and
a :class:`~fazhi.metrics.periods.Period`; each value carries the definition version it was
computed under and links to the records counted. Every query goes through
:func:`fazhi.orgs.scoping.visible_to`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any
from urllib.parse import urlencode

from django.db import models
from django.db.models import Max, Q
from django.db.models.functions import ExtractMonth
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


#: The aggregate row of an empty record set: every count and sum is NULL.
NO_ROWS: Mapping[str, Any] = defaultdict(lambda: None)


# --- bulk forms: breakdown by child unit, trend by month (constant number of queries) -------------
@dataclass(frozen=True)
class Breakdown:
    """Every metric for a unit's subtree (``total``), for each child's subtree (``children``,
    in tree order) and for the records attached to the unit itself (``own``)."""

    total: list[MetricValue]
    children: list[tuple[OrgUnit, list[MetricValue]]]
    own: list[MetricValue]


def _group_by_source(
    definitions: Sequence[MetricDefinition], *, by_period_field: bool = False
) -> list[list[MetricDefinition]]:
    groups: dict[tuple[str, ...], list[MetricDefinition]] = {}
    for d in definitions:
        key = (d.source, d.unit_field) + ((d.period_field,) if by_period_field else ())
        groups.setdefault(key, []).append(d)
    return list(groups.values())


def _aggregates(members: Sequence[MetricDefinition], period: Period) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for i, definition in enumerate(members):
        found |= engine.aggregates(definition, period, f"m{i}")
    return found


def _add_rows(rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> dict[str, Any]:
    """Counts and sums are additive: the subtree's row is the sum of its children's rows."""
    total: dict[str, Any] = {}
    for key in keys:
        present = [row[key] for row in rows if row[key] is not None]
        total[key] = sum(present) if present else None
    return total


def metric_breakdown(
    *, actor: Actor, unit: OrgUnit, period: Period, codes: Sequence[str] | None = None
) -> Breakdown:
    """:func:`metric_values` for ``unit`` and for each of its children, in one ``GROUP BY``
    per (source model, unit field) over the rows' denormalised ancestor ids — the number of
    queries does not depend on the number of children. Raises PermissionDenied out of scope."""
    require_unit_in_scope(unit, actor)
    definitions = definitions_for_year(period.year, codes)
    per_child: dict[int | None, dict[int, engine.Figures]] = {}
    for members in _group_by_source(definitions):
        column = engine.slot_column(members[0], unit.depth + 1)
        if column is None:  # deeper than the slots reach: fall back to one query per child
            column = "__fallback__"
        aggregates = _aggregates(members, period)
        in_period = reduce(
            or_, {d.period_field: engine.period_q(d, period) for d in members}.values()
        )
        records = _records(actor, members[0], unit).filter(in_period)
        if column == "__fallback__":
            rows = [
                {
                    column: child.pk,
                    **records.filter(engine.unit_q(members[0], child)).aggregate(**aggregates),
                }
                for child in children_of(actor, unit)
            ]
        else:
            rows = list(records.values(column).annotate(**aggregates).order_by())
        keyed = {row[column]: row for row in rows}
        keyed_total = _add_rows(rows, list(aggregates))
        for key, row in [*keyed.items(), ("total", keyed_total)]:
            bucket = per_child.setdefault(key if key != "total" else -1, {})
            for i, d in enumerate(members):
                bucket[id(d)] = engine.evaluate(d, row, f"m{i}")
    empty = {id(d): engine.evaluate(d, NO_ROWS, "x") for d in definitions}
    kids = children_of(actor, unit)
    extra_ids = {k for k in per_child if k not in (-1, None)} - {c.pk for c in kids}
    kids += list(OrgUnit.objects.filter(pk__in=extra_ids).order_by("path"))

    def values_for(key: int | None, target: OrgUnit) -> list[MetricValue]:
        figures = per_child.get(key, {})
        return [_value(d, target, period, figures.get(id(d), empty[id(d)])) for d in definitions]

    return Breakdown(
        total=values_for(-1, unit),
        children=[(child, values_for(child.pk, child)) for child in kids],
        own=values_for(None, unit),
    )


def metric_trend(
    *, actor: Actor, unit: OrgUnit, year: int, codes: Sequence[str] | None = None
) -> list[tuple[Period, list[MetricValue]]]:
    """Every metric for ``unit``'s subtree in each month of ``year``: one ``GROUP BY month`` per
    (source model, unit field, period field), whatever the number of months or units."""
    require_unit_in_scope(unit, actor)
    whole = Period.for_year(year)
    months = [Period.for_month(year, m) for m in range(1, 13)]
    definitions = definitions_for_year(year, codes)
    per_month: dict[int, dict[int, engine.Figures]] = {}
    for members in _group_by_source(definitions, by_period_field=True):
        field = members[0].period_field
        aggregates = _aggregates(members, whole)
        records = _records(actor, members[0], unit).filter(engine.period_q(members[0], whole))
        rows = records.annotate(fz_month=ExtractMonth(field)).values("fz_month")
        for row in rows.annotate(**aggregates).order_by():
            bucket = per_month.setdefault(int(row["fz_month"]), {})
            for i, d in enumerate(members):
                bucket[id(d)] = engine.evaluate(d, row, f"m{i}")
    empty = {id(d): engine.evaluate(d, NO_ROWS, "x") for d in definitions}
    return [
        (
            month,
            [
                _value(
                    d, unit, month, per_month.get(month.start.month, {}).get(id(d), empty[id(d)])
                )
                for d in definitions
            ],
        )
        for month in months
    ]


def latest_year_with_data(actor: Actor, unit: OrgUnit, today: dt.date) -> int:
    """The latest year (up to ``today``'s) in which any metric of ``unit``'s subtree has a
    record, else ``today``'s year. One ``MAX`` query per (source model, unit field)."""
    found: list[dt.date] = []
    for members in _group_by_source(definitions_for_year(today.year)):
        fields = sorted({d.period_field for d in members})
        latest = {f"f{i}": Max(f, filter=Q(**{f"{f}__lte": today})) for i, f in enumerate(fields)}
        row = _records(actor, members[0], unit).aggregate(**latest)
        found += [d for d in row.values() if d is not None]
    return max((d.year for d in found), default=today.year)
