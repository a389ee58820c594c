"""Periods and parameters of the 三项制度 registers, as data (``fixtures/deadline_rules.json``).

* ``enforcement_oversight.withdrawal``: 3 working days (with 调休) after the published decision
  was 变更/撤销/确认违法/确认无效 (行政处罚法 第48条第二款); the day itself is not counted.
* ``enforcement_oversight.publication``: 31 natural days from 12月31日 of the data year, i.e.
  1月31日 of the next year, not moved off a rest day.
* ``enforcement_oversight.repeat_inspection_window``: the 涉企重复检查 window (days only).

A province overrides any of them with its own rule row.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from fazhi.core.deadlines import Counting, add_days
from fazhi.core.selectors import calendar_data, province_code_of, rule_for
from fazhi.orgs.models import OrgUnit

WITHDRAWAL_RULE = "enforcement_oversight.withdrawal"
PUBLICATION_RULE = "enforcement_oversight.publication"
WINDOW_RULE = "enforcement_oversight.repeat_inspection_window"

#: Days before a due date when the sweep reminds (``FAZHI_ENFORCEMENT_OVERSIGHT_WARN_DAYS``).
DEFAULT_WARN_DAYS = 10


def warn_days() -> int:
    return int(getattr(settings, "FAZHI_ENFORCEMENT_OVERSIGHT_WARN_DAYS", DEFAULT_WARN_DAYS))


def withdrawal_due(unit: OrgUnit, changed_on: dt.date) -> dt.date:
    """The last day to withdraw the published decision changed on ``changed_on``."""
    rule = rule_for(WITHDRAWAL_RULE, province=province_code_of(unit))
    return add_days(changed_on, rule.days, Counting(rule.counting), calendar=calendar_data()).due


def publication_due(unit: OrgUnit, year: int) -> dt.date:
    """The last day to publish ``year``'s 执法 data (default 1月31日 of ``year + 1``)."""
    rule = rule_for(PUBLICATION_RULE, province=province_code_of(unit))
    start = dt.date(year, 12, 31)
    return add_days(
        start, rule.days, Counting(rule.counting), calendar=calendar_data(), roll_to_workday=False
    ).due


def inspection_window(unit: OrgUnit | None) -> int:
    """The 涉企重复检查 window in days for ``unit``'s province (default 30)."""
    return int(rule_for(WINDOW_RULE, province=province_code_of(unit)).days)
