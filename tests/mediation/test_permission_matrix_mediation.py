"""Role × in/out-of-subtree permission matrix of the 人民调解 registers through the UI (case,
committee and mediator detail and history pages, the 报告公安机关 step by form), the API
(details, the same step) and the list pages with their Excel exports and the API lists
(:mod:`tests.registers.matrix`), written out by hand per persona.

Every record is seen by its committee's unit's subtree; only a role with the right to edit, in
that subtree, takes a step.

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
from tests.mediation.conftest import MakeCase, MakeCommittee
from tests.personas import County
from tests.registers.matrix import FORBIDDEN, api_client, check_list_scope

from fazhi.mediation.models import Case
from fazhi.mediation.services import mediator_register
from fazhi.orgs.scoping import Actor

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
KEYS = ("A", "B", "D")


@pytest.fixture
def records(county: County, make_committee: MakeCommittee, make_case: MakeCase) -> dict[str, Any]:
    units = {"A": county.town_a, "B": county.town_b, "D": county.dept}
    found: dict[str, Any] = {}
    for key, unit in units.items():
        committee = make_committee(unit=unit, name=f"矩阵调委会{key}")
        mediator = mediator_register(
            actor=Actor.command_line(),
            committee=committee,
            name=f"矩阵调解员{key}",
            kind="part",
            joined_on=committee.term_start,
        )
        case = make_case(committee, number=f"矩阵{key}号")
        found[key] = SimpleNamespace(
            committee=committee,
            mediator=mediator,
            case=case,
            number=case.number,
            name=committee.name,
            mediator_name=mediator.name,
        )
    return found


def expected_read(persona: str, key: str) -> int:
    visible = VISIBLE[persona]
    if visible is FORBIDDEN:
        return 403
    return 200 if key in visible else 404


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "key"), [(p, k) for p in PERSONAS for k in KEYS])
def test_ui_then_api(county: County, records: dict[str, Any], persona: str, key: str) -> None:
    rec, client, read = records[key], county.client(persona), expected_read(persona, key)
    for url in (
        f"/mediation/cases/{rec.case.pk}/",
        f"/mediation/cases/{rec.case.pk}/history/",
        f"/mediation/committees/{rec.committee.pk}/",
        f"/mediation/mediators/{rec.mediator.pk}/",
    ):
        assert client.get(url).status_code == read, url
    handles = key in HANDLES.get(persona, set())
    body = {"reported_on": "2025-03-11", "note": "可能激化"}
    posted = client.post(f"/mediation/cases/{rec.case.pk}/report_police/", body)
    expected: Any = 302 if handles else (read if read != 200 else 403)
    assert posted.status_code == expected
    reported = Case.objects.filter(pk=rec.case.pk, police_reported_on__isnull=False)
    assert reported.exists() == handles

    api, headers = api_client(county, persona)
    for url in (
        f"/api/v1/mediation/cases/{rec.case.pk}",
        f"/api/v1/mediation/committees/{rec.committee.pk}",
        f"/api/v1/mediation/mediators/{rec.mediator.pk}",
    ):
        assert api.get(url, headers=headers).status_code == read, url
    if handles:
        reported.update(police_reported_on=None, police_note="")
    response = api.post(
        f"/api/v1/mediation/cases/{rec.case.pk}/transitions/report_police",
        json.dumps(body),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == (200 if handles else (read if read != 200 else 403))
    assert reported.exists() == handles


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_lists_exports_and_api_lists(county: County, records: dict[str, Any], persona: str) -> None:
    visible = VISIBLE[persona]
    for page, api, field in (
        ("/mediation/cases/", "/api/v1/mediation/cases", "number"),
        ("/mediation/committees/", "/api/v1/mediation/committees", "name"),
    ):
        check_list_scope(
            county, persona, page=page, api=api, records=records, visible=visible, field=field
        )
    mediators = {k: SimpleNamespace(name=r.mediator_name) for k, r in records.items()}
    check_list_scope(
        county,
        persona,
        page="/mediation/mediators/",
        api="/api/v1/mediation/mediators",
        records=mediators,
        visible=visible,
        field="name",
    )


def test_matrix_is_complete() -> None:
    assert set(VISIBLE) == set(PERSONAS)
    assert all(h <= (VISIBLE[p] or set()) for p, h in HANDLES.items())
