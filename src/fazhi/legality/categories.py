"""The 合法性审查 categories as data: ``fixtures/categories.json`` is loaded after ``migrate``.

Missing codes are added; existing rows are left alone (an administrator may have renamed a
category, changed its order or its period rule in the admin), so the load is repeatable.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).parent / "fixtures" / "categories.json"


def categories_sync() -> int:
    """Add the fixture's categories that are missing; returns how many were added."""
    from fazhi.legality.models import Category

    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    known = set(Category.objects.values_list("code", flat=True))
    new = [
        Category(
            code=item["code"],
            name=item["name"],
            sort_order=item.get("sort_order", 100),
            period_rule=item.get("period_rule", ""),
            min_rule=item.get("min_rule", ""),
        )
        for item in data["categories"]
        if item["code"] not in known
    ]
    Category.objects.bulk_create(new)
    return len(new)


def on_post_migrate(sender: Any, **kwargs: Any) -> None:
    """post_migrate receiver (apps.py)."""
    from django.db import connections

    using = kwargs.get("using", "default")
    if "legality_category" in connections[using].introspection.table_names():
        categories_sync()
