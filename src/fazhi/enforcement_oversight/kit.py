"""三项制度 (行政执法监督) in the shared parts: pages, API, navigation, home tile, the daily sweep
(公示撤回 and 数据公开), metric definitions, report sentences, deadline rules and the demo
filler."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from fazhi.core.kit import AppKit, NavEntry, Segment, Tile, declare

if TYPE_CHECKING:
    from fazhi.orgs.scoping import Actor

ORDER = 62  # INSTALLED_APPS and kit order (read by settings without importing this module)
HUB_URL = "/enforcement-oversight/"


def home_tiles(actor: Actor, today: dt.date) -> list[Tile]:
    """公示撤回待办 N 件（逾期 M 件），重大执法决定待决定 K 件，执法数据待公开 P 份."""
    from fazhi.enforcement_oversight.selectors import todo_counts

    counts = todo_counts(actor, today)
    if not (counts["open"] or counts["majors"] or counts["unpublished"]):
        return []
    line = [Segment(f"公示撤回待办 {counts['open']} 件")]
    if counts["overdue"]:
        line += [Segment("，其中"), Segment(f"逾期 {counts['overdue']} 件", "error")]
    line.append(Segment(f"；重大执法决定待决定 {counts['majors']} 件"))
    if counts["unpublished"]:
        line.append(Segment(f"；执法数据待公开 {counts['unpublished']} 份"))
    url = f"{HUB_URL}withdrawals/?overdue=1" if counts["overdue"] else HUB_URL
    return [Tile("三项制度", url, tuple(line))]


def sweep_deadlines(today: dt.date) -> str:
    from fazhi.enforcement_oversight.services import alerts_sweep, sweep

    found = sweep(today=today)
    redone = alerts_sweep(today=today)
    return (
        f"公示撤回逾期 {found['withdrawals_overdue']} 件，"
        f"执法数据公开新建 {found['publications_opened']} 份、"
        f"逾期 {found['publications_overdue']} 份，"
        f"新提醒 {found['reminders']} 条"
        + (f"，重算涉企重复检查预警 {redone} 个年度" if redone else "")
    )


KIT = declare(
    AppKit(
        app="enforcement_oversight",
        order=ORDER,
        url_prefix="enforcement-oversight/",
        urls="fazhi.enforcement_oversight.views",
        api_prefix="/enforcement-oversight",
        api="fazhi.enforcement_oversight.api:router",
        nav=(NavEntry("三项制度", HUB_URL, order=37),),
        home_tiles="fazhi.enforcement_oversight.kit:home_tiles",
        sweep="fazhi.enforcement_oversight.kit:sweep_deadlines",
        metric_fixture="fixtures/metrics.json",
        report_sentences="fixtures/report_sentences.json",
        dashboard_metrics=(
            "enforcement_oversight.major_decisions",
            "enforcement_oversight.publication_on_time_rate",
        ),
        audit_names={
            "enforcement_oversight.disclosure": "三项制度·登记事前公示",
            "enforcement_oversight.recording_item": "三项制度·登记音像记录事项",
            "enforcement_oversight.withdrawal.register": "三项制度·登记公示撤回",
            "enforcement_oversight.major.register": "三项制度·登记重大执法决定",
            "enforcement_oversight.publication.register": "三项制度·新建执法数据公开表",
        },
        demo_county="fazhi.enforcement_oversight.demo:fill",
    )
)
