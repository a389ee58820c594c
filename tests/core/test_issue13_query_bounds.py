"""Issue 13 item 24: numbers out of range in any query parameter (year, offset, page, unit id …)
give 400 or an empty result on the HTML pages, never a 500. Every page without a path argument
is requested with huge, negative and non-numeric values (the API: test_api_kit_bounds.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from tests.personas import County

from fazhi.demo.generator import SeedResult
from fazhi.metrics.models import MetricDefinition
from fazhi.orgs.models import Membership
from fazhi.orgs.roles import Role
from fazhi.plans.models import Plan

#: Query parameters the pages read (filters, paging, periods, ids), each given every bad value.
NAMES = (
    "year",
    "closed_year",
    "judged_year",
    "month",
    "quarter",
    "unit",
    "page",
    "offset",
    "limit",
    "days",
    "plan",
    "task",
    "status",
    "level",
    "overdue",
    "loss",
    "head",
    "result",
    "outcome",
    "act_category",
    "metric",
    "code",
    "version",
    "from",
    "to",
    "on",
    "date",
    "start",
    "end",
    "id",
    "report",
    "unread",
    "section",
    "period",
    "part",
    "show",
    "rule",
    "action",
    "type",
    "actor",
    "s",
    "q",
)
BAD_VALUES = ("99999999999", str(10**30), "-1", "abc", "1e309", "\x00")
SKIP_PREFIXES = ("admin/", "api/", "accounts/logout", "static/", "media/")


def _routes(patterns: Any, prefix: str = "") -> Iterator[str]:
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, route)
        elif isinstance(p, URLPattern):
            yield route


def page_urls() -> list[str]:
    """Every URL without a path argument, except the admin site, the API and logging out."""
    urls = {
        "/" + r.lstrip("^").rstrip("$")
        for r in _routes(get_resolver().url_patterns)
        if "<" not in r and "(" not in r and not r.startswith(SKIP_PREFIXES)
    }
    return sorted(urls)


def test_the_pages_are_found() -> None:
    urls = page_urls()
    for expected in ("/", "/reconsideration/cases/", "/litigation/cases/", "/metrics/"):
        assert expected in urls
    assert len(urls) > 20


def _failures(client: Client, urls: list[str]) -> list[str]:
    client.raise_request_exception = False
    failures = []
    for url in urls:
        for value in BAD_VALUES:
            for params in (dict.fromkeys(NAMES, value), {"year": value}):
                response = client.get(url, params)
                if response.status_code >= 500:
                    failures.append(f"{url} {sorted(params)[:2]}={value!r}: {response.status_code}")
                    break
    return failures


@pytest.mark.parametrize("persona", ["coordinator", "clerk_a", "sysadmin"])
def test_no_page_answers_500_to_numbers_out_of_range(county: County, persona: str) -> None:
    assert _failures(county.client(persona), page_urls()) == []


def test_pages_of_one_plan_or_metric_neither(demo_county: SeedResult) -> None:
    """The plan matrix (``?unit=``, ``?section=``) and a metric's drill-down (``?unit=``,
    ``?period=``, ``?part=``) in the demo county, as its 依法治办."""
    plan = Plan.objects.order_by("pk").first()
    definition = MetricDefinition.objects.order_by("pk").first()
    assert plan is not None and definition is not None
    urls = [
        reverse("plans:matrix", args=[plan.pk]),
        reverse("metrics:drill", args=[definition.code]),
    ]
    membership = Membership.objects.filter(role=Role.COORDINATOR, unit__parent=None).first()
    assert membership is not None
    client = Client()
    client.force_login(membership.user)
    assert _failures(client, urls) == []


# --- the API (issue 14 item 5) ---------------------------------------------------------------
def api_list_urls() -> list[str]:
    """Every GET operation of /api/v1/ without a path parameter (from its OpenAPI schema)."""
    from fazhi.api import api

    paths = api.get_openapi_schema(path_prefix="/api/v1/")["paths"]
    return sorted(p for p, item in paths.items() if "get" in item and "{" not in p)


@pytest.mark.parametrize("persona", ["coordinator", "clerk_a"])
def test_no_api_operation_answers_500_to_numbers_out_of_range(county: County, persona: str) -> None:
    """The same names and values as for the pages: each operation answers 200 (a name it does
    not read is ignored), 400 (NUL) or 422 with a Chinese message naming the parameter."""
    client = county.client(persona)
    client.raise_request_exception = False
    urls = api_list_urls()
    assert "/api/v1/reconsideration/cases" in urls and len(urls) >= 8
    failures = []
    for url in urls:
        for value in BAD_VALUES:
            for params in (dict.fromkeys(NAMES, value), {"year": value}, {"limit": value}):
                response = client.get(url, params)
                status = response.status_code
                if status >= 500 or status not in {200, 400, 404, 422}:
                    failures.append(f"{url} {sorted(params)[:2]}={value!r}: {status}")
                elif status == 422:
                    first = response.json()["detail"]
                    first = first if isinstance(first, str) else first[0]
                    if "查询参数" not in first:
                        failures.append(f"{url} {value!r}: {first}")
    assert failures == []
