"""The demo county's 审查建议 (filing_review's filler, walked through the services)."""

from __future__ import annotations

import datetime as dt

from tests.demo_county import DEMO_TODAY

from fazhi.demo.generator import SeedResult
from fazhi.filing_review.models import Status, Suggestion


def test_demo_county_has_suggestions_in_every_state(demo_county: SeedResult) -> None:
    rows = list(Suggestion.objects.select_related("document", "unit"))
    assert len(rows) >= 3
    assert {s.status for s in rows} == {Status.RECEIVED, Status.STUDYING, Status.ANSWERED}
    assert any(s.status != Status.ANSWERED and s.due_on < DEMO_TODAY for s in rows)  # overdue
    for s in rows:
        assert s.received_on <= DEMO_TODAY
        assert s.document.published_on is not None and s.document.published_on < s.received_on
        assert s.answered_on is None or s.answered_on <= DEMO_TODAY
        assert s.received_on + dt.timedelta(days=58) <= s.due_on
