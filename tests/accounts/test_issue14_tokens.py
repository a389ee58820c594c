"""Issue 14 item 3 (接口令牌): tokens expire FAZHI_TOKEN_DAYS after they are issued (401
“令牌已过期”), and are revoked by their owner or by the 安全管理员 of the subtree from
/accounts/tokens/ (POST, after confirming) or with `fazhi token revoke PREFIX`, audited as
``token.revoke``. Out of the 安全管理员's subtree: 404; other roles: 403."""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone
from tests.personas import PASSWORD, County

from fazhi.accounts import services
from fazhi.accounts.models import ApiToken
from fazhi.core.models import AuditEntry
from fazhi.orgs.roles import Role
from fazhi.orgs.scoping import Actor
from fazhi.orgs.services import membership_grant

API = "/api/v1/orgs/units"


def issue(county: County, persona: str, name: str = "对接") -> tuple[ApiToken, str]:
    return services.token_create(
        actor=county.actor("secadmin"), membership=county.memberships[persona], name=name
    )


def call_api(raw: str) -> int:
    return Client().get(API, headers={"Authorization": f"Bearer {raw}"}).status_code


def town_secadmin(county: County) -> Client:
    """A 安全管理员 of 白沙镇 (town A's subtree only)."""
    cli = Actor.command_line()
    user = services.user_create(
        actor=cli, username="town_sec", full_name="镇安全", password=PASSWORD
    )
    membership_grant(actor=cli, user=user, unit=county.town_a, role=Role.SECADMIN)
    client = Client()
    assert client.login(username="town_sec", password=PASSWORD)
    return client


# --- expiry ----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_token_expires_after_the_setting(county: County) -> None:
    t0 = timezone.now()
    with time_machine.travel(t0, tick=False) as traveller:
        token, raw = issue(county, "clerk_a")
        assert token.expires_at == t0 + dt.timedelta(days=180)
        traveller.move_to(t0 + dt.timedelta(days=179))
        assert call_api(raw) == 200
        traveller.move_to(t0 + dt.timedelta(days=180, seconds=1))
        response = Client().get(API, headers={"Authorization": f"Bearer {raw}"})
        assert response.status_code == 401
        assert "令牌已过期" in response.json()["detail"]
        token.refresh_from_db()
        assert token.status == "已过期"


@pytest.mark.django_db
def test_a_token_days_setting_of_zero_means_never(county: County, settings: object) -> None:
    settings.FAZHI_TOKEN_DAYS = 0  # type: ignore[attr-defined]
    token, raw = issue(county, "clerk_a")
    assert token.expires_at is None
    with time_machine.travel(timezone.now() + dt.timedelta(days=3650), tick=False):
        assert call_api(raw) == 200


@pytest.mark.django_db
def test_the_migration_dates_existing_tokens_from_their_issue(county: County) -> None:
    token, raw = issue(county, "clerk_a")
    old = timezone.now() - dt.timedelta(days=200)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=None, created_at=old)
    migration = import_module("fazhi.accounts.migrations.0003_password_history_token_expiry")
    migration.backfill(apps, None)
    token.refresh_from_db()
    assert token.expires_at == old + dt.timedelta(days=180)
    assert call_api(raw) == 401


# --- the page --------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_owner_sees_their_own_tokens_and_the_security_administrator_the_subtree(
    county: County,
) -> None:
    issue(county, "clerk_a", "白沙对接")
    issue(county, "clerk_b", "黄金对接")
    issue(county, "dept_clerk", "司法局对接")
    seen = {
        "clerk_a": {"白沙对接"},
        "clerk_b": {"黄金对接"},
        "leader": set(),
        "sysadmin": set(),
        "auditor": set(),
        "secadmin": {"白沙对接", "黄金对接", "司法局对接"},
    }
    names = {"白沙对接", "黄金对接", "司法局对接"}
    for persona, expected in seen.items():
        page = county.client(persona).get("/accounts/tokens/")
        assert page.status_code == 200, persona
        text = page.content.decode()
        assert {n for n in names if n in text} == expected, persona
    town = town_secadmin(county).get("/accounts/tokens/").content.decode()
    assert "白沙对接" in town and "黄金对接" not in town and "司法局对接" not in town
    assert "/accounts/tokens/" in county.client("secadmin").get("/").content.decode()  # menu
    assert "/accounts/tokens/" not in county.client("clerk_a").get("/").content.decode()


