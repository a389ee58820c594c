"""Issue 13 item 15: every user changes their own password; the 系统管理员 opens, disables,
enables and resets accounts from the UI (not /admin/), within their subtree, audited, and
三员分立 holds (no taking over a 安全管理员's or 审计管理员's account).

Item 16: /admin/ shows the 403 page to a signed-in user who may not use it (no login loop).
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from tests.personas import PASSWORD, County

from fazhi.accounts import services
from fazhi.accounts.models import AccountProfile
from fazhi.core.models import AuditEntry
from fazhi.orgs.roles import Role
from fazhi.orgs.scoping import Actor
from fazhi.orgs.services import membership_grant

NEW_PASSWORD = "Xiang-jiang-2025"


def shown_password(html: str) -> str:
    found = re.search(r'<code id="temp-password"[^>]*>([^<]+)</code>', html)
    assert found, html
    return found.group(1)


def town_sysadmin(county: County) -> Client:
    user = services.user_create(
        actor=Actor.command_line(), username="town_sys", full_name="镇系统", password=PASSWORD
    )
    membership_grant(actor=Actor.command_line(), user=user, unit=county.town_a, role=Role.SYSADMIN)
    client = Client()
    assert client.login(username="town_sys", password=PASSWORD)
    return client


# --- 修改密码 ------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["clerk_a", "sysadmin", "secadmin", "auditor", "leader"])
def test_every_user_changes_their_own_password(county: County, persona: str) -> None:
    client = county.client(persona)
    assert 'href="/accounts/password/"' in client.get("/").content.decode()
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # still signed in
    assert Client().login(username=persona, password=NEW_PASSWORD)
    assert not Client().login(username=persona, password=PASSWORD)
    entry = AuditEntry.objects.filter(action="user.password_change").get()
    assert entry.object_id == str(county.users[persona].pk)
    assert entry.actor_name == county.users[persona].last_name
    assert NEW_PASSWORD not in str(entry.after) and PASSWORD not in str(entry.after)


@pytest.mark.django_db
def test_password_change_errors_are_chinese_and_name_the_field(county: County) -> None:
    client = county.client("clerk_a")
    wrong = client.post(
        "/accounts/password/",
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    ).content.decode()
    assert "原密码不正确" in wrong
    short = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "ab1", "new_password2": "ab1"},
    ).content.decode()
    assert "密码太短，至少需要 10 个字符" in short
    common = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "password123", "new_password2": "password123"},
    ).content.decode()
    assert "太常见" in common
    mismatch = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": "other-Pass-9"},
    ).content.decode()
    assert "两次输入的新密码不一致" in mismatch
    assert Client().login(username="clerk_a", password=PASSWORD)
    assert not AuditEntry.objects.filter(action="user.password_change").exists()


@pytest.mark.django_db
def test_a_user_without_a_post_changes_their_password_too(county: County) -> None:
    services.user_create(
        actor=Actor.command_line(), username="nobody", full_name="无岗", password=PASSWORD
    )
    client = Client()
    client.login(username="nobody", password=PASSWORD)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="user.password_change", unit_path="/").exists()


# --- 账号管理 -------------------------------------------------------------------------------
@pytest.mark.django_db
def test_system_administrator_opens_an_account_and_the_password_is_shown_once(
    county: County,
) -> None:
    client = county.client("sysadmin")
    assert "账号管理" in client.get("/").content.decode()
    page = client.post(
        "/accounts/users/new/",
        {"username": "zhangsan", "full_name": "张三", "unit": county.town_a.pk, "password": ""},
    )
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    password = shown_password(page.content.decode())
    user = User.objects.get(username="zhangsan")
    assert user.last_name == "张三" and user.check_password(password)
    assert AccountProfile.objects.get(user=user).unit == county.town_a
    assert Client().login(username="zhangsan", password=password)
    entry = AuditEntry.objects.get(action="user.create", object_id=str(user.pk))
    assert entry.actor_name == "程系统" and password not in str(entry.after)
    # shown once: the account page does not show it again
    assert password not in client.get(f"/accounts/users/{user.pk}/").content.decode()
    # the 安全管理员 may now grant it a 岗位
    grant = county.client("secadmin").get("/orgs/memberships/grant/").content.decode()
    assert "zhangsan" in grant


@pytest.mark.django_db
def test_create_form_errors(county: County) -> None:
    client = county.client("sysadmin")
    taken = client.post(
        "/accounts/users/new/",
        {"username": "clerk_a", "full_name": "重名", "unit": county.root.pk, "password": ""},
    ).content.decode()
    assert "用户名“clerk_a”已存在" in taken
    weak = client.post(
        "/accounts/users/new/",
        {"username": "lisi", "full_name": "李四", "unit": county.root.pk, "password": "123"},
    ).content.decode()
    assert "密码太短" in weak
    assert not User.objects.filter(username="lisi").exists()


@pytest.mark.django_db
def test_system_administrator_resets_a_password(county: County) -> None:
    client = county.client("sysadmin")
    clerk = county.users["clerk_a"]
    other = county.client("clerk_a")
    assert other.get("/").status_code == 200
    form = client.get(f"/accounts/users/{clerk.pk}/password/").content.decode()
    assert "data-confirm" in form
    page = client.post(f"/accounts/users/{clerk.pk}/password/", {"password": ""})
    password = shown_password(page.content.decode())
    assert not Client().login(username="clerk_a", password=PASSWORD)
    assert Client().login(username="clerk_a", password=password)
    assert other.get("/").status_code == 302  # the old session ended
    entry = AuditEntry.objects.get(action="user.password_reset")
    assert entry.after == {"method": "系统生成临时密码"}
    typed = client.post(f"/accounts/users/{clerk.pk}/password/", {"password": NEW_PASSWORD})
    assert shown_password(typed.content.decode()) == NEW_PASSWORD


@pytest.mark.django_db
def test_system_administrator_disables_and_enables_an_account(county: County) -> None:
    client = county.client("sysadmin")
    clerk = county.users["clerk_a"]
    detail = client.get(f"/accounts/users/{clerk.pk}/").content.decode()
    assert "停用账号" in detail and "data-confirm" in detail
    session = county.client("clerk_a")
    response = client.post(f"/accounts/users/{clerk.pk}/disable/")
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert not clerk.is_active
    assert not Client().login(username="clerk_a", password=PASSWORD)
    assert session.get("/").status_code == 302
    client.post(f"/accounts/users/{clerk.pk}/enable/")
    assert Client().login(username="clerk_a", password=PASSWORD)
    actions = list(
        AuditEntry.objects.filter(object_id=str(clerk.pk), object_type="auth.user")
        .filter(action__startswith="user.")  # not the logins (account.*) in between
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["user.disable", "user.enable"]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["secadmin", "auditor"])
def test_separation_of_duties_the_sysadmin_cannot_take_over_the_other_admins(
    county: County, persona: str
) -> None:
    sysadmin = county.actor("sysadmin")
    target = county.users[persona]
    with pytest.raises(PermissionDenied, match="三员分立"):
        services.user_password_reset(actor=sysadmin, user=target)
    with pytest.raises(PermissionDenied, match="三员分立"):
        services.user_set_active(actor=sysadmin, user=target, active=False)
    client = county.client("sysadmin")
    assert "三员分立" in client.get(f"/accounts/users/{target.pk}/").content.decode()
    client.post(f"/accounts/users/{target.pk}/disable/")
    target.refresh_from_db()
    assert target.is_active


@pytest.mark.django_db
def test_the_sysadmin_cannot_disable_or_reset_themselves(county: County) -> None:
    sysadmin = county.actor("sysadmin")
    with pytest.raises(PermissionDenied, match="自己"):
        services.user_set_active(actor=sysadmin, user=county.users["sysadmin"], active=False)
    with pytest.raises(PermissionDenied, match="自己"):
        services.user_password_reset(actor=sysadmin, user=county.users["sysadmin"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona", ["secadmin", "auditor", "coordinator", "clerk_a", "leader", "reviewer"]
)
def test_only_the_system_administrator_manages_accounts(county: County, persona: str) -> None:
    actor = county.actor(persona)
    with pytest.raises(PermissionDenied):
        services.user_create(actor=actor, username="x1", full_name="某", password=NEW_PASSWORD)
    with pytest.raises(PermissionDenied):
        services.user_password_reset(actor=actor, user=county.users["clerk_b"])
    with pytest.raises(PermissionDenied):
        services.user_set_active(actor=actor, user=county.users["clerk_b"], active=False)


@pytest.mark.django_db
def test_already_disabled_is_said_in_chinese(county: County) -> None:
    actor = county.actor("sysadmin")
    services.user_set_active(actor=actor, user=county.users["clerk_b"], active=False)
    with pytest.raises(ValidationError, match="已经是停用状态"):
        services.user_set_active(actor=actor, user=county.users["clerk_b"], active=False)


@pytest.mark.django_db
def test_a_township_sysadmin_manages_only_accounts_of_its_subtree(county: County) -> None:
    client = town_sysadmin(county)
    listing = client.get("/accounts/users/").content.decode()
    assert ">clerk_a<" in listing and ">leader_a<" in listing
    assert ">clerk_b<" not in listing and ">coordinator<" not in listing
    assert client.get(f"/accounts/users/{county.users['clerk_b'].pk}/").status_code == 404
    assert client.post(f"/accounts/users/{county.users['clerk_b'].pk}/disable/").status_code == 404
    page = client.post(
        "/accounts/users/new/",
        {"username": "wangwu", "full_name": "王五", "unit": county.village_a.pk, "password": ""},
    )
    assert page.status_code == 200
    assert ">wangwu<" in client.get("/accounts/users/").content.decode()
    # a unit outside the subtree is not offered, and refused if posted
    refused = client.post(
        "/accounts/users/new/",
        {"username": "zhaoliu", "full_name": "赵六", "unit": county.town_b.pk, "password": ""},
    )
    assert not User.objects.filter(username="zhaoliu").exists()
    assert "zhaoliu" in refused.content.decode()  # the form again, with its error


@pytest.mark.django_db
def test_account_list_query_count_is_bounded(
    county: County, django_assert_max_num_queries: object
) -> None:
    client = county.client("sysadmin")
    for i in range(30):
        services.user_create(
            actor=county.actor("sysadmin"),
            username=f"u{i:02d}",
            full_name="某",
            password=NEW_PASSWORD,
        )
    with django_assert_max_num_queries(10):  # type: ignore[operator]
        assert client.get("/accounts/users/").status_code == 200


# --- item 16: /admin/ --------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["secadmin", "auditor", "coordinator", "clerk_a", "leader"])
def test_admin_shows_the_403_page_to_a_signed_in_user_who_may_not_use_it(
    county: County, persona: str
) -> None:
    response = county.client(persona).get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) <= 1
    page = response.content.decode()
    assert "无权限访问" in page and "系统管理员" in page


@pytest.mark.django_db
def test_admin_for_a_township_sysadmin_is_a_403_not_a_loop(county: County) -> None:
    response = town_sysadmin(county).get("/admin/core/calendarday/", follow=True)
    assert response.status_code == 403


@pytest.mark.django_db
def test_admin_still_sends_anonymous_visitors_to_the_platform_login(county: County) -> None:
    response = Client().get("/admin/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
