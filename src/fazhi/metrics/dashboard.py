"""领导驾驶舱 (``/metrics/dashboard/``): the key metrics of a unit's subtree for a year against the
year before, the same figures for each direct sub-unit (a sortable table and a bar chart of one
chosen metric) and by month (a table and a line chart). Every figure links to its records.

All figures come from :mod:`fazhi.metrics.selectors` (scoped, a constant number of queries
however many sub-units there are); the charts are Apache ECharts drawn from the figures
:mod:`fazhi.metrics.charts` puts in the page, each with its table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from fazhi.core.dates import MAX_YEAR, MIN_YEAR
from fazhi.core.kit import kits
from fazhi.core.registers import actor_of
from fazhi.metrics import charts, engine, selectors
from fazhi.metrics.engine import MetricValue
from fazhi.metrics.models import MetricDefinition
from fazhi.metrics.periods import Period
from fazhi.metrics.views import unit_param
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor

YEARS_OFFERED = 6
PERCENT = "%"


def key_codes() -> tuple[str, ...]:
    """The figures on the cards, in the table columns and in the monthly table (those in force):
    every kit's ``dashboard_metrics``, in kit order."""
    return tuple(code for kit in kits() for code in kit.dashboard_metrics)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    unit = unit_param(request, actor)
    today = timezone.localdate()
    year = year_param(
        request.GET.get("year", ""), lambda: selectors.latest_year_with_data(actor, unit, today)
    )
    definitions = selectors.definitions_for_year(year)
    key = key_definitions(definitions)
    group = group_param(request.GET.get("group", ""), key)
    columns = [d for d in key if d.group == group] if group else key
    chart = chart_definition(request.GET.get("metric", ""), definitions, columns)
    context = {
        "title": "领导驾驶舱",
        "unit": unit,
        "year": year,
        "group": group,
        "group_options": group_names(key),
        **_pickers(actor, unit, year, today, definitions, chart),
        **_comparisons(actor, unit, year, today, key),
        **_figures(actor, unit, year, today, columns, chart, group),
    }
    return render(request, "metrics/dashboard.html", context)


# --- parameters --------------------------------------------------------------------------------
def year_param(text: str, default: Any) -> int:
    """``?year=2024``; blank → ``default()``; anything else outside MIN_YEAR..MAX_YEAR → 404."""
    text = text.strip().removesuffix("年")
    if not text:
        year: int = default()
        return year
    if not text.isdigit() or not MIN_YEAR <= int(text) <= MAX_YEAR:
        raise Http404(f"年份“{text}”无效")
    return int(text)


def key_definitions(definitions: Sequence[MetricDefinition]) -> list[MetricDefinition]:
    """The key metrics in force (all metrics when none of :func:`key_codes` is)."""
    codes = key_codes()
    key = [d for d in definitions if d.code in codes]
    key.sort(key=lambda d: codes.index(d.code))
    return key or list(definitions)


def group_names(key: Sequence[MetricDefinition]) -> list[str]:
    """The groups of the key metrics (行政复议, 行政应诉, 行政执法 …), in the order of their first
    key metric."""
    return list(dict.fromkeys(d.group for d in key))


def group_param(text: str, key: Sequence[MetricDefinition]) -> str:
    """``?group=行政执法`` limits the sub-unit and monthly tables to that group's key metrics;
    blank or unknown → all groups (never an error: the cards show every group anyway)."""
    text = text.strip()
    return text if text in group_names(key) else ""


def chart_definition(
    code: str, definitions: Sequence[MetricDefinition], key: Sequence[MetricDefinition]
) -> MetricDefinition | None:
    """The metric named by ``?metric=`` if in force this year, else the first key metric."""
    chosen = [d for d in definitions if d.code == code.strip()] or list(key)
    return chosen[0] if chosen else None


def _pickers(
    actor: Actor,
    unit: OrgUnit,
    year: int,
    today: dt.date,
    definitions: Sequence[MetricDefinition],
    chart: MetricDefinition | None,
) -> dict[str, Any]:
    top = actor.unit.depth
    units = [
        (u.code, "\u3000" * max(u.depth - top, 0) + u.name, u.pk == unit.pk)
        for u in selectors.units_to_pick(actor, unit)
    ]
    years = sorted({*range(today.year, today.year - YEARS_OFFERED, -1), year}, reverse=True)
    metrics = [(d.code, f"{d.group} · {d.name}", d is chart) for d in definitions]
    return {"unit_options": units, "year_options": years, "metric_options": metrics}


