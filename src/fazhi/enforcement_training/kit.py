"""行政执法培训 in the shared parts: pages, API, navigation, home tile, the daily refresh of the
year's hours per officer, Excel import/export of attendance, metric definitions, report
sentences and the demo filler."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from fazhi.core.kit import AppKit, NavEntry, Segment, Tile, declare

if TYPE_CHECKING:
    from fazhi.orgs.scoping import Actor

ORDER = 58  # INSTALLED_APPS and kit order (read by settings without importing this module)
HOURS_URL = "/enforcement-training/hours/"


def home_tiles(actor: Actor, today: dt.date) -> list[Tile]:
    """本年度培训学时未达标 N 人 (officers holding a certificate, in the actor's subtree)."""
    from fazhi.enforcement_training.selectors import short_count

    short = short_count(actor, today.year)
    if not short:
        return []
    url = f"{HOURS_URL}?year={today.year}&met=0&certified=1"
    return [Tile("执法培训", url, (Segment(f"本年度培训学时未达标 {short} 人", "error"),))]


def sweep_deadlines(today: dt.date) -> str:
    """The year's hours per officer brought up to date (certificates issued or cancelled)."""
    from fazhi.enforcement_training.services import sweep

    return f"年度培训学时更新 {sweep(today=today)} 人"


KIT = declare(
    AppKit(
        app="enforcement_training",
        order=ORDER,
        url_prefix="enforcement-training/",
        urls="fazhi.enforcement_training.views:registers",
        api_prefix="/enforcement-training",
        api="fazhi.enforcement_training.api:router",
        nav=(NavEntry("执法培训", HOURS_URL, order=35),),
        home_tiles="fazhi.enforcement_training.kit:home_tiles",
        sweep="fazhi.enforcement_training.kit:sweep_deadlines",
        excel={"enforcement_training": "fazhi.enforcement_training.excel:REGISTER"},
        metric_fixture="fixtures/metrics.json",
        report_sentences="fixtures/report_sentences.json",
        dashboard_metrics=("enforcement_training.met_rate",),
        audit_names={
            "enforcement_training.attendance_bulk": "行政执法培训·批量登记参训记录",
        },
        demo_county="fazhi.enforcement_training.demo:fill",
    )
)
