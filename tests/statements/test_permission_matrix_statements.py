"""Role × in/out-of-subtree permission matrix of the 述法 register through the UI (detail,
history, the 审核通过 step, 登记 by form), the API (detail, 审核通过, 登记) and the list page
with its Excel export and the API list (:mod:`tests.registers.matrix`), written out by hand.

Each statement is 已送审. It is seen by its unit's subtree; it is registered by an editor of
that subtree; its material is approved only by a reviewer of a unit strictly ABOVE it (the
county's 依法治办 here) — never by the reporting unit's own reviewer or 依法治办.

==== ============ =============================== ===========================
key  unit         seen by                         approved by
==== ============ =============================== ===========================
A    town_a       town_a personas, root personas  coordinator
B    town_b       clerk_b, root personas          coordinator
D    dept         dept personas, root personas    coordinator
==== ============ =============================== ===========================
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.personas import County
from tests.registers.matrix import FORBIDDEN, api_client, check_list_scope
from tests.statements.conftest import Make

from fazhi.statements.models import HeadKind, Statement, Status

PERSONAS = [
    "clerk_a", "leader_a", "reviewer_a", "coordinator_a", "clerk_b", "dept_clerk",
    "reviewer", "coordinator", "leader", "sysadmin", "secadmin", "auditor",
]  # fmt: skip
VISIBLE: dict[str, set[str] | None] = {
    "clerk_a": {"A"},
    "leader_a": {"A"},
    "reviewer_a": {"A"},
    "coordinator_a": {"A"},
    "clerk_b": {"B"},
    "dept_clerk": {"D"},
    "reviewer": {"D"},
    "coordinator": {"A", "B", "D"},
    "leader": {"A", "B", "D"},
    "sysadmin": {"A", "B", "D"},
    "secadmin": FORBIDDEN,
    "auditor": FORBIDDEN,
}
REGISTERS: dict[str, set[str]] = {
    "clerk_a": {"A"},
    "coordinator_a": {"A"},
    "clerk_b": {"B"},
    "dept_clerk": {"D"},
    "coordinator": {"A", "B", "D"},
}
APPROVES: dict[str, set[str]] = {"coordinator": {"A", "B", "D"}}
KEYS = ("A", "B", "D")


@pytest.fixture
def records(county: County, make: Make) -> dict[str, Any]:
    units = {"A": county.town_a, "B": county.town_b, "D": county.dept}
    kinds = {"A": HeadKind.TOWNSHIP, "B": HeadKind.TOWNSHIP, "D": HeadKind.DEPARTMENT}
    return {
        k: make(u, upto="submitted", person=f"矩阵人{k}", head_kind=kinds[k])
        for k, u in units.items()
    }


def expected_read(persona: str, key: str) -> int:
    visible = VISIBLE[persona]
    if visible is FORBIDDEN:
        return 403
    return 200 if key in visible else 404


CASES = [(p, k) for p in PERSONAS for k in KEYS]


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "key"), CASES)
def test_ui_then_api(
    county: County, make: Make, records: dict[str, Any], persona: str, key: str
) -> None:
    s, client, read = records[key], county.client(persona), expected_read(persona, key)
    base = f"/statements/records/{s.pk}"
    assert client.get(f"{base}/").status_code == read
    assert client.get(f"{base}/history/").status_code == read

    approves = key in APPROVES.get(persona, set())
    posted = client.post(f"{base}/approve/", {"approved_on": "2026-12-01"})
    if read != 200:
        assert posted.status_code == read
    else:
        assert posted.status_code == (302 if approves else 403)
    fresh = Statement.objects.get(pk=s.pk)
    assert (fresh.status == Status.APPROVED) is approves

    registers = key in REGISTERS.get(persona, set())
    body = {
        "unit": s.unit.code, "year": "2026", "person": "新述法人", "post": "局长",
        "head_kind": "department", "form": "annual", "registered_on": "2026-11-02",
    }  # fmt: skip
    created = client.post("/statements/records/new/", body)
    if persona not in REGISTERS:
        assert created.status_code == 403
    else:  # an editor outside the subtree is not offered the unit
        assert created.status_code == (302 if registers else 200)
    new = Statement.objects.filter(person="新述法人")
    assert new.exists() == registers
    new.delete()

    api, headers = api_client(county, persona)
    url = f"/api/v1/statements/statements/{s.pk}"
    assert api.get(url, headers=headers).status_code == read
    response = api.post(
        "/api/v1/statements/statements", json.dumps(body), content_type="application/json",
        headers=headers,
    )  # fmt: skip
    if VISIBLE[persona] is FORBIDDEN or persona not in REGISTERS:
        assert response.status_code == 403
    else:
        assert response.status_code == (201 if registers else 422)
    assert new.exists() == registers
    if approves:  # back to 已送审 is impossible; a fresh one is approved through the API
        other = make(s.unit, upto="submitted", person="API审核", head_kind=s.head_kind)
        done = api.post(
            f"/api/v1/statements/statements/{other.pk}/transitions/approve",
            json.dumps({"approved_on": "2026-12-02"}), content_type="application/json",
            headers=headers,
        )  # fmt: skip
        assert done.status_code == 200, done.content
    elif read == 200:
        refused = api.post(
            f"{url}/transitions/approve", json.dumps({"approved_on": "2026-12-02"}),
            content_type="application/json", headers=headers,
        )  # fmt: skip
        assert refused.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_lists_exports_and_api_lists(county: County, records: dict[str, Any], persona: str) -> None:
    check_list_scope(
        county, persona, page="/statements/records/", api="/api/v1/statements/statements",
        records=records, visible=VISIBLE[persona], field="person",
    )  # fmt: skip


def test_matrix_is_complete() -> None:
    assert set(VISIBLE) == set(PERSONAS)
    assert all(h <= (VISIBLE[p] or set()) for p, h in REGISTERS.items())
    assert all(h <= (VISIBLE[p] or set()) for p, h in APPROVES.items())
