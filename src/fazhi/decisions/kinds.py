"""The procedure kinds (``fixtures/procedure_kinds.json``) in the database, after every migrate
(and after a test flush, which sends ``post_migrate`` too). Missing kinds are created; a kind
already there is left as the administrator edited it."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).parent / "fixtures" / "procedure_kinds.json"


@cache
def fixture_kinds() -> tuple[dict[str, Any], ...]:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return tuple(data["kinds"])


def sync_kinds() -> int:
    """Create the fixture's kinds that are missing; returns how many were created."""
    from fazhi.decisions.models import ProcedureKind

    have = set(ProcedureKind.objects.values_list("code", flat=True))
    new = [ProcedureKind(**item) for item in fixture_kinds() if item["code"] not in have]
    ProcedureKind.objects.bulk_create(new)
    return len(new)


def on_post_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    from django.db import connections

    from fazhi.decisions.models import ProcedureKind

    if ProcedureKind._meta.db_table not in connections[using].introspection.table_names():
        return
    sync_kinds()
