"""The demo county as a plan: a pure function of the seed (no database, no clock).

:func:`plan_county` decides every unit (code, names, order, contacts) and every demo login;
:mod:`fazhi.demo.generator` writes the plan through the audited services. Keeping the two apart
makes determinism testable without a database: the same seed gives an equal plan.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from fazhi.demo import data
from fazhi.orgs.models import UnitKind, UnitLevel
from fazhi.orgs.roles import Role

#: Seed used when none is given (``fazhi seed``, ``fazhi demo``).
DEFAULT_SEED = 2024
#: Probability that a unit without a fixed contact gets contact details.
CONTACT_PROBABILITY = 0.75


@dataclass(frozen=True)
class UnitPlan:
    """One unit to create. ``province_code`` is set on the root only (children inherit)."""

    code: str
    name: str
    short_name: str
    kind: str
    level: str
    sort_order: int
    province_code: str = ""
    contact_person: str = ""
    contact_phone: str = ""
    address: str = ""

    def fields(self) -> dict[str, str | int]:
        """Keyword arguments for ``orgunit_create`` besides code/name/kind/level/parent."""
        return {
            "short_name": self.short_name,
            "sort_order": self.sort_order,
            "province_code": self.province_code,
            "contact_person": self.contact_person,
            "contact_phone": self.contact_phone,
            "address": self.address,
        }


@dataclass(frozen=True)
class LoginPlan:
    """One demo account and its memberships, as (unit code, role) pairs."""

    username: str
    full_name: str
    grants: tuple[tuple[str, Role], ...]


@dataclass(frozen=True)
class CountyPlan:
    """Everything :func:`fazhi.demo.generator.seed_county` will write for one seed."""

    seed: int
    root: UnitPlan
    units: tuple[UnitPlan, ...]  # direct children of the root, in sort order
    logins: tuple[LoginPlan, ...]

    @property
    def size(self) -> int:
        """Number of units including the root."""
        return 1 + len(self.units)

    def of_kind(self, kind: str) -> tuple[UnitPlan, ...]:
        """The child units of one ``UnitKind``, in sort order."""
        return tuple(u for u in self.units if u.kind == kind)

    @property
    def departments(self) -> tuple[UnitPlan, ...]:
        return self.of_kind(UnitKind.DEPARTMENT.value)

    @property
    def townships(self) -> tuple[UnitPlan, ...]:
        return self.of_kind(UnitKind.TOWNSHIP.value)

    def unit(self, code: str) -> UnitPlan:
        """The planned unit (root included) with ``code``; KeyError if none."""
        for unit in (self.root, *self.units):
            if unit.code == code:
                return unit
        raise KeyError(code)


class _Contacts:
    """Fake but realistic contact details drawn from one RNG."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used_phones: set[str] = set()

    def person(self) -> str:
        given = "".join(self.rng.sample(data.GIVEN_CHARS, self.rng.choice((1, 2))))
        return self.rng.choice(data.SURNAMES) + given

    def phone(self) -> str:
        while True:
            phone = data.PHONE_PREFIX + f"{self.rng.randrange(10**7):07d}"
            if phone not in self.used_phones:
                self.used_phones.add(phone)
                return phone

    def county_address(self) -> str:
        road = self.rng.choice(data.COUNTY_ROADS)
        return f"{data.COUNTY_NAME}{road}{self.rng.randint(1, 399)}号"

    def township_address(self, township: str) -> str:
        road = self.rng.choice(data.TOWNSHIP_ROADS)
        return f"{data.COUNTY_NAME}{township}{road}{self.rng.randint(1, 199)}号"


def _with_contacts(unit: UnitPlan, contacts: _Contacts, *, always: bool = False) -> UnitPlan:
    """``unit`` with contact details, always or with CONTACT_PROBABILITY."""
    if not always and contacts.rng.random() >= CONTACT_PROBABILITY:
        return unit
    address = (
        contacts.township_address(unit.name)
        if unit.kind == UnitKind.TOWNSHIP
        else contacts.county_address()
    )
    return replace(
        unit, contact_person=contacts.person(), contact_phone=contacts.phone(), address=address
    )


