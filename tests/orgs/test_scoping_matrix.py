"""Role × in/out-of-subtree permission matrix, through the UI, the API and the Excel export.

The expectations are written out by hand per persona (which units each one sees and may
change), not derived from the role table the code uses.
"""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from openpyxl import load_workbook
from tests.personas import County

from fazhi.accounts.services import token_create
from fazhi.orgs.models import OrgUnit

ALL = {"root", "town_a", "town_b", "village_a", "dept"}
FORBIDDEN = None  # the persona's role may not read the register at all (HTTP 403)

#: persona → the units it sees
VISIBLE: dict[str, set[str] | None] = {
    "clerk_a": {"town_a", "village_a"},
    "clerk_b": {"town_b"},
    "leader_a": {"town_a", "village_a"},
    "reviewer_a": {"town_a", "village_a"},
    "coordinator_a": {"town_a", "village_a"},
    "dept_clerk": {"dept"},
    "reviewer": {"dept"},
    "coordinator": ALL,
    "leader": ALL,
    "sysadmin": ALL,
    "secadmin": FORBIDDEN,
    "auditor": FORBIDDEN,
}
#: persona → the units whose 单位信息 it may change
EDITABLE: dict[str, set[str]] = {
    "clerk_a": {"town_a", "village_a"},
    "clerk_b": {"town_b"},
    "coordinator_a": {"town_a", "village_a"},
    "dept_clerk": {"dept"},
    "coordinator": ALL,
    "sysadmin": ALL,
    "leader_a": set(),
    "reviewer_a": set(),
    "reviewer": set(),
    "leader": set(),
    "secadmin": set(),
    "auditor": set(),
}
CASES = [(p, t) for p in VISIBLE for t in sorted(ALL)]


def unit(county: County, name: str) -> OrgUnit:
    result: OrgUnit = getattr(county, name)
    return result


def expected_read(persona: str, target: str) -> int:
    visible = VISIBLE[persona]
    if visible is FORBIDDEN:
        return 403
    return 200 if target in visible else 404


def expected_write(persona: str, target: str) -> int:
    visible = VISIBLE[persona]
    if visible is FORBIDDEN or target not in visible:
        return 404 if visible is not FORBIDDEN else 403
    return 200 if target in EDITABLE[persona] else 403


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "target"), CASES)
def test_ui_detail_and_history(county: County, persona: str, target: str) -> None:
    client = county.client(persona)
    pk = unit(county, target).pk
    expected = expected_read(persona, target)
    if expected == 403 and VISIBLE[persona] is FORBIDDEN:
        assert client.get(f"/orgs/units/{pk}/").status_code == 403
        return
    assert client.get(f"/orgs/units/{pk}/").status_code == expected
    assert client.get(f"/orgs/units/{pk}/history/").status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "target"), CASES)
def test_ui_edit(county: County, persona: str, target: str) -> None:
    client = county.client(persona)
    target_unit = unit(county, target)
    response = client.post(
        f"/orgs/units/{target_unit.pk}/edit/",
        {"contact_person": "改过的人", "contact_phone": "0731-88886666", "address": "某路1号"},
    )
    expected = expected_write(persona, target)
    assert response.status_code == (302 if expected == 200 else expected)
    target_unit.refresh_from_db()
    assert (target_unit.contact_person == "改过的人") == (expected == 200)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", list(VISIBLE))
def test_ui_list_and_export(county: County, persona: str) -> None:
    client = county.client(persona)
    listing = client.get("/orgs/units/")
    export = client.get("/orgs/units/export.xlsx")
    visible = VISIBLE[persona]
    if visible is FORBIDDEN:
        assert listing.status_code == export.status_code == 403
        return
    codes = {unit(county, name).code for name in visible}
    hidden = {unit(county, name).code for name in ALL - visible}
    assert listing.status_code == 200
    page = listing.content.decode()
    assert all(f"<td>{code}</td>" in page for code in codes)
    assert not any(f"<td>{code}</td>" in page for code in hidden)
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    exported = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert exported == codes