@pytest.mark.django_db
def test_the_page_shows_state_expiry_and_a_confirmed_post_button(county: County) -> None:
    token, _ = issue(county, "clerk_a", "白沙对接")
    text = county.client("clerk_a").get("/accounts/tokens/").content.decode()
    assert (
        token.prefix in text
        and "有效" in text
        and f"{timezone.localtime(token.expires_at):%Y-%m-%d}" in text
    )
    assert f'action="/accounts/tokens/{token.pk}/revoke/"' in text and "data-confirm" in text
    assert county.client("clerk_a").get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405
    assert Client().get("/accounts/tokens/")["Location"].startswith("/accounts/login/")


# --- revocation ------------------------------------------------------------------------------
def revoke_entries(token: ApiToken) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="token.revoke", object_id=str(token.pk)))


@pytest.mark.django_db
def test_the_owner_revokes_their_token(county: County) -> None:
    token, raw = issue(county, "clerk_a")
    client = county.client("clerk_a")
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/", follow=True)
    assert "已吊销接口令牌" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked and token.revoked_by == "白沙甲" and token.revoked_at is not None
    assert call_api(raw) == 401
    [entry] = revoke_entries(token)
    assert entry.actor_id == county.users["clerk_a"].pk
    assert isinstance(entry.after, dict) and entry.after["revoked"] is True
    again = client.post(f"/accounts/tokens/{token.pk}/revoke/", follow=True).content.decode()
    assert "已经吊销" in again and len(revoke_entries(token)) == 1


@pytest.mark.django_db
def test_the_security_administrator_revokes_in_the_subtree(county: County) -> None:
    token, raw = issue(county, "clerk_a")
    assert town_secadmin(county).post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked and call_api(raw) == 401
    [entry] = revoke_entries(token)
    assert entry.actor_name == "镇安全" and entry.actor_role == Role.SECADMIN
    other, _ = issue(county, "clerk_b")
    assert county.client("secadmin").post(f"/accounts/tokens/{other.pk}/revoke/").status_code == 302
    assert ApiToken.objects.get(pk=other.pk).revoked


@pytest.mark.django_db
def test_out_of_subtree_is_not_found_and_other_roles_are_refused(county: County) -> None:
    token, raw = issue(county, "clerk_b")  # 黄金乡, outside 白沙镇
    url = f"/accounts/tokens/{token.pk}/revoke/"
    assert town_secadmin(county).post(url).status_code == 404
    for persona in ("clerk_a", "sysadmin", "auditor", "leader", "coordinator", "reviewer"):
        assert county.client(persona).post(url).status_code == 403, persona
    assert county.client("clerk_a").post("/accounts/tokens/99999/revoke/").status_code == 403
    assert county.client("secadmin").post("/accounts/tokens/99999/revoke/").status_code == 404
    assert not ApiToken.objects.get(pk=token.pk).revoked and call_api(raw) == 200
    assert not AuditEntry.objects.filter(action="token.revoke").exists()


@pytest.mark.django_db
def test_the_service_refuses_others(county: County) -> None:
    token, _ = issue(county, "clerk_b")
    for persona in ("clerk_a", "sysadmin", "auditor"):
        with pytest.raises(PermissionDenied):
            services.token_revoke(actor=county.actor(persona), token=token)
    town = Actor.for_membership(
        membership_grant(
            actor=Actor.command_line(),
            user=services.user_create(
                actor=Actor.command_line(), username="ts2", full_name="某", password=PASSWORD
            ),
            unit=county.town_a,
            role=Role.SECADMIN,
        )
    )
    with pytest.raises(PermissionDenied):
        services.token_revoke(actor=town, token=token)


@pytest.mark.django_db
def test_the_command_line_revokes_by_prefix(county: County) -> None:
    token, raw = issue(county, "clerk_a")
    listing = StringIO()
    call_command("token", "list", stdout=listing)
    assert token.prefix in listing.getvalue() and "有效" in listing.getvalue()
    out = StringIO()
    call_command("token", "revoke", token.prefix, stdout=out)
    assert "已吊销" in out.getvalue() and call_api(raw) == 401
    [entry] = revoke_entries(token)
    assert entry.actor_name == "命令行"
    with pytest.raises(CommandError, match="没有前缀为"):
        call_command("token", "revoke", token.prefix)
    with pytest.raises(CommandError, match="需要参数"):
        call_command("token", "create", "--user", "clerk_a")