def _township_names(rng: random.Random) -> list[tuple[str, str]]:
    """(name, short name) of the 乡镇/街道: streets first, then 镇, then 乡."""
    streets = rng.randint(*data.STREET_RANGE)
    xiang = rng.randint(*data.XIANG_RANGE)
    towns = data.TOWNSHIP_COUNT - streets - xiang
    return (
        [(f"{s}街道", s) for s in rng.sample(data.STREET_STEMS, streets)]
        + [(f"{s}镇", s) for s in rng.sample(data.TOWN_STEMS, towns)]
        + [(f"{s}乡", s) for s in rng.sample(data.XIANG_STEMS, xiang)]
    )


def _child_units() -> list[tuple[str, str, str, str]]:
    """(code suffix, name, short name, kind) of the root's children, before townships."""
    party = [("901", *data.PARTY_OFFICE, UnitKind.PARTY_OFFICE.value)]
    departments = [
        (f"{i:03d}", f"{data.COUNTY_NAME}{suffix}", short, UnitKind.DEPARTMENT.value)
        for i, (suffix, short) in enumerate(data.DEPARTMENTS, start=1)
    ]
    return party + departments


def _units(rng: random.Random, contacts: _Contacts) -> tuple[UnitPlan, ...]:
    rows = _child_units()
    rows += [
        (f"{100 + i:03d}", name, short, UnitKind.TOWNSHIP.value)
        for i, (name, short) in enumerate(_township_names(rng), start=1)
    ]
    rows += [
        ("902", *data.COURT, UnitKind.EXTERNAL.value),
        ("903", *data.PROCURATORATE, UnitKind.EXTERNAL.value),
    ]
    always = {data.PARTY_OFFICE[0], f"{data.COUNTY_NAME}{data.JUSTICE_BUREAU}"}
    units = []
    for order, (suffix, name, short, kind) in enumerate(rows, start=1):
        level = UnitLevel.TOWNSHIP.value if kind == UnitKind.TOWNSHIP else UnitLevel.COUNTY.value
        unit = UnitPlan(
            code=data.COUNTY_CODE + suffix,
            name=name,
            short_name=short,
            kind=kind,
            level=level,
            sort_order=order * 10,
        )
        units.append(_with_contacts(unit, contacts, always=name in always))
    return tuple(units)


def _logins(units: tuple[UnitPlan, ...]) -> tuple[LoginPlan, ...]:
    townships = [u for u in units if u.kind == UnitKind.TOWNSHIP.value]
    by_name = {u.name: u for u in units}
    keys = {
        "root": data.COUNTY_CODE,
        "justice": by_name[f"{data.COUNTY_NAME}{data.JUSTICE_BUREAU}"].code,
        "market": by_name[f"{data.COUNTY_NAME}{data.MARKET_BUREAU}"].code,
    } | {f"township:{i}": u.code for i, u in enumerate(townships)}
    return tuple(
        LoginPlan(
            username=username,
            full_name=full_name,
            grants=tuple((keys[key], Role(role)) for key, role in grants),
        )
        for username, full_name, grants in data.DEMO_LOGINS
    )


def plan_county(seed: int = DEFAULT_SEED) -> CountyPlan:
    """The demo county for ``seed``. Pure and deterministic: equal seeds give equal plans.

    The departments and their codes are fixed; the 乡镇/街道 drawn, and all contact details,
    depend on the seed. Only private RNGs derived from the seed are used (``random.Random(seed)``
    for the 乡镇/街道, ``random.Random(f"{seed}:contacts")`` for contacts), never the global
    ``random`` or the clock; string seeds are hashed with SHA-512, so the plan is the same in
    every process whatever ``PYTHONHASHSEED`` is.
    """
    rng = random.Random(seed)
    contacts = _Contacts(random.Random(f"{seed}:contacts"))
    root = UnitPlan(
        code=data.COUNTY_CODE,
        name=data.ROOT_NAME,
        short_name=data.COUNTY_NAME,
        kind=UnitKind.GOVERNMENT.value,
        level=UnitLevel.COUNTY.value,
        sort_order=0,
        province_code=data.PROVINCE_CODE,
        address=data.ROOT_ADDRESS,
        contact_person=contacts.person(),
        contact_phone=contacts.phone(),
    )
    units = _units(rng, contacts)
    return CountyPlan(seed=seed, root=root, units=units, logins=_logins(units))
