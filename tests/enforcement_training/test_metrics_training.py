"""Oracle tests of the 行政执法培训 metrics (fixtures/metrics.json), hand-counted on a small
constructed county: 培训学时达标率 over the per-officer-per-year rows, its denominator and
the short count, total hours, attendances, courses, exams and the exam pass rate; a township
sees its own subtree; the monthly facts equal the registers.

==== ============ ========= ===================================== ======= =======
who  unit         证件       2026 attendance (hours)                total   达标
==== ============ ========= ===================================== ======= =======
A1   town_a       持证       T1 50, T2 10, E1 4 (80分)               64      是
A2   village_a    持证       T1 32 (own hours), E1 4 (50分)          36      否
B1   town_b       持证       —                                       0       否
D1   dept         持证       T1 50, T2 10, E1 4 (90分)               64      是
X    town_a       申领中     T1 10 (own hours)                       10      (not counted)
==== ============ ========= ===================================== ======= =======

T1, T2: trainings of the county (root) in March and April 2026; E1: exam of the 司法局 (dept),
合格分数 60; T3: a training of town_a in November 2025 attended by A1 (8 hours, not in 2026):
A1's 2025 row (certified, 8 of 60 hours) is the only 2025 row, as the daily sweep that would
have added the others' 2025 rows did not run in 2025 here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from tests.enforcement_training.conftest import Attend, MakeCourse, MakeOfficer, d
from tests.personas import County

from fazhi.enforcement.models import CertStatus
from fazhi.enforcement_training.services import sweep
from fazhi.metrics import facts
from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import metric_values
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor

pytestmark = pytest.mark.django_db
CLI = Actor.command_line()
P = "enforcement_training."
CODES = tuple(
    P + c
    for c in (
        "met_rate", "certified", "short", "hours", "attendances", "courses", "exams",
        "exam_pass_rate",
    )
)  # fmt: skip


@pytest.fixture
def data(
    county: County, make_officer: MakeOfficer, make_course: MakeCourse, attend: Attend
) -> None:
    a1, a2 = make_officer(name="A1"), make_officer(county.village_a, name="A2")
    make_officer(county.town_b, name="B1")
    d1 = make_officer(county.dept, name="D1")
    x = make_officer(name="X", status=CertStatus.APPLIED, cert_number="", cert_issued_on=None)
    t1 = make_course("T1", start_on=d("2026-03-10"), hours=(20, 20, 10))
    t2 = make_course("T2", start_on=d("2026-04-10"), hours=(4, 4, 2))
    e1 = make_course(
        "E1", unit=county.dept, kind="exam", start_on=d("2026-05-20"), hours=(2, 2, 0),
        pass_score=60,
    )  # fmt: skip
    t3 = make_course("T3", unit=county.town_a, start_on=d("2025-11-01"), hours=(8, 0, 0))
    for officer in (a1, d1):
        attend(t1, officer)
        attend(t2, officer)
    attend(t1, a2, (20, 10, 2))
    attend(t1, x, (10, 0, 0))
    attend(e1, a1, score=80)
    attend(e1, a2, score=50)
    attend(e1, d1, score=90)
    attend(t3, a1)
    sweep()  # B1 (no training) gets its row for 2026


def figures(unit: OrgUnit, period: str) -> dict[str, tuple[Any, ...]]:
    found = metric_values(actor=CLI, unit=unit, period=Period.parse(period), codes=CODES)
    return {v.code.removeprefix(P): (v.value, v.numerator, v.denominator) for v in found}


def expected(
    met: tuple[int, int], short: int, hours: str, attendances: int, courses: int, exams: int,
    passed: tuple[int, int],
) -> dict[str, tuple[Any, ...]]:  # fmt: skip
    def rate(n: int, den: int) -> tuple[Any, ...]:
        value = (Decimal(n) * 100 / den).quantize(Decimal("0.1")) if den else None
        return (value, n, den)

    return {
        "met_rate": rate(*met),
        "certified": (Decimal(met[1]), met[1], None),
        "short": (Decimal(short), short, None),
        "hours": (Decimal(hours), Decimal(hours), None),
        "attendances": (Decimal(attendances), attendances, None),
        "courses": (Decimal(courses), courses, None),
        "exams": (Decimal(exams), exams, None),
        "exam_pass_rate": rate(*passed),
    }


def test_hand_counted_values(county: County, data: None, settings: Any) -> None:
    cases = {
        # met of certified; short; hours A1+A2+D1+X; attendances; trainings; exams; passed
        (county.root, "2026"): expected((2, 4), 2, "174.0", 9, 2, 1, (2, 3)),
        (county.town_a, "2026"): expected((1, 2), 1, "110.0", 6, 0, 0, (1, 2)),
        (county.village_a, "2026"): expected((0, 1), 1, "36.0", 2, 0, 0, (0, 1)),
        (county.town_b, "2026"): expected((0, 1), 1, "0.0", 0, 0, 0, (0, 0)),
        (county.dept, "2026"): expected((1, 1), 0, "64.0", 3, 0, 1, (1, 1)),
        (county.root, "2026Q2"): expected((0, 0), 0, "32.0", 5, 1, 1, (2, 3)),
        (county.town_a, "2025"): expected((0, 1), 1, "8.0", 1, 1, 0, (0, 0)),
    }
    for (unit, period), want in cases.items():
        assert figures(unit, period) == want, (unit.name, period)
    checked, mismatches = facts.facts_check()
    assert checked > 0 and mismatches == []
    fast = {key: figures(*key) for key in cases}
    settings.FAZHI_METRIC_FACTS = False
    assert {key: figures(*key) for key in cases} == fast


def test_the_definitions_are_in_the_enforcement_group(data: None) -> None:
    from fazhi.metrics.models import MetricDefinition

    defs = MetricDefinition.objects.filter(code__startswith=P)
    assert {x.code for x in defs} == set(CODES)
    assert {x.group for x in defs} == {"行政执法"}
