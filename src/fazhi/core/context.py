"""Template context: navigation for the current actor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from fazhi.orgs.roles import Cap


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str | None  # None: module not built yet (shown greyed out)
    cap: Cap | None = None


MODULES = (
    NavItem("首页", "/"),
    NavItem("年度计划与督办", "/plans/", Cap.VIEW_RECORDS),
    NavItem("本单位任务", "/plans/mine/", Cap.VIEW_RECORDS),
    NavItem("提醒", "/plans/reminders/", Cap.VIEW_RECORDS),
    NavItem("行政复议", "/reconsideration/cases/", Cap.VIEW_RECORDS),
    NavItem("行政应诉", "/litigation/cases/", Cap.VIEW_RECORDS),
    NavItem("规范性文件", None, Cap.VIEW_RECORDS),
    NavItem("重大行政决策", None, Cap.VIEW_RECORDS),
    NavItem("行政执法", None, Cap.VIEW_RECORDS),
    NavItem("领导驾驶舱", "/metrics/dashboard/", Cap.VIEW_RECORDS),
    NavItem("统计分析", "/metrics/", Cap.VIEW_RECORDS),
    NavItem("考核督察", None, Cap.VIEW_RECORDS),
    NavItem("年度报告", "/reports/", Cap.VIEW_RECORDS),
    NavItem("单位信息", "/orgs/units/", Cap.VIEW_RECORDS),
    NavItem("期限计算", "/deadlines/", None),
    NavItem("节假日维护", "/calendar/", None),
    NavItem("岗位授权", "/orgs/memberships/", Cap.MANAGE_ROLES),
    NavItem("审计日志", "/audit/", Cap.READ_AUDIT),
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    actor = getattr(request, "actor", None)
    if actor is None:
        return {"nav": [], "actor": None}
    items = [item for item in MODULES if item.cap is None or actor.can(item.cap)]
    return {"nav": items, "actor": actor, "memberships": getattr(request, "memberships", [])}
