"""The 执法数据 demo filler: a year of records for the county's 执法主体 (written by the
enforcement filler first), through the ingest path, with repeated 涉企 inspections."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter

import pytest
from django.test.utils import override_settings
from tests.dbsnapshot import TEST_SETTINGS
from tests.demo_county import DEMO_TODAY, DEMO_YEAR

from fazhi.demo.generator import CountyContext, seed_county
from fazhi.enforcement.demo import fill as fill_people
from fazhi.enforcement_data.demo import fill
from fazhi.enforcement_data.models import IngestBatch, Record, Source
from fazhi.metrics.facts import facts_check

pytestmark = pytest.mark.django_db


def test_the_county_filler() -> None:
    spent: list[float] = []

    def timed(ctx: CountyContext) -> int:
        started = time.perf_counter()
        written = fill(ctx)
        spent.append(time.perf_counter() - started)
        return written

    with override_settings(**TEST_SETTINGS):
        result = seed_county(
            today=DEMO_TODAY, fillers=[("enforcement", fill_people), ("enforcement_data", timed)]
        )
    records = list(Record.objects.select_related("subject"))
    print(f"\nenforcement_data demo filler: {len(records)} records in {spent[0]:.1f} s")
    assert dict(result.filled)["enforcement_data"] == len(records)
    assert 1000 <= len(records) <= 5000
    assert {r.year for r in records} == {DEMO_YEAR}
    assert all(r.decided_on <= DEMO_TODAY for r in records)
    assert set(Counter(r.kind for r in records)) >= {"license", "penalty", "inspection"}
    assert any(r.published_on_time is False for r in records)
    assert any(r.published_on_time for r in records)
    assert sum(r.amount for r in records) > 0
    assert IngestBatch.objects.get().source == Source.DEMO
    # the same enterprise inspected by two departments within 30 days
    inspections = [r for r in records if r.kind == "inspection" and r.enterprise]
    pairs = [
        (a, b)
        for a in inspections
        for b in inspections
        if a.credit_code == b.credit_code
        and a.unit_id != b.unit_id
        and dt.timedelta(0) < b.decided_on - a.decided_on <= dt.timedelta(days=30)
    ]
    assert pairs
    assert facts_check()[1] == []


def test_no_subjects_writes_nothing() -> None:
    with override_settings(**TEST_SETTINGS):
        result = seed_county(today=DEMO_TODAY, fillers=[("enforcement_data", fill)])
    assert dict(result.filled)["enforcement_data"] == 0
    assert not Record.objects.exists()
