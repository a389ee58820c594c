"""Deadline rules of the 行政复议 register and the pure derivation of a case's stored deadlines.

行政复议法 2023: 第20条 申请期限, 第30条 受理审查, 第31条 补正, 第32条 转送, 第39条 中止 (not
counted) and 第41条第一款第五项 (中止满六十日 → 终止), 第51条 听证通知, 第56–58条 附带审查,
第62条 审理期限 and its extension (cap from ``DeadlineRule.extension_days``), 第76条 意见书;
行政诉讼法 第45条 (起诉期限 after the 复议决定书). Every number comes from the ``DeadlineRule``
rows of the case's province (:meth:`Rules.for_unit`), never from code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fazhi.core.deadlines import CalendarData, Counting, add_days, add_days_paused, count_back
from fazhi.core.selectors import UnknownRule, calendar_data, province_code_of, rules_for_province
from fazhi.orgs.models import OrgUnit
from fazhi.reconsideration.models import (
    IncidentalMode,
    Outcome,
    Procedure,
    ReconsiderationCase,
    Status,
    Suspension,
    SuspensionGround,
)

#: 第41条第一款第五项: the grounds of 第39条第一款 whose suspension ends the case (终止) when it
#: has lasted the ``reconsideration.suspension_limit`` period (60 days) and the cause remains.
#: The statute names the grounds; the number of days is rule data.
LIMITED_SUSPENSION_GROUNDS = frozenset(
    {SuspensionGround.G1, SuspensionGround.G2, SuspensionGround.G4}
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

Period = tuple[int, str]


def rules_of(case: ReconsiderationCase) -> Rules:
    """The rules of ``case``'s province (the 复议机构's)."""
    return Rules.for_unit(case.unit)


def day_unit(counting: str) -> str:
    return "个工作日" if counting == "working" else "日"


@dataclass(frozen=True)
class Rules:
    """The deadline rules that apply to one case's province, and the calendar."""

    review: Period
    correction: Period
    decision_ordinary: Period
    decision_simple: Period
    letter_reply: Period
    calendar: CalendarData
    #: 审理期限 extension cap (第62条: 30日), from ``DeadlineRule.extension_days`` of the
    #: ordinary-procedure rule, so a province's override applies.
    extension_cap: int = 30
    application: Period = (60, "natural")  # 第20条
    transfer: Period = (5, "working")  # 第32条
    hearing_notice: Period = (5, "working")  # 第51条, counted back from the hearing
    incidental_review: Period = (30, "natural")  # 第56、57条 处理
    incidental_transfer: Period = (7, "working")  # 第56、57条 转送
    suspension_limit: Period = (60, "natural")  # 第41条第一款第五项
    sue: Period = (15, "natural")  # 行政诉讼法第45条

    @classmethod
    def for_unit(cls, unit: OrgUnit) -> Rules:
        """The rules of ``unit``'s province (its own rows, else the national ones): one query."""
        rows = {r.code: r for r in rules_for_province(province_code_of(unit))}

        def get(code: str) -> Period:
            if code not in rows:
                raise UnknownRule(code)
            return rows[code].days, rows[code].counting

        return cls(
            review=get("reconsideration.acceptance_review"),
            correction=get("reconsideration.correction_period"),
            decision_ordinary=get("reconsideration.decision_ordinary"),
            decision_simple=get("reconsideration.decision_simple"),
            letter_reply=get("reconsideration.opinion_reply"),
            calendar=calendar_data(),
            extension_cap=rows["reconsideration.decision_ordinary"].extension_days or 0,
            application=get("reconsideration.application"),
            transfer=get("reconsideration.transfer"),
            hearing_notice=get("reconsideration.hearing_notice"),
            incidental_review=get("reconsideration.incidental_review"),
            incidental_transfer=get("reconsideration.incidental_transfer"),
            suspension_limit=get("reconsideration.suspension_limit"),
            sue=get("litigation.sue_after_reconsideration"),
        )

    def due(self, start: dt.date | None, period: Period) -> dt.date | None:
        """``start`` + ``period`` (None without a start)."""
        if start is None:
            return None
        return add_days(start, period[0], period[1], calendar=self.calendar).due

    def before(self, day: dt.date | None, period: Period) -> dt.date | None:
        """The last day that is ``period`` before ``day`` (第51条: 举行听证的五日前): for working
        days, the n-th working day counted back from ``day`` (``day`` itself not counted)."""
        if day is None:
            return None
        return count_back(day, period[0], period[1], calendar=self.calendar).due


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
    _derive_other(case, suspensions, rules)
    for pause in suspensions:  # stored by ``suspend``; filled here for bulk writers too
        pause.limit_due = suspension_limit_due(pause.ground, pause.suspended_on, rules)
    open_pause = next((s for s in suspensions if s.resumed_on is None), None)
    running = case.status == Status.SUSPENDED and open_pause is not None
    case.suspended_since = open_pause.suspended_on if running and open_pause else None
    case.current_due = {
        Status.REVIEWING: case.review_due,
        Status.CORRECTING: case.correction_due,
        Status.ACCEPTED: case.decision_due,
        # 第41条(五): a suspension on ground 1, 2 or 4 runs out; its end is the running limit.
        Status.SUSPENDED: open_pause.limit_due if open_pause else None,
    }.get(Status(case.status))
    if case.status == Status.CLOSED and case.closed_on:
        case.closed_on_time = case.decision_due is None or case.closed_on <= case.decision_due
        if case.accepted_on:
            case.handling_days = (case.closed_on - case.accepted_on).days
    else:
        case.closed_on_time = None
        case.handling_days = None


def _derive_other(case: ReconsiderationCase, suspensions: list[Suspension], rules: Rules) -> None:
    """The 申请、转送、听证、附带审查、中止满期 and 起诉 dates (第20、32、41、51、56–58条,
    行政诉讼法第45条)."""
    case.application_due = rules.due(case.known_on, rules.application)
    case.transfer_due = rules.due(case.forwarded_on, rules.transfer)
    case.hearing_notice_due = rules.before(case.hearing_on, rules.hearing_notice)
    incidental = (
        rules.incidental_transfer
        if case.incidental_mode == IncidentalMode.TRANSFER
        else rules.incidental_review
    )
    case.incidental_due = (
        rules.due(case.incidental_on, incidental) if case.incidental_mode else None
    )
    case.sue_due = rules.due(case.decision_served_on, rules.sue)


def suspension_limit_due(ground: str, suspended_on: dt.date, rules: Rules) -> dt.date | None:
    """The day a suspension on ``ground`` has lasted the limit (第41条(五)); None when the
    ground has no limit."""
    if ground not in LIMITED_SUSPENSION_GROUNDS:
        return None
    return rules.due(suspended_on, rules.suspension_limit)


def suspension_limit_problem(pause: Suspension, today: dt.date) -> str:
    """The prompt to 终止 for a suspension past its limit ("" otherwise)."""
    return pause.limit_prompt(today)
