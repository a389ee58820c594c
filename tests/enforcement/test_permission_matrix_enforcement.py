"""Role × in/out-of-subtree permission matrix for the 执法人员 register (UI: detail, history, a
step form and its POST; API: detail, transition, list; the Excel export) and the 执法主体
register (detail and list), written out by hand per persona.

==== ============ ===========================================================
key  unit          seen by
==== ============ ===========================================================
A    town_a        town_a personas, root personas
B    town_b        clerk_b, root personas
D    dept (司法局)  dept personas, root personas
==== ============ ===========================================================

Only a role that edits records, in the officer's unit's subtree, moves a certificate. The
安全管理员 and 审计管理员 may not read registers (403); the 系统管理员 reads them.
"""

from __future__ import annotations

import json

import pytest
from tests.personas import County
from tests.registers.matrix import FORBIDDEN, api_client, check_list_scope

from fazhi.enforcement import services as svc
from fazhi.enforcement.models import CertStatus, Officer, Subject
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor

from .conftest import d

PERSONAS = [
    "clerk_a",
    "leader_a",
    "reviewer_a",
    "coordinator_a",
    "clerk_b",
    "dept_clerk",
    "reviewer",
    "coordinator",
    "leader",
    "sysadmin",
    "secadmin",
    "auditor",
]
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
def units(county: County) -> dict[str, OrgUnit]:
    return {"A": county.town_a, "B": county.town_b, "D": county.dept}


@pytest.fixture
def officers(county: County, units: dict[str, OrgUnit]) -> dict[str, Officer]:
    cli = Actor.command_line()
    return {
        key: svc.officer_register(
            actor=cli,
            unit=unit,
            name=f"矩阵人员{key}",
            cert_number=f"矩阵证{key}",
            cert_issued_on=d("2024-05-06"),
        )
        for key, unit in units.items()
    }


@pytest.fixture
def subjects(county: County, units: dict[str, OrgUnit]) -> dict[str, Subject]:
    cli = Actor.command_line()
    return {
        key: svc.subject_register(actor=cli, unit=unit, name=f"矩阵主体{key}")
        for key, unit in units.items()
    }


def expected_read(persona: str, key: str) -> int:
    visible = VISIBLE[persona]
    if visible is FORBIDDEN:
        return 403
    return 200 if key in visible else 404


def expected_write(persona: str, key: str) -> int:
    read = expected_read(persona, key)
    if read != 200:
        return read
    return 200 if key in HANDLES.get(persona, set()) else 403


CASES = [(p, k) for p in PERSONAS for k in KEYS]


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "key"), CASES)
def test_ui_then_api(county: County, officers: dict[str, Officer], persona: str, key: str) -> None:
    officer, client = officers[key], county.client(persona)
    read, write = expected_read(persona, key), expected_write(persona, key)
    base = f"/enforcement/officers/{officer.pk}"
    detail = client.get(f"{base}/")
    assert detail.status_code == read
    if read == 200:
        assert (f"{base}/suspend/" in detail.content.decode()) == (write == 200)
    assert client.get(f"{base}/history/").status_code == read
    assert client.get(f"{base}/edit/").status_code == write
    assert client.get(f"{base}/suspend/").status_code == write
    response = client.post(f"{base}/suspend/", {"suspended_on": "2026-06-29", "reason": "调查"})
    assert response.status_code == (302 if write == 200 else write)
    assert (Officer.objects.get(pk=officer.pk).status == CertStatus.SUSPENDED) == (write == 200)

    api, headers = api_client(county, persona)
    url = f"/api/v1/enforcement/officers/{officer.pk}"
    assert api.get(url, headers=headers).status_code == read
    source = CertStatus.SUSPENDED if write == 200 else CertStatus.ISSUED
    name, body = (
        ("restore", {"restored_on": "2026-06-30"})
        if write == 200
        else ("suspend", {"suspended_on": "2026-06-30", "reason": "调查"})
    )
    moved = api.post(
        f"{url}/transitions/{name}",
        json.dumps(body),
        content_type="application/json",
        headers=headers,
    )
    assert moved.status_code == write
    after = Officer.objects.get(pk=officer.pk).status
    assert after == (CertStatus.ISSUED if write == 200 else source)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_list_export_and_api_list(
    county: County, officers: dict[str, Officer], persona: str
) -> None:
    check_list_scope(
        county,
        persona,
        page="/enforcement/officers/",
        api="/api/v1/enforcement/officers",
        records=officers,
        visible=VISIBLE[persona],
        field="cert_number",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_subjects(county: County, subjects: dict[str, Subject], persona: str) -> None:
    client = county.client(persona)
    visible = VISIBLE[persona]
    listing = client.get("/enforcement/subjects/")
    api, headers = api_client(county, persona)
    api_list = api.get("/api/v1/enforcement/subjects", headers=headers)
    if visible is FORBIDDEN:
        assert listing.status_code == api_list.status_code == 403
    else:
        text = listing.content.decode()
        assert {k for k in KEYS if f"矩阵主体{k}" in text} == visible
        assert {r["name"] for r in api_list.json()["items"]} == {f"矩阵主体{k}" for k in visible}
    for key in KEYS:
        url = f"/enforcement/subjects/{subjects[key].pk}/"
        assert client.get(url).status_code == expected_read(persona, key)
        assert client.get(f"{url}duty_add/").status_code == expected_write(persona, key)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_create_pages(county: County, persona: str) -> None:
    editors = {"clerk_a", "coordinator_a", "clerk_b", "dept_clerk", "coordinator"}
    client = county.client(persona)
    for page in ("/enforcement/officers/new/", "/enforcement/subjects/new/"):
        assert client.get(page).status_code == (200 if persona in editors else 403)
    if persona == "clerk_b":  # 黄金乡 may not register an officer of 白沙镇
        response = client.post(
            "/enforcement/officers/new/",
            {"unit": county.town_a.code, "name": "越权", "applied_on": "2026-06-24"},
        )
        assert response.status_code == 200 and not Officer.objects.exists()


def test_matrix_is_complete() -> None:
    assert set(VISIBLE) == set(PERSONAS)
    assert all(h <= (VISIBLE[p] or set()) for p, h in HANDLES.items())
