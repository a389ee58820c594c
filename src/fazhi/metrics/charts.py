"""Server-side SVG charts for the dashboard: horizontal bars and a line (pure; no ORM, no JS).

Each builder returns one inline ``<svg role="img">`` whose ``<title>`` names the chart and whose
``<desc>`` lists the figures as text, so a screen reader (or a printout) gets the same facts as
the picture. Every bar and point carries its own ``<title>`` (a tooltip) and, when given, links
to the records behind it. All text is escaped here; the result is safe to insert as is. A chart
with nothing to show (no items, or only "—") says 暂无数据.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

EMPTY_TEXT = "暂无数据"
WIDTH = 640
LABEL_CHARS = 9  # longer axis labels are cut with "…" (the full text stays in <title>)

# horizontal bars
BAR_LABEL_W, BAR_VALUE_W, BAR_TOP, BAR_ROW, BAR_H = 160, 76, 26, 30, 18
# line
LINE_H, LINE_LEFT, LINE_RIGHT, LINE_TOP, LINE_BOTTOM = 260, 52, 16, 18, 34


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
    def tooltip(self) -> str:
        return f"{self.full_label or self.label}：{self.display}"


# --- scaling -----------------------------------------------------------------------------------
def nice_scale(maximum: float, *, ticks: int = 5, integer: bool = False) -> tuple[float, float]:
    """``(top, step)`` of a value axis from 0 with at most ``ticks`` intervals: ``step`` is the
    smallest 1, 2, 2.5 or 5 × 10ⁿ (1, 2 or 5 × 10ⁿ and at least 1 when ``integer``) that fits,
    and ``top`` the first multiple of ``step`` ≥ ``maximum``. A maximum ≤ 0 gives 0..1."""
    maximum = maximum if maximum > 0 else 1.0
    raw = maximum / ticks
    magnitude = 10.0 ** math.floor(math.log10(raw))
    factors = (1.0, 2.0, 5.0, 10.0) if integer else (1.0, 2.0, 2.5, 5.0, 10.0)
    step = next(f * magnitude for f in factors if f * magnitude >= raw * (1 - 1e-9))
    if integer:
        step = max(step, 1.0)
    top = step * math.ceil(maximum / step - 1e-9)
    return float(f"{top:.10g}"), float(f"{step:.10g}")


def tick_values(top: float, step: float) -> list[float]:
    """0, step, 2·step, …, top."""
    count = round(top / step)
    return [round(i * step, 10) for i in range(count + 1)]


def number_text(value: float) -> str:
    """A tick label: 5 → "5", 2.5 → "2.5", 0.25 → "0.25"."""
    return f"{value:.10g}"


def short_label(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _known(data: Sequence[Datum]) -> list[float]:
    return [float(d.value) for d in data if d.value is not None]


def _integer_axis(data: Sequence[Datum]) -> bool:
    return all(d.value == d.value.to_integral_value() for d in data if d.value is not None)


# --- svg pieces --------------------------------------------------------------------------------
def _open(chart_id: str, title: str, desc: str, height: int, css: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css}" id="{escape(chart_id)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>'
    )


def _description(data: Sequence[Datum]) -> str:
    return "；".join(d.tooltip for d in data)


def _empty(chart_id: str, title: str, css: str) -> SafeString:
    height = 80
    return mark_safe(  # every piece is escaped above
        _open(chart_id, title, EMPTY_TEXT, height, f"{css} empty")
        + f'<text class="empty-text" x="{WIDTH // 2}" y="{height // 2}" '
        f'text-anchor="middle" dominant-baseline="middle">{EMPTY_TEXT}</text></svg>'
    )


def _linked(markup: str, url: str) -> str:
    return f'<a href="{escape(url)}">{markup}</a>' if url else markup


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


# --- bar chart ---------------------------------------------------------------------------------
def bar_chart(data: Sequence[Datum], *, title: str, chart_id: str = "bar-chart") -> SafeString:
    """Horizontal bars, one row per datum (in the given order), lengths proportional to the
    values on an axis from 0 to a "nice" top; value text after each bar; "—" rows have no bar."""
    known = _known(data)
    if not known:
        return _empty(chart_id, title, "bars")
    top, step = nice_scale(max(known), integer=_integer_axis(data))
    height = BAR_TOP + BAR_ROW * len(data) + 8
    parts = [_open(chart_id, title, _description(data), height, "bars")]
    parts += _bar_axis(top, step, height)
    parts += [_bar_row(i, datum, top) for i, datum in enumerate(data)]
    return mark_safe("".join(parts) + "</svg>")  # every piece is escaped


def _bar_plot_width() -> int:
    return WIDTH - BAR_LABEL_W - BAR_VALUE_W


def _bar_x(value: float, top: float) -> float:
    return BAR_LABEL_W + _bar_plot_width() * value / top


def _bar_axis(top: float, step: float, height: int) -> list[str]:
    parts = []
    for tick in tick_values(top, step):
        x = _fmt(_bar_x(tick, top))
        parts.append(
            f'<line class="grid" x1="{x}" x2="{x}" y1="{BAR_TOP - 4}" y2="{height - 8}"/>'
            f'<text class="tick" x="{x}" y="{BAR_TOP - 10}" text-anchor="middle">'
            f"{number_text(tick)}</text>"
        )
    return parts


def _bar_row(index: int, datum: Datum, top: float) -> str:
    y = BAR_TOP + index * BAR_ROW + (BAR_ROW - BAR_H) / 2
    middle = _fmt(y + BAR_H / 2)
    label = (
        f'<text class="label" x="{BAR_LABEL_W - 8}" y="{middle}" text-anchor="end" '
        f'dominant-baseline="middle">{escape(short_label(datum.label))}</text>'
    )
    end: float = BAR_LABEL_W
    mark = ""
    if datum.value is not None:
        length = _bar_x(float(datum.value), top) - BAR_LABEL_W
        end = BAR_LABEL_W + length
        mark = (
            f'<rect class="bar" x="{BAR_LABEL_W}" y="{_fmt(y)}" width="{_fmt(length)}" '
            f'height="{BAR_H}" data-value="{escape(str(datum.value))}"/>'
        )
    value = (
        f'<text class="value" x="{_fmt(end + 6)}" y="{middle}" '
        f'dominant-baseline="middle">{escape(datum.display)}</text>'
    )
    return (
        f'<g class="row"><title>{escape(datum.tooltip)}</title>{label}'
        f"{_linked(mark + value, datum.url)}</g>"
    )


# --- line chart --------------------------------------------------------------------------------
def line_chart(data: Sequence[Datum], *, title: str, chart_id: str = "line-chart") -> SafeString:
    """A line through the data in order (evenly spaced, labels under the x axis), on a value
    axis from 0 to a "nice" top; a "—" point breaks the line; each point has a tooltip."""
    known = _known(data)
    if not known:
        return _empty(chart_id, title, "line")
    top, step = nice_scale(max(known), integer=_integer_axis(data))
    parts = [_open(chart_id, title, _description(data), LINE_H, "line")]
    parts += _line_axis(top, step)
    parts += [_x_label(i, len(data), d.label) for i, d in enumerate(data)]
    parts += [_segment(points) for points in _segments(data, top) if len(points) > 1]
    parts += [_point(i, len(data), d, top) for i, d in enumerate(data) if d.value is not None]
    return mark_safe("".join(parts) + "</svg>")  # every piece is escaped


def _line_x(index: int, count: int) -> float:
    width = WIDTH - LINE_LEFT - LINE_RIGHT
    return LINE_LEFT + width * (index + 0.5) / count


def _line_y(value: float, top: float) -> float:
    height = LINE_H - LINE_TOP - LINE_BOTTOM
    return LINE_TOP + height * (1 - value / top)


def _line_axis(top: float, step: float) -> list[str]:
    parts = []
    for tick in tick_values(top, step):
        y = _fmt(_line_y(tick, top))
        parts.append(
            f'<line class="grid" x1="{LINE_LEFT}" x2="{WIDTH - LINE_RIGHT}" y1="{y}" y2="{y}"/>'
            f'<text class="tick" x="{LINE_LEFT - 6}" y="{y}" text-anchor="end" '
            f'dominant-baseline="middle">{number_text(tick)}</text>'
        )
    return parts


def _x_label(index: int, count: int, label: str) -> str:
    return (
        f'<text class="label" x="{_fmt(_line_x(index, count))}" y="{LINE_H - LINE_BOTTOM + 20}" '
        f'text-anchor="middle">{escape(short_label(label, 6))}</text>'
    )


def _segments(data: Sequence[Datum], top: float) -> list[list[tuple[float, float]]]:
    """Runs of consecutive known values as (x, y) points."""
    runs: list[list[tuple[float, float]]] = [[]]
    for i, datum in enumerate(data):
        if datum.value is None:
            runs.append([])
        else:
            runs[-1].append((_line_x(i, len(data)), _line_y(float(datum.value), top)))
    return [run for run in runs if run]


def _segment(points: list[tuple[float, float]]) -> str:
    coords = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in points)
    return f'<polyline class="trend" fill="none" points="{coords}"/>'


def _point(index: int, count: int, datum: Datum, top: float) -> str:
    assert datum.value is not None
    x, y = _fmt(_line_x(index, count)), _fmt(_line_y(float(datum.value), top))
    dot = (
        f'<circle class="point" cx="{x}" cy="{y}" r="4" '
        f'data-value="{escape(str(datum.value))}"><title>{escape(datum.tooltip)}</title></circle>'
    )
    return _linked(dot, datum.url)
