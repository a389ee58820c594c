"""Which units' principal heads must 述法 each year (data: ``fixtures/coverage.json``).

Default: every active unit of kind 人民政府, 政府工作部门 or 乡镇街道 (the 规定 has the
党政主要负责人 report on their 第一责任人 duties in the 年终述职; article number not
verified). The list is data, not code.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from fazhi.orgs.models import OrgUnit, OrgUnitQuerySet

COVERAGE_FILE = Path(__file__).parent / "fixtures" / "coverage.json"


@cache
def required_kinds() -> tuple[str, ...]:
    data = json.loads(COVERAGE_FILE.read_text(encoding="utf-8"))
    return tuple(str(k) for k in data["kinds"])


def required_units(root: OrgUnit | None = None) -> OrgUnitQuerySet:
    """The active units (in ``root``'s subtree when given) whose head must 述法."""
    qs = OrgUnit.objects.active().filter(kind__in=required_kinds())
    if root is not None and root.path != "/":
        qs = qs.subtree_of(root)
    return qs.order_by("path")


def must_report(unit: OrgUnit) -> bool:
    return bool(unit.is_active and unit.kind in required_kinds())
