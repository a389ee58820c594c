"""Role × in/out-of-subtree permission matrix for the 规范性文件 register, through the UI
(detail, history, a transition form and its POST), the API (detail, transition, list) and the
Excel export — written out by hand per persona, like tests/registers/test_permission_matrix.py.

A document is seen and moved by the subtree of its 制定机关 (``unit``). Documents (drafted
2025-06-02, today 2025-06-30): A of town_a, V of village_a (inside town_a), D of dept.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from tests.normative_docs.conftest import on, walk
from tests.personas import County
from tests.registers.matrix import FORBIDDEN, api_client, check_list_scope

from fazhi.normative_docs.models import Document, Status

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
    "clerk_a": {"A", "V"},
    "leader_a": {"A", "V"},
    "reviewer_a": {"A", "V"},
    "coordinator_a": {"A", "V"},
    "clerk_b": set(),
    "dept_clerk": {"D"},
    "reviewer": {"D"},
    "coordinator": {"A", "D", "V"},
    "leader": {"A", "D", "V"},
    "sysadmin": {"A", "D", "V"},
    "secadmin": FORBIDDEN,
    "auditor": FORBIDDEN,
}
HANDLES: dict[str, set[str]] = {
    "clerk_a": {"A", "V"},
    "coordinator_a": {"A", "V"},
    "dept_clerk": {"D"},
    "coordinator": {"A", "D", "V"},
}
CONSULT = {"consult_start": "2025-06-03", "consult_end": "2025-07-04"}


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with on("2025-06-30"):
        yield


@pytest.fixture
def docs(county: County) -> dict[str, Document]:
    units = {"A": county.town_a, "V": county.village_a, "D": county.dept}
    return {
        k: walk(u, f"矩阵文件{k}", until="drafting", drafted_on="2025-06-02")
        for k, u in units.items()
    }


def expected_read(visible: set[str] | None, key: str) -> int:
    if visible is FORBIDDEN:
        return 403
    return 200 if key in visible else 404


def expected_write(persona: str, key: str) -> int:
    read = expected_read(VISIBLE[persona], key)
    if read != 200:
        return read
    return 200 if key in HANDLES.get(persona, set()) else 403


CASES = [(p, k) for p in PERSONAS for k in ("A", "V", "D")]


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "key"), CASES)
def test_ui(county: County, docs: dict[str, Document], persona: str, key: str) -> None:
    doc, client = docs[key], county.client(persona)
    read, write = expected_read(VISIBLE[persona], key), expected_write(persona, key)
    base = f"/normative/documents/{doc.pk}"
    detail = client.get(f"{base}/")
    assert detail.status_code == read
    if read == 200:
        assert (f"{base}/consult/" in detail.content.decode()) == (write == 200)
    assert client.get(f"{base}/history/").status_code == read
    assert client.get(f"{base}/consult/").status_code == write
    response = client.post(f"{base}/consult/", CONSULT)
    assert response.status_code == (302 if write == 200 else write)
    moved = Document.objects.get(pk=doc.pk).status == Status.CONSULTING
    assert moved == (write == 200)


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "key"), CASES)
def test_api(county: County, docs: dict[str, Document], persona: str, key: str) -> None:
    doc = docs[key]
    client, headers = api_client(county, persona)
    read, write = expected_read(VISIBLE[persona], key), expected_write(persona, key)
    url = f"/api/v1/normative/documents/{doc.pk}"
    assert client.get(url, headers=headers).status_code == read
    moved = client.post(
        f"{url}/transitions/consult",
        json.dumps(CONSULT),
        content_type="application/json",
        headers=headers,
    )
    assert moved.status_code == write
    assert (Document.objects.get(pk=doc.pk).status == Status.CONSULTING) == (write == 200)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_list_export_and_api_list(county: County, docs: dict[str, Document], persona: str) -> None:
    check_list_scope(
        county,
        persona,
        page="/normative/documents/",
        api="/api/v1/normative/documents",
        records=docs,
        visible=VISIBLE[persona],
        field="title",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_create_page(county: County, persona: str) -> None:
    editors = {"clerk_a", "coordinator_a", "clerk_b", "dept_clerk", "coordinator"}
    got = county.client(persona).get("/normative/documents/new/")
    assert got.status_code == (200 if persona in editors else 403)
