"""法治政府建设年度报告 in the shared parts: pages, API, navigation, the daily deadline
reminders and the demo county's reports."""

from __future__ import annotations

import datetime as dt

from fazhi.core.kit import AppKit, NavEntry, declare

ORDER = 70  # INSTALLED_APPS and kit order (read by settings without importing this module)


def sweep_deadlines(today: dt.date) -> str:
    """Remind reporting units of 报送 and 公开 deadlines that are near or past."""
    from fazhi.reports.services import reports_sweep

    return f"年度报告新发期限提醒 {reports_sweep(today=today)} 条"


KIT = declare(
    AppKit(
        app="reports",
        order=ORDER,
        url_prefix="reports/",
        urls="fazhi.reports.urls",
        api_prefix="/reports",
        api="fazhi.reports.api:router",
        nav=(NavEntry("年度报告", "/reports/", order=70),),
        sweep="fazhi.reports.kit:sweep_deadlines",
        demo_county="fazhi.reports.demo_fillers:fill",
    )
)
