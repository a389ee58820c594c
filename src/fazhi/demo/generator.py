"""Write the demo data through the audited services.

Entry points:

- :func:`seed_county` writes the county of :func:`fazhi.demo.plan.plan_county` (units, demo
  logins, memberships) in one transaction, then runs the register fillers.
- :data:`SCALES` maps ``--scale`` values to seeders (city and province: :mod:`fazhi.demo.scale`);
  :func:`seed_scale` dispatches and raises :class:`UnsupportedScale` for any other scale.
- :func:`county_fillers` are the register fillers: every app kit's ``demo_county`` hook, named by
  the app's label, in kit order (today reconsideration, litigation, plans, reports).

The data lives in the present: a seeder is given a ``today`` (default :func:`demo_today`, the
local date in Asia/Shanghai) and fills the last full calendar years before it and the current
year up to that day. Everything else is derived from ``today`` and the seed, so the same
``today`` and seed write the same data (the tests pass a fixed ``today``).

Every unit, user and membership is created by ``orgs.services`` / ``accounts.services``, so each
write has its audit entry. Rule maintenance (the admin site) is opened by the 系统管理员 role at
the top of the tree, not by Django's ``is_staff`` flag, so no account needs it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from fazhi.accounts.services import user_create
from fazhi.core.kit import hooks
from fazhi.demo import data
from fazhi.demo.plan import DEFAULT_SEED, CountyPlan, plan_county
from fazhi.orgs.models import Membership, OrgUnit
from fazhi.orgs.roles import Role
from fazhi.orgs.scoping import Actor
from fazhi.orgs.services import membership_grant, orgunit_create

#: The earliest ``today`` a demo may be seeded for (its last full year is then 2000).
EARLIEST_TODAY = dt.date(2001, 1, 1)
#: Every ``--scale`` value of the public contract, in order.
SCALE_CHOICES = ("county", "city", "province")


class DemoError(Exception):
    """A demo-data request that cannot be carried out; the message is one Chinese line."""


class DemoDataExists(DemoError):
    """The demo county (or one of its units or logins) is already in the database."""


class UnsupportedScale(DemoError):
    """A scale of the public contract that is not built yet."""


def demo_today() -> dt.date:
    """The real local date (``TIME_ZONE``, Asia/Shanghai): the default ``today`` of a seeder."""
    return timezone.localdate()


def checked_today(today: dt.date | None) -> dt.date:
    """``today``, or :func:`demo_today` if None; :class:`DemoError` if it is in the future (the
    services refuse dates after the real today) or before :data:`EARLIEST_TODAY`."""
    real = demo_today()
    if today is None:
        return real
    if today > real:
        raise DemoError(f"数据截止日期（--today）{today:%Y-%m-%d} 不能晚于今天（{real:%Y-%m-%d}）")
    if today < EARLIEST_TODAY:
        raise DemoError(f"数据截止日期（--today）不能早于 {EARLIEST_TODAY:%Y-%m-%d}")
    return today


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
    #: The day the data is "as of" (the seeder's ``today``); None for a seeder without one.
    today: dt.date | None = None
    #: The years filled: the full years, then the current year up to ``today``.
    years: tuple[int, ...] = ()


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
    #: The day the data is "as of": no event after it. :func:`seed_county` always sets it (the
    #: last full year is then the year before it); None (a context built by hand) stands for
    #: 31 January after ``last_year`` with no current year (see :attr:`as_of`).
    today: dt.date | None = None

    @property
    def year_range(self) -> range:
        """The full calendar years to fill, oldest first (``years`` of them, ending at
        ``last_year``): the years of the plan and the annual report."""
        return range(self.last_year - self.years + 1, self.last_year + 1)

    @property
    def as_of(self) -> dt.date:
        """The last day on which demo events happen: ``today``, or (no ``today``) 31 January after
        ``last_year``, when the year's statistics are compiled."""
        return self.today if self.today is not None else dt.date(self.last_year + 1, 1, 31)

    @property
    def case_years(self) -> range:
        """The years the registers' cases are received in: :attr:`year_range` and, when there is
        a ``today``, the current year up to it (partial: events after ``today`` do not happen)."""
        if self.today is None:
            return self.year_range
        return range(self.year_range.start, self.today.year + 1)

    def by_today(self, day: dt.date) -> dt.date:
        """``day``, or :attr:`as_of` if ``day`` is later (a step planned on a fixed day of the
        current year, e.g. publishing last year's report in March, happens by ``today``)."""
        return min(day, self.as_of)

    def rng_for(self, name: str) -> random.Random:
        """A private RNG for one filler, derived from the seed and the filler's name only.

        Adding or reordering fillers therefore never changes another filler's data.
        """
        return random.Random(f"{self.plan.seed}:{name}")


#: A register filler writes one register's demo rows for a county and returns how many.
#: It must write through that register's services (so every write is audited), use only
#: ``ctx.rng_for(name)`` for randomness and ``ctx.year_range`` / ``ctx.case_years`` /
#: ``ctx.as_of`` for dates (never the clock), and date nothing after ``ctx.as_of``.
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
    today: dt.date | None = None,
    fillers: Sequence[tuple[str, RegisterFiller]] | None = None,
) -> SeedResult:
    """Write the demo county for ``seed`` in one transaction and return what was written.

    Deterministic: the units, names, codes and contacts are those of ``plan_county(seed)``, the
    register data depends on ``seed`` and ``today`` only. Not repeatable on the same database:
    raises :class:`DemoDataExists` (writing nothing) if the county's root code, any of its unit
    codes or any demo username already exists. ``fillers`` defaults to :func:`county_fillers`;
    they run inside the same transaction, with ``years`` full calendar years ending the year
    before ``today`` (default :func:`demo_today`) and the current year up to ``today``.
    """
    if years < 1:
        raise DemoError("年数（--years）至少为 1")
    today = checked_today(today)
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
        last_year=today.year - 1,
        today=today,
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
        today=today,
        years=tuple(ctx.case_years),
    )


class Seeder(Protocol):
    """A scale's seeder: ``seeder(seed=..., years=..., today=...)``."""

    def __call__(
        self, *, seed: int = ..., years: int = ..., today: dt.date | None = ...
    ) -> SeedResult: ...


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
    scale: str,
    *,
    seed: int = DEFAULT_SEED,
    years: int = 1,
    volume: int = 1,
    today: dt.date | None = None,
) -> SeedResult:
    """Run the seeder of ``scale`` for ``today`` (default: the real local date);
    :class:`UnsupportedScale` if it is not built yet."""
    seeder = SCALES.get(scale)
    if seeder is None:
        raise UnsupportedScale(f"暂不支持 {scale} 规模（后续版本提供）")
    if volume == 1:
        return seeder(seed=seed, years=years, today=today)
    if scale not in VOLUME_SCALES:
        raise DemoError("参数 --volume 只适用于 city、province 规模")
    return _bulk(scale)(seed=seed, years=years, volume=volume, today=today)


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
