"""Template context: navigation for the current actor.

The entries come from the apps' kits (``NavEntry`` in each ``fazhi/<app>/kit.py``) and from
:data:`CORE_NAV` (core's own pages and the modules not built yet, shown greyed out), sorted by
``order``. A greyed-out placeholder disappears once an app declares an entry of the same label.

An app may show a count next to its entries (e.g. unread reminders): its ``<app>.inbox``
module's ``nav_counts(actor) -> {url: count}`` (see :func:`inbox_hooks`); the same module's
``home_inbox(actor)`` gives the lists of the business home page.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Any

from django.apps import apps
from django.http import HttpRequest

from fazhi.core.kit import NavEntry, kits
from fazhi.orgs.http import actor_on, memberships_on
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor

CALENDAR_URL = "/calendar/"
CORE_NAV = (
    NavEntry("首页", "/", None, order=0),
    NavEntry("规范性文件", None, order=30),
    NavEntry("重大行政决策", None, order=32),
    NavEntry("行政执法", None, order=34),
    NavEntry("考核督察", None, order=60),
    NavEntry("期限计算", "/deadlines/", None, order=90),
    NavEntry("节假日安排", CALENDAR_URL, None, order=91),
    NavEntry("审计日志", "/audit/", Cap.READ_AUDIT, order=93),
)


@dataclass(frozen=True)
class NavItem:
    """One link of the menu as the actor sees it (``count`` > 0: shown as a badge)."""

    label: str
    url: str | None
    count: int = 0


def nav_entries() -> list[NavEntry]:
    """Every navigation entry, in ``order`` (core's first among equals, then kit order)."""
    declared = [entry for kit in kits() for entry in kit.nav]
    labels = {entry.label for entry in declared}
    core = [e for e in CORE_NAV if e.url is not None or e.label not in labels]
    return sorted([*core, *declared], key=lambda entry: entry.order)


@cache
def _inbox_module(package: str) -> ModuleType | None:
    """``<package>.inbox`` if the app has one (looked up once per process: every page asks)."""
    module_name = f"{package}.inbox"
    if importlib.util.find_spec(module_name) is None:
        return None
    return importlib.import_module(module_name)


def inbox_hooks(name: str) -> list[Callable[[Actor], Any]]:
    """The ``name`` function of every installed kit app's ``inbox`` module, in kit order."""
    found = []
    for kit in kits():
        module = _inbox_module(apps.get_app_config(kit.app).name)
        hook = getattr(module, name, None) if module is not None else None
        if callable(hook):
            found.append(hook)
    return found


def can_maintain_calendar(actor: Actor) -> bool:
    """Holidays and rules are shared by the whole tree: only the top 系统管理员 maintains them
    (the admin site's own test)."""
    return actor.can(Cap.MANAGE_UNITS) and actor.at_top


def nav_items(actor: Actor) -> list[NavItem]:
    """The menu of ``actor``: entries its role may open, with their counts."""
    counts: dict[str, int] = {}
    for hook in inbox_hooks("nav_counts"):
        counts |= hook(actor)
    items = []
    for entry in nav_entries():
        if entry.cap is not None and not actor.can(entry.cap):
            continue
        label = entry.label
        if entry.url == CALENDAR_URL and can_maintain_calendar(actor):
            label = "节假日维护"
        items.append(NavItem(label, entry.url, counts.get(entry.url or "", 0)))
    return items


def navigation(request: HttpRequest) -> dict[str, Any]:
    actor = actor_on(request)
    if actor is None:
        return {"nav": [], "actor": None}
    return {"nav": nav_items(actor), "actor": actor, "memberships": memberships_on(request)}
