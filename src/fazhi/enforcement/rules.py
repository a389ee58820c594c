"""The 执法证's periods, as data (``fixtures/deadline_rules.json``, editable per province):

* ``enforcement.cert_validity`` — validity in **months** (default 60, [S]): the certificate is
  valid up to the day before the same date N months after the 发证日期;
* ``enforcement.renewal_window`` — 换证 (re-exam) only within N **months** before expiry
  (default 6, [S]);
* ``enforcement.expiry_warning`` — "即将到期" (orange) within N **months** before expiry
  (default 2);
* ``enforcement.reviewer_ratio`` — 法制审核人员 at least N **percent** of 执法人员 (default 5,
  [R]).

A province overrides a rule by adding its own row; the officer's unit decides the province.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from fazhi.core.selectors import province_code_of, rule_for
from fazhi.enforcement.models import Officer
from fazhi.orgs.models import OrgUnit

VALIDITY = "enforcement.cert_validity"
RENEWAL_WINDOW = "enforcement.renewal_window"
EXPIRY_WARNING = "enforcement.expiry_warning"
REVIEWER_RATIO = "enforcement.reviewer_ratio"


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` (negative: back); the 31st becomes the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def months(code: str, unit: OrgUnit | None) -> int:
    return int(rule_for(code, province=province_code_of(unit)).days)


def expiry_after(issued_on: dt.date, unit: OrgUnit) -> dt.date:
    """证件有效期至: N months (the province's ``enforcement.cert_validity``) from the 发证日期,
    less a day."""
    return add_months(issued_on, months(VALIDITY, unit)) - dt.timedelta(days=1)


def renewal_opens(expires_on: dt.date, unit: OrgUnit) -> dt.date:
    """The first day a 换证 re-exam may be taken: N months before expiry."""
    return add_months(expires_on, -months(RENEWAL_WINDOW, unit))


def warning_horizon(today: dt.date, unit: OrgUnit | None) -> dt.date:
    """Certificates expiring on or before this day (and not yet expired) are "即将到期"."""
    return add_months(today, months(EXPIRY_WARNING, unit))


def reviewer_ratio_target(unit: OrgUnit | None) -> Decimal:
    """The 法制审核人员 ratio target in percent (default 5)."""
    return Decimal(rule_for(REVIEWER_RATIO, province=province_code_of(unit)).days)


def derive_dates(officer: Officer) -> None:
    """Store the day the "即将到期" warning starts (the workflow's ``recalc``)."""
    expires = officer.cert_expires_on
    officer.cert_warn_from = (
        None if expires is None else add_months(expires, -months(EXPIRY_WARNING, officer.unit))
    )
