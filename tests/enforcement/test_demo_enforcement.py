"""The 执法主体 / 执法人员 demo filler: a 执法主体 for each department with 执法 duties and each
乡镇/街道, about 600 officers with a realistic spread of certificate states as of the demo day,
dates not after it, the year-end rows, and its cost (measured)."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from django.test.utils import override_settings
from tests.dbsnapshot import TEST_SETTINGS
from tests.demo_county import DEMO_TODAY

from fazhi.demo.generator import CountyContext, seed_county
from fazhi.enforcement.demo import fill
from fazhi.enforcement.gates import certificate_problem
from fazhi.enforcement.models import CertStatus, Officer, OfficerYear, Subject
from fazhi.enforcement.selectors import light

pytestmark = pytest.mark.django_db


def test_the_county_filler() -> None:
    spent: list[float] = []

    def timed(ctx: CountyContext) -> int:
        started = time.perf_counter()
        written = fill(ctx)
        spent.append(time.perf_counter() - started)
        return written

    with override_settings(**TEST_SETTINGS):
        result = seed_county(today=DEMO_TODAY, fillers=[("enforcement", timed)])
    officers = list(Officer.objects.select_related("unit"))
    print(f"\nenforcement demo filler: {len(officers)} officers in {spent[0]:.1f} s")
    assert dict(result.filled)["enforcement"] == len(officers)
    assert 550 <= len(officers) <= 700
    subjects = Subject.objects.select_related("unit")
    units = {s.unit.name for s in subjects}
    assert "湘江县市场监督管理局" in units and "湘江县公安局" not in units
    assert any(s.unit.kind == "township" for s in subjects)
    assert all(s.duties.exists() for s in subjects if s.name == s.unit.name)
    states = Counter(o.status for o in officers)
    assert set(states) == set(CertStatus.values), states
    assert states[CertStatus.ISSUED] / len(officers) > 0.8
    lights = Counter(light(o, DEMO_TODAY)[1] for o in officers)
    assert 15 <= lights["即将到期"] <= 70, lights
    assert lights["已过期仍在执法岗位"] >= 3 and lights["已过期"] >= 3, lights
    holders = [o for o in officers if certificate_problem(o, DEMO_TODAY) == ""]
    share = sum(o.legal_reviewer for o in holders) / len(holders)
    assert 0.03 <= share <= 0.08, share
    assert not any(
        o.on_staff for o in officers if o.status == CertStatus.APPLIED and not o.on_staff
    )
    for o in officers:  # nothing dated after the demo day
        for day in (
            o.applied_on,
            o.qualified_on,
            o.exam_on,
            o.cert_issued_on,
            o.suspended_on,
            o.cancelled_on,
        ):
            assert day is None or day <= DEMO_TODAY, o.name
    years = Counter(OfficerYear.objects.values_list("year", flat=True))
    assert set(years) == {DEMO_TODAY.year - 1, DEMO_TODAY.year}
    assert spent[0] < 60
