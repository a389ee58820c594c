"""行政执法主体、执法人员与执法证件 in the shared parts: pages, API, navigation, home tile,
the daily sweep of certificates, Excel import/export of officers, metric definitions, report
sentences and the demo filler."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from fazhi.core.kit import AppKit, NavEntry, Segment, Tile, declare

if TYPE_CHECKING:
    from fazhi.orgs.scoping import Actor

ORDER = 57  # INSTALLED_APPS and kit order (read by settings without importing this module)
LIST_URL = "/enforcement/officers/"
MONTHS = "一两三四五六七八九十"


def _months(n: int) -> str:
    return f"{MONTHS[n - 1]}个月" if 1 <= n <= len(MONTHS) else f"{n}个月"


def home_tiles(actor: Actor, today: dt.date) -> list[Tile]:
    """执法证 N 本将于两个月内到期，M 本已过期仍在执法岗位 (and 法制审核人员 below the target)."""
    from fazhi.enforcement.selectors import ratio, tile_settings, todo_counts

    counts = todo_counts(actor, today)
    months, target = tile_settings(actor)
    line = [Segment(f"持证 {counts['holders']} 人")]
    if counts["expiring"]:
        line += [
            Segment("，执法证 "),
            Segment(f"{counts['expiring']} 本将于{_months(months)}内到期", "warn"),
        ]
    if counts["on_duty"]:
        line += [Segment("，"), Segment(f"{counts['on_duty']} 本已过期仍在执法岗位", "error")]
    elif counts["expired"]:
        line += [Segment("，"), Segment(f"{counts['expired']} 本已过期", "error")]
    share = ratio(counts["reviewers"], counts["holders"])
    if share is not None and share < target:
        line.append(Segment(f"；法制审核人员占 {share}%，低于 {target}%"))
    if counts["on_duty"]:
        url = f"{LIST_URL}?warning=on_duty"
    elif counts["expired"]:
        url = f"{LIST_URL}?warning=expired"
    elif counts["expiring"]:
        url = f"{LIST_URL}?warning=expiring"
    else:
        url = LIST_URL
    return [Tile("行政执法人员", url, tuple(line))]


def sweep_deadlines(today: dt.date) -> str:
    """Reminders of certificates expiring soon or expired; this year's year-end rows."""
    from fazhi.enforcement.services import sweep

    found = sweep(today=today)
    return (
        f"执法证即将到期 {found['soon']} 本、已过期 {found['expired']} 本"
        f"（其中仍在执法岗位 {found['on_duty']} 本），新提醒 {found['new']} 条"
    )


KIT = declare(
    AppKit(
        app="enforcement",
        order=ORDER,
        url_prefix="enforcement/",
        urls="fazhi.enforcement.views:registers",
        api_prefix="/enforcement",
        api="fazhi.enforcement.api:router",
        nav=(NavEntry("行政执法", LIST_URL, order=34),),
        home_tiles="fazhi.enforcement.kit:home_tiles",
        sweep="fazhi.enforcement.kit:sweep_deadlines",
        excel={"enforcement_officers": "fazhi.enforcement.excel:REGISTER"},
        metric_fixture="fixtures/metrics.json",
        report_sentences="fixtures/report_sentences.json",
        dashboard_metrics=(
            "enforcement.certified",
            "enforcement.expired",
            "enforcement.reviewer_ratio",
        ),
        demo_county="fazhi.enforcement.demo:fill",
    )
)
