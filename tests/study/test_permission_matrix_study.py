"""Role × in/out-of-subtree permission matrix of the 学法 registers through the UI (session,
达标 row and exam detail pages, the session history and edit page, 登记 by form), the API
(detail, 登记) and the list pages with their Excel exports and the API lists
(:mod:`tests.registers.matrix`), written out by hand per persona.

Every record is seen by its unit's subtree; only a role with the right to edit, in that
subtree, registers and edits.

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
from tests.personas import County
from tests.registers.matrix import FORBIDDEN, api_client, check_list_scope
from tests.study.conftest import MakeExam, MakeSession

from fazhi.study.models import ExamResult, StudySession, UnitYear

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


@pytest.fixture
def records(county: County, make_session: MakeSession, make_exam: MakeExam) -> dict[str, Any]:
    units = {"A": county.town_a, "B": county.town_b, "D": county.dept}
    found: dict[str, Any] = {}
    for key, unit in units.items():
        session = make_session(unit, "lecture", subject=f"矩阵学法{key}")
        exam = make_exam(unit, f"矩阵人{key}")
        found[key] = SimpleNamespace(
            session=session,
            exam=exam,
            year=UnitYear.objects.get(unit=unit, year=2026),
            unit=unit,
            subject=session.subject,
            name=exam.name,
            unit_name=unit.name,
            unit_code=unit.code,
        )
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
    base = f"/study/sessions/{rec.session.pk}"
    assert client.get(f"{base}/").status_code == read
    assert client.get(f"{base}/history/").status_code == read
    assert client.get(f"/study/targets/{rec.year.pk}/").status_code == read
    assert client.get(f"/study/exams/{rec.exam.pk}/").status_code == read
    handles = key in HANDLES.get(persona, set())
    edit = client.get(f"{base}/edit/").status_code
    assert edit == (200 if handles else (read if read != 200 else 403))

    body = {
        "unit": rec.unit.code, "kind": "trial", "held_on": "2026-05-05",
        "subject": f"新学法{persona}", "attendee_count": 5,
    }  # fmt: skip
    posted = client.post("/study/sessions/new/", body)
    if persona not in EDITORS:
        assert posted.status_code == 403
    else:  # an editor outside the subtree is not offered the unit
        assert posted.status_code == (302 if handles else 200)
    created = StudySession.objects.filter(subject=body["subject"])
    assert created.exists() == handles

    api, headers = api_client(county, persona)
    assert api.get(f"/api/v1/study/sessions/{rec.session.pk}", headers=headers).status_code == read
    assert api.get(f"/api/v1/study/targets/{rec.year.pk}", headers=headers).status_code == read
    assert api.get(f"/api/v1/study/exams/{rec.exam.pk}", headers=headers).status_code == read
    created.delete()
    exam_body = {"unit": rec.unit.code, "name": f"新人{persona}", "exam_on": "2026-05-05",
                 "score": 70}  # fmt: skip
    response = api.post(
        "/api/v1/study/exams", json.dumps(exam_body), content_type="application/json",
        headers=headers,
    )  # fmt: skip
    if VISIBLE[persona] is FORBIDDEN or persona not in EDITORS:
        assert response.status_code == 403
    else:
        assert response.status_code == (201 if handles else 422)
    assert ExamResult.objects.filter(name=exam_body["name"]).exists() == handles


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_lists_exports_and_api_lists(county: County, records: dict[str, Any], persona: str) -> None:
    visible = VISIBLE[persona]
    check_list_scope(
        county, persona, page="/study/sessions/", api="/api/v1/study/sessions",
        records=records, visible=visible, field="subject",
    )  # fmt: skip
    check_list_scope(
        county, persona, page="/study/exams/", api="/api/v1/study/exams",
        records=records, visible=visible, field="name",
    )  # fmt: skip
    client = county.client(persona)
    listing = client.get("/study/targets/?year=2026")
    api, headers = api_client(county, persona)
    api_list = api.get("/api/v1/study/targets?year=2026", headers=headers)
    if visible is FORBIDDEN:
        assert listing.status_code == api_list.status_code == 403
        return
    codes = {r["unit_code"] for r in api_list.json()["items"]}
    assert codes == {records[k].unit_code for k in visible}


def test_matrix_is_complete() -> None:
    assert set(VISIBLE) == set(PERSONAS)
    assert all(h <= (VISIBLE[p] or set()) for p, h in HANDLES.items())
    assert VISIBLE["clerk_b"] == {"B"} and "B" not in (VISIBLE["clerk_a"] or set())
