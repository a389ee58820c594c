"""行政应诉 in the shared parts: pages, API, navigation, home tile, the daily 答辩举证 / 上诉
deadline reminders, Excel import/export, metric definitions, dashboard figures and the demo
county's cases. Its deadline rules ship in ``fixtures/deadline_rules.json``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from fazhi.core.kit import AppKit, NavEntry, Segment, Tile, declare

if TYPE_CHECKING:
    from fazhi.orgs.scoping import Actor

ORDER = 50  # INSTALLED_APPS and kit order (read by settings without importing this module)
CASES_URL = "/litigation/cases/"


def home_tiles(actor: Actor, today: dt.date) -> list[Tile]:
    """Pending cases, unanswered 司法建议 and open 败诉剖析."""
    from fazhi.litigation.selectors import todo_counts

    counts = todo_counts(actor, today)
    line = [Segment(f"审理中 {counts['pending']} 件")]
    if counts["overdue"]:
        line += [Segment("，"), Segment(f"期限已过 {counts['overdue']} 件", "error")]
    if counts["suggestions_unanswered"]:
        line.append(Segment(f"，司法建议待答复 {counts['suggestions_unanswered']} 件"))
    if counts["reviews_open"]:
        line.append(Segment(f"，败诉剖析待完成 {counts['reviews_open']} 项"))
    url = f"{CASES_URL}?overdue=1" if counts["overdue"] else CASES_URL
    return [Tile("行政应诉", url, tuple(line))]


def sweep_deadlines(today: dt.date) -> str:
    """Reminders of 答辩举证 (行政诉讼法第67条) and 上诉 (第85条) deadlines near or past."""
    from fazhi.litigation.services import deadlines_sweep

    return f"行政应诉期限提醒 {deadlines_sweep(today=today)} 条"


KIT = declare(
    AppKit(
        app="litigation",
        order=ORDER,
        url_prefix="litigation/",
        urls="fazhi.litigation.urls",
        api_prefix="/litigation",
        api="fazhi.litigation.api:router",
        nav=(NavEntry("行政应诉", CASES_URL, order=22),),
        home_tiles="fazhi.litigation.kit:home_tiles",
        sweep="fazhi.litigation.kit:sweep_deadlines",
        excel={"litigation": "fazhi.litigation.excel:REGISTER"},
        metric_fixture="fixtures/metrics.json",
        report_sentences="fixtures/report_sentences.json",
        dashboard_metrics=(
            "litigation.cases",
            "litigation.loss_rate",
            "litigation.head_rate_hearing",
        ),
        demo_county="fazhi.litigation.demo_fillers:fill",
        demo_scale="fazhi.litigation.demo_scale:seed",
    )
)
