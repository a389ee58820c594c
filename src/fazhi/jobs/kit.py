"""What 后台任务 adds to the shared parts: its pages (/jobs/) and a navigation entry.

The jobs themselves are started by other pages (the Excel upload page, ``core/import_views``)
through :mod:`fazhi.jobs.services`."""

from __future__ import annotations

from fazhi.core.kit import AppKit, NavEntry, declare

ORDER = 85  # INSTALLED_APPS and kit order (read by settings without importing this module)

KIT = declare(
    AppKit(
        app="jobs",
        order=ORDER,
        url_prefix="jobs/",
        urls="fazhi.jobs.urls",
        nav=(NavEntry("后台任务", "/jobs/", order=82),),
    )
)