def api_client(county: County, persona: str) -> tuple[Client, dict[str, str]]:
    from fazhi.orgs.scoping import Actor

    _, raw = token_create(
        actor=Actor.command_line(), membership=county.memberships[persona], name="测试"
    )
    return Client(), {"Authorization": f"Bearer {raw}"}


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "target"), CASES)
def test_api_get_and_patch(county: County, persona: str, target: str) -> None:
    client, headers = api_client(county, persona)
    code = unit(county, target).code
    got = client.get(f"/api/v1/orgs/units/{code}", headers=headers)
    assert got.status_code == expected_read(persona, target)
    patched = client.patch(
        f"/api/v1/orgs/units/{code}",
        data=json.dumps({"address": "接口改"}),
        content_type="application/json",
        headers=headers,
    )
    assert patched.status_code == expected_write(persona, target)
    assert (OrgUnit.objects.get(code=code).address == "接口改") == (
        expected_write(persona, target) == 200
    )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", list(VISIBLE))
def test_api_list(county: County, persona: str) -> None:
    client, headers = api_client(county, persona)
    response = client.get("/api/v1/orgs/units", headers=headers)
    visible = VISIBLE[persona]
    if visible is FORBIDDEN:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert {u["code"] for u in response.json()} == {unit(county, n).code for n in visible}


@pytest.mark.django_db
def test_api_rejects_missing_or_bad_token(county: County) -> None:
    client = Client()
    assert client.get("/api/v1/orgs/units").status_code == 401
    bad = {"Authorization": "Bearer fz_not-a-real-token"}
    assert client.get("/api/v1/orgs/units", headers=bad).status_code == 401


@pytest.mark.django_db
def test_api_session_auth_uses_the_same_scope(county: County) -> None:
    client = county.client("clerk_a")
    response = client.get("/api/v1/orgs/units")
    assert response.status_code == 200
    assert {u["code"] for u in response.json()} == {county.town_a.code, county.village_a.code}


@pytest.mark.django_db
def test_unit_switcher_changes_scope_and_ignores_foreign_memberships(county: County) -> None:
    from fazhi.orgs.roles import Role
    from fazhi.orgs.scoping import Actor
    from fazhi.orgs.services import membership_grant

    second = membership_grant(
        actor=Actor.command_line(),
        user=county.users["clerk_a"],
        unit=county.town_b,
        role=Role.REVIEWER,
    )
    client = county.client("clerk_a")
    assert client.get(f"/orgs/units/{county.town_b.pk}/").status_code == 404
    client.post("/accounts/switch/", {"membership": second.pk, "next": "/"})
    assert client.get(f"/orgs/units/{county.town_b.pk}/").status_code == 200
    assert client.get(f"/orgs/units/{county.town_a.pk}/").status_code == 404
    # Someone else's membership id is refused: still acting as town B reviewer.
    client.post("/accounts/switch/", {"membership": county.memberships["coordinator"].pk})
    assert client.get(f"/orgs/units/{county.root.pk}/").status_code == 404


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(county: County) -> None:
    response = Client().get("/orgs/units/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_token_command_issues_a_working_token(county: County) -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = StringIO()
    call_command(
        "token",
        "create",
        "--user",
        "clerk_a",
        "--unit",
        county.town_a.code,
        "--role",
        "clerk",
        "--name",
        "对接",
        stdout=out,
    )
    raw = out.getvalue().split("：", 1)[1].split()[0]
    response = Client().get("/api/v1/orgs/units", headers={"Authorization": f"Bearer {raw}"})
    assert {u["code"] for u in response.json()} == {county.town_a.code, county.village_a.code}
    with pytest.raises(CommandError, match="没有有效的"):
        call_command(
            "token",
            "create",
            "--user",
            "clerk_a",
            "--unit",
            county.town_b.code,
            "--role",
            "clerk",
            "--name",
            "越权",
        )
