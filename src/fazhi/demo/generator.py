"""Write the demo data through the audited services.

Entry points:

- :func:`seed_county` writes the county of :func:`fazhi.demo.plan.plan_county` (units, demo
  logins, memberships) in one transaction, then runs the register fillers.
- :data:`SCALES` maps ``--scale`` values to seeders (city and province: :mod:`fazhi.demo.scale`);
  :func:`seed_scale` dispatches and raises :class:`UnsupportedScale` for any other scale.
- :func:`county_fillers` are the register fillers: every app kit's ``demo_county`` hook, named by
  the app's label, in kit order (today reconsideration, litigation, plans, reports).

Every unit, user and membership is created by ``orgs.services`` / ``accounts.services``, so each
write has its audit entry. Rule maintenance (the admin site) is opened by the 系统管理员 role at
the top of the tree, not by Django's ``is_staff`` flag, so no account needs it.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.contrib.auth.models import User
from django.db import transaction

from fazhi.accounts.services import user_create
from fazhi.core.kit import hooks
from fazhi.demo import data
from fazhi.demo.plan import DEFAULT_SEED, CountyPlan, plan_county
from fazhi.orgs.models import Membership, OrgUnit
from fazhi.orgs.roles import Role
from fazhi.orgs.scoping import Actor
from fazhi.orgs.services import membership_grant, orgunit_create

#: Last calendar year covered by register fillers (a constant, so output never depends on the
#: clock); ``--years N`` covers ``DEFAULT_LAST_YEAR - N + 1`` … ``DEFAULT_LAST_YEAR``.
DEFAULT_LAST_YEAR = 2025
#: Every ``--scale`` value of the public contract, in order.
SCALE_CHOICES = ("county", "city", "province")


class DemoError(Exception):
    """A demo-data request that cannot be carried out; the message is one Chinese line."""


class DemoDataExists(DemoError):
    """The demo county (or one of its units or logins) is already in the database."""


class UnsupportedScale(DemoError):
    """A scale of the public contract that is not built yet."""


@dataclass(frozen=True)
class DemoLogin:
    """One row of the logins table: a demo account in one of its memberships."""

    username: str
    password: str
    full_name: str
    role_label: str
    unit_name: str


@dataclass(frozen=True)
class SeedResult:
    """What a seeder wrote, for the caller to print."""

    scale: str
    seed: int
    root_code: str
    root_name: str
    unit_count: int
    department_count: int
    township_count: int
    user_count: int
    logins: tuple[DemoLogin, ...]
    #: (filler name, rows written) for each register filler that ran, in order.
    filled: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class CountyContext:
    """What a register filler receives: the county just written, inside the same transaction."""

    plan: CountyPlan
    root: OrgUnit
    units: dict[str, OrgUnit]  # by code, root included
    users: dict[str, User]  # demo accounts by username
    actor: Actor  # the command line, scoped to the county
    years: int
    last_year: int

    @property
    def year_range(self) -> range:
        """The calendar years to fill, oldest first."""
        return range(self.last_year - self.years + 1, self.last_year + 1)

    def rng_for(self, name: str) -> random.Random:
        """A private RNG for one filler, derived from the seed and the filler's name only.

        Adding or reordering fillers therefore never changes another filler's data.
        """
        return random.Random(f"{self.plan.seed}:{name}")


#: A register filler writes one register's demo rows for a county and returns how many.
#: It must write through that register's services (so every write is audited), use only
#: ``ctx.rng_for(name)`` for randomness and ``ctx.year_range`` for dates (never the clock).
RegisterFiller = Callable[[CountyContext], int]

#: The per-county register fillers, run in order after the county is written. Filled by
#: :func:`county_fillers` from the kits: an app's ``fazhi/<app>/kit.py`` declares
#: ``demo_county="fazhi.<app>.demo_fillers:fill"`` and its filler is named by the app label (the
#: name its RNGs derive from). :func:`register_filler` adds one by hand (tests).
COUNTY_FILLERS: list[tuple[str, RegisterFiller]] = []


def register_filler(name: str) -> Callable[[RegisterFiller], RegisterFiller]:
    """Decorator: append a register filler named ``name`` (unique) to :data:`COUNTY_FILLERS`."""

    def add(filler: RegisterFiller) -> RegisterFiller:
        if any(existing == name for existing, _ in COUNTY_FILLERS):
            raise ValueError(f"演示数据填充器重名：{name}")
        COUNTY_FILLERS.append((name, filler))
        return filler

    return add


def county_fillers() -> tuple[tuple[str, RegisterFiller], ...]:
    """The register fillers: every kit's ``demo_county`` (named by its app label, in kit order),
    added to :data:`COUNTY_FILLERS` the first time, then any added by hand."""
    for kit, fill in hooks("demo_county"):
        if not any(existing == kit.app for existing, _ in COUNTY_FILLERS):
            register_filler(kit.app)(fill)
    return tuple(COUNTY_FILLERS)


def _refuse_existing(plan: CountyPlan) -> None:
    codes = [plan.root.code, *(u.code for u in plan.units)]
    existing = OrgUnit.objects.filter(code__in=codes).order_by("code").first()
    if existing is not None:
        raise DemoDataExists(
            f"演示数据已存在（单位编码 {existing.code} {existing.name}），未重复生成；"
            "如需重新生成，请使用新的空数据库"
        )
    usernames = [login.username for login in plan.logins]
    taken = sorted(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    if taken:
        raise DemoDataExists(f"用户名 {'、'.join(taken)} 已存在，未生成演示数据")


def _write_units(plan: CountyPlan) -> dict[str, OrgUnit]:
    root = orgunit_create(
        actor=Actor.command_line(),
        code=plan.root.code,
        name=plan.root.name,
        kind=plan.root.kind,
        level=plan.root.level,
        parent=None,
        **plan.root.fields(),
    )
    actor = Actor.command_line(root)
    units = {root.code: root}
    for unit in plan.units:
        units[unit.code] = orgunit_create(
            actor=actor,
            code=unit.code,
            name=unit.name,
            kind=unit.kind,
            level=unit.level,
            parent=root,
            is_reconsideration_body=unit.name == f"{data.COUNTY_NAME}{data.JUSTICE_BUREAU}",
            **unit.fields(),
        )
    return units


def _write_logins(
    plan: CountyPlan, units: dict[str, OrgUnit], actor: Actor
) -> tuple[dict[str, User], tuple[DemoLogin, ...]]:
    users: dict[str, User] = {}
    rows: list[DemoLogin] = []
    for login in plan.logins:
        user = user_create(
            actor=actor,
            username=login.username,
            full_name=login.full_name,
            password=data.DEMO_PASSWORD,
        )
        users[login.username] = user
        for code, role in login.grants:
            unit = units[code]
            membership_grant(actor=actor, user=user, unit=unit, role=role)
            rows.append(
                DemoLogin(
                    login.username, data.DEMO_PASSWORD, login.full_name, role.label, unit.name
                )
            )
    return users, tuple(rows)


@transaction.atomic
def seed_county(
    *,
    seed: int = DEFAULT_SEED,
    years: int = 1,
    last_year: int = DEFAULT_LAST_YEAR,
    fillers: Sequence[tuple[str, RegisterFiller]] | None = None,
) -> SeedResult:
    """Write the demo county for ``seed`` in one transaction and return what was written.

    Deterministic: the units, names, codes and contacts are those of ``plan_county(seed)``.
    Not repeatable on the same database: raises :class:`DemoDataExists` (writing nothing) if
    the county's root code, any of its unit codes or any demo username already exists.
    ``fillers`` defaults to :func:`county_fillers`; they run inside the same transaction, with
    ``years`` calendar years ending at ``last_year``.
    """
    if years < 1:
        raise DemoError("年数（--years）至少为 1")
    plan = plan_county(seed)
    _refuse_existing(plan)
    units = _write_units(plan)
    root = units[plan.root.code]
    actor = Actor.command_line(root)
    users, logins = _write_logins(plan, units, actor)
    ctx = CountyContext(
        plan=plan,
        root=root,
        units=units,
        users=users,
        actor=actor,
        years=years,
        last_year=last_year,
    )
    run = county_fillers() if fillers is None else tuple(fillers)
    filled = tuple((name, fill(ctx)) for name, fill in run)
    return SeedResult(
        scale="county",
        seed=seed,
        root_code=root.code,
        root_name=root.name,
        unit_count=len(units),
        department_count=len(plan.departments),
        township_count=len(plan.townships),
        user_count=len(users),
        logins=logins,
        filled=filled,
    )


class Seeder(Protocol):
    """A scale's seeder: ``seeder(seed=..., years=...)``."""

    def __call__(self, *, seed: int = ..., years: int = ...) -> SeedResult: ...


