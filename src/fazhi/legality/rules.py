"""Review periods of the 合法性审查 register, as data.

Each category names its rule (``Category.period_rule``; blank: :data:`DEFAULT_RULE`) and may
name a minimum (``Category.min_rule``, the 「一般不少于」 days). The numbers are ``DeadlineRule``
rows of the 审查机构's province (``fixtures/deadline_rules.json``; a province overrides a rule
by adding its own row), counted in working days with 调休 (chinese-calendar). The period runs
from the day the materials were received, or from the day the supplementary materials were
received after a 退回补充 (the period restarts); that day itself is not counted.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from fazhi.core.deadlines import Counting, add_days
from fazhi.core.selectors import calendar_data, province_code_of, rule_for
from fazhi.legality.models import Category, Review

DEFAULT_RULE = "legality.period_default"

#: Days before the due date when the sweep reminds (``FAZHI_LEGALITY_WARN_DAYS``).
DEFAULT_WARN_DAYS = 3


def warn_days() -> int:
    """How many days ahead the daily sweep reminds of a review period (default 3)."""
    return int(getattr(settings, "FAZHI_LEGALITY_WARN_DAYS", DEFAULT_WARN_DAYS))


def period_rule_code(category: Category) -> str:
    return category.period_rule or DEFAULT_RULE


def due_after(start: dt.date, code: str, *, province: str) -> dt.date:
    """The last day of the period ``code`` (of ``province``) that starts on ``start``."""
    rule = rule_for(code, province=province)
    return add_days(start, rule.days, Counting(rule.counting), calendar=calendar_data()).due


def derive_deadlines(review: Review) -> None:
    """Set ``period_start``, ``due_on`` and ``earliest_on`` from the review's dates (the
    workflow's ``recalc`` and the registering service)."""
    review.period_start = review.supplemented_on or review.received_on
    province = province_code_of(review.unit)
    category = review.category
    review.due_on = due_after(review.period_start, period_rule_code(category), province=province)
    review.earliest_on = None
    if category.min_rule:
        review.earliest_on = due_after(review.period_start, category.min_rule, province=province)
