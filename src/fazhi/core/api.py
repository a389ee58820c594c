"""REST endpoints of the core app: who am I, and deadline computation."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from fazhi.core.api_auth import actor_of
from fazhi.core.api_errors import responses
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


@router.get("/me", summary="当前身份", **responses({200: MeOut}, 401, 403))
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


class DeadlineQuery(Schema):
    rule: str = Field(
        min_length=1, max_length=64, description="期限规则编码，如 reconsideration.review"
    )
    start: str = Field(
        min_length=1,
        max_length=32,
        description="起算日：2025-09-26、2025年9月26日等（年份 1949–2100）",
    )


@router.get(
    "/deadline",
    summary="计算法定期限届满日",
    **responses({200: DueOut}, 401, 403, 404, 422),
)
def deadline(request: HttpRequest, query: Query[DeadlineQuery]) -> DueOut:
    actor = actor_of(request)
    rule = query.rule
    try:
        start_date = parse_cn_date(query.start)
        row = rule_for(rule, province=province_code_of(actor.unit))
    except ValueError as exc:
        raise HttpError(422, f"查询参数 start：{exc}") from None
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
