"""Bulk city/province seeding (``fazhi.demo.scale``): a small city, checked row by row.

One module fixture seeds a city of two counties at volume 2 (about 2,000 register rows) in a
transaction that is rolled back, and keeps the rows as plain data; the determinism test seeds
a second time. The rows must look like the services' rows: statuses agree with the dates,
stored deadlines are what ``derive_deadlines`` gives, hearing summaries agree with the
hearings, and every row carries the tree slots of its unit(s).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction

from fazhi.core.models import AuditEntry
from fazhi.demo.generator import DemoDataExists, DemoError, seed_scale
from fazhi.demo.scale import plan_province, seed_city
from fazhi.litigation.models import LOSS_RESULTS, Hearing, LitigationCase
from fazhi.orgs.models import Membership, OrgUnit, UnitKind
from fazhi.orgs.slots import slots_of
from fazhi.reconsideration.models import ReconsiderationCase, Suspension
from fazhi.reconsideration.services import Rules, derive_deadlines

#: Every test is a database test, so that pytest-django keeps the module together (it runs
#: database tests first) and the module fixture ``city`` is set up once.
pytestmark = pytest.mark.django_db
#: The seeders' ``today`` here (a fixed day, so the rows never depend on the clock): the full
#: year 2025 and January 2026, as on the demo county (tests/demo_county.py).
HORIZON = dt.date(2026, 1, 31)
VOLUME = 2
REC_FIELDS = (
    "number", "status", "unit__code", "respondent__code", "authority", "respondent_name",
    "act_category", "matter", "received_on", "correction_notified_on", "correction_received_on",
    "review_due", "correction_due", "accepted_on", "acceptance_kind", "refused_on", "procedure",
    "decision_due", "extension_days", "suspended_days", "closed_on", "outcome",
    "closed_on_time", "handling_days", "current_due",
)  # fmt: skip
LIT_FIELDS = (
    "number", "court", "level", "unit__code", "filed_on", "status", "judged_on", "result",
    "is_loss", "hearing_count", "first_hearing_on", "head_appeared", "reconsideration__number",
)  # fmt: skip


@dataclass
class Seeded:
    units: list[dict[str, Any]]
    rec: list[ReconsiderationCase]
    pauses: dict[int, list[Suspension]]
    lit: list[LitigationCase]
    hearings: dict[int, list[Hearing]]
    rec_values: list[tuple[Any, ...]]
    lit_values: list[tuple[Any, ...]]
    filled: dict[str, int]
    audit: list[AuditEntry]
    rules: Rules
    root_code: str
    memberships: list[tuple[str, str, str]]


def _seed_and_read(seed: int) -> Seeded:
    before = AuditEntry.objects.count()
    result = seed_city(seed=seed, counties=2, volume=VOLUME, today=HORIZON)
    root = OrgUnit.objects.get(code=result.root_code)
    pauses: dict[int, list[Suspension]] = {}
    for pause in Suspension.objects.order_by("suspended_on", "id"):
        pauses.setdefault(pause.case_id, []).append(pause)
    hearings: dict[int, list[Hearing]] = {}
    for hearing in Hearing.objects.select_related("case__unit").order_by("held_on", "id"):
        hearings.setdefault(hearing.case_id, []).append(hearing)
    return Seeded(
        units=list(
            OrgUnit.objects.order_by("code").values(
                "id", "code", "name", "kind", "level", "parent_id", "path", "depth"
            )
        ),
        rec=list(ReconsiderationCase.objects.select_related("unit", "respondent")),
        pauses=pauses,
        lit=list(LitigationCase.objects.select_related("unit")),
        hearings=hearings,
        rec_values=sorted(
            ReconsiderationCase.objects.values_list(*REC_FIELDS), key=lambda r: (r[2], r[0])
        ),
        lit_values=sorted(
            LitigationCase.objects.values_list(*LIT_FIELDS), key=lambda r: (r[1], r[0], r[3])
        ),
        filled=dict(result.filled),
        audit=list(AuditEntry.objects.order_by("seq")[before:]),
        rules=Rules.for_unit(root),
        root_code=result.root_code,
        memberships=sorted(Membership.objects.values_list("user__username", "unit__code", "role")),
    )


def _rolled_back(seed: int) -> Seeded:
    with transaction.atomic():
        seeded = _seed_and_read(seed)
        transaction.set_rollback(True)
    return seeded


@pytest.fixture(scope="module")
def city(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Seeded]:
    with django_db_blocker.unblock():
        yield _rolled_back(7)


def test_unit_tree_paths_and_depths(city: Seeded) -> None:
    by_id = {u["id"]: u for u in city.units}
    for unit in city.units:
        parent = by_id.get(unit["parent_id"])
        expected = f"{parent['path'] if parent else '/'}{unit['id']}/"
        assert unit["path"] == expected
        assert unit["depth"] == (parent["depth"] + 1 if parent else 0)
    kinds = Counter(u["kind"] for u in city.units)
    # The city and two counties: 3 governments, 3 party offices, 3 × 35 departments.
    assert kinds[UnitKind.GOVERNMENT] == 3
    assert kinds[UnitKind.PARTY_OFFICE] == 3
    assert kinds[UnitKind.DEPARTMENT] == 105
    assert 2 * 18 <= kinds[UnitKind.TOWNSHIP] <= 2 * 32
    assert len({u["code"] for u in city.units}) == len(city.units)
    justice = [u for u in city.units if u["name"].endswith("司法局")]
    assert len(justice) == 3


def test_row_counts_match_the_summary(city: Seeded) -> None:
    assert city.filled["reconsideration"] == len(city.rec)
    assert city.filled["litigation"] == len(city.lit)
    assert city.filled["中止记录"] == sum(len(p) for p in city.pauses.values())
    assert city.filled["庭审记录"] == sum(len(h) for h in city.hearings.values())
    # Two counties and a city at volume 2: roughly 2 × (2 × 200 + 300) register rows.
    assert 800 <= len(city.rec) <= 2000
    assert 300 <= len(city.lit) <= 900
    assert city.pauses and city.hearings


def test_one_audit_entry_summarises_the_seed(city: Seeded) -> None:
    assert [e.action for e in city.audit] == ["demo.seed_scale"]
    after = city.audit[0].after
    assert after["scale"] == "city"
    assert after["volume"] == VOLUME
    assert after["rows"]["reconsideration.ReconsiderationCase"] == len(city.rec)
    assert ("shi_yfzb", city.root_code, "coordinator") in city.memberships


def test_reconsideration_rows_are_consistent(city: Seeded) -> None:
    statuses = Counter(case.status for case in city.rec)
    assert statuses["closed"] > statuses["not_accepted"] > 0
    for case in city.rec:
        pauses = city.pauses.get(case.pk, [])
        stored = (
            case.review_due, case.correction_due, case.decision_due, case.current_due,
            case.closed_on_time, case.handling_days, case.suspended_days,
        )  # fmt: skip
        derive_deadlines(case, pauses, city.rules)
        assert stored == (
            case.review_due, case.correction_due, case.decision_due, case.current_due,
            case.closed_on_time, case.handling_days, case.suspended_days,
        ), case.number  # fmt: skip
        assert case.received_on <= HORIZON
        assert case.respondent is not None and case.respondent_name == case.respondent.name
        assert case.unit.is_reconsideration_body
        assert case.applicant_name == ""  # not written at this scale (encryption per row)
        if case.status == "closed":
            assert case.accepted_on and case.closed_on and case.outcome
            assert case.accepted_on <= case.closed_on <= HORIZON
            assert case.handling_days == (case.closed_on - case.accepted_on).days
        if case.status in ("accepted", "suspended", "closed"):
            assert case.accepted_on is not None and case.procedure
        if case.status == "not_accepted":
            assert case.refused_on and case.review_due and case.refused_on <= case.review_due
        if case.status == "suspended":
            assert [p.resumed_on for p in pauses][-1:] == [None]
        for pause in pauses:
            assert case.accepted_on and case.accepted_on <= pause.suspended_on
            assert pause.resumed_on is None or pause.suspended_on <= pause.resumed_on
        assert (case.unit_d0, case.unit_d1, case.unit_d2, case.unit_d3, case.unit_d4) == (
            slots_of(case.unit.path)
        )
        assert (case.resp_d0, case.resp_d1, case.resp_d2, case.resp_d3, case.resp_d4) == (
            slots_of(case.respondent.path)
        )
    closed = [case for case in city.rec if case.status == "closed"]
    on_time = sum(1 for case in closed if case.closed_on_time)
    assert on_time / len(closed) > 0.97


def test_litigation_rows_are_consistent(city: Seeded) -> None:
    results = Counter(case.result for case in city.lit if case.status == "closed")
    assert results["win"] > results["withdrawn"] > 0
    assert any(case.level == "second" for case in city.lit)
    assert any(case.reconsideration_id for case in city.lit)
    for case in city.lit:
        hearings = city.hearings.get(case.pk, [])
        assert case.hearing_count == len(hearings)
        assert case.first_hearing_on == (hearings[0].held_on if hearings else None)
        assert case.head_appeared == any(h.head_appeared for h in hearings)
        assert case.is_loss == (case.status == "closed" and case.result in LOSS_RESULTS)
        assert (case.status == "closed") == (case.judged_on is not None)
        if case.judged_on:
            assert case.filed_on <= case.judged_on <= HORIZON
        slots = slots_of(case.unit.path)
        assert (case.unit_d0, case.unit_d1, case.unit_d2, case.unit_d3, case.unit_d4) == slots
        for hearing in hearings:
            assert case.filed_on <= hearing.held_on <= HORIZON
            assert hearing.head_appeared == bool(hearing.head_name)
            assert hearing.head_appeared != bool(hearing.absence_reason)
            assert (
                hearing.unit_d0, hearing.unit_d1, hearing.unit_d2, hearing.unit_d3,
                hearing.unit_d4,
            ) == slots  # fmt: skip


@pytest.mark.django_db
def test_deterministic_and_not_repeated(city: Seeded) -> None:
    again = _seed_and_read(7)
    assert [u["code"] for u in again.units] == [u["code"] for u in city.units]
    assert [u["name"] for u in again.units] == [u["name"] for u in city.units]
    assert again.rec_values == city.rec_values
    assert again.lit_values == city.lit_values
    with pytest.raises(DemoDataExists):
        seed_city(seed=7, counties=2)


def test_province_plan_shape() -> None:
    tree = plan_province(2024, first_id=1)
    kinds = Counter(u.kind for u in tree.units)
    levels = Counter(g.level for g in tree.governments)
    assert levels == {"province": 1, "city": 14, "county": 100}
    assert 6000 <= len(tree.units) <= 7500
    assert kinds[UnitKind.TOWNSHIP] >= 1800
    assert max(u.depth for u in tree.units) == 3
    assert len({u.code for u in tree.units}) == len(tree.units)
    assert not any(u.code.startswith("4301") for u in tree.units)  # never the demo county


@pytest.mark.django_db
def test_volume_only_for_the_bulk_scales() -> None:
    with pytest.raises(DemoError, match="--volume"):
        seed_scale("county", volume=2)


@pytest.mark.django_db
def test_ids_continue_after_the_seed() -> None:
    """Ids are assigned by the seeder; the sequences (PostgreSQL) must follow them."""
    seed_city(seed=3, counties=1, today=HORIZON)
    top = OrgUnit.objects.order_by("-id")[0]
    unit = OrgUnit.objects.create(
        code="X-NEW", name="新单位", kind=UnitKind.DEPARTMENT, level="county", parent=top
    )
    assert unit.pk > top.pk
    case = ReconsiderationCase.objects.order_by("-id")[0]
    case.pk = None
    case.number = "X-NEW"
    case.save()
    assert case.pk > ReconsiderationCase.objects.exclude(pk=case.pk).order_by("-id")[0].pk
