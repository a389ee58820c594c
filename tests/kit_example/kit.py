"""法律顾问 in the shared parts: pages, API, navigation, home tile, the daily 聘期届满 sweep,
Excel import/export, a metric definition and the demo seeders."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from fazhi.core.kit import AppKit, NavEntry, Segment, Tile, declare

if TYPE_CHECKING:
    from fazhi.orgs.scoping import Actor

ORDER = 95  # INSTALLED_APPS and kit order (read by settings without importing this module)
LIST_URL = "/kit-counsel/counsels/"


def home_tiles(actor: Actor, today: dt.date) -> list[Tile]:
    """在聘 counsels, and those whose contract ends within 30 days."""
    from tests.kit_example.selectors import todo_counts

    counts = todo_counts(actor, today)
    line = [Segment(f"在聘 {counts['active']} 人")]
    if counts["expiring"]:
        line += [Segment("，"), Segment(f"30 日内聘期届满 {counts['expiring']} 人", "error")]
    return [Tile("法律顾问（示例）", LIST_URL, tuple(line))]


def sweep_deadlines(today: dt.date) -> str:
    """聘期届满 for every counsel whose contract ended (the command line takes the step)."""
    from tests.kit_example.services import sweep

    from fazhi.orgs.scoping import Actor

    return f"法律顾问合同到期 {sweep(actor=Actor.command_line(), today=today)} 人"


KIT = declare(
    AppKit(
        app="kit_example",
        order=ORDER,
        url_prefix="kit-counsel/",
        urls="tests.kit_example.views:counsels",
        api_prefix="/kit-counsel",
        api="tests.kit_example.api:router",
        nav=(NavEntry("法律顾问（示例）", LIST_URL, order=36),),
        home_tiles="tests.kit_example.kit:home_tiles",
        sweep="tests.kit_example.kit:sweep_deadlines",
        excel={"counsels": "tests.kit_example.excel:REGISTER"},
        metric_fixture="fixtures/metrics.json",
        dashboard_metrics=("kit_example.counsels",),
        demo_county="tests.kit_example.demo:fill",
        demo_scale="tests.kit_example.demo:seed",
    )
)
