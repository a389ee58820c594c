"""REST endpoints of the litigation app (under /api/v1/litigation/), scoped like the UI."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["litigation"])
