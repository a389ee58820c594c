"""Issue 14 item 5: schemathesis runs every operation of the API's own OpenAPI schema in
process (Django's WSGI application, the test database) with bounded, deterministic examples:
the coverage phase (boundary values: the largest ids, out-of-range years, over-long texts,
missing and extra fields) and a few fuzzed ones, positive and negative. Each request carries the
token of a persona who can reach the operation; a request that names a record is sent again
with a record that persona sees, so that the forms and services behind the body run too.

Asserted for every response: no 5xx (``not_a_server_error``), a status code the operation
documents (``status_code_conformance``), JSON (``content_type_conformance``) and a body that
matches the documented schema (``response_schema_conformance``, the error shape included).

The examples of one operation share the test's transaction (pytest-django ``db``), which is
rolled back after it: nothing is left for other tests. Budget: well under a minute on SQLite.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import cached_property
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.utils import timezone
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from tests.personas import County

from fazhi.accounts.services import token_create
from fazhi.api import api
from fazhi.litigation import services as litigation
from fazhi.orgs.scoping import Actor
from fazhi.reconsideration import services as reconsideration
from fazhi.reconsideration.models import ActCategory
from fazhi.reports.services import report_create
from fazhi.wsgi import application

#: Bounded and deterministic: the same requests on every run, no shrinking, no example
#: database on disk. The coverage phase sends each parameter's boundary and invalid values.
CONFIG = {
    "seed": 14,
    "suppress-health-check": ["all"],
    "generation": {
        "mode": "all",
        "max-examples": 2,
        "deterministic": True,
        "no-shrink": True,
        "database": "none",
    },
    "phases": {
        "examples": {"enabled": False},
        "coverage": {"enabled": True, "unexpected-methods": []},
        "fuzzing": {"enabled": True},
        "stateful": {"enabled": False},
    },
}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

OPENAPI = api.get_openapi_schema(path_prefix="/api/v1/")
schema = schemathesis.openapi.from_dict(OPENAPI, config=schemathesis.Config.from_dict(CONFIG))

#: The persona whose token calls an operation (by path prefix; default: a township's 填报):
#: one who may take every step of the registers, edit unit contacts, and see the reports.
PERSONA_BY_PREFIX = {"/api/v1/reports/": "coordinator", "/api/v1/metrics/": "coordinator"}
DEFAULT_PERSONA = "clerk_a"


def persona_for(path: str) -> str:
    return next((p for k, p in PERSONA_BY_PREFIX.items() if path.startswith(k)), DEFAULT_PERSONA)


class World:
    """The county, and (made on first use, once per operation) tokens and records."""

    def __init__(self, county: County) -> None:
        self.county = county
        self.tokens: dict[str, str] = {}

    def token(self, persona: str) -> str:
        if persona not in self.tokens:
            membership = self.county.memberships[persona]
            _, raw = token_create(
                actor=Actor.command_line(), membership=membership, name="schemathesis"
            )
            self.tokens[persona] = raw
        return self.tokens[persona]

    @cached_property
    def reconsideration_id(self) -> int:
        case = reconsideration.case_receive(
            actor=Actor.command_line(),
            unit=self.county.town_a,
            respondent=self.county.village_a,
            number="ST-1",
            received_on=timezone.localdate() - dt.timedelta(days=2),
            act_category=ActCategory.PENALTY,
            applicant_name="欧阳明远",
        )
        return case.pk

    @cached_property
    def litigation_id(self) -> int:
        case = litigation.case_register(
            actor=Actor.command_line(),
            unit=self.county.town_a,
            number="（2025）湘0101行初1号",
            court="湘江县人民法院",
            filed_on=timezone.localdate() - dt.timedelta(days=2),
        )
        return case.pk

    @cached_property
    def report_id(self) -> int:
        year = timezone.localdate().year - 1
        report = report_create(
            actor=self.county.actor("coordinator"), unit=self.county.dept, year=year
        )
        return report.pk

    def known(self, path: str, name: str) -> Any:
        """A value of path parameter ``name`` that names a record the persona sees."""
        if name == "code":
            return self.county.town_a.code
        if name == "report_id":
            return self.report_id
        if "/reconsideration/" in path:
            return self.reconsideration_id
        return self.litigation_id


@pytest.fixture
def world(county: County, settings: Any) -> Iterator[World]:
    """The county and the in-process WSGI application, with the database connection kept open
    between requests (as Django's test client does) so that all share the test transaction."""
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield World(county)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _call_and_check(case: Any, token: str) -> None:
    response = case.call(app=application, headers={"Authorization": f"Bearer {token}"})
    case.validate_response(response, checks=CHECKS)


#: (operation, parameter) pairs already sent a value of the wrong JSON type.
_WRONG_TYPE_SENT: set[tuple[str, str]] = set()


def _repeats_a_wrong_type(case: Any) -> bool:
    """The coverage phase sends every wrong JSON type (null, number, array, object …) for
    every parameter and field; pydantic refuses them all alike, so one per field is enough."""
    phase = case.meta.phase if case.meta is not None else None
    description = str(getattr(phase.data, "description", "")) if phase is not None else ""
    if "Incorrect type" not in description:
        return False
    key = (case.operation.label, str(getattr(phase.data, "parameter", "")))
    if key in _WRONG_TYPE_SENT:
        return True
    _WRONG_TYPE_SENT.add(key)
    return False


@schema.parametrize()
def test_operation_never_fails_and_answers_as_documented(case: Any, world: World) -> None:
    if _repeats_a_wrong_type(case):
        return
    path = case.operation.path
    token = world.token(persona_for(path))
    _call_and_check(case, token)
    generated = dict(case.path_parameters or {})
    if generated and case.meta is not None and case.meta.generation.mode.value == "positive":
        case.path_parameters = {name: world.known(path, name) for name in generated}
        _call_and_check(case, token)
        case.path_parameters = generated


def test_the_schema_tested_is_the_one_served(county: County) -> None:
    served = county.client("clerk_a").get("/api/v1/openapi.json").json()
    assert served == OPENAPI
