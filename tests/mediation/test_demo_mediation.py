"""The 人民调解 demo filler on a seeded county: committees for every township plus villages and
two 行业性专业性 ones, 2–4 mediators each, about 200 cases a year with ~97% success, some
司法确认, some ended terms; dates inside the years, deterministic."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import transaction
from django.test.utils import override_settings
from tests.dbsnapshot import TEST_SETTINGS
from tests.demo_county import DEMO_TODAY

from fazhi.demo.generator import seed_county
from fazhi.mediation.demo import NAME, fill
from fazhi.mediation.models import Case, Committee, CommitteeKind, Mediator

pytestmark = pytest.mark.django_db


def _snapshot() -> list[tuple[object, ...]]:
    return list(
        Case.objects.order_by("number", "committee__name").values_list(
            "number",
            "committee__name",
            "received_on",
            "status",
            "dispute_type__code",
            "confirmation_applied_on",
        )
    )


def test_the_county_filler() -> None:
    with override_settings(**TEST_SETTINGS):
        result = seed_county(today=DEMO_TODAY, fillers=[(NAME, fill)])
    cases = Case.objects.all()
    assert dict(result.filled)[NAME] == cases.count()
    committees = list(Committee.objects.select_related("unit"))
    kinds = Counter(k.kind for k in committees)
    assert kinds[CommitteeKind.TOWNSHIP] >= 5 and kinds[CommitteeKind.INDUSTRY] == 2
    assert kinds[CommitteeKind.VILLAGE] == 2 * kinds[CommitteeKind.TOWNSHIP]
    per = Counter(Mediator.objects.values_list("committee_id", flat=True))
    assert set(per) == {k.pk for k in committees} and set(per.values()) <= {2, 3, 4}
    years = Counter(d.year for d in cases.values_list("received_on", flat=True))
    full = DEMO_TODAY.year - 1
    assert 150 <= years[full] <= 250
    assert all(d <= DEMO_TODAY for d in cases.values_list("received_on", flat=True))
    concluded = cases.exclude(status="received")
    success = concluded.filter(status="success").count()
    assert 0.94 <= success / concluded.count() <= 0.995
    assert cases.filter(confirmation_applied_on__isnull=False).exists()
    assert all(
        c.confirmation_applied_on <= c.confirmation_due
        for c in cases.filter(confirmation_applied_on__isnull=False)
    )
    assert Committee.objects.filter(status="ended").exists()
    assert len(Counter(cases.values_list("dispute_type__code", flat=True))) >= 10


def test_deterministic() -> None:
    runs = []
    for _ in range(2):
        with transaction.atomic():
            with override_settings(**TEST_SETTINGS):
                seed_county(today=DEMO_TODAY, fillers=[(NAME, fill)])
            runs.append(_snapshot())
            transaction.set_rollback(True)
    assert runs[0] == runs[1] and len(runs[0]) > 150
