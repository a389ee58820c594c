"""Role × in/out-of-subtree permission matrix for the 行政复议 and 行政应诉 registers, through
the UI (detail, history, edit, a transition form), the API and the Excel export.

The expectations are written out by hand per persona, not derived from the role table:

* a 复议 case is seen by the subtree of the 复议机构 that keeps it (``unit``) and by the
  subtree of the 被申请人 (``respondent``); only the 复议机构's side, with the right to edit,
  moves or edits it; a reader is told why it only reads (the 被申请人's side, or its role);
* an 应诉 case is seen and handled by the subtree of the 被告 (``unit``).

Cases (time frozen at 2024-06-28, received/filed 2024-06-24). Only a 行政复议机构 keeps 复议
cases: town_a, town_b and dept are, the root is not.

==== ============ =================== ===================================================
key  kept by      被申请人             seen by
==== ============ =================== ===================================================
A    town_a       village_a           town_a personas, root personas
R    town_b       dept                clerk_b, root personas, dept personas (read-only)
D    dept         town_b              dept personas, root personas, clerk_b (read-only)
LA   town_a       (应诉 被告)          town_a personas, root personas
LD   dept         (应诉 被告)          dept personas, root personas
==== ============ =================== ===================================================
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
import time_machine
from tests.personas import County
from tests.registers.matrix import FORBIDDEN, api_client, check_list_scope

from fazhi.litigation import services as lit
from fazhi.litigation.models import LitigationCase
from fazhi.orgs.scoping import Actor
from fazhi.reconsideration import services as rec
from fazhi.reconsideration.models import ReconsiderationCase, Status

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
RECEIVED = dt.date(2024, 6, 24)

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

#: persona → the 复议 cases it sees
REC_VISIBLE: dict[str, set[str] | None] = {
    "clerk_a": {"A"},
    "leader_a": {"A"},
    "reviewer_a": {"A"},
    "coordinator_a": {"A"},
    "clerk_b": {"R", "D"},
    "dept_clerk": {"R", "D"},
    "reviewer": {"R", "D"},
    "coordinator": {"A", "R", "D"},
    "leader": {"A", "R", "D"},
    "sysadmin": {"A", "R", "D"},
    "secadmin": FORBIDDEN,
    "auditor": FORBIDDEN,
}
#: persona → the 复议 cases it may move and edit (复议机构 side, right to edit)
REC_HANDLES: dict[str, set[str]] = {
    "clerk_a": {"A"},
    "coordinator_a": {"A"},
    "clerk_b": {"R"},
    "dept_clerk": {"D"},
    "coordinator": {"A", "R", "D"},
}
#: persona → {case: why it only reads}: "respondent" (the 被申请人's side only) or "role"
REC_READ_ONLY: dict[str, dict[str, str]] = {
    "leader_a": {"A": "role"},
    "reviewer_a": {"A": "role"},
    "clerk_b": {"D": "respondent"},
    "dept_clerk": {"R": "respondent"},
    "reviewer": {"R": "respondent", "D": "role"},
    "leader": {"A": "role", "R": "role", "D": "role"},
    "sysadmin": {"A": "role", "R": "role", "D": "role"},
}
#: persona → the 应诉 cases it sees
LIT_VISIBLE: dict[str, set[str] | None] = {
    "clerk_a": {"LA"},
    "leader_a": {"LA"},
    "reviewer_a": {"LA"},
    "coordinator_a": {"LA"},
    "clerk_b": set(),
    "dept_clerk": {"LD"},
    "reviewer": {"LD"},
    "coordinator": {"LA", "LD"},
    "leader": {"LA", "LD"},
    "sysadmin": {"LA", "LD"},
    "secadmin": FORBIDDEN,
    "auditor": FORBIDDEN,
}
LIT_HANDLES: dict[str, set[str]] = {
    "clerk_a": {"LA"},
    "coordinator_a": {"LA"},
    "dept_clerk": {"LD"},
    "coordinator": {"LA", "LD"},
}
assert set(REC_VISIBLE) == set(LIT_VISIBLE) == set(PERSONAS)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def rec_cases(county: County) -> dict[str, ReconsiderationCase]:
    cli = Actor.command_line()
    sides = {
        "A": (county.town_a, county.village_a),
        "R": (county.town_b, county.dept),
        "D": (county.dept, county.town_b),
    }
    return {
        key: rec.case_receive(
            actor=cli,
            unit=unit,
            respondent=respondent,
            number=f"矩阵复{key}号",
            received_on=RECEIVED,
            act_category="penalty",
            applicant_name="欧阳明远",
        )
        for key, (unit, respondent) in sides.items()
    }


@pytest.fixture
def lit_cases(county: County) -> dict[str, LitigationCase]:
    cli = Actor.command_line()
    return {
        key: lit.case_register(
            actor=cli, unit=unit, number=f"矩阵诉{key}号", court="湘江县人民法院", filed_on=RECEIVED
        )
        for key, unit in (("LA", county.town_a), ("LD", county.dept))
    }


def expected_read(visible: set[str] | None, key: str) -> int:
    if visible is FORBIDDEN:
        return 403
    return 200 if key in visible else 404


def expected_write(visible: set[str] | None, handles: set[str], key: str) -> int:
    read = expected_read(visible, key)
    if read != 200:
        return read
    return 200 if key in handles else 403


# --- 行政复议 -----------------------------------------------------------------------------
REC_CASES = [(p, k) for p in PERSONAS for k in ("A", "R", "D")]


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "key"), REC_CASES)
def test_reconsideration_ui(
    county: County, rec_cases: dict[str, ReconsiderationCase], persona: str, key: str
) -> None:
    case, client = rec_cases[key], county.client(persona)
    read = expected_read(REC_VISIBLE[persona], key)
    write = expected_write(REC_VISIBLE[persona], REC_HANDLES.get(persona, set()), key)
    base = f"/reconsideration/cases/{case.pk}"
    detail = client.get(f"{base}/")
    assert detail.status_code == read
    if read == 200:  # buttons and the edit tab only for the handling side
        text = detail.content.decode()
        assert (f"{base}/accept/" in text) == (write == 200)
        assert (f"{base}/edit/" in text) == (write == 200)
        why = REC_READ_ONLY.get(persona, {}).get(key)
        assert ("您所在单位是本案的被申请人" in text) == (why == "respondent")
        assert ("只能查看，不能办理或修改本案" in text) == (why == "role")
    assert client.get(f"{base}/history/").status_code == read
    assert client.get(f"{base}/edit/").status_code == write
    assert client.get(f"{base}/accept/").status_code == write
    response = client.post(
        f"{base}/accept/", {"accepted_on": "2024-06-25", "procedure": "ordinary"}
    )
    assert response.status_code == (302 if write == 200 else write)
    moved = ReconsiderationCase.objects.get(pk=case.pk).status == Status.ACCEPTED
    assert moved == (write == 200)


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "key"), REC_CASES)
def test_reconsideration_api(
    county: County, rec_cases: dict[str, ReconsiderationCase], persona: str, key: str
) -> None:
    case = rec_cases[key]
    client, headers = api_client(county, persona)
    read = expected_read(REC_VISIBLE[persona], key)
    write = expected_write(REC_VISIBLE[persona], REC_HANDLES.get(persona, set()), key)
    url = f"/api/v1/reconsideration/cases/{case.pk}"
    got = client.get(url, headers=headers)
    assert got.status_code == read
    if read == 200:
        assert got.json()["applicant_name_masked"] == "****"
    moved = client.post(
        f"{url}/transitions/accept",
        json.dumps({"accepted_on": "2024-06-25"}),
        content_type="application/json",
        headers=headers,
    )
    assert moved.status_code == write
    assert (ReconsiderationCase.objects.get(pk=case.pk).status == Status.ACCEPTED) == (write == 200)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_reconsideration_list_export_and_api_list(
    county: County, rec_cases: dict[str, ReconsiderationCase], persona: str
) -> None:
    values = check_list_scope(
        county,
        persona,
        page="/reconsideration/cases/",
        api="/api/v1/reconsideration/cases",
        records=rec_cases,
        visible=REC_VISIBLE[persona],
        field="number",
    )
    assert values is None or "欧阳明远" not in values


# --- 行政应诉 -----------------------------------------------------------------------------
LIT_CASES = [(p, k) for p in PERSONAS for k in ("LA", "LD")]
HEARING = {
    "held_on": "2024-06-26",
    "head_appeared": "False",
    "absence_reason": "因公出差",
    "staff_appeared": "True",
}


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "key"), LIT_CASES)
def test_litigation_ui(
    county: County, lit_cases: dict[str, LitigationCase], persona: str, key: str
) -> None:
    case, client = lit_cases[key], county.client(persona)
    read = expected_read(LIT_VISIBLE[persona], key)
    write = expected_write(LIT_VISIBLE[persona], LIT_HANDLES.get(persona, set()), key)
    base = f"/litigation/cases/{case.pk}"
    assert client.get(f"{base}/").status_code == read
    assert client.get(f"{base}/history/").status_code == read
    assert client.get(f"{base}/edit/").status_code == write
    response = client.post(f"{base}/add_hearing/", HEARING)
    assert response.status_code == (302 if write == 200 else write)
    assert LitigationCase.objects.get(pk=case.pk).hearing_count == (1 if write == 200 else 0)


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "key"), LIT_CASES)
def test_litigation_api(
    county: County, lit_cases: dict[str, LitigationCase], persona: str, key: str
) -> None:
    case = lit_cases[key]
    client, headers = api_client(county, persona)
    read = expected_read(LIT_VISIBLE[persona], key)
    write = expected_write(LIT_VISIBLE[persona], LIT_HANDLES.get(persona, set()), key)
    url = f"/api/v1/litigation/cases/{case.pk}"
    assert client.get(url, headers=headers).status_code == read
    heard = client.post(
        f"{url}/hearings",
        json.dumps({**HEARING, "head_appeared": False}),
        content_type="application/json",
        headers=headers,
    )
    assert heard.status_code == (201 if write == 200 else write)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_litigation_list_export_and_api_list(
    county: County, lit_cases: dict[str, LitigationCase], persona: str
) -> None:
    check_list_scope(
        county,
        persona,
        page="/litigation/cases/",
        api="/api/v1/litigation/cases",
        records=lit_cases,
        visible=LIT_VISIBLE[persona],
        field="number",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_create_pages(county: County, persona: str) -> None:
    """登记 needs the right to edit; the unit offered is always in the actor's subtree."""
    client = county.client(persona)
    editors = {"clerk_a", "coordinator_a", "clerk_b", "dept_clerk", "coordinator"}
    for url in ("/reconsideration/cases/new/", "/litigation/cases/new/"):
        assert client.get(url).status_code == (200 if persona in editors else 403)
    if persona in {"clerk_a", "clerk_b"}:
        other = county.town_b if persona == "clerk_a" else county.town_a
        response = client.post(
            "/litigation/cases/new/",
            {
                "unit": other.code,
                "number": "越权1号",
                "court": "湘江县人民法院",
                "filed_on": "2024-06-24",
            },
        )
        assert response.status_code == 200 and not LitigationCase.objects.exists()


