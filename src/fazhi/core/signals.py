"""Signal handlers of the core app."""

from __future__ import annotations

from typing import Any


def sync_rules_after_migrate(sender: Any, **kwargs: Any) -> None:
    """After `migrate`, load new or updated statutory deadline rules from the fixture."""
    from fazhi.core.services import deadline_rules_sync
    from fazhi.orgs.scoping import Actor

    deadline_rules_sync(actor=Actor.command_line())
