"""Reads of the 执法主体 and 执法人员 registers, scoped by ``visible_to``."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from fazhi.core.selectors import rules_cache
from fazhi.enforcement import rules
from fazhi.enforcement.models import CertStatus, Officer
from fazhi.enforcement.services import expired_q, expiring_q
from fazhi.orgs.scoping import Actor, visible_to

#: The colour of a certificate on a day: red (expired), orange (即将到期) or none.
RED, ORANGE = "error", "warn"


def light(officer: Officer, today: dt.date) -> tuple[str, str]:
    """``(css, label)`` of the officer's certificate on ``today``: 已过期仍在执法岗位 / 已过期
    (red), 即将到期 (orange), or ``("", "")``."""
    expires = officer.cert_expires_on
    if expires is None or officer.status not in (CertStatus.ISSUED, CertStatus.SUSPENDED):
        return "", ""
    if expires < today:
        return RED, "已过期仍在执法岗位" if officer.on_duty else "已过期"
    warn = officer.cert_warn_from
    if officer.status == CertStatus.ISSUED and warn is not None and warn <= today:
        return ORANGE, "即将到期"
    return "", ""


def todo_counts(actor: Actor, today: dt.date) -> dict[str, int]:
    """Certificates the actor sees: 即将到期, 已过期 (of them still on 执法 duty), holders and
    法制审核人员 among them (one query)."""
    valid = Q(status=CertStatus.ISSUED, cert_expires_on__gte=today, on_staff=True)
    found = visible_to(Officer.objects.all(), actor).aggregate(
        expiring=Count("pk", filter=expiring_q(today)),
        expired=Count("pk", filter=expired_q(today)),
        on_duty=Count("pk", filter=expired_q(today) & Q(on_duty=True)),
        holders=Count("pk", filter=valid),
        reviewers=Count("pk", filter=valid & Q(legal_reviewer=True)),
    )
    return {k: int(v or 0) for k, v in found.items()}


def ratio(part: int, whole: int) -> Decimal | None:
    """``part`` ÷ ``whole`` in percent, one decimal (None for no ``whole``)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def tile_settings(actor: Actor) -> tuple[int, Decimal]:
    """The warning months and the reviewer ratio target of the actor's province (one query)."""
    with rules_cache():
        return (
            rules.months(rules.EXPIRY_WARNING, actor.unit),
            rules.reviewer_ratio_target(actor.unit),
        )
