"""What the 门户网站 adds to the shared parts: its public pages."""

from __future__ import annotations

from fazhi.core.kit import AppKit, declare

ORDER = 80  # INSTALLED_APPS and kit order (read by settings without importing this module)

KIT = declare(AppKit(app="portal", order=ORDER, url_prefix="portal/", urls="fazhi.portal.urls"))
