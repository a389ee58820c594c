"""The yearly 学法 targets as data: ``fixtures/targets.json`` is loaded after ``migrate``.

Missing (province, from_year, category) rows are added; existing rows are left alone (an
administrator may have changed a target in the admin), so the load is repeatable. The
fixture's ``exam.pass_mark`` is the default 合格分数 of the 年度学法考试.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).parent / "fixtures" / "targets.json"


def fixture() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return data


def fixture_rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = fixture()["targets"]
    return rows


def default_pass_mark() -> Decimal:
    """合格分数 of the 年度学法考试 (default 60 [R], ``exam.pass_mark`` in the fixture)."""
    return Decimal(str(fixture()["exam"]["pass_mark"]))


def targets_sync() -> int:
    """Add the fixture's targets that are missing; returns how many were added."""
    from fazhi.study.models import StudyTarget

    known = set(StudyTarget.objects.values_list("province_code", "from_year", "category"))
    new = [
        StudyTarget(
            province_code=item["province_code"],
            from_year=item["from_year"],
            category=item["category"],
            kinds=item.get("kinds", ""),
            min_sessions=item["min_sessions"],
            basis=item.get("basis", ""),
        )
        for item in fixture_rows()
        if (item["province_code"], item["from_year"], item["category"]) not in known
    ]
    StudyTarget.objects.bulk_create(new)
    return len(new)


def on_post_migrate(sender: Any, **kwargs: Any) -> None:
    """post_migrate receiver (apps.py)."""
    from django.db import connections

    using = kwargs.get("using", "default")
    if "study_studytarget" in connections[using].introspection.table_names():
        targets_sync()
