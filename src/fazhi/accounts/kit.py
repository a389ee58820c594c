"""What 账号与令牌 adds to the shared parts: the login, logout, 岗位切换 and 修改密码 pages,
and 账号管理 for the 系统管理员 (its menu entry)."""

from __future__ import annotations

from fazhi.core.kit import AppKit, NavEntry, declare
from fazhi.orgs.roles import Cap

ORDER = 20  # INSTALLED_APPS and kit order (read by settings without importing this module)

KIT = declare(
    AppKit(
        app="accounts",
        order=ORDER,
        url_prefix="accounts/",
        urls="fazhi.accounts.urls",
        nav=(
            NavEntry("账号管理", "/accounts/users/", Cap.MANAGE_UNITS, order=81),
            NavEntry("接口令牌", "/accounts/tokens/", Cap.MANAGE_ROLES, order=93),
        ),
    )
)
