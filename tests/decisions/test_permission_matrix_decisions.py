"""Role × in/out-of-subtree permission matrix for the 重大行政决策 register, through the UI
(detail, history, a step form), the API and the Excel export — written out by hand per persona.

A decision is seen by the subtree of its 决策机关 (``unit``) and of its 承办单位 (``lead_unit``);
whoever may edit in either subtree moves it. Time frozen at 2025-12-31.

==== ============ ============ ==============================================
key  决策机关      承办单位      seen by
==== ============ ============ ==============================================
A    town_a       town_a       town_a personas, root personas (a township, 参照)
B    root         dept         root personas, dept personas
T    town_b       town_b       clerk_b, root personas
==== ============ ============ ==============================================
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.decisions.conftest import d
from tests.personas import County
from tests.registers.matrix import FORBIDDEN, api_client, check_list_scope
from tests.registers.test_permission_matrix import PERSONAS

from fazhi.decisions import services as svc
from fazhi.decisions.models import Decision, Status
from fazhi.orgs.scoping import Actor

pytestmark = pytest.mark.usefixtures("frozen")

VISIBLE: dict[str, set[str] | None] = {
    "clerk_a": {"A"},
    "leader_a": {"A"},
    "reviewer_a": {"A"},
    "coordinator_a": {"A"},
    "clerk_b": {"T"},
    "dept_clerk": {"B"},
    "reviewer": {"B"},
    "coordinator": {"A", "B", "T"},
    "leader": {"A", "B", "T"},
    "sysadmin": {"A", "B", "T"},
    "secadmin": FORBIDDEN,
    "auditor": FORBIDDEN,
}
HANDLES: dict[str, set[str]] = {
    "clerk_a": {"A"},
    "coordinator_a": {"A"},
    "clerk_b": {"T"},
    "dept_clerk": {"B"},
    "coordinator": {"A", "B", "T"},
}


@pytest.fixture
def decisions(county: County) -> dict[str, Decision]:
    cli = Actor.command_line()
    sides = {
        "A": (county.town_a, county.town_a),
        "B": (county.root, county.dept),
        "T": (county.town_b, county.town_b),
    }
    return {
        key: svc.decision_register(
            actor=cli,
            unit=unit,
            lead_unit=lead,
            title=f"矩阵决策{key}",
            category="policy",
            listed_on=d("2025-03-03"),
        )
        for key, (unit, lead) in sides.items()
    }


def read_status(persona: str, key: str) -> int:
    visible = VISIBLE[persona]
    if visible is FORBIDDEN:
        return 403
    return 200 if key in visible else 404


def write_status(persona: str, key: str) -> int:
    read = read_status(persona, key)
    if read != 200:
        return read
    return 200 if key in HANDLES.get(persona, set()) else 403


CASES = [(p, k) for p in PERSONAS for k in ("A", "B", "T")]


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "key"), CASES)
def test_ui(county: County, decisions: dict[str, Decision], persona: str, key: str) -> None:
    decision, client = decisions[key], county.client(persona)
    read, write = read_status(persona, key), write_status(persona, key)
    base = f"/decisions/decisions/{decision.pk}"
    detail = client.get(f"{base}/")
    assert detail.status_code == read
    if read == 200:
        assert (f"{base}/start/" in detail.content.decode()) == (write == 200)
    assert client.get(f"{base}/history/").status_code == read
    assert client.get(f"{base}/start/").status_code == write
    response = client.post(f"{base}/start/", {"started_on": "2025-03-10"})
    assert response.status_code == (302 if write == 200 else write)
    moved = Decision.objects.get(pk=decision.pk).status == Status.DRAFTING
    assert moved == (write == 200)


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "key"), CASES)
def test_api(county: County, decisions: dict[str, Decision], persona: str, key: str) -> None:
    decision = decisions[key]
    client, headers = api_client(county, persona)
    read, write = read_status(persona, key), write_status(persona, key)
    url = f"/api/v1/decisions/decisions/{decision.pk}"
    assert client.get(url, headers=headers).status_code == read
    moved = client.post(
        f"{url}/transitions/start",
        json.dumps({"started_on": "2025-03-10"}),
        content_type="application/json",
        headers=headers,
    )
    assert moved.status_code == write
    assert (Decision.objects.get(pk=decision.pk).status == Status.DRAFTING) == (write == 200)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_list_export_and_api_list(
    county: County, decisions: dict[str, Decision], persona: str
) -> None:
    check_list_scope(
        county,
        persona,
        page="/decisions/decisions/",
        api="/api/v1/decisions/decisions",
        records=decisions,
        visible=VISIBLE[persona],
        field="title",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_create_page(county: County, persona: str) -> None:
    response = county.client(persona).get("/decisions/decisions/new/")
    can: dict[str, Any] = {"clerk_a", "coordinator_a", "clerk_b", "dept_clerk", "coordinator"}
    assert response.status_code == (200 if persona in can else 403)
