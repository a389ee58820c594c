"""Issue 14 item 2 on the screens: 授予岗位 offers only the roles 三员分立 leaves for the chosen
account and says why; nobody's own account is offered or revocable; the last 审计管理员's
撤销岗位 is disabled with the reason. Role × in/out-of-subtree matrix for the changed pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from tests.personas import PASSWORD, County

from fazhi.accounts.services import user_create
from fazhi.orgs.models import Membership
from fazhi.orgs.roles import Role
from fazhi.orgs.scoping import Actor
from fazhi.orgs.services import membership_grant

GRANT = "/orgs/memberships/grant/"


def role_options(html: str) -> set[str]:
    """The values of the role select's options (none when the select is not there)."""
    found = re.search(r'<select name="role".*?</select>', html, re.S)
    return set(re.findall(r'<option value="([a-z]+)"', found.group(0))) if found else set()


def account_options(html: str) -> set[str]:
    found = re.search(r'<form method="get".*?</form>', html, re.S)
    assert found is not None
    return set(re.findall(r'<option value="(\d+)"', found.group(0)))


@pytest.mark.django_db
def test_step_one_lists_accounts_but_not_ones_own(county: County) -> None:
    html = county.client("secadmin").get(GRANT).content.decode()
    offered = account_options(html)
    assert str(county.users["clerk_a"].pk) in offered
    assert str(county.users["auditor"].pk) in offered
    assert str(county.users["secadmin"].pk) not in offered
    assert role_options(html) == set()  # roles come after the account


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["sysadmin", "secadmin", "auditor"])
def test_an_administrator_account_is_offered_no_role_and_told_why(
    county: County, persona: str
) -> None:
    if persona == "secadmin":  # one's own account is not offered: use a second 安全管理员
        user = user_create(
            actor=Actor.command_line(), username="sec2", full_name="某", password=PASSWORD
        )
        membership_grant(actor=Actor.command_line(), user=user, unit=county.town_a, role=persona)
        target = user.pk
    else:
        target = county.users[persona].pk
    label = Role(persona).label
    html = county.client("secadmin").get(GRANT, {"user": target}).content.decode()
    assert role_options(html) == set()
    reason = re.search(r'id="separation-reason">(.*?)</p>', html, re.S)
    assert reason is not None and "三员分立" in reason.group(1) and f"“{label}”" in reason.group(1)
    assert "没有可授予的角色" in html


@pytest.mark.django_db
def test_a_business_account_is_offered_business_roles_only(county: County) -> None:
    html = county.client("secadmin").get(GRANT, {"user": county.users["clerk_a"].pk})
    text = html.content.decode()
    assert role_options(text) == {"coordinator", "reviewer", "clerk", "leader"}
    assert "业务账号不能担任系统管理员、安全管理员、审计管理员" in text
    assert "白沙镇 · 填报" in text or "白沙镇人民政府 · 填报" in text


@pytest.mark.django_db
def test_a_new_account_is_offered_every_role(county: County) -> None:
    user = user_create(actor=Actor.command_line(), username="nov", full_name="某", password="p")
    html = county.client("secadmin").get(GRANT, {"user": user.pk}).content.decode()
    assert role_options(html) == {r.value for r in Role}
    assert 'id="separation-reason"' not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "role"),
    [("auditor", Role.CLERK), ("sysadmin", Role.LEADER), ("clerk_a", Role.AUDITOR)],
)
def test_posting_a_role_not_offered_is_refused_with_the_reason(
    county: County, persona: str, role: Role
) -> None:
    response = county.client("secadmin").post(
        GRANT, {"user": county.users[persona].pk, "unit": county.town_a.pk, "role": role}
    )
    assert response.status_code == 200
    assert "三员分立" in response.content.decode()
    assert not Membership.objects.filter(user=county.users[persona], role=role).exists()


