"""Signal handlers of the metrics app."""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections


def sync_definitions_after_migrate(sender: Any, **kwargs: Any) -> None:
    """After `migrate`, load new or updated metric definitions from the versioned fixture and
    build the monthly facts of definitions that have none (see :mod:`fazhi.metrics.facts`)."""
    from fazhi.metrics.facts import facts_build_missing
    from fazhi.metrics.models import MetricDefinition
    from fazhi.metrics.services import metric_definitions_sync
    from fazhi.orgs.scoping import Actor

    connection = connections[kwargs.get("using") or DEFAULT_DB_ALIAS]
    if MetricDefinition._meta.db_table not in connection.introspection.table_names():
        return  # migrated backwards past the table (e.g. `migrate metrics zero`)
    metric_definitions_sync(actor=Actor.command_line())
    facts_build_missing()
