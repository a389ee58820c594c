"""Deadlines of the 规范性文件 register, hand-checked across 春节 and 国庆 2025 and their 调休
(natural days, rolled to the next working day): the filing window (30 days; 15 in 四川, a
province row of deadline_rules.json), the consultation period, the 15-day 补正 after 暂缓 (and
its overdue flag), and the 有效期 (5 years, 暂行/试行 2, a province override).

2025 春节: 01-28 … 02-04 off, 01-26 (Sun) and 02-08 (Sat) worked.
2025 国庆: 10-01 … 10-08 off, 09-28 (Sun) and 10-11 (Sat) worked."""

from __future__ import annotations

import pytest
from tests.normative_docs.conftest import CLI, Api, d, on, walk
from tests.personas import County

from fazhi.core.models import DeadlineRule
from fazhi.normative_docs import rules
from fazhi.normative_docs import services as s
from fazhi.normative_docs.models import FilingResult
from fazhi.normative_docs.selectors import filing_overdue
from fazhi.orgs.models import UnitKind, UnitLevel
from fazhi.orgs.services import orgunit_create

pytestmark = pytest.mark.django_db

AUTUMN = {"drafted_on": "2024-10-01", "consult": ("2024-10-08", "2024-11-08")}


@pytest.mark.parametrize(
    ("published", "due"),
    [
        ("2024-12-30", "2025-02-05"),  # +30 = 01-29, in 春节 → first working day after it
        ("2024-12-27", "2025-01-26"),  # +30 = 01-26, a Sunday worked (调休): no roll
        ("2025-03-03", "2025-04-02"),  # an ordinary Wednesday
    ],
)
def test_filing_window_across_spring_festival(county: County, published: str, due: str) -> None:
    with on("2025-06-30"):
        doc = walk(county.root, published_on=published, **AUTUMN)
    assert {f.due_on for f in doc.filings.all()} == {d(due)}


def test_filing_window_across_national_day(county: County) -> None:
    with on("2025-12-01"):
        doc = walk(county.root, published_on="2025-09-01")  # +30 = 10-01 → 10-09
    assert {f.due_on for f in doc.filings.all()} == {d("2025-10-09")}


def test_sichuan_files_within_15_days(county: County) -> None:
    """The 四川 row (region 51) of deadline_rules.json: 15 days; 湖南 keeps the national 30."""
    sichuan = orgunit_create(
        actor=CLI(),
        code="510199",
        name="川西县人民政府",
        kind=UnitKind.GOVERNMENT,
        level=UnitLevel.COUNTY,
        parent=None,
        province_code="51",
    )
    with on("2025-12-01"):
        there = walk(sichuan, "川西县办法", published_on="2025-09-16")  # +15 = 10-01 → 10-09
        here = walk(county.root, "湘江县办法", published_on="2025-09-16")  # +30 = 10-16 (Thu)
    assert {f.due_on for f in there.filings.all()} == {d("2025-10-09")}
    assert {f.due_on for f in here.filings.all()} == {d("2025-10-16")}


@pytest.mark.parametrize(
    ("start", "earliest"),
    [
        ("2025-01-05", "2025-02-05"),  # +30 = 02-04, last day of 春节 → 02-05
        ("2025-09-12", "2025-10-13"),  # +30 = 10-12, a Sunday (10-11 is the worked one) → 10-13
        ("2024-12-27", "2025-01-26"),  # +30 = 01-26, a worked Sunday: no roll
    ],
)
def test_consultation_period(county: County, start: str, earliest: str) -> None:
    with on("2025-12-01"):
        doc = walk(county.root, until="drafting", drafted_on="2024-12-01")
        assert rules.due(rules.CONSULTATION, county.root, d(start)) == d(earliest)
        done = s.document_consult(
            actor=CLI(), document=doc, consult_start=d(start), consult_end=d(earliest)
        )
    assert done.consult_min_end == d(earliest)


def test_validity_default_trial_and_province_override(county: County) -> None:
    with on("2025-06-30"):
        plain = walk(county.root, "湘江县甲办法")
        trial = walk(county.root, "湘江县乙暂行办法")
        DeadlineRule.objects.create(
            code=rules.VALIDITY,
            region="43",
            name="有效期（湖南）",
            law="湖南省规定",
            article="（地方规定）",
            days=36,
            counting="natural",
            start_event="施行",
        )
        override = walk(county.root, "湘江县丙办法")
        dated = walk(
            county.root, "湘江县丁办法", effective_from=d("2025-03-03"), valid_until=d("2026-12-31")
        )
    assert trial.trial and not plain.trial
    assert plain.valid_until == d("2030-04-01")  # 施行 2025-04-02 + 5 years − 1 day
    assert trial.valid_until == d("2027-04-01")  # 暂行: 2 years
    assert override.valid_until == d("2028-04-01")  # the 湖南 row: 36 months
    assert (dated.effective_from, dated.valid_until) == (d("2025-03-03"), d("2026-12-31"))


def test_suspended_filing_not_corrected_in_15_days_is_overdue(county: County) -> None:
    with on("2025-09-16"):
        doc = walk(county.dept, "湘江县司法局暂缓办法")
        filing = doc.filings.get()
        s.document_submit_filing(
            actor=CLI(), document=doc, filing=filing, submitted_on=d("2025-03-20")
        )
        s.document_record_result(
            actor=CLI(),
            document=doc,
            filing=filing,
            result=FilingResult.SUSPENDED,
            result_on=d("2025-09-16"),
            result_note="缺少起草说明",
        )
    filing.refresh_from_db()
    assert filing.correction_due == d("2025-10-09")  # +15 = 10-01 (国庆) → 10-09
    api = Api(county, "dept_clerk")
    client = county.client("dept_clerk")
    url = "/normative/documents/?warning=filing_overdue"
    with on("2025-10-09"):
        assert not filing_overdue(filing, d("2025-10-09"))
        assert doc.title not in client.get(url).content.decode()
        assert api.get(f"/{doc.pk}").json()["filings"][0]["overdue"] is False
    with on("2025-10-10"):
        assert filing_overdue(filing, d("2025-10-10"))
        assert doc.title in client.get(url).content.decode()
        page = client.get(f"/normative/documents/{doc.pk}/").content.decode()
        assert "逾期" in page
        assert api.get(f"/{doc.pk}").json()["filings"][0]["overdue"] is True
        s.document_correct_filing(
            actor=CLI(), document=doc, filing=filing, corrected_on=d("2025-10-10")
        )
        filing.refresh_from_db()
        assert not filing_overdue(filing, d("2025-10-10"))
    assert doc.events.last().note == "向湘江县人民政府补正报送（逾期）"
