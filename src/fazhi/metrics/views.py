"""Metric screens: every metric for a unit's subtree and a period, and the records behind each
figure (the drill-down). Both are scoped like every other screen."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch
from django.utils import timezone

from fazhi.core.paging import BoundedPaginator
from fazhi.core.registers import actor_of
from fazhi.metrics import engine, selectors
from fazhi.metrics.engine import DENOMINATOR, NUMERATOR, MetricValue
from fazhi.metrics.models import MetricDefinition
from fazhi.metrics.periods import Period
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, get_visible_or_404

PART_LABELS = {NUMERATOR: "分子", DENOMINATOR: "分母"}
#: Wording meant for whoever maintains the definitions: a JSON filter, a field lookup
#: (``role__in``) or a metric code (``plans.on_time_rate``).
_DEVELOPER = re.compile(r"[{}]|__|\b[a-z_]+\.[a-z_]+\b")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    unit = unit_param(request, actor)
    period, error = default_period(), ""
    if request.GET.get("period", "").strip():
        try:
            period = Period.parse(request.GET["period"])
        except ValueError as exc:
            error = str(exc)
    # A bad period shows the error and no figures (never figures of another period).
    values = [] if error else selectors.metric_values(actor=actor, unit=unit, period=period)
    admin = maintains_definitions(actor)
    context = {
        "title": "统计分析",
        "unit": unit,
        "period": period,
        "error": error,
        "show_codes": admin,
        "groups": [
            (group, [(v, describe(v.definition, admin)) for v in members])
            for group, members in grouped(values)
        ],
        "unit_options": _unit_options(actor, unit),
        "children": selectors.children_of(actor, unit),
        "shortcuts": _shortcuts(period),
    }
    return render(request, "metrics/index.html", context)


@login_required
def drill(request: HttpRequest, code: str) -> HttpResponse:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    unit, period = unit_param(request, actor), period_or_404(request.GET.get("period", ""))
    part = request.GET.get("part", NUMERATOR)
    definition = definition_or_404(code, period.year)
    try:
        qs = selectors.metric_records(
            actor=actor, definition=definition, unit=unit, period=period, part=part
        )
    except ValueError:
        raise Http404("该指标没有此项") from None
    page = BoundedPaginator(qs, settings.FAZHI_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "title": f"{definition.name} · {PART_LABELS.get(part, part)}",
        "definition": definition,
        "description": describe(definition, maintains_definitions(actor)),
        **_drill_context(definition, unit, period, part),
        "rows": [_row(definition, obj) for obj in page.object_list],
        "page": page,
        "query": query.urlencode(),
    }
    return render(request, "metrics/drill.html", context)


# --- helpers shared with the API -----------------------------------------------------------------
def unit_param(request: HttpRequest, actor: Actor, name: str = "unit") -> OrgUnit:
    """The unit named by ``?unit=CODE`` (default: the actor's own), 404 if outside the subtree."""
    code = (request.GET.get(name) or "").strip()
    if not code or code == actor.unit.code:
        return actor.unit
    return get_visible_or_404(OrgUnit.objects.all(), actor, code=code)


def default_period() -> Period:
    return Period.for_year(timezone.localdate().year)


def period_or_404(text: str) -> Period:
    if not text.strip():
        return default_period()
    try:
        return Period.parse(text)
    except ValueError as exc:
        raise Http404(str(exc)) from None


def definition_or_404(code: str, year: int) -> MetricDefinition:
    try:
        return selectors.definition_for(code, year)
    except selectors.UnknownMetric as exc:
        raise Http404(str(exc)) from None


def maintains_definitions(actor: Actor) -> bool:
    """Whether ``actor`` maintains the metric definitions (the 系统管理员): sees their codes and
    the notes meant for whoever changes them."""
    return actor.can(Cap.MANAGE_UNITS)


def describe(definition: MetricDefinition, full: bool) -> str:
    """The definition's description, in full for its maintainers, else :func:`plain_description`."""
    return definition.description if full else plain_description(definition.description)


def plain_description(text: str) -> str:
    """``text`` without the sentences (ending in 。) that carry developer wording — a JSON
    filter, a field lookup or a metric code — which tell an administrator how to change the
    definition, not a reader what the figure counts."""
    sentences = re.split(r"(?<=。)", text)
    return "".join(s for s in sentences if not _DEVELOPER.search(s))


def grouped(values: list[MetricValue]) -> list[tuple[str, list[MetricValue]]]:
    """Values by group, groups in the order of their first metric."""
    groups: dict[str, list[MetricValue]] = {}
    for value in values:
        groups.setdefault(value.group, []).append(value)
    return list(groups.items())


def _unit_options(actor: Actor, selected: OrgUnit) -> list[tuple[str, str, bool]]:
    top = actor.unit.depth
    return [
        (u.code, "\u3000" * max(u.depth - top, 0) + u.name, u.pk == selected.pk)
        for u in selectors.units_to_pick(actor, selected)
    ]


def _shortcuts(period: Period) -> list[Period]:
    year = period.year
    return [
        Period.for_year(year - 1),
        Period.for_year(year),
        *(Period.for_quarter(year, q) for q in range(1, 5)),
    ]


def _drill_context(
    definition: MetricDefinition, unit: OrgUnit, period: Period, part: str
) -> dict[str, Any]:
    model = engine.source_model(definition.source)
    other = DENOMINATOR if part == NUMERATOR else NUMERATOR
    has_other = engine.has_part(definition, other)
    amount = engine.field_at(model, definition.value_field) if definition.value_field else None
    return {
        "unit": unit,
        "period": period,
        "part_label": PART_LABELS.get(part, part),
        "other_label": PART_LABELS[other] if has_other else "",
        "other_url": selectors.drill_url(definition, unit, period, other) if has_other else "",
        "record_label": model._meta.verbose_name,
        "date_label": engine.field_at(model, definition.period_field).verbose_name,
        "amount_label": amount.verbose_name if amount is not None else "",
    }


def _row(definition: MetricDefinition, obj: models.Model) -> dict[str, Any]:
    unit = selectors.record_unit(definition, obj)
    return {
        "label": str(obj),
        "url": _absolute_url(obj),
        "unit": unit.name if unit is not None else "",
        "date": selectors.record_date(definition, obj),
        "amount": selectors.record_amount(definition, obj),
    }


def _absolute_url(obj: models.Model) -> str:
    method = getattr(obj, "get_absolute_url", None)
    if method is None:
        return ""
    try:
        url: str = method()
    except NoReverseMatch:  # the register's pages are not installed (yet)
        return ""
    return url