# --- this year against the one before ------------------------------------------------------------
@dataclass(frozen=True)
class Comparison:
    """A key metric this year and in the comparison period (the year before, or the same part
    of it when this year is still running)."""

    current: MetricValue
    previous: MetricValue | None

    @property
    def delta(self) -> Decimal | None:
        if self.previous is None or self.current.value is None or self.previous.value is None:
            return None
        return self.current.value - self.previous.value

    @property
    def direction(self) -> str:
        """``up``, ``down``, ``same``, or empty when there is nothing to compare."""
        if self.delta is None:
            return ""
        return "up" if self.delta > 0 else "down" if self.delta < 0 else "same"

    @property
    def arrow(self) -> str:
        return {"up": "▲", "down": "▼", "same": "＝"}.get(self.direction, "")

    @property
    def change_text(self) -> str:
        """增加 2件 / 下降 3.5个百分点 / 持平 / 无可比数据."""
        if self.delta is None:
            return "无可比数据"
        if self.delta == 0:
            return "持平"
        unit = self.current.display_unit
        unit = "个百分点" if unit == PERCENT else unit
        verb = "增加" if self.delta > 0 else "下降"
        return f"{verb} {abs(self.delta)}{unit}"


def comparison_periods(year: int, today: dt.date) -> tuple[Period, Period | None, str]:
    """(this year, the period compared against, its label). While ``year`` is running, the
    comparison is the same part of the year before (1 January to the same day)."""
    current = Period.for_year(year)
    if year - 1 < MIN_YEAR:
        return current, None, ""
    if year != today.year:
        return current, Period.for_year(year - 1), f"{year - 1}年"
    same_day = _same_day(today, year - 1)
    previous = Period.for_range(dt.date(year - 1, 1, 1), same_day)
    return current, previous, f"上年同期（{year - 1}年1月1日至{same_day.month}月{same_day.day}日）"


def _same_day(day: dt.date, year: int) -> dt.date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


def _comparisons(
    actor: Actor, unit: OrgUnit, year: int, today: dt.date, key: list[MetricDefinition]
) -> dict[str, Any]:
    current, previous, label = comparison_periods(year, today)
    now = selectors.metric_values(actor=actor, unit=unit, period=current, definitions=key)
    before: dict[str, MetricValue] = {}
    if previous is not None:
        codes = [d.code for d in key]
        values = selectors.metric_values(actor=actor, unit=unit, period=previous, codes=codes)
        before = {v.code: v for v in values}
    cards = [Comparison(v, before.get(v.code)) for v in now]
    groups: dict[str, list[Comparison]] = {}
    for card in cards:
        groups.setdefault(card.current.group, []).append(card)
    return {"cards": cards, "card_groups": list(groups.items()), "previous_label": label}


# --- by sub-unit and by month ------------------------------------------------------------------
@dataclass(frozen=True)
class Cell:
    value: MetricValue

    @property
    def sort(self) -> str:
        """The number the table sorts by ("" for "—", which sorts last)."""
        return "" if self.value.value is None else str(self.value.value)

    @property
    def url(self) -> str:
        """The records behind the figure; none for "—" (a rate over no cases)."""
        return "" if self.value.value is None else self.value.numerator_url


@dataclass(frozen=True)
class Row:
    """A table row: the key metrics as ``cells``; ``by_code`` also holds the chart's metric."""

    label: str
    url: str  # this row's own dashboard ("" for 本级, 合计 and months)
    cells: list[Cell]
    by_code: dict[str, MetricValue]


def make_row(label: str, url: str, values: list[MetricValue], columns: Sequence[str]) -> Row:
    by_code = {v.code: v for v in values}
    cells = [Cell(by_code[code]) for code in columns if code in by_code]
    return Row(label, url, cells, by_code)


