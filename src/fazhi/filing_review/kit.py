"""备案审查 in the shared parts: the 备案审查机关's pages (filings received, 审查建议,
catalogues), its home tile, and its deadline rules (``fixtures/deadline_rules.json``). The
public library of 规范性文件 is mounted by the portal (``/portal/library/``)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from fazhi.core.kit import AppKit, NavEntry, Segment, Tile, declare

if TYPE_CHECKING:
    from fazhi.orgs.scoping import Actor

ORDER = 56  # INSTALLED_APPS and kit order (read by settings without importing this module)
FILINGS_URL = "/filing-review/filings/"
SUGGESTIONS_URL = "/filing-review/suggestions/"
CATALOGUE_URL = "/filing-review/catalogue/"


def home_tiles(actor: Actor, today: dt.date) -> list[Tile]:
    """Filings waiting for a result, 逾期, open 审查建议; in January the annual catalogue."""
    from fazhi.filing_review.selectors import annual_catalogue_due, todo_counts

    counts = todo_counts(actor, today)
    tiles: list[Tile] = []
    if counts["pending"] or counts["overdue"]:
        line = [Segment(f"待审查 {counts['pending']} 件")]
        if counts["overdue"]:
            line += [Segment("，"), Segment(f"逾期 {counts['overdue']} 件", "error")]
        url = f"{FILINGS_URL}?overdue=1" if counts["overdue"] else f"{FILINGS_URL}?result=pending"
        tiles.append(Tile("备案审查", url, tuple(line)))
    if counts["suggestions"]:
        line = [Segment(f"审查建议待答复 {counts['suggestions']} 件")]
        if counts["suggestions_overdue"]:
            line += [
                Segment("，"),
                Segment(f"超过答复期限 {counts['suggestions_overdue']} 件", "error"),
            ]
        tiles.append(Tile("审查建议", f"{SUGGESTIONS_URL}?status=received", tuple(line)))
    if today.month != 1:
        return tiles
    due = annual_catalogue_due(today.year - 1, actor.unit if actor.unit.pk else None)
    if today <= due:
        tiles.append(
            Tile(
                "年度规范性文件目录",
                f"{CATALOGUE_URL}?annual={today.year - 1}",
                (Segment(f"{today.year - 1}年目录应于 {due:%-m月%-d日} 前报送", "error"),),
            )
        )
    return tiles


KIT = declare(
    AppKit(
        app="filing_review",
        order=ORDER,
        url_prefix="filing-review/",
        urls="fazhi.filing_review.views",
        api_prefix="/filing-review",
        api="fazhi.filing_review.api:router",
        nav=(
            NavEntry("备案审查", FILINGS_URL, order=31),
            NavEntry("审查建议", SUGGESTIONS_URL, order=32),
        ),
        home_tiles="fazhi.filing_review.kit:home_tiles",
        portal_prefix="library/",
        portal_urls="fazhi.filing_review.public_urls",
        portal_nav=(NavEntry("规范性文件库", "/portal/library/", None, order=20),),
        audit_names={
            "filing_review.suggestion.submit": "备案审查·收到公众的审查建议",
            "filing_review.catalogue_export": "备案审查·导出规范性文件目录",
        },
        demo_county="fazhi.filing_review.demo:fill",
    )
)
