"""Deadline rules of the 重大行政决策 register (``fixtures/deadline_rules.json``), read per the
决策机关's province (a province may override them: same code, its region).

* ``decisions.consultation`` — 第十五条第一款: 公开征求意见 generally not less than 30 days
  (natural days; the start day is not counted; an end falling on a rest day moves to the next
  working day). A shorter period needs 缩短期限的说明.
* ``decisions.hearing_materials`` — 第十六条第三款: 听证会材料 delivered 7 days before the
  hearing (counted back from the hearing date, natural days, not moved).
"""

from __future__ import annotations

import datetime as dt

from fazhi.core.selectors import compute_due, province_code_of, rule_for
from fazhi.orgs.models import OrgUnit

CONSULTATION = "decisions.consultation"
HEARING_MATERIALS = "decisions.hearing_materials"


def consultation_earliest_end(unit: OrgUnit, started_on: dt.date) -> dt.date:
    """The earliest 征求意见截止日期 that keeps the minimum period (第十五条)."""
    rule = rule_for(CONSULTATION, province=province_code_of(unit))
    return compute_due(rule, started_on).due.due


def consultation_days(unit: OrgUnit) -> int:
    return rule_for(CONSULTATION, province=province_code_of(unit)).days


def hearing_materials_latest(unit: OrgUnit, hearing_on: dt.date) -> dt.date:
    """The last day on which the 听证会材料 may reach the participants (第十六条第三款)."""
    rule = rule_for(HEARING_MATERIALS, province=province_code_of(unit))
    return compute_due(rule, hearing_on).due.due


def hearing_materials_days(unit: OrgUnit) -> int:
    return rule_for(HEARING_MATERIALS, province=province_code_of(unit)).days
