"""What 统计指标 adds to the shared parts: its pages (统计分析, 领导驾驶舱) and its API.

The metric definitions themselves belong to the registers they count (each register's kit
names its ``metric_fixture``); so do the dashboard's key figures (``dashboard_metrics``).
"""

from __future__ import annotations

from fazhi.core.kit import AppKit, NavEntry, declare

ORDER = 30  # INSTALLED_APPS and kit order (read by settings without importing this module)

KIT = declare(
    AppKit(
        app="metrics",
        order=ORDER,
        url_prefix="metrics/",
        urls="fazhi.metrics.urls",
        api_prefix="/metrics",
        api="fazhi.metrics.api:router",
        nav=(
            NavEntry("领导驾驶舱", "/metrics/dashboard/", order=50),
            NavEntry("统计分析", "/metrics/", order=51),
        ),
    )
)
