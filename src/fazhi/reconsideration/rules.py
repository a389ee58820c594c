"""Deadline rules of the 行政复议 register and the pure derivation of a case's stored deadlines.

行政复议法 2023: 第30条 受理审查, 第31条 补正, 第39条 中止 (not counted), 第62条 审理期限 and its
extension (cap from ``DeadlineRule.extension_days``), 第76条 意见书. Every number comes from the
``DeadlineRule`` rows of the case's province (:meth:`Rules.for_unit`), never from code.
"""

from __future__ import annotations

from dataclasses import dataclass

from fazhi.core.deadlines import CalendarData, Counting, add_days, add_days_paused
from fazhi.core.selectors import calendar_data, province_code_of, rule_for
from fazhi.orgs.models import OrgUnit
from fazhi.reconsideration.models import (
    Outcome,
    Procedure,
    ReconsiderationCase,
    Status,
    Suspension,
)

#: Outcomes that may close a suspended case without resuming it (第41条终止, 调解, 和解, 撤回).
CLOSABLE_WHILE_SUSPENDED = frozenset(
    {
        Outcome.MEDIATION,
        Outcome.SETTLED_WITHDRAWN,
        Outcome.COORDINATED_WITHDRAWN,
        Outcome.OTHER_WITHDRAWN,
        Outcome.TERMINATED,
    }
)


def rules_of(case: ReconsiderationCase) -> Rules:
    """The rules of ``case``'s province (the 复议机构's)."""
    return Rules.for_unit(case.unit)


def day_unit(counting: str) -> str:
    return "个工作日" if counting == "working" else "日"


@dataclass(frozen=True)
class Rules:
    """The deadline rules that apply to one case's province, and the calendar."""

    review: tuple[int, str]
    correction: tuple[int, str]
    decision_ordinary: tuple[int, str]
    decision_simple: tuple[int, str]
    letter_reply: tuple[int, str]
    calendar: CalendarData
    #: 审理期限 extension cap (第62条: 30日), from ``DeadlineRule.extension_days`` of the
    #: ordinary-procedure rule, so a province's override applies.
    extension_cap: int = 30

    @classmethod
    def for_unit(cls, unit: OrgUnit) -> Rules:
        province = province_code_of(unit)

        def get(code: str) -> tuple[int, str]:
            rule = rule_for(code, province=province)
            return rule.days, rule.counting

        ordinary = rule_for("reconsideration.decision_ordinary", province=province)

        return cls(
            review=get("reconsideration.acceptance_review"),
            correction=get("reconsideration.correction_period"),
            decision_ordinary=get("reconsideration.decision_ordinary"),
            decision_simple=get("reconsideration.decision_simple"),
            letter_reply=get("reconsideration.opinion_reply"),
            calendar=calendar_data(),
            extension_cap=ordinary.extension_days or 0,
        )


def derive_deadlines(
    case: ReconsiderationCase, suspensions: list[Suspension], rules: Rules
) -> None:
    """Set the stored deadline fields of ``case`` from its dates (no database access)."""
    cal = rules.calendar
    review_start = case.correction_received_on or case.received_on
    case.review_due = add_days(review_start, rules.review[0], rules.review[1], calendar=cal).due
    case.correction_due = None
    if case.correction_notified_on:
        days, counting = rules.correction
        case.correction_due = add_days(
            case.correction_notified_on, days, counting, calendar=cal
        ).due
    case.decision_due = None
    pauses = [(s.suspended_on, s.resumed_on) for s in suspensions]
    case.suspended_days = sum((e - s).days for s, e in pauses if e is not None)
    if case.accepted_on and case.procedure:
        days, counting = (
            rules.decision_simple if case.procedure == Procedure.SIMPLE else rules.decision_ordinary
        )
        due = add_days_paused(case.accepted_on, days, counting, pauses=pauses, calendar=cal)
        if due is not None:
            case.decision_due = due.due
            if case.extension_days:
                # The extension runs on from the end of the original period; a suspension
                # inside the extension is not counted either (第39条).
                extended = add_days_paused(
                    due.due, case.extension_days, Counting(counting), pauses=pauses, calendar=cal
                )
                case.decision_due = extended.due if extended is not None else None
    case.current_due = {
        Status.REVIEWING: case.review_due,
        Status.CORRECTING: case.correction_due,
        Status.ACCEPTED: case.decision_due,
    }.get(Status(case.status))
    if case.status == Status.CLOSED and case.closed_on:
        case.closed_on_time = case.decision_due is None or case.closed_on <= case.decision_due
        if case.accepted_on:
            case.handling_days = (case.closed_on - case.accepted_on).days
    else:
        case.closed_on_time = None
        case.handling_days = None
