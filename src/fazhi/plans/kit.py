"""工作计划与督办 in the shared parts: pages, navigation, the daily 逾期 sweep, metric
definitions and the demo county's plan."""

from __future__ import annotations

import datetime as dt

from fazhi.core.kit import AppKit, NavEntry, declare

ORDER = 60  # INSTALLED_APPS and kit order (read by settings without importing this module)


def sweep_deadlines(today: dt.date) -> str:
    """Flag unfinished assignments past their due date 逾期 and send the reminders."""
    from fazhi.plans.services import assignments_sweep

    result = assignments_sweep(today=today)
    return f"工作任务新标逾期 {result.overdue} 项，新发提醒 {result.reminders} 条"


KIT = declare(
    AppKit(
        app="plans",
        order=ORDER,
        url_prefix="plans/",
        urls="fazhi.plans.urls",
        nav=(
            NavEntry("年度计划与督办", "/plans/", order=10),
            NavEntry("本单位任务", "/plans/mine/", order=11),
            NavEntry("提醒", "/plans/reminders/", order=12),
        ),
        sweep="fazhi.plans.kit:sweep_deadlines",
        metric_fixture="fixtures/metrics.json",
        report_sentences="fixtures/report_sentences.json",
        audit_names={
            "plan.rectification_create": "工作计划·下达整改任务",
        },
        demo_county="fazhi.plans.demo_fillers:fill",
    )
)
