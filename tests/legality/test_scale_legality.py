"""The city/province seeder of the 合法性审查 register (kit hook ``demo_scale``): rows written in
bulk are consistent with the services' rules (stored period = the rules' period, done only
through the declared transition, nothing after the horizon, numbers unique per unit)."""

from __future__ import annotations

import datetime as dt

import pytest

from fazhi.demo.scale import seed_city
from fazhi.legality.models import Review, Status
from fazhi.legality.rules import derive_deadlines

pytestmark = pytest.mark.django_db
HORIZON = dt.date(2026, 1, 31)


def test_the_city_seeder() -> None:
    result = seed_city(seed=7, counties=1, volume=1, today=HORIZON)
    reviews = list(Review.objects.select_related("unit", "category"))
    assert all(r.category_code == r.category.code for r in reviews)  # the bulk writer stores it
    assert dict(result.filled)["legality"] == len(reviews) > 100
    assert {r.status for r in reviews} == {Status.RECEIVED, Status.DONE}
    assert len({(r.unit_id, r.number) for r in reviews}) == len(reviews)
    for r in reviews:
        assert r.received_on <= HORIZON
        assert (r.status == Status.DONE) == (r.completed_on is not None) == bool(r.conclusion)
        if r.completed_on is not None:
            assert r.completed_on <= HORIZON and r.on_time == (r.completed_on <= r.due_on)
        due = r.due_on
        derive_deadlines(r)
        assert r.due_on == due, r.number
        assert r.unit_d0 is not None  # the tree slots, for the figures
