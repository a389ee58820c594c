"""合法性审查 in the shared parts: pages, API, navigation, home tile, the daily sweep of review
periods, Excel import/export, metric definitions and the demo seeders."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from fazhi.core.kit import AppKit, NavEntry, Segment, Tile, declare

if TYPE_CHECKING:
    from fazhi.orgs.scoping import Actor

ORDER = 50  # INSTALLED_APPS and kit order (read by settings without importing this module)
LIST_URL = "/legality/reviews/"


def home_tiles(actor: Actor, today: dt.date) -> list[Tile]:
    """待审查 N 件，其中逾期 M 件 (items the actor's side reviews or sent)."""
    from fazhi.legality.selectors import todo_counts

    counts = todo_counts(actor, today)
    line = [Segment(f"待审查 {counts['pending']} 件")]
    if counts["overdue"]:
        line += [Segment("，其中"), Segment(f"逾期 {counts['overdue']} 件", "error")]
    if counts["returned"]:
        line.append(Segment(f"，退回补充待回 {counts['returned']} 件"))
    url = f"{LIST_URL}?overdue=1" if counts["overdue"] else f"{LIST_URL}?status=open"
    return [Tile("合法性审查", url, tuple(line))]


def sweep_deadlines(today: dt.date) -> str:
    """Reminders of review periods near their end or past it."""
    from fazhi.legality.services import deadlines_sweep

    found = deadlines_sweep(today=today)
    return (
        f"合法性审查期限临近 {found['soon']} 件、逾期 {found['overdue']} 件，"
        f"新提醒 {found['new']} 条"
    )


KIT = declare(
    AppKit(
        app="legality",
        order=ORDER,
        url_prefix="legality/",
        urls="fazhi.legality.views:reviews",
        api_prefix="/legality",
        api="fazhi.legality.api:router",
        nav=(NavEntry("合法性审查", LIST_URL, order=31),),
        home_tiles="fazhi.legality.kit:home_tiles",
        sweep="fazhi.legality.kit:sweep_deadlines",
        excel={"legality": "fazhi.legality.excel:REGISTER"},
        metric_fixture="fixtures/metrics.json",
        report_sentences="fixtures/report_sentences.json",
        dashboard_metrics=("legality.reviews", "legality.on_time_rate"),
        demo_county="fazhi.legality.demo:fill",
        demo_scale="fazhi.legality.demo:seed",
    )
)
