"""行政执法案卷评查 in the shared parts: pages, API, navigation, home tile, metric definitions,
report sentences and the demo county's campaign."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from fazhi.core.kit import AppKit, NavEntry, Segment, Tile, declare

if TYPE_CHECKING:
    from fazhi.orgs.scoping import Actor

ORDER = 64  # INSTALLED_APPS and kit order (read by settings without importing this module)
LIST_URL = "/case-review/campaigns/"


def home_tiles(actor: Actor, today: dt.date) -> list[Tile]:
    """待评查案卷 N 卷 (files the actor's unit reviews)."""
    from fazhi.case_review.selectors import files_to_score

    count = files_to_score(actor)
    if not count:
        return []
    return [
        Tile(
            "案卷评查",
            "/case-review/files/?status=pending",
            (Segment(f"待评查案卷 {count} 卷"),),
        )
    ]


KIT = declare(
    AppKit(
        app="case_review",
        order=ORDER,
        url_prefix="case-review/",
        urls="fazhi.case_review.urls",
        api_prefix="/case-review",
        api="fazhi.case_review.api:router",
        nav=(NavEntry("案卷评查", LIST_URL, order=38),),
        home_tiles="fazhi.case_review.kit:home_tiles",
        metric_fixture="fixtures/metrics.json",
        report_sentences="fixtures/report_sentences.json",
        dashboard_metrics=("case_review.files", "case_review.pass_rate"),
        audit_names={
            "case_review.files_draw": "案卷评查·抽取案卷",
            "case_review.reviewer_assign": "案卷评查·指派评查单位",
            "case_review.file_score": "案卷评查·评分",
            "case_review.campaign_close": "案卷评查·结束评查活动",
        },
        demo_county="fazhi.case_review.demo:fill",
    )
)
