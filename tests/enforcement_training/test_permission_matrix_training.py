"""Role × in/out-of-subtree permission matrix of the 行政执法培训 registers through the UI
(course, attendance and yearly-hours detail pages, the attendance history, 登记参训 by form),
the API (detail, 登记参训) and the list pages with their Excel exports and the API lists
(:mod:`tests.registers.matrix`), written out by hand per persona.

Every record is seen by its unit's subtree (a course: the organising unit; an attendance and
a yearly row: the officer's unit); only a role with the right to edit, in that subtree,
registers attendance.

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
from tests.enforcement_training.conftest import Attend, MakeCourse, MakeOfficer
from tests.personas import County
from tests.registers.matrix import FORBIDDEN, api_client, check_list_scope

from fazhi.enforcement_training.models import Attendance, OfficerYear

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
def records(
    county: County, make_officer: MakeOfficer, make_course: MakeCourse, attend: Attend
) -> dict[str, Any]:
    units = {"A": county.town_a, "B": county.town_b, "D": county.dept}
    found: dict[str, Any] = {}
    for key, unit in units.items():
        course = make_course(f"矩阵培训{key}", unit=unit)
        row = attend(course, make_officer(unit, name=f"矩阵人{key}"))
        found[key] = SimpleNamespace(
            course=course,
            attendance=row,
            year=OfficerYear.objects.get(officer=row.officer),
            newcomer=make_officer(unit, name=f"新学员{key}"),
            title=course.title,
            officer_name=row.officer.name,
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
    assert client.get(f"/enforcement-training/courses/{rec.course.pk}/").status_code == read
    base = f"/enforcement-training/attendance/{rec.attendance.pk}"
    assert client.get(f"{base}/").status_code == read
    assert client.get(f"{base}/history/").status_code == read
    assert client.get(f"/enforcement-training/hours/{rec.year.pk}/").status_code == read

    handles = key in HANDLES.get(persona, set())
    body = {"course": rec.course.pk, "officer": rec.newcomer.pk}
    posted = client.post("/enforcement-training/attendance/new/", body)
    if persona not in EDITORS:
        assert posted.status_code == 403
    else:  # an editor outside the subtree is not offered the course and officer
        assert posted.status_code == (302 if handles else 200)
    created = Attendance.objects.filter(officer=rec.newcomer)
    assert created.exists() == handles

    api, headers = api_client(county, persona)
    url = f"/api/v1/enforcement-training/attendance/{rec.attendance.pk}"
    assert api.get(url, headers=headers).status_code == read
    hours = f"/api/v1/enforcement-training/hours/{rec.year.pk}"
    assert api.get(hours, headers=headers).status_code == read
    if handles:
        created.delete()  # the API registers it again
    response = api.post(
        "/api/v1/enforcement-training/attendance",
        json.dumps(body),
        content_type="application/json",
        headers=headers,
    )
    if VISIBLE[persona] is FORBIDDEN or persona not in EDITORS:
        assert response.status_code == 403
    else:
        assert response.status_code == (201 if handles else 422)
    assert Attendance.objects.filter(officer=rec.newcomer).exists() == handles


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_lists_exports_and_api_lists(county: County, records: dict[str, Any], persona: str) -> None:
    visible = VISIBLE[persona]
    for page, api, field in (
        ("/enforcement-training/courses/", "/api/v1/enforcement-training/courses", "title"),
        (
            "/enforcement-training/attendance/",
            "/api/v1/enforcement-training/attendance",
            "officer_name",
        ),
        ("/enforcement-training/hours/", "/api/v1/enforcement-training/hours", "officer_name"),
    ):
        check_list_scope(
            county, persona, page=page, api=api, records=records, visible=visible, field=field
        )


def test_matrix_is_complete() -> None:
    assert set(VISIBLE) == set(PERSONAS)
    assert all(h <= (VISIBLE[p] or set()) for p, h in HANDLES.items())
    assert VISIBLE["clerk_b"] == {"B"} and "B" not in (VISIBLE["clerk_a"] or set())
