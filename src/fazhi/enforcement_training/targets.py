"""The yearly training targets as data: ``fixtures/targets.json`` is loaded after ``migrate``.

Missing (province, from_year) rows are added; existing rows are left alone (an administrator
may have changed a target in the admin), so the load is repeatable. Why a table and not the
deadline rules: a deadline rule is a number of (working) days counted from a date; a target
is a number of 学时 per year with optional minimums per type, looked up by province and year.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).parent / "fixtures" / "targets.json"


def fixture_rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(FIXTURE.read_text(encoding="utf-8"))["targets"]
    return rows


def targets_sync() -> int:
    """Add the fixture's targets that are missing; returns how many were added."""
    from fazhi.enforcement_training.models import HoursTarget

    known = set(HoursTarget.objects.values_list("province_code", "from_year"))
    new = [
        HoursTarget(
            province_code=item["province_code"],
            from_year=item["from_year"],
            hours=Decimal(item["hours"]),
            min_public=Decimal(item.get("min_public", "0")),
            min_professional=Decimal(item.get("min_professional", "0")),
            min_skill=Decimal(item.get("min_skill", "0")),
            basis=item.get("basis", ""),
        )
        for item in fixture_rows()
        if (item["province_code"], item["from_year"]) not in known
    ]
    HoursTarget.objects.bulk_create(new)
    return len(new)


def on_post_migrate(sender: Any, **kwargs: Any) -> None:
    """post_migrate receiver (apps.py)."""
    from django.db import connections

    using = kwargs.get("using", "default")
    if "enforcement_training_hourstarget" in connections[using].introspection.table_names():
        targets_sync()
