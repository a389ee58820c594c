"""Role × in/out-of-subtree matrix of the 账号管理 pages (issue 13 item 15).

Written out by hand per persona: only a 系统管理员 opens these pages, and only for accounts of
their subtree (the county's for the county's, 白沙镇's for a 白沙镇 系统管理员); everyone else
gets 403; an account outside the subtree is a 404 (its existence is not revealed). 修改密码 is
open to every signed-in account.
"""

from __future__ import annotations

import pytest
from django.test import Client
from tests.personas import PASSWORD, County

from fazhi.accounts.services import user_create
from fazhi.orgs.roles import Role
from fazhi.orgs.scoping import Actor
from fazhi.orgs.services import membership_grant

PERSONAS = [
    "sysadmin",
    "town_sysadmin",
    "secadmin",
    "auditor",
    "coordinator",
    "leader",
    "reviewer",
    "dept_clerk",
    "clerk_a",
    "clerk_b",
    "leader_a",
    "coordinator_a",
]
#: persona → the accounts (by persona) whose pages it may open; None: the pages are 403
MANAGES: dict[str, set[str] | None] = {
    "sysadmin": {"clerk_a", "clerk_b", "leader_a", "dept_clerk"},
    "town_sysadmin": {"clerk_a", "leader_a"},
    **{p: None for p in PERSONAS if p not in ("sysadmin", "town_sysadmin")},
}
TARGETS = ["clerk_a", "clerk_b", "leader_a", "dept_clerk"]


def client_for(county: County, persona: str) -> Client:
    if persona != "town_sysadmin":
        return county.client(persona)
    user = user_create(
        actor=Actor.command_line(), username="town_sys", full_name="镇系统", password=PASSWORD
    )
    membership_grant(actor=Actor.command_line(), user=user, unit=county.town_a, role=Role.SYSADMIN)
    client = Client()
    assert client.login(username="town_sys", password=PASSWORD)
    return client


def expected(persona: str, target: str) -> int:
    managed = MANAGES[persona]
    if managed is None:
        return 403
    return 200 if target in managed else 404


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_list_create_and_password_pages(county: County, persona: str) -> None:
    client = client_for(county, persona)
    manages = MANAGES[persona] is not None
    assert client.get("/accounts/users/").status_code == (200 if manages else 403)
    assert client.get("/accounts/users/new/").status_code == (200 if manages else 403)
    assert client.get("/accounts/password/").status_code == 200
    nav = client.get("/").content.decode()
    assert ('href="/accounts/users/"' in nav) == manages


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("target", TARGETS)
def test_detail_reset_and_disable(county: County, persona: str, target: str) -> None:
    client = client_for(county, persona)
    pk = county.users[target].pk
    code = expected(persona, target)
    assert client.get(f"/accounts/users/{pk}/").status_code == code
    assert client.get(f"/accounts/users/{pk}/password/").status_code == code
    reset = client.post(f"/accounts/users/{pk}/password/", {"password": ""})
    assert reset.status_code == code
    disabled = client.post(f"/accounts/users/{pk}/disable/")
    assert disabled.status_code == (302 if code == 200 else code)
    user = county.users[target]
    user.refresh_from_db()
    assert user.is_active == (code != 200)
    assert user.check_password(PASSWORD) == (code != 200)


@pytest.mark.django_db
def test_listing_shows_exactly_the_managed_accounts(county: County) -> None:
    for persona in ("sysadmin", "town_sysadmin"):
        page = client_for(county, persona).get("/accounts/users/").content.decode()
        managed = MANAGES[persona]
        assert managed is not None
        for target in TARGETS:
            assert (f">{target}<" in page) == (target in managed)


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(county: County) -> None:
    for url in ("/accounts/users/", "/accounts/password/", "/accounts/users/new/"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_an_impossible_account_id_is_not_found(county: County) -> None:
    client = county.client("sysadmin")
    for pk in ("99999999999", str(10**30)):
        assert client.get(f"/accounts/users/{pk}/").status_code == 404
        assert client.post(f"/accounts/users/{pk}/disable/").status_code == 404
