"""What 组织机构 adds to the shared parts: its pages, its API and two navigation entries."""

from __future__ import annotations

from fazhi.core.kit import AppKit, NavEntry, declare
from fazhi.orgs.roles import Cap

ORDER = 10  # INSTALLED_APPS and kit order (read by settings without importing this module)

KIT = declare(
    AppKit(
        app="orgs",
        order=ORDER,
        url_prefix="orgs/",
        urls="fazhi.orgs.urls",
        api_prefix="/orgs",
        api="fazhi.orgs.api:router",
        nav=(
            NavEntry("单位信息", "/orgs/units/", order=80),
            NavEntry("岗位授权", "/orgs/memberships/", Cap.MANAGE_ROLES, order=92),
        ),
    )
)
