"""Deadline rules of the 行政应诉 register and the derivation of a case's stored deadlines.

行政诉讼法(2017) 第67条 (答辩和举证: 15 days from receipt of the 起诉状副本; 第34条: evidence
submitted late counts as none) and 第85条 (上诉: 15 days from service of a first-instance
judgment, 10 days for a ruling). The numbers are ``DeadlineRule`` rows of the 被告's province
(``litigation/fixtures/deadline_rules.json``), never constants in code. Periods are counted as
the 民事诉讼法 provides (行政诉讼法第101条; 解释第48条): the start day is not counted and a
period ending on a rest day ends on the next working day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from fazhi.core.deadlines import CalendarData, Counting, add_days
from fazhi.core.selectors import UnknownRule, calendar_data, province_code_of, rules_for_province
from fazhi.litigation.models import Document, LitigationCase
from fazhi.orgs.models import OrgUnit

DEFENCE = "litigation.defence"
APPEAL_JUDGMENT = "litigation.appeal_judgment"
APPEAL_RULING = "litigation.appeal_ruling"

#: Days before a deadline when the daily sweep reminds the 被告 (``FAZHI_LITIGATION_WARN_DAYS``).
DEFAULT_WARN_DAYS = 5


def warn_days() -> int:
    """How many days ahead the sweep reminds of a 答辩举证 or 上诉 deadline (default 5)."""
    return int(getattr(settings, "FAZHI_LITIGATION_WARN_DAYS", DEFAULT_WARN_DAYS))


@dataclass(frozen=True)
class Rules:
    """The 应诉 deadline rules of one province, and the calendar."""

    defence: tuple[int, str]
    appeal_judgment: tuple[int, str]
    appeal_ruling: tuple[int, str]
    calendar: CalendarData

    @classmethod
    def for_unit(cls, unit: OrgUnit) -> Rules:
        """The rules of ``unit``'s province (its own rows, else the national ones): one query,
        none inside :func:`fazhi.core.selectors.rules_cache` once read."""
        rows = {r.code: r for r in rules_for_province(province_code_of(unit))}

        def get(code: str) -> tuple[int, str]:
            if code not in rows:
                raise UnknownRule(code)
            return rows[code].days, rows[code].counting

        return cls(
            defence=get(DEFENCE),
            appeal_judgment=get(APPEAL_JUDGMENT),
            appeal_ruling=get(APPEAL_RULING),
            calendar=calendar_data(),
        )


def day_unit(counting: str) -> str:
    return "个工作日" if counting == "working" else "日"


def appeal_rule_code(case: LitigationCase) -> str:
    """The rule of the case's appeal period ("" when its document may not be appealed)."""
    if not case.appealable:
        return ""
    return APPEAL_JUDGMENT if case.document == Document.JUDGMENT else APPEAL_RULING


def _due(start: dt.date, rule: tuple[int, str], calendar: CalendarData) -> dt.date:
    return add_days(start, rule[0], Counting(rule[1]), calendar=calendar).due


def derive_deadlines(case: LitigationCase, rules: Rules | None = None) -> None:
    """Set the stored deadline fields of ``case`` from its dates (the workflow's ``recalc``)."""
    if case.complaint_received_on is None and not (case.served_on and case.appealable):
        case.defence_due = case.appeal_due = None
        return
    rules = rules or Rules.for_unit(case.unit)
    case.defence_due = None
    if case.complaint_received_on is not None:
        case.defence_due = _due(case.complaint_received_on, rules.defence, rules.calendar)
    case.appeal_due = None
    code = appeal_rule_code(case)
    if case.served_on is not None and code:
        rule = rules.appeal_judgment if code == APPEAL_JUDGMENT else rules.appeal_ruling
        case.appeal_due = _due(case.served_on, rule, rules.calendar)
