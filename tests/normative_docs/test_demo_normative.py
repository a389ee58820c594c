"""The county demo filler: through the services, every state and warning appears (relative to
the day the data is as of), deterministic; the scale seeder moves rows with the workflow."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from tests.normative_docs.conftest import on
from tests.personas import County

from fazhi.core.models import AuditEntry
from fazhi.normative_docs.models import Campaign, CampaignStatus, Document, Filing, FilingResult
from fazhi.normative_docs.selectors import expiring_q, filing_overdue_q, with_shown
from fazhi.orgs.scoping import Actor

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2025, 12, 15)


def test_the_county_filler_shows_every_state_and_warning(county: County) -> None:
    from fazhi.demo.generator import CountyContext, county_fillers
    from fazhi.demo.plan import plan_county
    from fazhi.normative_docs import demo

    assert demo.NAME in [name for name, _ in county_fillers()]
    units = [county.root, county.town_a, county.town_b, county.village_a, county.dept]
    ctx = CountyContext(
        plan=plan_county(),
        root=county.root,
        units={u.code: u for u in units},
        users={},
        actor=Actor.command_line(county.root),
        years=2,
        last_year=2025,
        today=AS_OF,
    )
    with on(AS_OF):
        started = time.perf_counter()
        written = demo.fill(ctx)
        took = time.perf_counter() - started
    print(f"normative_docs county filler: {written} records in {took:.1f} s")
    docs = Document.objects.all()
    assert 15 <= docs.count() <= 40
    assert AuditEntry.objects.filter(action="normative_docs.register").count() == docs.count()
    shown = set(with_shown(docs, AS_OF).values_list("shown", flat=True))
    assert {
        "consulting",
        "reviewing",
        "deliberated",
        "in_force",
        "expired",
        "replaced",
        "invalidated",
    } <= shown
    assert docs.filter(expiring_q(AS_OF)).exists()
    assert Filing.objects.filter(filing_overdue_q(AS_OF), result=FilingResult.SUSPENDED).exists()
    assert Filing.objects.filter(result=FilingResult.REJECTED).exists()
    assert Filing.objects.filter(result=FilingResult.REGISTERED).exists()
    assert Campaign.objects.get().status == CampaignStatus.APPLIED
    assert max(docs.values_list("drafted_on", flat=True)) <= AS_OF


def test_the_scale_seeder_moves_rows_with_the_workflow(county: County) -> None:
    from fazhi.core.selectors import calendar_data
    from fazhi.demo.scale import Government, ScaleContext, Writer
    from fazhi.normative_docs import demo

    writer = Writer()
    ctx = ScaleContext(
        seed=7,
        years=range(2023, 2025),
        volume=1,
        horizon=dt.date(2025, 1, 31),
        calendar=calendar_data(),
        root=county.root,
        governments=[Government(county.root, "county", "湘江县", members=[(county.dept, "x")])],
        writer=writer,
    )
    written = demo.seed(ctx)
    writer.flush()
    rows = list(Document.objects.all())
    assert written == len(rows) >= 10
    for row in rows:
        assert row.status == "published" and row.published_on <= ctx.horizon
        assert row.valid_until > row.effective_from > row.published_on
        assert row.unit_d0 == county.root.pk
    assert len({(r.unit_id, r.doc_number) for r in rows}) == len(rows)
