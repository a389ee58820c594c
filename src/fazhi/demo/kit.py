"""The demo-data app declares nothing for the shared parts: it reads the other kits
(``demo_county``, ``demo_scale``). This module makes it an installed app, last."""

from __future__ import annotations

from fazhi.core.kit import AppKit, declare

ORDER = 90  # INSTALLED_APPS and kit order (read by settings without importing this module)

KIT = declare(AppKit(app="demo", order=ORDER))
