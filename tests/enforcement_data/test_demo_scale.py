"""The city/province seeder of the 执法 records (kit hook ``demo_scale``, issue 17 §6): rows
written in bulk (COPY on PostgreSQL) are consistent — the year is the decision's, nothing after
the horizon, slots set, officers of the unit, valid credit codes, 公示 flags agree with the
dates — and the realistic rates give a province about 10 million records a year."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from typing import Any

import pytest

from fazhi.core.kit import declare
from fazhi.demo.scale import plan_province, seed_city
from fazhi.enforcement.models import Officer, Subject
from fazhi.enforcement_data import demo_scale, kit
from fazhi.enforcement_data.checks import credit_code_problem
from fazhi.enforcement_data.models import Kind, Record
from fazhi.orgs.slots import slots_of

HORIZON = dt.date(2026, 1, 31)


def test_a_province_gets_about_ten_million_records_a_year() -> None:
    """Expected yearly records at ``--volume 1`` (the mean of the ±15% draw is 1)."""
    tree = plan_province(seed=2024, first_id=1)
    total = 0.0
    for gov in tree.governments:
        share = demo_scale._level_share(gov)
        for _, key in gov.members:
            total += demo_scale.COUNTY_RATES.get(key, 0) * share * gov.size
    assert 9_500_000 <= total <= 11_000_000


def test_credit_codes_have_a_valid_check_character() -> None:
    codes = [demo_scale.credit_code("430102", n) for n in (1, 77, 999_999)]
    assert [credit_code_problem(c) for c in codes] == ["", "", ""]
    assert len(set(codes)) == 3 and all(len(c) == 18 for c in codes)


@pytest.mark.django_db
def test_the_city_seeder(settings: Any) -> None:
    settings.ENFORCEMENT_SCALE_SHARE = 0.01  # ~1,000 rows instead of ~100,000 for one county
    if kit.KIT.demo_scale != "fazhi.enforcement_data.demo_scale:seed":  # until the lead wires it
        declare(dataclasses.replace(kit.KIT, demo_scale="fazhi.enforcement_data.demo_scale:seed"))
    try:
        result = seed_city(seed=7, counties=1, volume=1, today=HORIZON)
    finally:
        import importlib

        importlib.reload(kit)
    records = list(Record.objects.select_related("unit"))
    assert dict(result.filled)["enforcement_data"] == len(records) > 500
    assert set(Counter(r.kind for r in records)) >= {Kind.LICENSE, Kind.PENALTY, Kind.INSPECTION}
    certs = {o.cert_number: o for o in Officer.objects.all()}
    subjects = {s.pk: s for s in Subject.objects.all()}
    assert {r.year for r in records} == {2025, 2026}
    for r in records:
        assert r.decided_on <= HORIZON and r.year == r.decided_on.year
        assert (r.unit_d0, r.unit_d1, r.unit_d2, r.unit_d3, r.unit_d4) == slots_of(r.unit.path)
        assert subjects[r.subject_id].unit_id == r.unit_id
        for number in r.officers.split("、"):
            officer = certs[number]
            assert officer.unit_id == r.unit_id
            assert officer.cert_issued_on is not None and officer.cert_expires_on is not None
            assert officer.cert_issued_on <= r.decided_on <= officer.cert_expires_on
        if r.published_on is not None:
            assert r.decided_on <= r.published_on <= HORIZON
            assert r.publicity_due is not None
            assert r.published_on_time == (r.published_on <= r.publicity_due)
        elif r.publicity_due is not None and r.publicity_due < HORIZON:
            assert r.published_on_time is False
        assert r.enterprise == bool(r.credit_code)
        if r.credit_code:
            assert credit_code_problem(r.credit_code) == ""
        if r.kind != Kind.PENALTY:
            assert r.amount == 0
    assert len({(r.unit_id, r.case_number) for r in records}) == len(records)
    penalties = [r for r in records if r.kind == Kind.PENALTY]
    assert sum(1 for r in penalties if r.amount > 0) > len(penalties) / 2
