"""Template context: navigation for the current actor.

The entries come from the apps' kits (``NavEntry`` in each ``fazhi/<app>/kit.py``) and from
:data:`CORE_NAV` (core's own pages and the modules not built yet, shown greyed out), sorted by
``order``. A greyed-out placeholder disappears once an app declares an entry of the same label.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from fazhi.core.kit import NavEntry, kits
from fazhi.orgs.http import actor_on, memberships_on
from fazhi.orgs.roles import Cap

CORE_NAV = (
    NavEntry("首页", "/", None, order=0),
    NavEntry("规范性文件", None, order=30),
    NavEntry("重大行政决策", None, order=32),
    NavEntry("行政执法", None, order=34),
    NavEntry("考核督察", None, order=60),
    NavEntry("期限计算", "/deadlines/", None, order=90),
    NavEntry("节假日维护", "/calendar/", None, order=91),
    NavEntry("审计日志", "/audit/", Cap.READ_AUDIT, order=93),
)


def nav_entries() -> list[NavEntry]:
    """Every navigation entry, in ``order`` (core's first among equals, then kit order)."""
    declared = [entry for kit in kits() for entry in kit.nav]
    labels = {entry.label for entry in declared}
    core = [e for e in CORE_NAV if e.url is not None or e.label not in labels]
    return sorted([*core, *declared], key=lambda entry: entry.order)


def navigation(request: HttpRequest) -> dict[str, Any]:
    actor = actor_on(request)
    if actor is None:
        return {"nav": [], "actor": None}
    items = [item for item in nav_entries() if item.cap is None or actor.can(item.cap)]
    return {"nav": items, "actor": actor, "memberships": memberships_on(request)}
