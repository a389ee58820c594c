"""Helpers of the 重大行政决策 tests: a decision of the county government walked to a stage
through the services (time frozen at :data:`TODAY`; the services refuse later dates)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from tests.personas import County

from fazhi.decisions import services as svc
from fazhi.decisions.models import Decision
from fazhi.legality.models import Review

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2025, 12, 31)
POSITIONS = (
    "李副县长，常务副县长，同意\n张副县长，副县长，不同意，建议缓行\n"
    "刘副县长，副县长，同意\n王县长，县长，同意"
)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2025, 12, 31, 12, 0, tzinfo=SHANGHAI), tick=False):
        yield


def fresh(decision: Decision) -> Decision:
    return Decision.objects.select_related("legality_review", "unit", "lead_unit").get(
        pk=decision.pk
    )


_titles = iter(range(1, 100_000))


def register(county: County, *, persona: str = "coordinator", **kw: Any) -> Decision:
    values: dict[str, Any] = {
        "unit": county.root,
        "lead_unit": county.dept,
        "title": f"湘江县重大行政决策事项{next(_titles)}",
        "category": "policy",
        "listed_on": d("2025-02-10"),
    }
    values.update(kw)
    return svc.decision_register(actor=county.actor(persona), **values)


def drafted(county: County, *, persona: str = "coordinator", **kw: Any) -> Decision:
    """Started, with 公众参与, 专家论证 and 风险评估 done (ready for the 合法性审查)."""
    actor = county.actor(persona)
    decision = register(county, persona=persona, **kw)
    svc.decision_start(actor=actor, decision=decision, started_on=d("2025-02-20"))
    svc.decision_participate(
        actor=actor,
        decision=decision,
        methods="向社会公开征求意见",
        started_on=d("2025-03-03"),
        ended_on=d("2025-04-02"),
    )
    svc.decision_expert(
        actor=actor,
        decision=decision,
        done_on=d("2025-03-20"),
        performed_by="湘江大学法学院",
        participants="专家3名",
        signed=True,
    )
    svc.decision_risk(
        actor=actor,
        decision=decision,
        done_on=d("2025-04-08"),
        performed_by="县风险评估中心",
        risk_points="价格投诉",
        measures="过渡期",
        risk_controllable=True,
    )
    return decision


def in_review(county: County, *, persona: str = "coordinator", **kw: Any) -> Decision:
    decision = drafted(county, persona=persona, **kw)
    svc.decision_submit_review(
        actor=county.actor(persona),
        decision=decision,
        submitted_on=d("2025-04-10"),
        review_unit=county.dept,
    )
    return decision


def conclude(
    county: County,
    review: Review | None,
    conclusion: str = "lawful",
    on: str = "2025-04-22",
    persona: str = "dept_clerk",
) -> None:
    from fazhi.legality.services import review_conclude

    assert review is not None
    review = Review.objects.get(pk=review.pk)
    review_conclude(
        actor=county.actor(persona),
        review=review,
        completed_on=d(on),
        conclusion=conclusion,
        reason="" if conclusion in ("lawful", "amended") else "理由",
    )


def decided(county: County, *, persona: str = "coordinator", **kw: Any) -> Decision:
    actor = county.actor(persona)
    decision = in_review(county, persona=persona, **kw)
    conclude(county, decision.legality_review)
    decision = fresh(decision)
    svc.decision_propose(actor=actor, decision=decision, proposed_on=d("2025-04-23"))
    svc.decision_party_report(actor=actor, decision=decision, done_on=d("2025-04-24"))
    svc.decision_discuss(
        actor=actor,
        decision=decision,
        decided_on=d("2025-04-28"),
        meeting_kind="standing",
        meeting="县政府第8次常务会议",
        positions=POSITIONS,
    )
    return decision
