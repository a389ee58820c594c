"""学法 (领导干部学法) in the shared parts: pages, API, navigation, home tile, the daily
refresh of the year's rows per unit, Excel of sessions and exam results, metric definitions,
report sentences and part 三 lines, and the demo filler."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from fazhi.core.kit import AppKit, NavEntry, Segment, Tile, declare

if TYPE_CHECKING:
    from fazhi.orgs.scoping import Actor

ORDER = 67  # INSTALLED_APPS and kit order (read by settings without importing this module)
LIST_URL = "/study/sessions/"
TARGETS_URL = "/study/targets/"


def home_tiles(actor: Actor, today: dt.date) -> list[Tile]:
    """本年度学法进度落后 N 个单位: fewer sessions so far than the target's share of the
    quarters already over (in the actor's subtree)."""
    from fazhi.study.selectors import short_count

    short = short_count(actor, today)
    if not short:
        return []
    url = f"{TARGETS_URL}?year={today.year}&behind=1"
    line = (Segment(f"本年度学法进度落后 {short} 个单位", "error"),)
    return [Tile("学法", url, line)]


def sweep_deadlines(today: dt.date) -> str:
    """This year's per-unit rows brought up to date (units added, targets edited)."""
    from fazhi.study.services import sweep

    return f"年度学法达标情况更新 {sweep(today=today)} 个单位"


KIT = declare(
    AppKit(
        app="study",
        order=ORDER,
        url_prefix="study/",
        urls="fazhi.study.views:registers",
        api_prefix="/study",
        api="fazhi.study.api:router",
        nav=(NavEntry("学法", LIST_URL, order=40),),
        home_tiles="fazhi.study.kit:home_tiles",
        sweep="fazhi.study.kit:sweep_deadlines",
        excel={
            "study": "fazhi.study.excel:SESSIONS",
            "study_exams": "fazhi.study.excel:EXAMS",
        },
        metric_fixture="fixtures/metrics.json",
        report_sentences="fixtures/report_sentences.json",
        report_part3="fazhi.study.report:part3_lines",
        dashboard_metrics=("study.target_met_rate",),
        audit_names={
            "study.session_register": "学法·登记学法活动",
            "study.session_update": "学法·修改学法活动",
            "study.exam_register": "学法·登记学法考试成绩",
        },
        demo_county="fazhi.study.demo:fill",
    )
)
