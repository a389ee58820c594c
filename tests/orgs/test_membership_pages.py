"""岗位授权 pages: only the 安全管理员, within their subtree; revocation asks for confirmation."""

from __future__ import annotations

import pytest
from tests.personas import County

from fazhi.accounts.services import user_create
from fazhi.orgs.models import Membership
from fazhi.orgs.roles import Role
from fazhi.orgs.scoping import Actor


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona", ["sysadmin", "auditor", "coordinator", "clerk_a", "leader", "reviewer"]
)
def test_other_roles_cannot_open_role_management(county: County, persona: str) -> None:
    client = county.client(persona)
    assert client.get("/orgs/memberships/").status_code == 403
    assert client.get("/orgs/memberships/grant/").status_code == 403
    target = county.memberships["clerk_b"].pk
    assert client.post(f"/orgs/memberships/{target}/revoke/").status_code == 403
    assert Membership.objects.get(pk=target).is_active


@pytest.mark.django_db
def test_security_administrator_grants_and_revokes(county: County) -> None:
    client = county.client("secadmin")
    listing = client.get("/orgs/memberships/").content.decode()
    assert "clerk_a" in listing and "授予岗位" in listing
    user = user_create(
        actor=Actor.command_line(), username="newbie", full_name="新人", password="pw"
    )
    response = client.post(
        "/orgs/memberships/grant/", {"user": user.pk, "unit": county.town_b.pk, "role": Role.CLERK}
    )
    assert response.status_code == 302
    granted = Membership.objects.get(user=user)
    detail = client.get(f"/orgs/memberships/{granted.pk}/").content.decode()
    assert "data-confirm" in detail and "撤销岗位" in detail
    client.post(f"/orgs/memberships/{granted.pk}/revoke/")
    granted.refresh_from_db()
    assert not granted.is_active


@pytest.mark.django_db
def test_grant_form_shows_separation_error(county: County) -> None:
    client = county.client("secadmin")
    response = client.post(
        "/orgs/memberships/grant/",
        {"user": county.users["sysadmin"].pk, "unit": county.root.pk, "role": Role.AUDITOR},
    )
    assert response.status_code == 200
    assert "三员分立" in response.content.decode()
    assert not Membership.objects.filter(user=county.users["sysadmin"], role=Role.AUDITOR).exists()


@pytest.mark.django_db
def test_township_security_administrator_is_confined_to_the_township(county: County) -> None:
    user = user_create(
        actor=Actor.command_line(), username="town_sec", full_name="镇安", password="test-pass-2024"
    )
    from fazhi.orgs.services import membership_grant

    membership_grant(actor=Actor.command_line(), user=user, unit=county.town_a, role=Role.SECADMIN)
    from django.test import Client

    client = Client()
    client.login(username="town_sec", password="test-pass-2024")
    listing = client.get("/orgs/memberships/").content.decode()
    assert "clerk_a" in listing and "clerk_b" not in listing
    target = county.memberships["clerk_b"].pk
    assert client.post(f"/orgs/memberships/{target}/revoke/").status_code == 404
    form = client.post(
        "/orgs/memberships/grant/", {"user": user.pk, "unit": county.town_b.pk, "role": Role.CLERK}
    )
    assert form.status_code == 200  # town B is not a choice: the form refuses it
    assert not Membership.objects.filter(user=user, unit=county.town_b).exists()
