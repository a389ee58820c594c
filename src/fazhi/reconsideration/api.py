"""REST endpoints of the reconsideration app (under /api/v1/reconsideration/), scoped like the UI."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["reconsideration"])
