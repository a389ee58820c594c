"""The 学法 demo filler on a seeded county: the government's 常务会议学法 and 中心组学法, each
department 4–8 sessions (some below the target of 6), townships some, the last year's exam of
about 40 leading cadres (a few failed), every date within the filled years, and deterministic
(the same seed writes the same sessions)."""

from __future__ import annotations

import pytest
from django.test.utils import override_settings
from tests.dbsnapshot import TEST_SETTINGS
from tests.demo_county import DEMO_TODAY

from fazhi.demo.generator import CountyContext, seed_county
from fazhi.study.demo import NAME, fill
from fazhi.study.models import ExamResult, SessionKind, StudySession, UnitYear

pytestmark = pytest.mark.django_db


def _fingerprint() -> list[tuple[str, str, str, str, int]]:
    return [
        (s.unit.code, s.kind, s.held_on.isoformat(), s.subject, s.attendee_count)
        for s in StudySession.objects.select_related("unit").order_by("unit__code", "held_on", "id")
    ]


def test_the_county_filler() -> None:
    kept: list[CountyContext] = []

    def filler(ctx: CountyContext) -> int:
        kept.append(ctx)
        return fill(ctx)

    with override_settings(**TEST_SETTINGS):
        result = seed_county(today=DEMO_TODAY, fillers=[(NAME, filler)])
    written = dict(result.filled)[NAME]
    assert written == StudySession.objects.count() + ExamResult.objects.count()
    years = sorted({s.held_on.year for s in StudySession.objects.all()})
    assert years and max(years) < DEMO_TODAY.year
    assert all(s.held_on <= DEMO_TODAY for s in StudySession.objects.all())
    year = years[-1]
    gov = UnitYear.objects.get(unit__parent=None, year=year)
    assert gov.category == "government" and gov.counted in (4, 5) and gov.met
    root_group = StudySession.objects.filter(
        unit=gov.unit, kind=SessionKind.GROUP, held_on__year=year
    )
    assert root_group.count() == 4
    depts = UnitYear.objects.filter(category="department", year=year)
    assert depts.filter(met=False).exists() and depts.filter(met=True).exists()
    assert UnitYear.objects.filter(category="township", year=year).exists()
    for row in depts[:10]:
        own = StudySession.objects.filter(unit=row.unit, held_on__year=year)
        assert 4 <= own.count() <= 8
    exams = ExamResult.objects.all()
    assert exams.count() == 40 and {e.year for e in exams} == {year}
    assert (
        exams.filter(passed=False, absent=False).exists() and exams.filter(passed=True).count() > 30
    )
    first = _fingerprint()
    StudySession.objects.all().delete()
    ExamResult.objects.all().delete()
    UnitYear.objects.all().delete()
    with override_settings(**TEST_SETTINGS):
        assert fill(kept[0]) == written
    assert _fingerprint() == first  # deterministic: the same seed, the same sessions
