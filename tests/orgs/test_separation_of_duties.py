"""三员分立: no account holds two of 系统管理员 / 安全管理员 / 审计管理员."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from tests.personas import County

from fazhi.accounts.services import user_create
from fazhi.orgs.models import Membership
from fazhi.orgs.roles import Role
from fazhi.orgs.scoping import Actor
from fazhi.orgs.services import membership_grant, membership_revoke

ADMIN_ROLES = [Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR]


@pytest.mark.django_db
@pytest.mark.parametrize("held", ADMIN_ROLES)
@pytest.mark.parametrize("wanted", ADMIN_ROLES)
def test_second_admin_role_is_refused(county: County, held: Role, wanted: Role) -> None:
    user = user_create(actor=Actor.command_line(), username="x", full_name="某", password="p")
    membership_grant(actor=county.actor("secadmin"), user=user, unit=county.root, role=held)
    unit = county.town_a if held == wanted else county.root
    with pytest.raises(ValidationError) as info:
        membership_grant(actor=county.actor("secadmin"), user=user, unit=unit, role=wanted)
    assert "三员分立" in str(info.value)
    assert Membership.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_admin_role_never_combines_with_business_roles(county: County) -> None:
    """Issue 14: an administrator holds no business role; after revocation the account may
    take the other kind (history kept), and then no administrator role."""
    secadmin = county.actor("secadmin")
    user = user_create(actor=Actor.command_line(), username="y", full_name="某", password="p")
    granted = membership_grant(actor=secadmin, user=user, unit=county.root, role=Role.AUDITOR)
    with pytest.raises(ValidationError, match="三员分立"):
        membership_grant(actor=secadmin, user=user, unit=county.dept, role=Role.CLERK)
    membership_revoke(actor=secadmin, membership=granted)  # the persona auditor still covers
    membership_grant(actor=secadmin, user=user, unit=county.dept, role=Role.CLERK)
    with pytest.raises(ValidationError, match="三员分立"):
        membership_grant(actor=secadmin, user=user, unit=county.root, role=Role.SYSADMIN)


@pytest.mark.django_db
def test_database_refuses_a_second_admin_role_even_bypassing_services(county: County) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=county.users["sysadmin"], unit=county.town_a, role=Role.AUDITOR
        )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["sysadmin", "auditor", "coordinator", "clerk_a", "leader"])
def test_only_the_security_administrator_grants_roles(county: County, persona: str) -> None:
    user = user_create(actor=Actor.command_line(), username="z", full_name="某", password="p")
    with pytest.raises(PermissionDenied):
        membership_grant(
            actor=county.actor(persona), user=user, unit=county.town_a, role=Role.CLERK
        )


@pytest.mark.django_db
def test_security_administrator_cannot_grant_outside_scope_or_to_self(county: County) -> None:
    town_secadmin_user = user_create(
        actor=Actor.command_line(), username="ts", full_name="某", password="p"
    )
    m = membership_grant(
        actor=county.actor("secadmin"),
        user=town_secadmin_user,
        unit=county.town_a,
        role=Role.SECADMIN,
    )
    other = user_create(actor=Actor.command_line(), username="o", full_name="某", password="p")
    with pytest.raises(PermissionDenied):
        membership_grant(
            actor=Actor.for_membership(m), user=other, unit=county.town_b, role=Role.CLERK
        )
    with pytest.raises(PermissionDenied):
        membership_grant(
            actor=county.actor("secadmin"),
            user=county.users["secadmin"],
            unit=county.town_a,
            role=Role.CLERK,
        )
