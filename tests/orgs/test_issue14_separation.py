"""Issue 14 item 2, 三员分立 that holds (GB/T 22239-2019 8.1.4.2 访问控制: 管理用户的权限分离).

An administrator account (系统管理员 / 安全管理员 / 审计管理员) holds no business role and a
business account no administrator role: refused by the service with the conflicting role and
unit named, and by the database (triggers) for writes that bypass the service. The last
审计管理员 covering a unit cannot be revoked; nobody grants to or revokes from themselves.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from tests.personas import County

from fazhi.accounts.services import user_create, user_set_active
from fazhi.core.models import AuditEntry
from fazhi.orgs import dbguard
from fazhi.orgs.models import Membership
from fazhi.orgs.roles import BUSINESS_ROLES, SEPARATED_ADMIN_ROLES, Role
from fazhi.orgs.scoping import Actor
from fazhi.orgs.services import membership_grant, membership_revoke

ADMIN_PERSONAS = ["sysadmin", "secadmin", "auditor"]
BUSINESS = sorted(BUSINESS_ROLES)
ADMIN = sorted(SEPARATED_ADMIN_ROLES)


def new_account(username: str) -> Any:
    return user_create(actor=Actor.command_line(), username=username, full_name="某", password="p")


# --- the service ------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("persona", ADMIN_PERSONAS)
@pytest.mark.parametrize("role", BUSINESS)
def test_an_administrator_is_given_no_business_role(
    county: County, persona: str, role: str
) -> None:
    held = county.memberships[persona]
    with pytest.raises(ValidationError) as info:
        membership_grant(
            actor=Actor.command_line(), user=county.users[persona], unit=county.dept, role=role
        )
    text = " ".join(info.value.message_dict["role"])
    assert "三员分立" in text
    assert f"“{held.get_role_display()}”" in text and "湘江县" in text  # the clash, named
    assert f"“{Role(role).label}”" in text
    assert not Membership.objects.filter(user=county.users[persona], role=role).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ADMIN)
def test_a_business_account_is_given_no_administrator_role(county: County, role: str) -> None:
    with pytest.raises(ValidationError) as info:
        membership_grant(
            actor=county.actor("secadmin"),
            user=county.users["clerk_a"],
            unit=county.town_a,
            role=role,
        )
    text = " ".join(info.value.message_dict["role"])
    assert "三员分立" in text and "“填报”" in text and "白沙镇人民政府" in text
    assert Membership.objects.filter(user=county.users["clerk_a"]).count() == 1


@pytest.mark.django_db
def test_business_roles_combine_and_a_new_account_takes_either_kind(county: County) -> None:
    secadmin = county.actor("secadmin")
    both = new_account("both")
    membership_grant(actor=secadmin, user=both, unit=county.town_a, role=Role.CLERK)
    membership_grant(actor=secadmin, user=both, unit=county.town_b, role=Role.REVIEWER)
    fresh = new_account("fresh")
    membership_grant(actor=secadmin, user=fresh, unit=county.town_b, role=Role.AUDITOR)
    # Re-granting the membership the administrator holds is no clash.
    membership_grant(actor=secadmin, user=fresh, unit=county.town_b, role=Role.AUDITOR)
    assert Membership.objects.filter(user=fresh, is_active=True).count() == 1


@pytest.mark.django_db
def test_nobody_grants_to_or_revokes_from_their_own_account(county: County) -> None:
    secadmin = county.actor("secadmin")
    with pytest.raises(PermissionDenied, match="自己账号"):
        membership_grant(
            actor=secadmin, user=county.users["secadmin"], unit=county.root, role=Role.SECADMIN
        )
    with pytest.raises(PermissionDenied, match="自己账号"):
        membership_revoke(actor=secadmin, membership=county.memberships["secadmin"])
    assert Membership.objects.get(pk=county.memberships["secadmin"].pk).is_active


@pytest.mark.django_db
def test_the_last_auditor_of_a_unit_cannot_be_revoked(county: County) -> None:
    secadmin = county.actor("secadmin")
    only = county.memberships["auditor"]
    with pytest.raises(ValidationError, match="唯一的审计管理员"):
        membership_revoke(actor=secadmin, membership=only)
    assert Membership.objects.get(pk=only.pk).is_active
    # An auditor of a township below does not cover the county: still refused.
    town = membership_grant(
        actor=secadmin, user=new_account("town_aud"), unit=county.town_a, role=Role.AUDITOR
    )
    with pytest.raises(ValidationError, match="唯一的审计管理员"):
        membership_revoke(actor=secadmin, membership=only)
    # The township's auditor is covered by the county's: it may go.
    membership_revoke(actor=secadmin, membership=town)
    # The successor granted first, the predecessor may go.
    successor = membership_grant(
        actor=secadmin, user=new_account("successor"), unit=county.root, role=Role.AUDITOR
    )
    membership_revoke(actor=secadmin, membership=only)
    with pytest.raises(ValidationError, match="唯一的审计管理员"):
        membership_revoke(actor=secadmin, membership=successor)


@pytest.mark.django_db
def test_a_disabled_auditor_covers_nothing(county: County) -> None:
    secadmin = county.actor("secadmin")
    other = new_account("disabled_aud")
    second = membership_grant(actor=secadmin, user=other, unit=county.root, role=Role.AUDITOR)
    user_set_active(actor=Actor.command_line(), user=other, active=False)
    with pytest.raises(ValidationError, match="唯一的审计管理员"):
        membership_revoke(actor=secadmin, membership=county.memberships["auditor"])
    membership_revoke(actor=secadmin, membership=second)  # it covered nothing: may go


@pytest.mark.django_db
def test_successful_grants_and_revocations_stay_audited(county: County) -> None:
    secadmin = county.actor("secadmin")
    granted = membership_grant(
        actor=secadmin, user=new_account("audited"), unit=county.town_a, role=Role.CLERK
    )
    membership_revoke(actor=secadmin, membership=granted)
    actions = list(
        AuditEntry.objects.filter(object_id=str(granted.pk), actor_role=Role.SECADMIN)
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["membership.grant", "membership.revoke"]


# --- the database -----------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "unit", "role"),
    [
        ("auditor", "dept", Role.CLERK),  # the case: the 审计管理员 as a 填报
        ("sysadmin", "root", Role.COORDINATOR),
        ("secadmin", "town_a", Role.LEADER),
        ("clerk_a", "root", Role.AUDITOR),
        ("coordinator", "root", Role.SYSADMIN),
        ("reviewer", "dept", Role.SECADMIN),
    ],
)
def test_database_refuses_mixed_kinds_created_bypassing_the_service(
    county: County, persona: str, unit: str, role: Role
) -> None:
    with pytest.raises(IntegrityError, match="三员分立"), transaction.atomic():
        Membership.objects.create(user=county.users[persona], unit=getattr(county, unit), role=role)
    assert Membership.objects.filter(user=county.users[persona]).count() == 1


@pytest.mark.django_db
def test_database_refuses_mixed_kinds_in_one_bulk_insert(county: County) -> None:
    user = new_account("bulk")
    rows = [
        Membership(user=user, unit=county.town_a, role=Role.CLERK),
        Membership(user=user, unit=county.root, role=Role.AUDITOR),
    ]
    with pytest.raises(IntegrityError, match="三员分立"), transaction.atomic():
        Membership.objects.bulk_create(rows)
    assert not Membership.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_database_refuses_reactivation_or_a_role_change_into_a_clash(county: County) -> None:
    user = new_account("switch")
    old = Membership.objects.create(user=user, unit=county.root, role=Role.AUDITOR, is_active=False)
    clerk = Membership.objects.create(user=user, unit=county.town_a, role=Role.CLERK)  # allowed
    with pytest.raises(IntegrityError, match="三员分立"), transaction.atomic():
        Membership.objects.filter(pk=old.pk).update(is_active=True)
    other = Membership.objects.create(user=user, unit=county.town_b, role=Role.REVIEWER)
    with pytest.raises(IntegrityError, match="三员分立"), transaction.atomic():
        Membership.objects.filter(pk=other.pk).update(role=Role.SYSADMIN)
    with pytest.raises(IntegrityError, match="三员分立"), transaction.atomic():
        Membership.objects.filter(pk=county.memberships["auditor"].pk).update(user=user)
    # Revoking the business side first, the administrator role may come back.
    Membership.objects.filter(user=user, pk__in=[clerk.pk, other.pk]).update(is_active=False)
    Membership.objects.filter(pk=old.pk).update(is_active=True)


@pytest.mark.django_db
def test_database_still_keeps_one_administrator_role_per_account(county: County) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=county.users["auditor"], unit=county.town_a, role=Role.AUDITOR
        )


# --- the migration over existing data ---------------------------------------------------------
class _Editor:
    """The part of a schema editor the migration uses, on the test's connection (a real
    ``schema_editor()`` cannot open inside the test's transaction on SQLite)."""

    connection = connection

    def execute(self, sql: str, params: Any = None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


@pytest.mark.django_db
def test_migration_stops_on_existing_conflicts_listing_the_accounts(county: County) -> None:
    migration = importlib.import_module("fazhi.orgs.migrations.0004_membership_duty_separation")
    editor = _Editor()
    dbguard.uninstall(editor)  # as before the migration (rolled back after the test)
    Membership.objects.create(user=county.users["auditor"], unit=county.dept, role=Role.CLERK)
    with pytest.raises(RuntimeError) as info:
        migration.forwards(apps, editor)
    text = str(info.value)
    assert "三员分立" in text and "fazhi migrate" in text
    assert "auditor：湘江县人民政府·审计管理员、湘江县司法局·填报" in text
    assert "clerk_a" not in text and "sysadmin" not in text
    # Resolved (one side revoked), the migration installs the triggers again.
    Membership.objects.filter(user=county.users["auditor"], role=Role.CLERK).update(is_active=False)
    migration.forwards(apps, editor)
    with pytest.raises(IntegrityError, match="三员分立"), transaction.atomic():
        Membership.objects.filter(user=county.users["auditor"], role=Role.CLERK).update(
            is_active=True
        )


@pytest.mark.django_db
def test_the_personas_and_the_demo_logins_hold_one_kind_each(county: County) -> None:
    from fazhi.demo import data
    from fazhi.demo.scale import SCALE_LOGINS

    for _username, _name, grants in data.DEMO_LOGINS:
        kinds = {role in SEPARATED_ADMIN_ROLES for _, role in grants}
        assert len(kinds) == 1 and (kinds == {False} or len(grants) == 1)
    for rows in SCALE_LOGINS.values():
        usernames = [username for username, *_ in rows]
        assert len(usernames) == len(set(usernames))  # one role per account
    for user in county.users.values():
        roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
        assert len({r in SEPARATED_ADMIN_ROLES for r in roles}) == 1