@pytest.mark.django_db
def test_ones_own_account_cannot_be_chosen_or_posted(county: County) -> None:
    client = county.client("secadmin")
    own = county.users["secadmin"].pk
    html = client.get(GRANT, {"user": own}).content.decode()
    assert "是您本人的账号" in html and role_options(html) == set()
    response = client.post(GRANT, {"user": own, "unit": county.town_a.pk, "role": Role.CLERK})
    assert response.status_code == 200
    assert Membership.objects.filter(user_id=own).count() == 1


@pytest.mark.django_db
def test_own_membership_revocation_is_disabled_and_refused(county: County) -> None:
    client = county.client("secadmin")
    own = county.memberships["secadmin"].pk
    detail = client.get(f"/orgs/memberships/{own}/").content.decode()
    assert "不能授予或撤销自己账号的岗位" in detail
    assert client.post(f"/orgs/memberships/{own}/revoke/").status_code == 403
    assert Membership.objects.get(pk=own).is_active


@pytest.mark.django_db
def test_last_auditor_revocation_is_disabled_and_refused(county: County) -> None:
    client = county.client("secadmin")
    auditor = county.memberships["auditor"].pk
    detail = client.get(f"/orgs/memberships/{auditor}/").content.decode()
    assert "唯一的审计管理员" in detail
    response = client.post(f"/orgs/memberships/{auditor}/revoke/", follow=True)
    assert "唯一的审计管理员" in response.content.decode()
    assert Membership.objects.get(pk=auditor).is_active


@pytest.mark.django_db
def test_security_administrator_grants_through_the_two_steps(county: County) -> None:
    user = user_create(actor=Actor.command_line(), username="two", full_name="某", password="p")
    client = county.client("secadmin")
    assert "clerk" in role_options(client.get(GRANT, {"user": user.pk}).content.decode())
    response = client.post(
        f"{GRANT}?user={user.pk}",
        {"user": user.pk, "unit": county.town_b.pk, "role": Role.AUDITOR},
    )
    assert response.status_code == 302
    html = client.get(GRANT, {"user": user.pk}).content.decode()
    assert role_options(html) == set() and "黄金乡人民政府 · 审计管理员" in html


# --- role × in/out-of-subtree ------------------------------------------------------------------
def town_secadmin(county: County) -> Client:
    user = user_create(
        actor=Actor.command_line(), username="town_sec", full_name="镇安", password=PASSWORD
    )
    membership_grant(actor=Actor.command_line(), user=user, unit=county.town_a, role=Role.SECADMIN)
    client = Client()
    assert client.login(username="town_sec", password=PASSWORD)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona",
    ["sysadmin", "auditor", "coordinator", "leader", "reviewer", "clerk_a", "coordinator_a"],
)
def test_no_other_role_reaches_the_grant_steps(county: County, persona: str) -> None:
    client = county.client(persona)
    for target in ("clerk_a", "clerk_b"):  # in and out of town A's subtree
        assert client.get(GRANT, {"user": county.users[target].pk}).status_code == 403
    assert (
        client.post(f"/orgs/memberships/{county.memberships['auditor'].pk}/revoke/").status_code
        == 403
    )


@pytest.mark.django_db
def test_township_security_administrator_in_and_out_of_subtree(county: County) -> None:
    client = town_secadmin(county)
    inside = client.get(GRANT, {"user": county.users["clerk_a"].pk}).content.decode()
    assert role_options(inside) == {"coordinator", "reviewer", "clerk", "leader"}
    outside = client.get(GRANT, {"user": county.users["clerk_b"].pk}).content.decode()
    assert "不在您的管辖范围内" in outside and role_options(outside) == set()
    top_auditor = client.get(GRANT, {"user": county.users["auditor"].pk}).content.decode()
    assert "不在您的管辖范围内" in top_auditor  # the county's auditor is not theirs
    assert (
        client.post(f"/orgs/memberships/{county.memberships['clerk_b'].pk}/revoke/").status_code
        == 404
    )
    assert (
        client.post(f"/orgs/memberships/{county.memberships['auditor'].pk}/revoke/").status_code
        == 404
    )
    assert client.get(f"/orgs/memberships/{county.memberships['auditor'].pk}/").status_code == 404