def _figures(
    actor: Actor,
    unit: OrgUnit,
    year: int,
    today: dt.date,
    key: list[MetricDefinition],
    chart: MetricDefinition | None,
    group: str = "",
) -> dict[str, Any]:
    codes = [d.code for d in key]
    if chart is not None and chart.code not in codes:
        codes.append(chart.code)
    period = Period.for_year(year)
    breakdown = selectors.metric_breakdown(actor=actor, unit=unit, period=period, codes=codes)
    trend = selectors.metric_trend(actor=actor, unit=unit, year=year, codes=codes)
    columns = [d.code for d in key]
    rows = child_rows(breakdown, year, chart, columns, group)
    months = [make_row(p.label, "", v, columns) for p, v in trend if not _future(p, today)]
    return {
        "columns": key,
        "rows": rows,
        "own": make_row(f"{unit.display_name}本级", "", breakdown.own, columns),
        "total": make_row("合计", "", breakdown.total, columns),
        "months": months,
        "chart": chart,
        **_charts(actor, unit, year, today, rows, trend, chart),
    }


def child_rows(
    breakdown: selectors.Breakdown,
    year: int,
    chart: MetricDefinition | None,
    columns: Sequence[str],
    group: str = "",
) -> list[Row]:
    """One row per direct sub-unit (tree order), each linked to that sub-unit's dashboard
    (same chart metric and group)."""
    metric = {"metric": chart.code} if chart is not None else {}
    if group:
        metric["group"] = group
    return [
        make_row(child.display_name, _dashboard_query(child, year, metric), values, columns)
        for child, values in breakdown.children
    ]


def _dashboard_query(unit: OrgUnit, year: int, extra: dict[str, str]) -> str:
    return "?" + urlencode({"unit": unit.code, "year": year, **extra})


def _future(period: Period, today: dt.date) -> bool:
    return period.start > today


def _charts(
    actor: Actor,
    unit: OrgUnit,
    year: int,
    today: dt.date,
    rows: list[Row],
    trend: list[tuple[Period, list[MetricValue]]],
    chart: MetricDefinition | None,
) -> dict[str, Any]:
    """The bar chart of the chosen metric by sub-unit (the top and bottom
    ``FAZHI_DASHBOARD_CHART_TOP_N`` first) and its line by month, this year against the year
    before (one more query for the year before's months)."""
    if chart is None:
        return {"bar_chart": None, "line_chart": None}
    measure = f"{chart.name}（{chart.display_unit}）" if chart.display_unit else chart.name
    bars = [bar_datum(row, chart.code) for row in rows]
    lines = [(f"{year}年", [month_datum(p, values, chart.code, today) for p, values in trend])]
    if year - 1 >= MIN_YEAR:
        before = selectors.metric_trend(actor=actor, unit=unit, year=year - 1, codes=[chart.code])
        lines.append((f"{year - 1}年", [month_datum(p, v, chart.code, today) for p, v in before]))
    return {
        "bar_chart": charts.bar_chart(
            bars,
            title=f"{unit.display_name}各下级单位{chart.name}（{year}年）",
            chart_id="bars",
            series=measure,
            limit=settings.FAZHI_DASHBOARD_CHART_TOP_N,
        ),
        "line_chart": charts.line_chart(
            lines, title=f"{unit.display_name}{year}年各月{chart.name}", chart_id="trend"
        ),
        "bar_caption": f"{measure}，各下级单位含其下级单位，从高到低排列；点击条形查看记录。",
        "line_caption": f"{measure}按月，与上年各月比较；点击数据点查看记录。",
    }


def bar_datum(row: Row, code: str) -> charts.Datum:
    value = row.by_code.get(code)
    if value is None:
        return charts.Datum(row.label, None, engine.EMPTY)
    return charts.Datum(row.label, value.value, value.display, value.numerator_url)


def month_datum(
    period: Period, values: list[MetricValue], code: str, today: dt.date
) -> charts.Datum:
    """A point of the monthly line; months still to come have no point."""
    label, full = f"{period.start.month}月", period.label
    value = next((v for v in values if v.code == code), None)
    if value is None or _future(period, today):
        return charts.Datum(label, None, engine.EMPTY, full_label=full)
    return charts.Datum(label, value.value, value.display, value.numerator_url, full)
