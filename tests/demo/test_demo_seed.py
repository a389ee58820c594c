"""Writing the demo county: tree, accounts, roles, audit trail, idempotency, fillers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction

from fazhi.core.models import AuditEntry
from fazhi.core.selectors import audit_verify
from fazhi.demo.generator import (
    COUNTY_FILLERS,
    CountyContext,
    DemoDataExists,
    DemoError,
    SeedResult,
    UnsupportedScale,
    county_fillers,
    demo_county_exists,
    demo_logins_in_db,
    register_filler,
    seed_county,
    seed_scale,
)
from fazhi.demo.plan import plan_county
from fazhi.orgs.models import Membership, OrgUnit
from fazhi.orgs.roles import SEPARATED_ADMIN_ROLES

PASSWORD = "fazhi-demo-2024"
RULE_SYNCS = ("deadline_rule.sync", "metric_definition.sync")
UNIT_FIELDS = (
    "code", "name", "short_name", "kind", "level", "sort_order", "province_code",
    "contact_person", "contact_phone", "address",
)  # fmt: skip
#: username → {(unit name, role)}, written out by hand from the brief.
EXPECTED_ROLES = {
    "sysadmin": {("湘江县人民政府", "sysadmin")},
    "secadmin": {("湘江县人民政府", "secadmin")},
    "auditor": {("湘江县人民政府", "auditor")},
    "yfzb": {("湘江县人民政府", "coordinator")},
    "leader": {("湘江县人民政府", "leader")},
    "shenhe": {("湘江县司法局", "reviewer")},
    "sfj_clerk": {("湘江县司法局", "clerk")},
}


def db_units() -> list[tuple[Any, ...]]:
    return list(OrgUnit.objects.order_by("code").values_list(*UNIT_FIELDS, "depth"))


@pytest.mark.django_db
def test_same_seed_writes_the_same_county() -> None:
    with transaction.atomic():
        seed_county(seed=7, fillers=())
        first = db_units()
        transaction.set_rollback(True)
    assert not OrgUnit.objects.exists()
    seed_county(seed=7, fillers=())
    assert db_units() == first


def test_written_units_match_the_plan(seeded: SeedResult) -> None:
    plan = plan_county(seeded.seed)
    expected = sorted(
        (*(getattr(u, f) for f in UNIT_FIELDS), 0 if u is plan.root else 1)
        for u in (plan.root, *plan.units)
    )
    assert db_units() == expected


def test_tree_paths(seeded: SeedResult) -> None:
    root = OrgUnit.objects.get(code="430199")
    assert root.parent is None and root.depth == 0 and root.path == f"/{root.pk}/"
    assert OrgUnit.objects.subtree_of(root).count() == plan_county().size == seeded.unit_count
    for unit in OrgUnit.objects.exclude(pk=root.pk):
        assert unit.path.startswith(root.path)
        assert unit.path == f"{root.path}{unit.pk}/"
        assert unit.parent_id == root.pk and unit.depth == 1


def test_result_counts(seeded: SeedResult) -> None:
    assert (seeded.scale, seeded.seed, seeded.root_code) == ("county", 2024, "430199")
    assert seeded.root_name == "湘江县人民政府"
    assert seeded.department_count == 35 and seeded.township_count == 30
    assert seeded.unit_count == 69 == OrgUnit.objects.count()
    assert seeded.user_count == 10 == User.objects.count()
    assert seeded.filled == ()


def test_demo_users_and_roles(seeded: SeedResult) -> None:
    plan = plan_county()
    towns = [u.name for u in plan.townships]
    expected = EXPECTED_ROLES | {
        "town_clerk": {(towns[0], "clerk")},
        "town2_clerk": {(towns[1], "clerk")},
        "multi": {("湘江县市场监督管理局", "clerk"), (towns[2], "reviewer")},
    }
    for username, roles in expected.items():
        user = User.objects.get(username=username)
        assert user.check_password(PASSWORD)
        assert user.last_name and user.is_active
        got = {(m.unit.name, m.role) for m in Membership.objects.active().filter(user=user)}
        assert got == roles, username
    assert set(User.objects.values_list("username", flat=True)) == set(expected)
    assert not User.objects.filter(is_staff=True).exists()
    assert not User.objects.filter(is_superuser=True).exists()


def test_result_logins_table_rows(seeded: SeedResult) -> None:
    rows = [(x.username, x.role_label, x.unit_name) for x in seeded.logins]
    assert rows[0] == ("sysadmin", "系统管理员", "湘江县人民政府")
    assert rows[3] == ("yfzb", "依法治办", "湘江县人民政府")
    multi = [r[1:] for r in rows if r[0] == "multi"]
    assert multi[0] == ("填报", "湘江县市场监督管理局") and multi[1][0] == "审核"
    assert len(multi) == 2
    assert {x.password for x in seeded.logins} == {PASSWORD}
    assert demo_logins_in_db() == seeded.logins


def test_separation_of_the_three_admin_roles(seeded: SeedResult) -> None:
    for user in User.objects.all():
        admin_roles = set(
            Membership.objects.active()
            .filter(user=user, role__in=SEPARATED_ADMIN_ROLES)
            .values_list("role", flat=True)
        )
        assert len(admin_roles) <= 1, user.username
    holders = Membership.objects.filter(role__in=SEPARATED_ADMIN_ROLES)
    assert holders.values("user").distinct().count() == 3


def test_every_write_is_audited(seeded: SeedResult) -> None:
    for unit in OrgUnit.objects.all():
        entries = AuditEntry.objects.filter(
            action="orgunit.create", object_type="orgs.orgunit", object_id=str(unit.pk)
        )
        assert entries.count() == 1, unit.name
    created = set(
        AuditEntry.objects.filter(action="user.create").values_list("object_repr", flat=True)
    )
    assert created == set(User.objects.values_list("username", flat=True))
    grants = AuditEntry.objects.filter(action="membership.grant")
    assert grants.count() == Membership.objects.count() == 11
    # the command line wrote everything, except the citizens' 审查建议 (submitted as on the portal)
    others = AuditEntry.objects.exclude(actor_name="命令行")
    assert set(others.values_list("action", flat=True)) <= {"filing_review.suggestion.submit"}
    assert set(others.values_list("actor_name", flat=True)) <= {"门户网站（公众）"}
    checked, broken = audit_verify()
    assert broken is None and checked == AuditEntry.objects.count()


def test_children_are_created_by_the_command_line_scoped_to_the_county(seeded: SeedResult) -> None:
    units = set(
        AuditEntry.objects.filter(action="orgunit.create").values_list("unit_code", flat=True)
    )
    assert units == {"", "430199"}  # the root by the whole-system CLI, the rest within the county


@pytest.mark.django_db
def test_seeding_twice_raises_and_writes_nothing() -> None:
    seed_county(fillers=())
    counts = (OrgUnit.objects.count(), User.objects.count(), AuditEntry.objects.count())
    with pytest.raises(DemoDataExists, match="演示数据已存在（单位编码 430199 湘江县人民政府）"):
        seed_county(seed=99)
    assert (OrgUnit.objects.count(), User.objects.count(), AuditEntry.objects.count()) == counts
    assert demo_county_exists()


@pytest.mark.django_db
def test_existing_demo_username_is_refused_before_any_write() -> None:
    User.objects.create_user(username="yfzb", password="x-123456789")
    with pytest.raises(DemoDataExists, match="用户名 yfzb 已存在"):
        seed_county()
    assert not OrgUnit.objects.exists()
    assert not AuditEntry.objects.exclude(action__in=RULE_SYNCS).exists()


@pytest.mark.django_db
def test_fillers_run_inside_the_transaction_with_their_own_rng() -> None:
    seen: list[tuple[Any, ...]] = []

    def filler(ctx: CountyContext) -> int:
        rng = ctx.rng_for("sample")
        seen.append((ctx.root.code, len(ctx.units), list(ctx.year_range), len(ctx.users)))
        seen.append((ctx.as_of, list(ctx.case_years)))
        assert ctx.rng_for("sample").random() == rng.random()
        return 42

    today = dt.date(2026, 6, 15)
    result = seed_county(seed=5, years=3, today=today, fillers=[("sample", filler)])
    assert result.filled == (("sample", 42),)
    assert seen == [
        ("430199", 69, [2023, 2024, 2025], 10),
        (today, [2023, 2024, 2025, 2026]),
    ]
    assert (result.today, result.years) == (today, (2023, 2024, 2025, 2026))


@pytest.mark.django_db
def test_a_failing_filler_rolls_everything_back() -> None:
    def broken(ctx: CountyContext) -> int:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        seed_county(fillers=[("broken", broken)])
    assert not OrgUnit.objects.exists() and not User.objects.exists()
    assert not AuditEntry.objects.exclude(action__in=RULE_SYNCS).exists()


def test_register_filler_appends_and_rejects_duplicate_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("fazhi.demo.generator.COUNTY_FILLERS", [])
    from fazhi.demo import generator

    @register_filler("a")
    def fill_a(ctx: CountyContext) -> int:
        return 0

    registered = generator.COUNTY_FILLERS
    assert registered == [("a", fill_a)]
    with pytest.raises(ValueError, match="重名"):
        register_filler("a")(fill_a)


def test_county_fillers_are_the_registered_ones_after_discovery() -> None:
    found = county_fillers()
    assert found == tuple(COUNTY_FILLERS)
    assert len({name for name, _ in found}) == len(found)


@pytest.mark.django_db
def test_years_must_be_positive() -> None:
    with pytest.raises(DemoError, match="至少为 1"):
        seed_county(years=0)


@pytest.mark.parametrize("scale", ["nation"])
def test_other_scales_are_not_built_yet(scale: str) -> None:
    with pytest.raises(UnsupportedScale, match=f"^暂不支持 {scale} 规模（后续版本提供）$"):
        seed_scale(scale)


@pytest.mark.django_db
@pytest.mark.usefixtures("no_fillers")
def test_seed_scale_county() -> None:
    assert seed_scale("county", seed=3).unit_count == 69
