"""The 合法性审查 demo filler: the county's year of items, written through the services in one
staged batch: volumes, every state, an overdue item, dates within the horizon, consistent
deadlines, and its cost (measured; the shared demo county fixture runs it)."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from django.test.utils import override_settings
from tests.dbsnapshot import TEST_SETTINGS
from tests.demo_county import DEMO_TODAY, DEMO_YEAR

from fazhi.core.models import AuditEntry
from fazhi.demo.generator import CountyContext, seed_county
from fazhi.legality.demo import fill
from fazhi.legality.models import Review, ReviewEvent, Status
from fazhi.legality.rules import derive_deadlines

pytestmark = pytest.mark.django_db


def test_the_county_filler() -> None:
    spent: list[float] = []

    def timed(ctx: CountyContext) -> int:
        started = time.perf_counter()
        written = fill(ctx)
        spent.append(time.perf_counter() - started)
        return written

    with override_settings(**TEST_SETTINGS):
        result = seed_county(today=DEMO_TODAY, fillers=[("legality", timed)])
    seconds = spent[0]
    print(f"\nlegality demo filler: {Review.objects.count()} items in {seconds:.1f} s")
    reviews = list(Review.objects.select_related("unit", "category", "submitter"))
    year = [r for r in reviews if r.received_on.year == DEMO_YEAR]
    assert 200 <= len(year) <= 320  # hundreds a year (the 司法局's and the 司法所' together)
    assert dict(result.filled)["legality"] == len(reviews)
    states = Counter(r.status for r in reviews)
    assert set(states) == set(Status.values), states
    conclusions = Counter(r.conclusion for r in reviews if r.status == Status.DONE)
    assert set(conclusions) == {"lawful", "amended", "unlawful", "declined"}, conclusions
    assert all(r.category_code == r.category.code for r in reviews)
    categories = Counter(r.category.code for r in year)
    assert set(categories) == {
        "normative_doc", "gov_doc", "major_decision", "contract", "minutes", "agenda",
        "enforcement", "other",
    }  # fmt: skip
    assert any(r.is_overdue(DEMO_TODAY) for r in reviews)
    assert any(r.on_time is False for r in reviews) and any(r.on_time for r in reviews)
    assert any(r.supplemented_on for r in reviews)
    assert any(r.unit.kind == "township" for r in reviews)  # a 司法所's own items
    for r in reviews:  # dates within the horizon; the stored period matches the rules
        assert r.received_on <= DEMO_TODAY and (r.completed_on or r.received_on) <= DEMO_TODAY
        due = r.due_on
        derive_deadlines(r)
        assert r.due_on == due, r.number
    assert ReviewEvent.objects.count() >= len(reviews)
    assert AuditEntry.objects.filter(action="legality.register").count() == len(reviews)
    assert seconds < 30  # measured about 5 s on the shared 2-core machine
