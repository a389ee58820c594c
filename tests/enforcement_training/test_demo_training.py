"""The 行政执法培训 demo filler on a seeded county: a year of courses and exams for the county's
officers (made here through the ORM, standing in for the 执法人员 filler that runs before it),
about one in ten officers short of the 60学时 target, dates within the year, and its cost."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from django.test.utils import override_settings
from tests.dbsnapshot import TEST_SETTINGS
from tests.demo_county import DEMO_TODAY

from fazhi.demo.generator import CountyContext, seed_county
from fazhi.enforcement.models import CertStatus, Officer
from fazhi.enforcement_training.demo import LABEL, NAME, fill
from fazhi.enforcement_training.models import Attendance, Course, CourseKind, OfficerYear

pytestmark = pytest.mark.django_db
OFFICERS = 300


def officers(ctx: CountyContext) -> int:
    """Stand-in for the 执法人员 filler: certified officers spread over the county's units."""
    rng = ctx.rng_for("officers-stand-in")
    units = sorted(ctx.units.values(), key=lambda u: u.path)
    issued = DEMO_TODAY.replace(year=ctx.last_year - 2, month=3, day=1)
    Officer.objects.bulk_create(
        Officer(
            unit=rng.choice(units),
            name=f"执法员{n}",
            cert_number=f"43{n:06d}",
            cert_issued_on=issued,
            cert_expires_on=issued.replace(year=issued.year + 5),
            status=CertStatus.ISSUED,
        )
        for n in range(OFFICERS)
    )
    return OFFICERS


def test_the_county_filler() -> None:
    spent: list[float] = []

    def timed(ctx: CountyContext) -> int:
        started = time.perf_counter()
        written = fill(ctx)
        spent.append(time.perf_counter() - started)
        return written

    with override_settings(**TEST_SETTINGS):
        result = seed_county(today=DEMO_TODAY, fillers=[("enforcement", officers), (NAME, timed)])
    print(f"\n{LABEL}: {Attendance.objects.count()} rows in {spent[0]:.1f} s")
    assert dict(result.filled)[NAME] == Attendance.objects.count() > OFFICERS * 5
    courses = list(Course.objects.all())
    year = courses[0].start_on.year
    assert len(courses) == 12 and {c.start_on.year for c in courses} == {year}
    assert sum(c.kind == CourseKind.EXAM for c in courses) == 2
    assert all(c.end_on <= DEMO_TODAY for c in courses)
    rows = list(OfficerYear.objects.filter(year=year))
    assert len(rows) == OFFICERS and all(r.certified for r in rows)
    short = [r for r in rows if not r.met]
    assert 0.04 * OFFICERS <= len(short) <= 0.18 * OFFICERS
    assert all(r.total_hours < Decimal(60) for r in short)
    for r in rows[:20]:  # the stored totals are the attendance rows' sums
        total = sum(a.total_hours for a in Attendance.objects.filter(officer=r.officer))
        assert r.total_hours == total
    exams = Attendance.objects.filter(course__kind=CourseKind.EXAM)
    assert exams.filter(passed=True).exists() and exams.filter(passed=False).exists()
    assert spent[0] < 60
