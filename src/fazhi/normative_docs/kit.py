"""规范性文件 in the shared parts: pages (documents and 清理), API, navigation, home tile, the
daily sweep (有效期届满), Excel import/export, metric definitions and the demo seeders."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from fazhi.core.kit import AppKit, NavEntry, Segment, Tile, declare

if TYPE_CHECKING:
    from fazhi.orgs.scoping import Actor

ORDER = 52  # INSTALLED_APPS and kit order (read by settings without importing this module)
LIST_URL = "/normative/documents/"


def home_tiles(actor: Actor, today: dt.date) -> list[Tile]:
    """待报送备案 N 件（逾期 M 件）, 暂缓待补正, 6 个月内有效期届满."""
    from fazhi.normative_docs.selectors import todo_counts

    counts = todo_counts(actor, today)
    if not any(counts.values()):
        return []
    line = [Segment(f"待报送备案 {counts['to_file']} 件")]
    if counts["overdue"]:
        line += [Segment("，"), Segment(f"备案逾期 {counts['overdue']} 件", "error")]
    if counts["to_correct"]:
        line.append(Segment(f"，暂缓待补正 {counts['to_correct']} 件"))
    if counts["expiring"]:
        line += [Segment("，"), Segment(f"6个月内有效期届满 {counts['expiring']} 件", "error")]
    url = f"{LIST_URL}?warning=filing_overdue" if counts["overdue"] else LIST_URL
    return [Tile("规范性文件", url, tuple(line))]


def sweep_deadlines(today: dt.date) -> str:
    """有效期届满 → 失效 (the display already says so; this moves the stored status)."""
    from fazhi.normative_docs.services import sweep
    from fazhi.orgs.scoping import Actor

    return f"规范性文件有效期届满 {sweep(actor=Actor.command_line(), today=today)} 件"


KIT = declare(
    AppKit(
        app="normative_docs",
        order=ORDER,
        url_prefix="normative/",
        urls="fazhi.normative_docs.views:REGISTERS",
        api_prefix="/normative",
        api="fazhi.normative_docs.api:router",
        nav=(NavEntry("规范性文件", LIST_URL, order=30),),
        home_tiles="fazhi.normative_docs.kit:home_tiles",
        sweep="fazhi.normative_docs.kit:sweep_deadlines",
        excel={"normative_docs": "fazhi.normative_docs.excel:REGISTER"},
        metric_fixture="fixtures/metrics.json",
        report_sentences="fixtures/report_sentences.json",
        dashboard_metrics=("normative_docs.issued", "normative_docs.filing_on_time_rate"),
        audit_names={
            "normative_docs.cleanup.create": "规范性文件·启动清理",
        },
        demo_county="fazhi.normative_docs.demo:fill",
        demo_scale="fazhi.normative_docs.demo:seed",
    )
)
