"""Shared helpers of the 行政执法培训 tests: time frozen at 2026-06-30 (Asia/Shanghai), officers
created directly through the ORM (the 执法人员 register is another app's), courses and
attendance written through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from tests.personas import County

from fazhi.enforcement.models import CertStatus, Officer
from fazhi.enforcement_training import services as svc
from fazhi.enforcement_training.models import Attendance, Course, CourseKind
from fazhi.orgs.models import OrgUnit

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2026, 6, 30)
MARCH_10 = dt.date(2026, 3, 10)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 30, 12, 0, tzinfo=SHANGHAI), tick=False):
        yield


MakeOfficer = Callable[..., Officer]
MakeCourse = Callable[..., Course]
Attend = Callable[..., Attendance]


@pytest.fixture
def make_officer(county: County) -> MakeOfficer:
    counter = iter(range(1, 10_000))

    def make(unit: OrgUnit | None = None, name: str = "", **extra: Any) -> Officer:
        n = next(counter)
        values: dict[str, Any] = {
            "unit": unit or county.town_a,
            "name": name or f"执法员{n}",
            "cert_number": f"43019920{n:04d}",
            "cert_issued_on": d("2024-03-01"),
            "cert_expires_on": d("2029-02-28"),
            "status": CertStatus.ISSUED,
            **extra,
        }
        return Officer.objects.create(**values)

    return make


@pytest.fixture
def make_course(county: County) -> MakeCourse:
    def make(
        title: str = "行政处罚法专题培训",
        *,
        unit: OrgUnit | None = None,
        start_on: dt.date = MARCH_10,
        kind: str = CourseKind.TRAINING,
        hours: tuple[int | str, int | str, int | str] = (4, 4, 0),
        pass_score: int | None = None,
        persona: str = "coordinator",
    ) -> Course:
        public, professional, skill = (Decimal(str(h)) for h in hours)
        return svc.course_register(
            actor=county.actor(persona),
            unit=unit or county.root,
            title=title,
            kind=kind,
            start_on=start_on,
            public_hours=public,
            professional_hours=professional,
            skill_hours=skill,
            pass_score=Decimal(pass_score) if pass_score is not None else None,
        )

    return make


@pytest.fixture
def attend(county: County) -> Attend:
    def make(
        course: Course,
        officer: Officer,
        hours: tuple[int | str, int | str, int | str] | None = None,
        *,
        score: int | str | None = None,
        persona: str = "coordinator",
    ) -> Attendance:
        given = (Decimal(str(h)) for h in hours) if hours else (None, None, None)
        public, professional, skill = given
        return svc.attendance_register(
            actor=county.actor(persona),
            course=course,
            officer=officer,
            public_hours=public,
            professional_hours=professional,
            skill_hours=skill,
            score=Decimal(str(score)) if score is not None else None,
        )

    return make
