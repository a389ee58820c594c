"""REST endpoints of the metrics app (under /api/v1/metrics/), scoped like the UI."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from fazhi.core.api_auth import actor_of
from fazhi.core.api_errors import responses
from fazhi.metrics import selectors
from fazhi.metrics.engine import MetricValue
from fazhi.metrics.periods import Period
from fazhi.metrics.views import default_period, unit_param
from fazhi.orgs.roles import Cap

router = Router(tags=["统计指标"])


class MetricOut(Schema):
    code: str
    name: str
    group: str
    value: int | float | None
    display: str
    unit: str
    numerator: int | float
    denominator: int | None
    version: int
    period: str
    period_label: str
    org_unit: str
    numerator_url: str
    denominator_url: str

    @staticmethod
    def of(value: MetricValue) -> MetricOut:
        return MetricOut(
            **value.as_dict(),
            numerator_url=value.numerator_url,
            denominator_url=value.denominator_url,
        )


class MetricQuery(Schema):
    unit: str | None = Field(None, max_length=32, description="单位编码（默认：本单位）")
    period: str | None = Field(
        None,
        max_length=32,
        description="期间：2024、2024Q1、2024-03 或 2024-01-01..2024-06-30（默认：本年）",
    )
    code: str | None = Field(None, max_length=64, description="只返回这一项指标")


@router.get(
    "/",
    summary="单位（含下级单位）某期间的全部统计指标",
    **responses({200: list[MetricOut]}, 401, 403, 404, 422),
)
def list_metrics(request: HttpRequest, query: Query[MetricQuery]) -> list[MetricOut]:
    """``unit``: unit code (default: the caller's unit, 404 outside the subtree); ``period``:
    2024, 2024Q1, 2024-03 or 2024-01-01..2024-06-30 (default: this year); ``code``: only this
    metric."""
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    org_unit = unit_param(request, actor)
    try:
        span = Period.parse(query.period) if query.period else default_period()
    except ValueError as exc:
        raise HttpError(422, f"查询参数 period：{exc}") from None
    codes = [query.code] if query.code else None
    values = selectors.metric_values(actor=actor, unit=org_unit, period=span, codes=codes)
    return [MetricOut.of(v) for v in values]
