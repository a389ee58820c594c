"""The 述法 demo filler on a seeded county: the 县长 and the 县委书记 专题述法 in late December
of the report year (material approved first), every department and township head 年终述职中
述法, two not held (one returned, or waiting for review); deterministic; dates in the year."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test.utils import override_settings
from tests.dbsnapshot import TEST_SETTINGS
from tests.demo_county import DEMO_TODAY

from fazhi.demo.generator import seed_county
from fazhi.statements.demo import NAME, fill
from fazhi.statements.models import Form, HeadKind, Statement, StatementDuty, Status
from fazhi.statements.rules import required_units

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple[object, ...]]:
    return list(
        Statement.objects.order_by("unit__code", "post").values_list(
            "unit__code", "person", "post", "status", "held_on", "approved_on", "rating"
        )
    )


def test_the_county_filler() -> None:
    with override_settings(**TEST_SETTINGS):
        result = seed_county(today=DEMO_TODAY, fillers=[(NAME, fill)])
    units = list(required_units())
    rows = list(Statement.objects.select_related("unit"))
    assert dict(result.filled)[NAME] == len(rows) == len(units) + 1  # root: 县长 and 县委书记
    year = rows[0].year
    assert {s.year for s in rows} == {year} and year < DEMO_TODAY.year
    heads = [s for s in rows if s.unit.parent_id is None]
    assert sorted((s.post, s.head_kind, s.form) for s in heads) == [
        ("县委书记", HeadKind.PARTY, Form.COMMITTEE),
        ("县长", HeadKind.GOVERNMENT, Form.COMMITTEE),
    ]
    for s in heads:
        assert s.status == Status.RATED and s.held_on is not None and s.held_on.month == 12
        assert s.held_on.day >= 20 and s.approved_on is not None and s.approved_on < s.held_on
    others = [s for s in rows if s.unit.parent_id is not None]
    assert all(s.form == Form.ANNUAL for s in others)
    not_held = [s for s in rows if s.held_on is None]
    assert len(not_held) == 2
    assert {s.status for s in not_held} <= {Status.DRAFT, Status.SUBMITTED}
    held = [s for s in rows if s.held_on is not None]
    assert all(s.reviewed and s.held_on.year == year for s in held)  # type: ignore[union-attr]
    assert StatementDuty.objects.filter(year=year).count() == len(units)
    assert StatementDuty.objects.filter(year=year, held=True).count() == len(units) - 2


def test_the_filler_is_deterministic() -> None:
    with override_settings(**TEST_SETTINGS):
        with transaction.atomic():
            seed_county(today=DEMO_TODAY, fillers=[(NAME, fill)])
            first = [row[1:] for row in snapshot()]
            transaction.set_rollback(True)
        seed_county(today=DEMO_TODAY, fillers=[(NAME, fill)])
    assert [row[1:] for row in snapshot()] == first and first
