"""行政执法数据 (case-level 许可/处罚/强制/征收/征用/检查 records) in the shared parts."""

from __future__ import annotations

from fazhi.core.kit import AppKit, declare

ORDER = 61  # INSTALLED_APPS and kit order (read by settings without importing this module)

KIT = declare(AppKit(app="enforcement_data", order=ORDER))
