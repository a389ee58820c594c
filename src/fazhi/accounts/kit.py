"""What 账号与令牌 adds to the shared parts: the login, logout and 岗位切换 pages."""

from __future__ import annotations

from fazhi.core.kit import AppKit, declare

ORDER = 20  # INSTALLED_APPS and kit order (read by settings without importing this module)

KIT = declare(
    AppKit(app="accounts", order=ORDER, url_prefix="accounts/", urls="fazhi.accounts.urls")
)
