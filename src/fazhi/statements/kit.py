"""述法 in the shared parts: pages, API, navigation, home tile, the daily refresh of the year's
应述法单位 rows, Excel import/export, metric definitions, report sentences and part 三 lines,
and the demo filler."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import TYPE_CHECKING

from fazhi.core.kit import AppKit, NavEntry, Segment, Tile, declare

if TYPE_CHECKING:
    from fazhi.orgs.models import OrgUnit
    from fazhi.orgs.scoping import Actor

ORDER = 68  # INSTALLED_APPS and kit order (read by settings without importing this module)
LIST_URL = "/statements/records/"


def home_tiles(actor: Actor, today: dt.date) -> list[Tile]:
    """述法材料待审核 N 份 (units below the actor); from 12-01: 应述法未安排 N 个单位."""
    from fazhi.statements.selectors import todo_counts

    counts = todo_counts(actor, today)
    line: list[Segment] = []
    if counts["to_review"]:
        line.append(Segment(f"述法材料待审核 {counts['to_review']} 份", "error"))
    if counts["unscheduled"]:
        if line:
            line.append(Segment("，"))
        line.append(Segment(f"本年度应述法未安排 {counts['unscheduled']} 个单位", "error"))
    if not line:
        return []
    return [Tile("述法", LIST_URL, tuple(line))]


def sweep_deadlines(today: dt.date) -> str:
    """The year's 应述法单位 rows brought up to date (units added or changed)."""
    from fazhi.statements.services import sweep

    return f"应述法单位更新 {sweep(today=today)} 个"


def report_part3(unit: OrgUnit, year: int, codes: Collection[str]) -> list[str]:
    from fazhi.statements.report import part3_lines

    return part3_lines(unit, year, codes)


KIT = declare(
    AppKit(
        app="statements",
        order=ORDER,
        url_prefix="statements/",
        urls="fazhi.statements.views",
        api_prefix="/statements",
        api="fazhi.statements.api:router",
        nav=(NavEntry("述法", LIST_URL, order=41),),
        home_tiles="fazhi.statements.kit:home_tiles",
        sweep="fazhi.statements.kit:sweep_deadlines",
        excel={"statements": "fazhi.statements.excel:REGISTER"},
        metric_fixture="fixtures/metrics.json",
        report_sentences="fixtures/report_sentences.json",
        dashboard_metrics=("statements.coverage_rate",),
        report_part3="fazhi.statements.kit:report_part3",
        demo_county="fazhi.statements.demo:fill",
    )
)
