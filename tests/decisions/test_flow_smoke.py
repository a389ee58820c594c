from __future__ import annotations

from typing import Any

from tests.decisions.conftest import d, decided, fresh
from tests.personas import County

from fazhi.decisions import services as svc
from fazhi.decisions.models import Status


def test_full_flow(county: County, frozen: Any) -> None:
    decision = decided(county)
    actor = county.actor("coordinator")
    svc.decision_publish(actor=actor, decision=decision, published_on=d("2025-05-06"),
                         methods="政府网站")
    svc.decision_archive(actor=actor, decision=decision, done_on=d("2025-05-20"))
    decision = fresh(decision)
    assert decision.status == Status.PUBLISHED
    assert decision.procedures_complete
