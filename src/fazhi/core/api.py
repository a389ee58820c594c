"""REST endpoints of the core app: who am I, and deadline computation."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from fazhi.core.api_auth import actor_of
from fazhi.core.dates import parse_cn_date
from fazhi.core.selectors import UnknownRule, compute_due, province_code_of, rule_for

router = Router(tags=["基础"])


class MeOut(Schema):
    username: str
    name: str
    unit_code: str
    unit_name: str
    role: str
    role_label: str


@router.get("/me", response=MeOut, summary="当前身份")
def me(request: HttpRequest) -> MeOut:
    actor = actor_of(request)
    return MeOut(
        username=actor.user.get_username() if actor.user else "",
        name=actor.name,
        unit_code=actor.unit.code,
        unit_name=actor.unit.name,
        role=actor.role,
        role_label=actor.role_label,
    )


class DueOut(Schema):
    rule: str
    name: str
    basis: str
    start: str
    days: int
    counting: str
    backward: bool
    due: str
    extended_due: str | None
    warnings: list[str]


@router.get("/deadline", response=DueOut, summary="计算法定期限届满日")
def deadline(request: HttpRequest, rule: str, start: str) -> DueOut:
    actor = actor_of(request)
    try:
        start_date = parse_cn_date(start)
        row = rule_for(rule, province=province_code_of(actor.unit))
    except ValueError as exc:
        raise HttpError(422, str(exc)) from None
    except UnknownRule:
        raise HttpError(404, f"未知的期限规则：{rule}") from None
    result = compute_due(row, start_date)
    warnings = result.warnings
    return DueOut(
        rule=row.code,
        name=row.name,
        basis=row.basis,
        start=start_date.isoformat(),
        days=row.days,
        counting=row.counting,
        backward=row.backward,
        due=result.due.due.isoformat(),
        extended_due=result.extended.due.isoformat() if result.extended else None,
        warnings=warnings,
    )