def _bulk(scale: str) -> Callable[..., SeedResult]:
    """The seeder ``seed_<scale>`` of :mod:`fazhi.demo.scale` (bulk writes), loaded on first use
    (that module imports this one)."""

    def seeder(**options: Any) -> SeedResult:
        from fazhi.demo import scale as bulk

        result: SeedResult = getattr(bulk, f"seed_{scale}")(**options)
        return result

    return seeder


#: ``--scale`` value → seeder. City and province write in bulk (:mod:`fazhi.demo.scale`).
SCALES: dict[str, Seeder] = {
    "county": seed_county,
    "city": _bulk("city"),
    "province": _bulk("province"),
}
#: Scales that take ``--volume`` (a multiplier of the register rows; 1 = realistic).
VOLUME_SCALES = ("city", "province")


def seed_scale(
    scale: str, *, seed: int = DEFAULT_SEED, years: int = 1, volume: int = 1
) -> SeedResult:
    """Run the seeder of ``scale``; :class:`UnsupportedScale` if it is not built yet."""
    seeder = SCALES.get(scale)
    if seeder is None:
        raise UnsupportedScale(f"暂不支持 {scale} 规模（后续版本提供）")
    if volume == 1:
        return seeder(seed=seed, years=years)
    if scale not in VOLUME_SCALES:
        raise DemoError("参数 --volume 只适用于 city、province 规模")
    return _bulk(scale)(seed=seed, years=years, volume=volume)


def demo_county_exists() -> bool:
    """Whether the demo county's root unit is in the database."""
    return OrgUnit.objects.filter(code=data.COUNTY_CODE).exists()


def demo_logins_in_db() -> tuple[DemoLogin, ...]:
    """The logins table for demo accounts already in the database (passwords as seeded)."""
    order = {username: i for i, (username, *_rest) in enumerate(data.DEMO_LOGINS)}
    memberships = (
        Membership.objects.active().filter(user__username__in=order).select_related("user", "unit")
    )
    rows = sorted(
        memberships, key=lambda m: (order[m.user.username], m.unit.depth, m.unit.sort_order)
    )
    return tuple(
        DemoLogin(
            m.user.username, data.DEMO_PASSWORD, m.user.last_name, Role(m.role).label, m.unit.name
        )
        for m in rows
    )
