"""Named personas in a small county, built through the real services."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.test import Client

from fazhi.accounts.services import user_create
from fazhi.orgs.models import Membership, OrgUnit, UnitKind, UnitLevel
from fazhi.orgs.roles import Role
from fazhi.orgs.scoping import Actor
from fazhi.orgs.services import membership_grant, orgunit_create

PASSWORD = "test-pass-2024"


@dataclass
class County:
    """湘江县: root government, two townships, one department, and one person per role."""

    root: OrgUnit
    town_a: OrgUnit
    town_b: OrgUnit
    village_a: OrgUnit  # a unit inside town A's subtree
    dept: OrgUnit
    users: dict[str, User]
    memberships: dict[str, Membership]

    def actor(self, persona: str) -> Actor:
        return Actor.for_membership(self.memberships[persona])

    def client(self, persona: str) -> Client:
        client = Client()
        assert client.login(username=self.users[persona].username, password=PASSWORD)
        return client


# persona → (unit attribute, role, full name)
PERSONAS: dict[str, tuple[str, Role, str]] = {
    "sysadmin": ("root", Role.SYSADMIN, "程系统"),
    "secadmin": ("root", Role.SECADMIN, "安保卫"),
    "auditor": ("root", Role.AUDITOR, "审小计"),
    "coordinator": ("root", Role.COORDINATOR, "依法明"),
    "leader": ("root", Role.LEADER, "领导华"),
    "reviewer": ("dept", Role.REVIEWER, "审核芳"),
    "dept_clerk": ("dept", Role.CLERK, "司法填"),
    "clerk_a": ("town_a", Role.CLERK, "白沙甲"),
    "clerk_b": ("town_b", Role.CLERK, "黄金乙"),
    "leader_a": ("town_a", Role.LEADER, "白沙长"),
    "reviewer_a": ("town_a", Role.REVIEWER, "白沙审"),
    "coordinator_a": ("town_a", Role.COORDINATOR, "白沙治"),
}


def build_county() -> County:
    cli = Actor.command_line()
    root = orgunit_create(
        actor=cli,
        code="430199",
        name="湘江县人民政府",
        kind=UnitKind.GOVERNMENT,
        level=UnitLevel.COUNTY,
        parent=None,
        short_name="湘江县",
        province_code="43",
    )
    mk = lambda code, name, kind, parent, level=UnitLevel.TOWNSHIP: orgunit_create(  # noqa: E731
        actor=cli, code=code, name=name, kind=kind, level=level, parent=parent
    )
    town_a = mk("430199101", "白沙镇人民政府", UnitKind.TOWNSHIP, root)
    town_b = mk("430199102", "黄金乡人民政府", UnitKind.TOWNSHIP, root)
    village_a = mk("430199101001", "白沙镇综合行政执法办", UnitKind.DEPARTMENT, town_a)
    dept = mk("430199001", "湘江县司法局", UnitKind.DEPARTMENT, root, UnitLevel.COUNTY)
    # 行政复议机构: the 司法局, and (so that tests can exercise sibling scoping between two
    # bodies that keep a register) both townships too. village_a and the root are not.
    for body in (dept, town_a, town_b):
        body.is_reconsideration_body = True
    OrgUnit.objects.filter(pk__in=[dept.pk, town_a.pk, town_b.pk]).update(
        is_reconsideration_body=True
    )
    units = {"root": root, "town_a": town_a, "town_b": town_b, "dept": dept}
    users: dict[str, User] = {}
    memberships: dict[str, Membership] = {}
    for persona, (unit_attr, role, full_name) in PERSONAS.items():
        user = user_create(actor=cli, username=persona, full_name=full_name, password=PASSWORD)
        users[persona] = user
        memberships[persona] = membership_grant(
            actor=cli, user=user, unit=units[unit_attr], role=role
        )
    return County(
        root=root,
        town_a=town_a,
        town_b=town_b,
        village_a=village_a,
        dept=dept,
        users=users,
        memberships=memberships,
    )


@dataclass(frozen=True)
class CountyIds:
    """The primary keys of a built county, to load it again (see :func:`load_county`)."""

    units: dict[str, int] = field(default_factory=dict)  # County attribute → pk
    users: dict[str, int] = field(default_factory=dict)  # persona → pk
    memberships: dict[str, int] = field(default_factory=dict)  # persona → pk


UNIT_ATTRS = ("root", "town_a", "town_b", "village_a", "dept")
#: unit attribute → its parent's attribute, as build_county() creates them
PARENTS = {"town_a": "root", "town_b": "root", "village_a": "town_a", "dept": "root"}


def county_ids(county: County) -> CountyIds:
    return CountyIds(
        units={attr: getattr(county, attr).pk for attr in UNIT_ATTRS},
        users={persona: user.pk for persona, user in county.users.items()},
        memberships={persona: m.pk for persona, m in county.memberships.items()},
    )


def load_county(ids: CountyIds) -> County:
    """The county :func:`build_county` wrote, read back from the database as fresh objects that
    look like the ones it returns: the parent and the membership's unit and user are the same
    objects as the County's, and kinds, levels and roles are the enum members it passed."""
    by_pk = OrgUnit.objects.in_bulk(ids.units.values())
    units = {attr: by_pk[pk] for attr, pk in ids.units.items()}
    for attr, unit in units.items():
        unit.kind, unit.level = UnitKind(unit.kind), UnitLevel(unit.level)
        if attr in PARENTS:
            unit.parent = units[PARENTS[attr]]
    user_by_pk = User.objects.in_bulk(ids.users.values())
    users = {persona: user_by_pk[pk] for persona, pk in ids.users.items()}
    membership_by_pk = Membership.objects.in_bulk(ids.memberships.values())
    memberships: dict[str, Membership] = {}
    for persona, pk in ids.memberships.items():
        membership = membership_by_pk[pk]
        unit_attr, role, _ = PERSONAS[persona]
        membership.user, membership.unit, membership.role = users[persona], units[unit_attr], role
        memberships[persona] = membership
    return County(
        root=units["root"],
        town_a=units["town_a"],
        town_b=units["town_b"],
        village_a=units["village_a"],
        dept=units["dept"],
        users=users,
        memberships=memberships,
    )
