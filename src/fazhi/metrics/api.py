"""REST endpoints of the metrics app (under /api/v1/metrics/), scoped like the UI."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from fazhi.core.api_auth import actor_of
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


@router.get("/", response=list[MetricOut], summary="单位（含下级单位）某期间的全部统计指标")
def list_metrics(
    request: HttpRequest,
    unit: str | None = None,
    period: str | None = None,
    code: str | None = None,
) -> list[MetricOut]:
    """``unit``: unit code (default: the caller's unit); ``period``: 2024, 2024Q1, 2024-03 or
    2024-01-01..2024-06-30 (default: this year); ``code``: only this metric."""
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    org_unit = unit_param(request, actor)
    try:
        span = Period.parse(period) if period else default_period()
    except ValueError as exc:
        raise HttpError(422, str(exc)) from None
    codes = [code] if code else None
    values = selectors.metric_values(actor=actor, unit=org_unit, period=span, codes=codes)
    return [MetricOut.of(v) for v in values]
