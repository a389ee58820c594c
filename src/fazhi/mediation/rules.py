"""Parameters of the 人民调解 registers, read from data (never constants in code).

* 司法确认申请期限 (人民调解法第三十三条: 30 days from the agreement taking effect): the
  deadline rule ``mediation.judicial_confirmation`` (``fixtures/deadline_rules.json``),
  counted in natural days; a last day on a rest day rolls over to the next working day
  (:func:`fazhi.core.deadlines.add_days`).
* 调委会任期 and 委员人数 (第八条: 3–9 members; 第九条: 3-year term): :class:`CommitteeRule`
  rows by province and year (``fixtures/committee_rules.json``, loaded after ``migrate``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from pathlib import Path
from typing import Any

from fazhi.core.deadlines import add_days
from fazhi.core.selectors import calendar_data, province_code_of, rule_for
from fazhi.orgs.models import OrgUnit

CONFIRMATION = "mediation.judicial_confirmation"
RULES_FIXTURE = Path(__file__).parent / "fixtures" / "committee_rules.json"
TYPES_FIXTURE = Path(__file__).parent / "fixtures" / "dispute_types.json"

#: Used only when no CommitteeRule row exists at all (an empty database before migrate).
DEFAULT_TERM_YEARS, DEFAULT_MIN_MEMBERS, DEFAULT_MAX_MEMBERS = 3, 3, 9


def confirmation_due(agreement_on: dt.date, unit: OrgUnit) -> dt.date:
    """The last day to apply for 司法确认 of an agreement that took effect on ``agreement_on``."""
    rule = rule_for(CONFIRMATION, province=province_code_of(unit))
    return add_days(agreement_on, rule.days, rule.counting, calendar=calendar_data()).due


def committee_rule(unit: OrgUnit, year: int) -> tuple[int, int, int]:
    """(term years, min members, max members) for a committee of ``unit`` in ``year``: the
    province's latest row from a year not after ``year``, else the national one."""
    from fazhi.mediation.models import CommitteeRule

    province = province_code_of(unit)
    rows = CommitteeRule.objects.filter(
        province_code__in={"", province}, from_year__lte=year
    ).order_by("-from_year")
    own = [r for r in rows if r.province_code == province and province]
    found = own[0] if own else next(iter(r for r in rows if not r.province_code), None)
    if found is None:
        return DEFAULT_TERM_YEARS, DEFAULT_MIN_MEMBERS, DEFAULT_MAX_MEMBERS
    return found.term_years, found.min_members, found.max_members


def term_end(start: dt.date, years: int) -> dt.date:
    """The last day of a term of ``years`` starting on ``start``: the day before the
    anniversary (the anniversary of 29 February in a common year is 1 March)."""
    year = start.year + years
    if start.month == 2 and start.day == 29 and not calendar.isleap(year):
        anniversary = dt.date(year, 3, 1)
    else:
        anniversary = start.replace(year=year)
    return anniversary - dt.timedelta(days=1)


def _rows(path: Path, key: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))[key]
    return rows


def data_sync() -> int:
    """Add the fixtures' committee rules and dispute types that are missing (existing rows,
    possibly edited by an administrator, are left alone). Returns how many were added."""
    from fazhi.mediation.models import CommitteeRule, DisputeType

    known = set(CommitteeRule.objects.values_list("province_code", "from_year"))
    rules = [
        CommitteeRule(**item)
        for item in _rows(RULES_FIXTURE, "rules")
        if (item["province_code"], item["from_year"]) not in known
    ]
    CommitteeRule.objects.bulk_create(rules)
    codes = set(DisputeType.objects.values_list("code", flat=True))
    types = [DisputeType(**t) for t in _rows(TYPES_FIXTURE, "types") if t["code"] not in codes]
    DisputeType.objects.bulk_create(types)
    return len(rules) + len(types)


def on_post_migrate(sender: Any, **kwargs: Any) -> None:
    """post_migrate receiver (apps.py)."""
    from django.db import connections

    using = kwargs.get("using", "default")
    if "mediation_disputetype" in connections[using].introspection.table_names():
        data_sync()
