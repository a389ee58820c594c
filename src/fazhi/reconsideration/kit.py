"""行政复议 in the shared parts: pages, API, navigation, home tile, the daily 视为受理 sweep,
Excel import/export, metric definitions, dashboard figures and the demo county's cases."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from fazhi.core.kit import AppKit, NavEntry, Segment, Tile, declare

if TYPE_CHECKING:
    from fazhi.orgs.scoping import Actor

ORDER = 40  # INSTALLED_APPS and kit order (read by settings without importing this module)
CASES_URL = "/reconsideration/cases/"


def home_tiles(actor: Actor, today: dt.date) -> list[Tile]:
    """Open cases, with the overdue ones (linked) and overdue 意见书 replies."""
    from fazhi.reconsideration.selectors import todo_counts

    counts = todo_counts(actor, today)
    line = [Segment(f"在办 {counts['open']} 件")]
    if counts["overdue"]:
        line += [Segment("，"), Segment(f"逾期 {counts['overdue']} 件", "error")]
    if counts["letters_overdue"]:
        line.append(Segment(f"，意见书逾期未报送 {counts['letters_overdue']} 件"))
    url = f"{CASES_URL}?overdue=1" if counts["overdue"] else CASES_URL
    return [Tile("行政复议", url, tuple(line))]


def sweep_deadlines(today: dt.date) -> str:
    """视为受理 every case whose review period ended with no decision (行政复议法 第30条)."""
    from fazhi.orgs.scoping import Actor
    from fazhi.reconsideration.services import sweep

    return f"视为受理 {sweep(actor=Actor.command_line(), today=today)} 件"


KIT = declare(
    AppKit(
        app="reconsideration",
        order=ORDER,
        url_prefix="reconsideration/",
        urls="fazhi.reconsideration.urls",
        api_prefix="/reconsideration",
        api="fazhi.reconsideration.api:router",
        nav=(NavEntry("行政复议", CASES_URL, order=20),),
        home_tiles="fazhi.reconsideration.kit:home_tiles",
        sweep="fazhi.reconsideration.kit:sweep_deadlines",
        excel={"reconsideration": "fazhi.reconsideration.excel:REGISTER"},
        metric_fixture="fixtures/metrics.json",
        report_sentences="fixtures/report_sentences.json",
        dashboard_metrics=(
            "reconsideration.received",
            "reconsideration.closed",
            "reconsideration.correction_rate",
            "reconsideration.on_time_rate",
        ),
        demo_county="fazhi.reconsideration.demo_fillers:fill",
        demo_scale="fazhi.reconsideration.demo_scale:seed",
    )
)