def test_matrix_is_complete() -> None:
    assert {p for p, _ in REC_CASES} == set(PERSONAS)
    for persona in PERSONAS:  # a reason for exactly the cases read but not handled
        read_only = (REC_VISIBLE[persona] or set()) - REC_HANDLES.get(persona, set())
        assert set(REC_READ_ONLY.get(persona, {})) == read_only, persona
    assert all(set(h) <= set(REC_VISIBLE[p] or ()) for p, h in REC_HANDLES.items())
    assert all(set(h) <= set(LIT_VISIBLE[p] or ()) for p, h in LIT_HANDLES.items())


@pytest.mark.django_db
def test_admin_is_read_only_and_for_the_top_system_administrator(
    county: County, rec_cases: dict[str, ReconsiderationCase], lit_cases: dict[str, LitigationCase]
) -> None:
    admin = county.client("sysadmin")
    case = rec_cases["A"]
    listing = admin.get("/admin/reconsideration/reconsiderationcase/")
    assert listing.status_code == 200 and case.number in listing.content.decode()
    change = admin.get(f"/admin/reconsideration/reconsiderationcase/{case.pk}/change/")
    assert change.status_code == 200 and "欧阳明远" not in change.content.decode()
    assert admin.get("/admin/reconsideration/reconsiderationcase/add/").status_code == 403
    deleted = admin.post(
        f"/admin/reconsideration/reconsiderationcase/{case.pk}/delete/", {"post": "yes"}
    )
    assert deleted.status_code == 403 and ReconsiderationCase.objects.filter(pk=case.pk).exists()
    assert admin.get("/admin/litigation/litigationcase/").status_code == 200
    assert county.client("coordinator").get("/admin/litigation/litigationcase/").status_code == 302
