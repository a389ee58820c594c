"""What the 门户网站 adds to the shared parts: its public pages. Other apps add theirs with
their kits' ``portal_prefix``/``portal_urls`` and header links with ``portal_nav``."""

from __future__ import annotations

from fazhi.core.kit import AppKit, NavEntry, declare

ORDER = 80  # INSTALLED_APPS and kit order (read by settings without importing this module)

KIT = declare(
    AppKit(
        app="portal",
        order=ORDER,
        url_prefix="portal/",
        urls="fazhi.portal.urls",
        portal_nav=(NavEntry("年度报告", "/portal/reports/", None, order=10),),
    )
)
