"""法律顾问 in the shared parts: the roster and participation pages, API, navigation, home tile,
the daily 聘期届满 sweep (with the coverage rows and the counted participations), Excel, metrics,
report sentences and the county demo filler."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from fazhi.core.kit import AppKit, NavEntry, Segment, Tile, declare

if TYPE_CHECKING:
    from fazhi.orgs.scoping import Actor

ORDER = 69  # INSTALLED_APPS and kit order (read by settings without importing this module)
LIST_URL = "/counsel/roster/"


def home_tiles(actor: Actor, today: dt.date) -> list[Tile]:
    """在聘 advisers, those whose term ends within 30 days, and those whose term has ended
    but who are still shown 在聘 (until the daily sweep marks them)."""
    from fazhi.counsel.selectors import EXPIRING_DAYS, todo_counts

    counts = todo_counts(actor, today)
    line = [Segment(f"在聘 {counts['active']} 人")]
    if counts["expiring"]:
        line += [
            Segment("，"),
            Segment(f"{EXPIRING_DAYS} 日内聘期届满 {counts['expiring']} 人", "error"),
        ]
    if counts["ended"]:
        line += [Segment("，"), Segment(f"聘期已届满待处理 {counts['ended']} 人", "error")]
    return [Tile("法律顾问", LIST_URL, tuple(line))]


def sweep_deadlines(today: dt.date) -> str:
    """聘期届满 for every adviser whose contract ended (the command line takes the step)."""
    from fazhi.counsel.services import sweep
    from fazhi.orgs.scoping import Actor

    return f"法律顾问聘期届满 {sweep(actor=Actor.command_line(), today=today)} 人"


KIT = declare(
    AppKit(
        app="counsel",
        order=ORDER,
        url_prefix="counsel/",
        urls="fazhi.counsel.views:registers",
        api_prefix="/counsel",
        api="fazhi.counsel.api:router",
        nav=(NavEntry("法律顾问", LIST_URL, order=42),),
        home_tiles="fazhi.counsel.kit:home_tiles",
        sweep="fazhi.counsel.kit:sweep_deadlines",
        excel={
            "counsel": "fazhi.counsel.excel:REGISTER",
            "counsel_participations": "fazhi.counsel.excel:PARTICIPATION_REGISTER",
        },
        metric_fixture="fixtures/metrics.json",
        report_sentences="fixtures/report_sentences.json",
        dashboard_metrics=("counsel.coverage_rate",),
        audit_names={
            "counsel.register": "法律顾问·登记",
            "counsel.participation": "法律顾问·登记参与事项",
        },
        demo_county="fazhi.counsel.demo:fill",
    )
)
