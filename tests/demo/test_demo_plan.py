"""The demo county plan: a pure, deterministic and realistic function of the seed."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from fazhi.demo import data
from fazhi.demo.plan import CountyPlan, UnitPlan, plan_county
from fazhi.orgs.models import UnitKind, UnitLevel
from fazhi.orgs.roles import SEPARATED_ADMIN_ROLES, Role

PHONE = re.compile(r"^0731-8\d{7}$")
CJK_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


def contacts(plan: CountyPlan) -> list[tuple[str, str, str, str]]:
    return [
        (u.code, u.contact_person, u.contact_phone, u.address) for u in (plan.root, *plan.units)
    ]


def test_same_seed_gives_equal_plans() -> None:
    assert plan_county(7) == plan_county(7)
    assert plan_county() == plan_county(2024)


def test_plan_does_not_use_the_global_random() -> None:
    import random

    random.seed(1)
    first = plan_county(11)
    random.seed(2)
    assert plan_county(11) == first


PLAN_DIGEST = """
import hashlib, django
django.setup()
from fazhi.demo.plan import plan_county
print(hashlib.sha256(repr(plan_county(7)).encode()).hexdigest())
"""


def test_plan_is_the_same_in_every_process() -> None:
    digests = set()
    for hash_seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed, DJANGO_SETTINGS_MODULE="fazhi.settings")
        proc = subprocess.run(
            [sys.executable, "-c", PLAN_DIGEST], capture_output=True, text=True, env=env, check=True
        )
        digests.add(proc.stdout.strip())
    assert len(digests) == 1


@pytest.mark.parametrize(("a", "b"), [(1, 2), (2024, 2025)])
def test_different_seeds_give_different_contacts(a: int, b: int) -> None:
    assert contacts(plan_county(a)) != contacts(plan_county(b))


def test_root_is_the_county_government() -> None:
    root = plan_county().root
    assert (root.code, root.name, root.short_name) == ("430199", "湘江县人民政府", "湘江县")
    assert (root.kind, root.level, root.province_code) == ("government", "county", "43")


def test_county_has_realistic_counts() -> None:
    plan = plan_county()
    assert len(plan.departments) >= 30
    assert len(plan.townships) >= 25
    assert plan.size == 1 + len(plan.units)
    names = {u.name for u in plan.units}
    assert "湘江县司法局" in names
    assert "湘江县公安局" in names
    assert [u.short_name for u in plan.of_kind(UnitKind.PARTY_OFFICE)] == ["依法治县办"]
    externals = {u.name for u in plan.of_kind(UnitKind.EXTERNAL)}
    assert externals == {"湘江县人民法院", "湘江县人民检察院"}


def test_township_names_and_levels() -> None:
    for seed in range(20):
        townships = plan_county(seed).townships
        suffixes = [t.name[-2:] if t.name.endswith("街道") else t.name[-1] for t in townships]
        assert set(suffixes) == {"街道", "镇", "乡"}
        assert suffixes == sorted(suffixes, key=["街道", "镇", "乡"].index)  # streets first
        for t in townships:
            assert t.level == UnitLevel.TOWNSHIP
            assert t.name.startswith(t.short_name) and t.short_name != t.name


def test_codes_names_and_order_are_unique_and_well_formed() -> None:
    for seed in (0, 1, 2024):
        plan = plan_county(seed)
        units = plan.units
        assert len({u.code for u in units}) == len(units)
        assert len({u.name for u in units} | {plan.root.name}) == plan.size
        assert all(re.fullmatch(r"430199\d{3}", u.code) for u in units)
        orders = [u.sort_order for u in units]
        assert orders == sorted(orders) and len(set(orders)) == len(orders)
        assert all(u.short_name and len(u.short_name) < len(u.name) for u in units)
        assert all(u.province_code == "" for u in units)  # inherited from the root
        assert all(
            u.level == (UnitLevel.TOWNSHIP if u.kind == UnitKind.TOWNSHIP else UnitLevel.COUNTY)
            for u in units
        )


def test_contacts_are_realistic() -> None:
    plan = plan_county()
    with_contact = [u for u in (plan.root, *plan.units) if u.contact_phone]
    assert 0.5 * plan.size < len(with_contact) < plan.size  # "some units", not all
    for unit in with_contact:
        assert PHONE.match(unit.contact_phone), unit.contact_phone
        assert CJK_NAME.match(unit.contact_person), unit.contact_person
        assert unit.address.startswith("湘江县") and unit.address.endswith("号")
    assert len({u.contact_phone for u in with_contact}) == len(with_contact)
    always = {plan.root.name, "湘江县司法局", data.PARTY_OFFICE[0]}
    assert all(plan.unit(u.code).contact_phone for u in plan.units if u.name in always)


def test_township_addresses_are_in_the_township() -> None:
    for unit in plan_county(3).townships:
        if unit.address:
            assert unit.address.startswith(f"湘江县{unit.name}")


def test_logins_follow_the_brief() -> None:
    plan = plan_county()
    justice = next(u for u in plan.units if u.name == "湘江县司法局").code
    market = next(u for u in plan.units if u.name == "湘江县市场监督管理局").code
    t = [u.code for u in plan.townships]
    grants = {login.username: login.grants for login in plan.logins}
    assert grants == {
        "sysadmin": (("430199", Role.SYSADMIN),),
        "secadmin": (("430199", Role.SECADMIN),),
        "auditor": (("430199", Role.AUDITOR),),
        "yfzb": (("430199", Role.COORDINATOR),),
        "leader": (("430199", Role.LEADER),),
        "shenhe": ((justice, Role.REVIEWER),),
        "sfj_clerk": ((justice, Role.CLERK),),
        "town_clerk": ((t[0], Role.CLERK),),
        "town2_clerk": ((t[1], Role.CLERK),),
        "multi": ((market, Role.CLERK), (t[2], Role.REVIEWER)),
    }
    assert all(CJK_NAME.match(login.full_name) for login in plan.logins)


def test_no_planned_login_holds_two_separated_admin_roles() -> None:
    for login in plan_county().logins:
        assert len({role for _, role in login.grants} & SEPARATED_ADMIN_ROLES) <= 1


def test_unit_lookup() -> None:
    plan = plan_county()
    assert plan.unit("430199") == plan.root
    assert isinstance(plan.unit("430199008"), UnitPlan)
    with pytest.raises(KeyError):
        plan.unit("999")
