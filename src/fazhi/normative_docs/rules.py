"""Time limits of the 规范性文件 register, read from ``fixtures/deadline_rules.json`` (data,
overridable per province with a ``region`` row) — never constants in code.

* 征求意见 ``normative_docs.consultation``: at least 30 natural days (roll-over) where the document
  affects citizens' rights and obligations; shorter only with a reason.
* 报送备案 ``normative_docs.filing``: 30 natural days from 公布 by default, 15 in 四川 (region 51).
* 暂缓 补正 ``normative_docs.correction``: 15 natural days from the 暂缓 notice (条例 第9条).
* 有效期 ``normative_docs.validity`` / ``validity_trial``: in **months** (60 / 24), from 施行日期;
  the document is valid up to the day before the same date N months later.
* 评估提示 ``normative_docs.evaluation``: months before expiry (6) when the register warns.
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt

from fazhi.core.deadlines import Counting, add_days
from fazhi.core.selectors import calendar_data, province_code_of, rule_for
from fazhi.orgs.models import OrgUnit

CONSULTATION = "normative_docs.consultation"
FILING = "normative_docs.filing"
CORRECTION = "normative_docs.correction"
VALIDITY = "normative_docs.validity"
VALIDITY_TRIAL = "normative_docs.validity_trial"
EVALUATION = "normative_docs.evaluation"

#: 施行日期 defaults to this many days after 公布 (国办发〔2018〕37号: 自公布之日起30日后施行).
EFFECTIVE_AFTER_DAYS = 30


def _days(code: str, unit: OrgUnit) -> tuple[int, str]:
    rule = rule_for(code, province=province_code_of(unit))
    return rule.days, rule.counting


def due(code: str, unit: OrgUnit, start: dt.date) -> dt.date:
    """The due date of rule ``code`` (the province of ``unit``) counted from ``start``."""
    days, counting = _days(code, unit)
    return add_days(start, days, Counting(counting), calendar=calendar_data()).due


def rule_days(code: str, unit: OrgUnit) -> int:
    return _days(code, unit)[0]


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved ``months`` months on (the last day of a shorter month)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return dt.date(year, month, min(day.day, _cal.monthrange(year, month)[1]))


def default_effective_from(published_on: dt.date) -> dt.date:
    return published_on + dt.timedelta(days=EFFECTIVE_AFTER_DAYS)


def default_valid_until(unit: OrgUnit, effective_from: dt.date, *, trial: bool) -> dt.date:
    """The last day of the validity period: N months (province rule) from 施行日期, less a day."""
    months = rule_days(VALIDITY_TRIAL if trial else VALIDITY, unit)
    return add_months(effective_from, months) - dt.timedelta(days=1)


def evaluation_months(unit: OrgUnit | None = None) -> int:
    """Months before expiry when the register warns (the national rule without a unit)."""
    if unit is None:
        return rule_for(EVALUATION).days
    return rule_days(EVALUATION, unit)


def is_trial_title(title: str) -> bool:
    return "暂行" in title or "试行" in title
