"""人民调解 in the shared parts: pages, API, navigation, home tile, the daily 任期届满 sweep of
the committees, Excel import/export, metric definitions, report sentences, deadline rules and
the demo filler."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from fazhi.core.kit import AppKit, NavEntry, Segment, Tile, declare

if TYPE_CHECKING:
    from fazhi.orgs.scoping import Actor

ORDER = 66  # INSTALLED_APPS and kit order (read by settings without importing this module)
LIST_URL = "/mediation/cases/"
COMMITTEES_URL = "/mediation/committees/"


def home_tiles(actor: Actor, today: dt.date) -> list[Tile]:
    """调解中的纠纷 and 任期届满未换届的调委会."""
    from fazhi.mediation.selectors import todo_counts

    counts = todo_counts(actor)
    if not counts["open"] and not counts["ended"]:
        return []
    line = [Segment(f"调解中的纠纷 {counts['open']} 件")]
    if counts["ended"]:
        line += [Segment("，"), Segment(f"任期届满未换届的调委会 {counts['ended']} 个", "error")]
    return [Tile("人民调解", LIST_URL, tuple(line))]


def sweep_deadlines(today: dt.date) -> str:
    """任期届满 for every committee whose term ended (the command line takes the step)."""
    from fazhi.mediation.services import sweep
    from fazhi.orgs.scoping import Actor

    return f"人民调解委员会任期届满 {sweep(actor=Actor.command_line(), today=today)} 个"


KIT = declare(
    AppKit(
        app="mediation",
        order=ORDER,
        url_prefix="mediation/",
        urls="fazhi.mediation.views:registers",
        api_prefix="/mediation",
        api="fazhi.mediation.api:router",
        nav=(NavEntry("人民调解", LIST_URL, order=39),),
        home_tiles="fazhi.mediation.kit:home_tiles",
        sweep="fazhi.mediation.kit:sweep_deadlines",
        excel={
            "mediation": "fazhi.mediation.excel:CASES",
            "mediation_committees": "fazhi.mediation.excel:COMMITTEES",
            "mediation_mediators": "fazhi.mediation.excel:MEDIATORS",
        },
        metric_fixture="fixtures/metrics.json",
        report_sentences="fixtures/report_sentences.json",
        dashboard_metrics=("mediation.cases", "mediation.success_rate"),
        audit_names={
            "mediation.register": "人民调解·受理纠纷",
            "mediation_committee.register": "人民调解·登记调委会",
            "mediation_mediator.register": "人民调解·登记调解员",
        },
        demo_county="fazhi.mediation.demo:fill",
    )
)
