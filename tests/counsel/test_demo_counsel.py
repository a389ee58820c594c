"""The 法律顾问 demo filler on a seeded county (after the 合法性审查 filler, as in ``fazhi seed``):
the government and most departments and townships engaged (coverage under 100 %), two 公职律师,
typed participations within the demo years, the counted 合法性审查 opinions of the advisers the
review demo names, every write audited; the same seed writes the same data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.test.utils import override_settings
from tests.counsel.conftest import SHANGHAI
from tests.dbsnapshot import TEST_SETTINGS
from tests.demo_county import DEMO_TODAY

from fazhi.core.models import AuditEntry
from fazhi.counsel.demo import LABEL, NAME, fill
from fazhi.counsel.models import Counsel, CounselKind, CoverageYear, Participation, Source
from fazhi.demo.generator import CountyContext, seed_county
from fazhi.demo.plan import plan_county
from fazhi.legality.demo import fill as legality_fill
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor

pytestmark = pytest.mark.django_db
FULL_YEARS = 2


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    """Today is the demo's day (overrides the package's 2025-06-30)."""
    when = dt.datetime(DEMO_TODAY.year, DEMO_TODAY.month, DEMO_TODAY.day, 12, 0, tzinfo=SHANGHAI)
    with time_machine.travel(when, tick=False):
        yield


def snapshot() -> list[tuple[object, ...]]:
    return sorted(
        (p.counsel.unit.code, p.counsel.name, p.kind, str(p.on), p.subject, p.source)
        for p in Participation.objects.select_related("counsel__unit")
    )


def seed() -> dict[str, int]:
    with override_settings(**TEST_SETTINGS):
        result = seed_county(
            years=FULL_YEARS, today=DEMO_TODAY, fillers=[("legality", legality_fill), (NAME, fill)]
        )
    return dict(result.filled)


def test_the_county_filler() -> None:
    assert (NAME, LABEL) == ("counsel", "法律顾问")
    filled = seed()
    typed = Participation.objects.filter(source=Source.TYPED).count()
    assert filled[NAME] == Counsel.objects.count() + typed
    assert Counsel.objects.filter(kind=CounselKind.STAFF).count() == 2
    assert AuditEntry.objects.filter(action="counsel.register").count() == Counsel.objects.count()
    years = {d.year for d in Participation.objects.values_list("on", flat=True)}
    last = DEMO_TODAY.year - 1
    assert years == {last - 1, last} and all(
        p.on <= DEMO_TODAY for p in Participation.objects.all()
    )
    rows = CoverageYear.objects.filter(year=last, required=True)
    covered = rows.filter(covered=True).count()
    assert 0 < covered < rows.count()  # some units without an adviser
    counted = Participation.objects.filter(source=Source.LEGALITY)
    assert counted.exists()  # the advisers the 合法性审查 demo names are on the roster
    assert not Participation.objects.filter(source=Source.DECISIONS).exists()  # no names there


def test_the_filler_is_deterministic() -> None:
    """Run again on the same county (its own rows removed): the same rows, whatever the clock."""
    seed()
    first = snapshot()
    Participation.objects.all().delete()
    CoverageYear.objects.all().delete()
    Counsel.objects.all().delete()
    root = OrgUnit.objects.get(parent=None)
    ctx = CountyContext(
        plan=plan_county(),
        root=root,
        units={u.code: u for u in OrgUnit.objects.all()},
        users={},
        actor=Actor.command_line(root),
        years=FULL_YEARS,
        last_year=DEMO_TODAY.year - 1,
        today=DEMO_TODAY,
    )
    with time_machine.travel(dt.datetime(2027, 5, 1, 12, 0, tzinfo=SHANGHAI), tick=False):
        fill(ctx)
    assert snapshot() == first
