"""重大行政决策 in the shared parts: pages, API, navigation, home tile, the daily sweep's
summary, Excel import/export, metric definitions, deadline rules and the demo seeders."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from fazhi.core.kit import AppKit, NavEntry, Segment, Tile, declare

if TYPE_CHECKING:
    from fazhi.orgs.scoping import Actor

ORDER = 54  # INSTALLED_APPS and kit order (read by settings without importing this module)
LIST_URL = "/decisions/decisions/"


def home_tiles(actor: Actor, today: dt.date) -> list[Tile]:
    """Decisions in progress; waiting for the 审查/集体讨论; consultations and hearings soon."""
    from fazhi.decisions.selectors import SOON_DAYS, todo_counts

    counts = todo_counts(actor, today)
    if not counts["open"]:
        return []
    line = [Segment(f"办理中 {counts['open']} 件")]
    if counts["discussion"]:
        line += [Segment("，"), Segment(f"待审查或待集体讨论 {counts['discussion']} 件")]
    if counts["consultation"]:
        line += [
            Segment("，"),
            Segment(f"{SOON_DAYS} 日内征求意见截止 {counts['consultation']} 件", "error"),
        ]
    if counts["hearing"]:
        line += [
            Segment("，"),
            Segment(f"{SOON_DAYS} 日内召开听证会 {counts['hearing']} 件", "error"),
        ]
    return [Tile("重大行政决策", LIST_URL, tuple(line))]


def sweep_deadlines(today: dt.date) -> str:
    """A summary only (nothing changes by itself in this register): consultations that ended
    and whose decision has not gone to the 合法性审查."""
    from fazhi.decisions.selectors import consultations_ended

    return f"重大行政决策征求意见期届满待研究采纳 {consultations_ended(today)} 件"


KIT = declare(
    AppKit(
        app="decisions",
        order=ORDER,
        url_prefix="decisions/",
        urls="fazhi.decisions.urls",
        api_prefix="/decisions",
        api="fazhi.decisions.api:router",
        nav=(NavEntry("重大行政决策", LIST_URL, order=32),),
        home_tiles="fazhi.decisions.kit:home_tiles",
        sweep="fazhi.decisions.kit:sweep_deadlines",
        excel={"decisions": "fazhi.decisions.excel:REGISTER"},
        metric_fixture="fixtures/metrics.json",
        report_sentences="fixtures/report_sentences.json",
        dashboard_metrics=("decisions.decided", "decisions.procedure_rate"),
        audit_names={
            "decisions.catalogue.register": "决策事项目录·登记",
            "decisions.catalogue.publish": "决策事项目录·公布",
            "decisions.catalogue.supersede": "决策事项目录·记为已调整",
            "decisions.evidence_add": "重大行政决策·上传佐证材料",
            "decisions.evidence_download": "重大行政决策·下载佐证材料",
        },
        demo_county="fazhi.decisions.demo:fill",
        demo_scale="fazhi.decisions.demo:seed",
    )
)
