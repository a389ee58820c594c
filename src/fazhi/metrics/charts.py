"""The dashboard's charts as data for Apache ECharts (pure: no ORM, no HTML, no JavaScript).

A builder returns a :class:`Chart`: its figures as JSON for the page's ``data-chart`` attribute
(``static/js/charts.js`` draws it with ECharts, served from ``static/vendor/echarts/``, installed
by ``make install``) and the same figures as a table (``headers`` and ``rows``) that the template
prints next to the chart: for screen readers, for a page without JavaScript, and for anything
that needs the figures without a browser (a printout, a .docx). A chart with nothing to show (no
items, or only "—") has ``empty`` set and the page says 暂无数据 instead.

A bar chart over many units (more than twice ``limit``) shows the ``limit`` highest and the
``limit`` lowest values first, the others behind a “显示全部 N 个单位” toggle: ranking 69 units of
which most have 0 is not read from 69 bars.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

EMPTY_TEXT = "暂无数据"
DEFAULT_LIMIT = 10
TOP, BOTTOM, REST, ALL = "top", "bottom", "rest", "all"


@dataclass(frozen=True)
class Datum:
    """One bar or point: its axis ``label``, value (None: nothing to show, e.g. a rate over no
    cases), the text shown for it (``display``, e.g. "3件", "50.0%", "—"), an optional link and
    an optional full name for the tooltip (defaults to ``label``)."""

    label: str
    value: Decimal | None
    display: str
    url: str = ""
    full_label: str = ""

    @property
    def name(self) -> str:
        return self.full_label or self.label

    @property
    def tooltip(self) -> str:
        return f"{self.name}：{self.display}"

    def as_json(self, group: str = ALL) -> dict[str, Any]:
        number = None if self.value is None else float(self.value)
        return {
            "label": self.label,
            "name": self.name,
            "value": number,
            "display": self.display,
            "url": self.url,
            "group": group,
        }


@dataclass(frozen=True)
class Split:
    """A ranking cut for the folded bar chart: the ``top`` and ``bottom`` values (highest first)
    shown at first, and the ``rest`` (the middle, then the "—" ones) behind the toggle."""

    top: list[Datum]
    bottom: list[Datum]
    rest: list[Datum]

    @property
    def folded(self) -> bool:
        return bool(self.rest)

    def ranked(self) -> list[tuple[str, Datum]]:
        """Every datum with its group, highest value first and "—" last."""
        known = [d for d in self.rest if d.value is not None]
        unknown = [d for d in self.rest if d.value is None]
        return (
            [(TOP, d) for d in self.top]
            + [(REST, d) for d in known]
            + [(BOTTOM, d) for d in self.bottom]
            + [(REST, d) for d in unknown]
        )


@dataclass(frozen=True)
class Chart:
    """What the template needs: ``data`` (JSON for ``data-chart``) and the table of figures."""

    chart_id: str
    kind: str
    title: str
    empty: bool
    headers: list[str]
    rows: list[tuple[str, list[Datum]]]
    spec: dict[str, Any] = field(repr=False)

    @property
    def data(self) -> str:
        """The chart as JSON (the template escapes it into an attribute)."""
        return json.dumps(self.spec, ensure_ascii=False, separators=(",", ":"))

    @property
    def total(self) -> int:
        return int(self.spec.get("total", 0))

    @property
    def folded(self) -> bool:
        return bool(self.spec.get("folded"))

    @property
    def limit(self) -> int:
        return int(self.spec.get("limit", 0))


def ranked(data: Sequence[Datum]) -> list[Datum]:
    """Highest value first (equal values keep their given order), "—" last in the given order."""
    known = sorted((d for d in data if d.value is not None), key=lambda d: -(d.value or 0))
    return known + [d for d in data if d.value is None]


def top_bottom(data: Sequence[Datum], limit: int = DEFAULT_LIMIT) -> Split:
    """The ``limit`` highest and ``limit`` lowest values when there are more than ``2 × limit``
    data, the rest apart; otherwise everything in ``top`` (nothing folded)."""
    limit = max(limit, 1)
    order = ranked(data)
    if len(order) <= 2 * limit:
        return Split(order, [], [])
    known = [d for d in order if d.value is not None]
    unknown = order[len(known) :]
    top = known[:limit]
    bottom = known[max(limit, len(known) - limit) :]
    middle = known[limit : len(known) - len(bottom)]
    return Split(top, bottom, middle + unknown)


def bar_chart(
    data: Sequence[Datum],
    *,
    title: str,
    chart_id: str = "bar-chart",
    series: str = "",
    limit: int = DEFAULT_LIMIT,
) -> Chart:
    """Horizontal bars ranked from the highest value; over ``2 × limit`` units the top and
    bottom ``limit`` first (legend: 前N名 / 后N名 / 其余单位), the rest behind the toggle.
    The table lists every datum in ranked order."""
    split = top_bottom(data, limit)
    names = {
        TOP: f"前{len(split.top)}名",
        BOTTOM: f"后{len(split.bottom)}名",
        REST: "其余单位",
        ALL: series or title,
    }
    grouped = split.ranked() if split.folded else [(ALL, d) for d in split.top]
    spec = {
        "kind": "bar",
        "title": title,
        "items": [
            {**d.as_json(group), "rank": None if d.value is None else place}
            for place, (group, d) in enumerate(grouped, start=1)
        ],
        "names": names,
        "folded": split.folded,
        "limit": limit,
        "total": len(data),
        "shown": len(split.top) + len(split.bottom),
    }
    rows = [(d.name, [d]) for _, d in grouped]
    return Chart(chart_id, "bar", title, _empty(data), ["单位", series or "数值"], rows, spec)


def line_chart(
    series: Sequence[tuple[str, Sequence[Datum]]],
    *,
    title: str,
    chart_id: str = "line-chart",
) -> Chart:
    """One line per ``(name, data)`` over the first series' labels (e.g. this year and the year
    before by month); a "—" point breaks its line. The table has a row per label and a column
    per series."""
    series = [(name, list(data)) for name, data in series if data]
    labels = [d.label for d in series[0][1]] if series else []
    spec = {
        "kind": "line",
        "title": title,
        "labels": labels,
        "series": [{"name": name, "items": [d.as_json() for d in data]} for name, data in series],
    }
    rows = [
        (
            series[0][1][i].label,
            [data[i] if i < len(data) else Datum("", None, "—") for _, data in series],
        )
        for i in range(len(labels))
    ]
    headers = ["月份", *(name for name, _ in series)]
    empty = all(_empty(data) for _, data in series)
    return Chart(chart_id, "line", title, empty, headers, rows, spec)


def _empty(data: Sequence[Datum]) -> bool:
    return all(d.value is None for d in data)
