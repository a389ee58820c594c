"""Oracle tests: every ``normative_docs.*`` metric equals a hand count over the records of a
small county year, for the county and for one township; the facts equal the registers."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from tests.normative_docs.conftest import CLI, d, on, walk
from tests.personas import County

from fazhi.normative_docs import services as s
from fazhi.normative_docs.models import FilingResult, Outcome

pytestmark = pytest.mark.django_db


def _year(county: County) -> dict[str, Any]:
    cli = CLI()
    a = walk(county.root, "甲办法")  # 2025-03-03, lawful; 2 filings due 04-02
    b = walk(county.town_a, "乙规定", conclusion="amended", published_on="2025-09-16")  # due 10-16
    c = walk(county.dept, "丙办法")  # 1 filing
    e = walk(
        county.root,
        "丁办法",
        drafted_on="2024-01-02",
        consult=("2024-01-05", "2024-02-05"),
        published_on="2024-06-03",
        valid_until=d("2025-10-31"),
    )
    for f in a.filings.all():
        s.document_submit_filing(actor=cli, document=a, filing=f, submitted_on=d("2025-03-20"))
        s.document_record_result(
            actor=cli,
            document=a,
            filing=f,
            result=FilingResult.REGISTERED,
            result_on=d("2025-03-25"),
        )
    fb = b.filings.get(authority=county.root)
    s.document_submit_filing(actor=cli, document=b, filing=fb, submitted_on=d("2025-10-20"))
    s.document_record_result(
        actor=cli, document=b, filing=fb, result=FilingResult.SUSPENDED, result_on=d("2025-10-25")
    )
    fc = c.filings.get()
    s.document_submit_filing(actor=cli, document=c, filing=fc, submitted_on=d("2025-03-10"))
    s.document_record_result(
        actor=cli,
        document=c,
        filing=fc,
        result=FilingResult.REJECTED,
        result_on=d("2025-03-20"),
        result_note="增设义务",
    )
    s.document_rectify(
        actor=cli, document=c, filing=fc, rectified_on=d("2025-04-01"), rectification="修改第三条"
    )
    h = s.document_import(
        actor=cli,
        unit=county.root,
        title="戊办法（历史）",
        doc_number="湘政规〔2025〕88号",
        published_on=d("2025-05-01"),
        filed_on=d("2025-05-10"),
        filing_result=FilingResult.REGISTERED,
    )
    campaign = s.campaign_create(
        actor=cli, unit=county.root, name="清理", held_on=d("2025-11-01"), documents=[a, c, h]
    )
    for item, outcome in zip(
        campaign.items.order_by("id"), (Outcome.KEEP, Outcome.REVISE, Outcome.REPEAL), strict=True
    ):
        s.campaign_decide(actor=cli, campaign=campaign, item=item, outcome=outcome, reason="理由")
    s.campaign_apply(actor=cli, campaign=campaign, applied_on=d("2025-11-10"))
    return {"a": a, "b": b, "c": c, "e": e, "h": h}


def test_every_metric_equals_the_hand_count(county: County) -> None:
    from fazhi.metrics.periods import Period
    from fazhi.metrics.selectors import metric_value

    with on("2025-12-01"):
        _year(county)
    actor = county.actor("coordinator")

    def value(code: str, unit: Any = None) -> Any:
        return metric_value(
            actor=actor,
            unit=unit or county.root,
            period=Period.for_year(2025),
            code=f"normative_docs.{code}",
        )

    # hand counts (see _year): published in 2025: 甲 乙 丙 戊; filings: 甲×2 乙×2 丙×1 戊×2
    expected = {
        "issued": (4, 4, None),
        "review_rate": (Decimal("75.0"), 3, 4),  # 甲 乙 丙 reviewed, 戊 imported without
        "filed": (6, 6, None),  # 甲×2, 乙×1, 丙, 戊×2
        "filing_rate": (Decimal("85.7"), 6, 7),
        "filing_on_time_rate": (Decimal("71.4"), 5, 7),  # 乙 late (10-20 > 10-16) and unfiled
        "suspended": (1, 1, None),
        "rejected": (1, 1, None),
        "rectified": (1, 1, None),
        "cleanup_keep": (1, 1, None),
        "cleanup_revise": (1, 1, None),
        "cleanup_repeal": (1, 1, None),
        "expiring": (1, 1, None),  # 丁: valid until 2025-10-31
    }
    for code, (val, num, den) in expected.items():
        got = value(code)
        assert (Decimal(got.value), got.numerator, got.denominator) == (Decimal(val), num, den), (
            code
        )
    town = {"issued": 1, "filed": 1, "suspended": 1, "rejected": 0, "cleanup_keep": 0}
    for code, num in town.items():
        assert value(code, county.town_a).numerator == num, code
    out = StringIO()
    call_command("metric_facts", "--check", stdout=out)
    assert "一致" in out.getvalue()
