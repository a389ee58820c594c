"""Oracle tests of the 学法 metrics (fixtures/metrics.json): for several units and periods the
expected values are computed here by plain Python from the records (sessions by kind, the sum
of attendee counts, the per-unit-year rows meeting their target, exam takers and pass rate) and
compared with the metric engine's, with and without the monthly facts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from tests.personas import County
from tests.study.conftest import MakeExam, MakeSession

from fazhi.metrics import facts
from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import metric_values
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor
from fazhi.study import services as svc
from fazhi.study.models import ExamResult, StudySession, UnitYear

pytestmark = pytest.mark.django_db
CLI = Actor.command_line()
KINDS = {
    "executive": "executive", "group": "group", "lecture": "lecture", "trial": "trial",
    "exam_sessions": "exam",
}  # fmt: skip
CODES = tuple(
    f"study.{c}"
    for c in (
        "sessions", *KINDS, "attendance", "target_met_rate", "target_units", "exam_takers",
        "exam_pass_rate",
    )
)  # fmt: skip


@pytest.fixture
def data(county: County, make_session: MakeSession, make_exam: MakeExam) -> None:
    for month in range(1, 5):
        make_session(county.root, "executive", f"2026-0{month}-10", count=20 + month)
    make_session(county.root, "group", "2026-05-10", names="甲\n乙\n丙")
    make_session(county.root, "executive", "2025-11-10", count=7)
    for month in range(1, 7):
        kind = ("lecture", "trial", "exam", "group", "other", "lecture")[month - 1]
        make_session(county.dept, kind, f"2026-0{month}-12", count=month)
    make_session(county.town_a, "lecture", "2026-02-02", count=30)
    make_session(county.village_a, "trial", "2026-04-02", count=4, persona="clerk_a")
    make_session(county.town_b, "other", "2025-06-02", count=9)
    for name, score in (("甲", "90"), ("乙", "55"), ("丙", None)):
        make_exam(county.root, name, score, absent=score is None)
    make_exam(county.dept, "丁", "60", on="2026-01-05")
    make_exam(county.town_a, "戊", "59", on="2025-12-20")
    svc.sweep(today=dt.date(2026, 6, 30))
    svc.years_refresh(units=list(OrgUnit.objects.all()), year=2025)


def _in(unit: OrgUnit, row_unit: OrgUnit, day: dt.date, first: dt.date, last: dt.date) -> bool:
    return row_unit.path.startswith(unit.path) and first <= day <= last


def _rate(num: int, den: int) -> tuple[Any, ...]:
    value = (Decimal(num) * 100 / den).quantize(Decimal("0.1")) if den else None
    return (value, num, den)


def oracle(unit: OrgUnit, first: dt.date, last: dt.date) -> dict[str, tuple[Any, ...]]:
    """The expected values from the records, by plain Python."""
    sessions = [
        s
        for s in StudySession.objects.select_related("unit")
        if _in(unit, s.unit, s.held_on, first, last)
    ]
    years = [
        r for r in UnitYear.objects.select_related("unit") if _in(unit, r.unit, r.on, first, last)
    ]
    exams = [
        e
        for e in ExamResult.objects.select_related("unit")
        if _in(unit, e.unit, e.exam_on, first, last) and not e.absent
    ]

    def count(n: int) -> tuple[Any, ...]:
        return (Decimal(n), n, None)

    found = {"sessions": count(len(sessions))}
    for code, kind in KINDS.items():
        found[code] = count(sum(s.kind == kind for s in sessions))
    total = sum(s.attendee_count for s in sessions)
    found["attendance"] = (Decimal(total), Decimal(total), None)
    found["target_met_rate"] = _rate(sum(r.met for r in years), len(years))
    found["target_units"] = count(len(years))
    found["exam_takers"] = count(len(exams))
    found["exam_pass_rate"] = _rate(sum(e.passed for e in exams), len(exams))
    return found


def engine(unit: OrgUnit, period: str) -> dict[str, tuple[Any, ...]]:
    values = metric_values(actor=CLI, unit=unit, period=Period.parse(period), codes=CODES)
    return {v.code.removeprefix("study."): (v.value, v.numerator, v.denominator) for v in values}


PERIODS = {
    "2026": (dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    "2025": (dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    "2026Q1": (dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
}


def test_engine_equals_the_oracle(county: County, data: None, settings: Any) -> None:
    cases = [
        (unit, period)
        for unit in (county.root, county.dept, county.town_a, county.village_a, county.town_b)
        for period in PERIODS
    ]
    for unit, period in cases:
        want = oracle(unit, *PERIODS[period])
        got = engine(unit, period)
        for code, value in want.items():
            if value[0] == 0 and value[1] == 0 and code not in got:
                continue  # nothing to count: the engine may leave the metric out
            assert got.get(code) == value, (unit.name, period, code)
    # spot checks that the oracle itself counts what the records say
    assert engine(county.root, "2026")["executive"][0] == Decimal(4)
    assert engine(county.root, "2026")["target_met_rate"][1:] == (2, 4)  # root and dept met
    assert engine(county.root, "2026")["exam_pass_rate"][1:] == (2, 3)
    checked, mismatches = facts.facts_check()
    assert checked > 0 and mismatches == []
    fast = {key: engine(*key) for key in cases}
    settings.FAZHI_METRIC_FACTS = False
    assert {key: engine(*key) for key in cases} == fast


def test_definitions_are_in_the_study_group(data: None) -> None:
    from fazhi.metrics.models import MetricDefinition

    defs = MetricDefinition.objects.filter(code__startswith="study.")
    assert {x.code for x in defs} == set(CODES)
    assert {x.group for x in defs} == {"学法"}
