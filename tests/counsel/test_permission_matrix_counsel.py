"""Role × in/out-of-subtree permission matrix of the 法律顾问 registers through the UI (adviser
detail and history, participation detail, 解聘 by its step page, 登记参与事项 by form), the API
(detail, 登记参与事项) and the list pages with their exports and the API lists
(:mod:`tests.registers.matrix`), written out by hand per persona.

An adviser and its participations are seen by the 聘请单位's subtree; only a role with the right
to edit, in that subtree, takes a step or registers a participation.

==== ============ ===============================================================
key  unit         seen by
==== ============ ===============================================================
A    town_a       town_a personas, root personas
B    town_b       clerk_b, root personas
D    dept         dept personas, root personas
==== ============ ===============================================================
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from tests.counsel.conftest import MakeCounsel, MakeParticipation
from tests.personas import County
from tests.registers.matrix import FORBIDDEN, api_client, check_list_scope

from fazhi.counsel.models import Counsel, Participation, Status

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
HANDLES: dict[str, set[str]] = {
    "clerk_a": {"A"},
    "coordinator_a": {"A"},
    "clerk_b": {"B"},
    "dept_clerk": {"D"},
    "coordinator": {"A", "B", "D"},
}
EDITORS = set(HANDLES)
KEYS = ("A", "B", "D")
BODY = {"on": "2025-05-06", "kind": "contract", "subject": "矩阵合同审查"}


@pytest.fixture
def records(
    county: County, make_counsel: MakeCounsel, make_participation: MakeParticipation
) -> dict[str, Any]:
    units = {"A": county.town_a, "B": county.town_b, "D": county.dept}
    found: dict[str, Any] = {}
    for key, unit in units.items():
        counsel = make_counsel(unit, f"矩阵顾问{key}", "2025-01-01", "2026-12-31")
        part = make_participation(counsel, "2025-03-02", "petition", f"矩阵信访{key}")
        found[key] = SimpleNamespace(
            counsel=counsel, part=part, name=counsel.name, counsel_name=counsel.name,
            subject=part.subject,
        )  # fmt: skip
    return found


def expected_read(persona: str, key: str) -> int:
    visible = VISIBLE[persona]
    if visible is FORBIDDEN:
        return 403
    return 200 if key in visible else 404


CASES = [(p, k) for p in PERSONAS for k in KEYS]


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "key"), CASES)
def test_ui_then_api(county: County, records: dict[str, Any], persona: str, key: str) -> None:
    rec, client, read = records[key], county.client(persona), expected_read(persona, key)
    handles = key in HANDLES.get(persona, set())
    base = f"/counsel/roster/{rec.counsel.pk}"
    assert client.get(f"{base}/").status_code == read
    assert client.get(f"{base}/history/").status_code == read
    assert client.get(f"/counsel/participations/{rec.part.pk}/").status_code == read

    body = {**BODY, "counsel": rec.counsel.pk}
    posted = client.post("/counsel/participations/new/", body)
    if persona not in EDITORS:
        assert posted.status_code == 403
    else:  # an editor outside the subtree is not offered the adviser
        assert posted.status_code == (302 if handles else 200)
    created = Participation.objects.filter(subject=BODY["subject"], counsel=rec.counsel)
    assert created.exists() == handles

    api, headers = api_client(county, persona)
    assert api.get(f"/api/v1/counsel/roster/{rec.counsel.pk}", headers=headers).status_code == read
    url = f"/api/v1/counsel/participations/{rec.part.pk}"
    assert api.get(url, headers=headers).status_code == read
    if handles:
        created.delete()  # the API registers it again
    response = api.post(
        "/api/v1/counsel/participations",
        json.dumps(body),
        content_type="application/json",
        headers=headers,
    )
    if VISIBLE[persona] is FORBIDDEN or persona not in EDITORS:
        assert response.status_code == 403
    else:
        assert response.status_code == (201 if handles else 422)
    assert created.exists() == handles

    step = client.post(f"{base}/terminate/", {"terminated_on": "2025-06-20", "reason": "调整"})
    assert step.status_code == (302 if handles else (read if read != 200 else 403))
    status = Counsel.objects.get(pk=rec.counsel.pk).status
    assert (status == Status.TERMINATED) is handles


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_lists_exports_and_api_lists(county: County, records: dict[str, Any], persona: str) -> None:
    visible = VISIBLE[persona]
    check_list_scope(
        county, persona, page="/counsel/roster/", api="/api/v1/counsel/roster",
        records=records, visible=visible, field="name",
    )  # fmt: skip
    check_list_scope(
        county, persona, page="/counsel/participations/", api="/api/v1/counsel/participations",
        records=records, visible=visible, field="subject",
    )  # fmt: skip


def test_matrix_is_complete() -> None:
    assert set(VISIBLE) == set(PERSONAS)
    assert all(h <= (VISIBLE[p] or set()) for p, h in HANDLES.items())
    assert VISIBLE["clerk_b"] == {"B"} and "B" not in (VISIBLE["clerk_a"] or set())
