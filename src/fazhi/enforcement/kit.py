"""行政执法主体、执法人员与执法证件 in the shared parts (filled in by the app's pages, API …)."""

from __future__ import annotations

from fazhi.core.kit import AppKit, declare

ORDER = 57  # INSTALLED_APPS and kit order (read by settings without importing this module)

KIT = declare(AppKit(app="enforcement", order=ORDER))
