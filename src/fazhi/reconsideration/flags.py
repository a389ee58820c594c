"""Reads behind the register's flags and the sweep's reminders (no writes).

The rules (行政复议法 2023): 第41条第一款第五项 (中止满六十日 → 终止), 第51条 (听证通知 five
working days before the hearing), 第56、57条 (附带审查 30 days / 7 working days), and
行政诉讼法第45条 (the applicant's 15 days to sue, shown on the closed case). The due dates
are stored on the case (:func:`fazhi.reconsideration.rules.derive_deadlines`); these are the
queries on them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from fazhi.reconsideration.models import ReconsiderationCase, Status, Suspension


@dataclass(frozen=True)
class Flag:
    """One thing a clerk must act on: its key (one reminder per key) and Chinese text."""

    case: ReconsiderationCase
    key: str
    text: str


def suspended_past_limit(today: dt.date) -> QuerySet[Suspension]:
    """Open suspensions on a limited ground (第39条第一款第一、二、四项) past their limit."""
    return Suspension.objects.filter(
        case__status=Status.SUSPENDED, resumed_on__isnull=True, limit_due__lt=today
    ).select_related("case", "case__unit")


def hearing_notice_pending(today: dt.date, *, ahead: int = 3) -> QuerySet[ReconsiderationCase]:
    """Open cases with a hearing whose notice is not recorded and is due within ``ahead`` days
    (or overdue)."""
    return ReconsiderationCase.objects.filter(
        status__in=(Status.ACCEPTED, Status.SUSPENDED),
        hearing_notified_on__isnull=True,
        hearing_notice_due__lte=today + dt.timedelta(days=ahead),
    ).select_related("unit")


def incidental_overdue(today: dt.date) -> QuerySet[ReconsiderationCase]:
    """附带审查 neither handled nor transferred by its due day (open cases)."""
    return ReconsiderationCase.objects.filter(
        Q(status__in=(Status.ACCEPTED, Status.SUSPENDED))
        & Q(incidental_done_on__isnull=True, incidental_due__lt=today)
    ).select_related("unit")


def flags(today: dt.date) -> list[Flag]:
    """Every flag the daily sweep turns into a reminder for the case's 复议机构."""
    out: list[Flag] = []
    for pause in suspended_past_limit(today):
        out.append(
            Flag(
                pause.case,
                f"recon:{pause.case_id}:suspension:{pause.pk}",
                f"行政复议案件{pause.case.number}已中止{pause.days(today)}日，超过中止期限"
                f"（{pause.limit_due:%Y-%m-%d}）；中止原因仍未消除的，应当决定终止行政复议"
                "（第四十一条第一款第五项）",
            )
        )
    for case in hearing_notice_pending(today):
        state = "已逾期" if case.hearing_notice_overdue(today) else "即将到期"
        out.append(
            Flag(
                case,
                f"recon:{case.pk}:hearing:{case.hearing_on}",
                f"行政复议案件{case.number}定于{case.hearing_on:%Y-%m-%d}听证，听证通知应于"
                f"{case.hearing_notice_due:%Y-%m-%d}前送达当事人（第五十一条），{state}",
            )
        )
    for case in incidental_overdue(today):
        out.append(
            Flag(
                case,
                f"recon:{case.pk}:incidental:{case.incidental_on}",
                f"行政复议案件{case.number}的附带审查应于{case.incidental_due:%Y-%m-%d}前"
                f"{'转送' if case.incidental_mode == 'transfer' else '处理'}，已逾期"
                "（第五十六条、第五十七条）",
            )
        )
    return out
