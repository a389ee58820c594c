"""Acceptance (issue 16): the demo county's annual report draft states the 制度与决策 registers'
figures in part 一 — chapter 三 (合法性审查 in one sentence broken down by category, 规范性文件)
and chapter 四 (重大行政决策, the reviews of decisions) — each figure frozen with the report
(``ReportFigure``: later records do not change it) and linked to the records it counts.

The county is the session's generated demo county (``demo_county`` in tests/conftest.py); its
2025 report was drafted by the reports filler after the registers' fillers had run."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from tests.demo_county import DEMO_YEAR

from fazhi.demo import data
from fazhi.legality.models import Review
from fazhi.legality.services import review_register
from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import metric_values
from fazhi.orgs.models import Membership, OrgUnit
from fazhi.orgs.scoping import Actor
from fazhi.reports import drafting, tokens
from fazhi.reports.models import AnnualReport

pytestmark = pytest.mark.django_db

COUNTY = "430199"
REVIEWED = ("lawful", "amended", "unlawful")
#: The categories as the sentence names them, in its order (legality/fixtures/report_sentences).
CATEGORIES = (
    ("规范性文件", "normative_doc"),
    ("其他政府文件", "gov_doc"),
    ("重大行政决策", "major_decision"),
    ("行政协议及合同", "contract"),
    ("会议纪要", "minutes"),
    ("会议议题", "agenda"),
    ("重大执法决定", "enforcement"),
    ("其他事项", "other"),
)
CHAPTER3, CHAPTER4 = "（三）健全依法行政制度体系", "（四）推进行政决策科学化民主化法治化"


def coordinator() -> Actor:
    """The demo 依法治办 (yfzb) at the county."""
    membership = Membership.objects.select_related("unit", "user").get(
        user__username="yfzb", unit__code=COUNTY
    )
    return Actor.for_membership(membership)


def chapter(part1: str, heading: str) -> list[str]:
    lines = part1.splitlines()
    start = lines.index(heading)
    end = next(
        i
        for i in range(start + 1, len(lines))
        if re.match(r"（[一二三四五六七八九十]+）", lines[i])
    )
    return lines[start + 1 : end]


def line_starting(lines: list[str], text: str) -> str:
    found = [line for line in lines if line.startswith(text)]
    assert len(found) == 1, (text, lines)
    return found[0]


@pytest.fixture
def draft(demo_county: Any) -> drafting.Draft:
    root = OrgUnit.objects.get(code=COUNTY)
    return drafting.compose(
        actor=coordinator(), unit=root, year=DEMO_YEAR, now=dt.datetime.now(dt.UTC)
    )


def test_chapter_three_states_the_reviews_by_category(draft: drafting.Draft) -> None:
    part1 = tokens.render(draft.parts[1], draft.displays)
    shown = draft.displays
    root = OrgUnit.objects.get(code=COUNTY)
    done = Review.objects.filter(
        unit__path__startswith=root.path,
        status="done",
        conclusion__in=REVIEWED,
        completed_on__year=DEMO_YEAR,
    )
    # the figures are the registers' (a hand count), the categories add up to the total
    by_figure = {f.code: f for f in draft.figures}
    assert by_figure["legality.reviews"].numerator == done.count() > 100
    for _, code in CATEGORIES:
        count = done.filter(category__code=code).count()
        assert by_figure[f"legality.reviews_{code}"].numerator == count, code
    said = [(label, shown[f"legality.reviews_{code}"]) for label, code in CATEGORIES]
    nonzero = [(label, display) for label, display in said if not display.startswith("0")]
    assert len(nonzero) >= 4  # the demo's mix: 纪要, 议题, 合同, 政府文件 at least
    # one sentence: the total, then 其中 each category with items (none with 0), then on time
    line = line_starting(chapter(part1, CHAPTER3), "全年共完成合法性审查")
    listed = "、".join(f"{label}{display}" for label, display in nonzero)
    assert line.startswith(f"全年共完成合法性审查{shown['legality.reviews']}，其中{listed}，")
    on_time = by_figure["legality.on_time_rate"].value
    assert ("均在规定期限内提出审查意见" in line) == (on_time == Decimal(100))
    assert (f"按期完成率{shown['legality.on_time_rate']}" in line) == (on_time != Decimal(100))
    assert not re.search(r"(?<![\d.])0件", line)  # no "不合法0件" and the like


def test_chapter_three_states_the_normative_documents(draft: drafting.Draft) -> None:
    part1 = tokens.render(draft.parts[1], draft.displays)
    shown = draft.displays
    document = apps.get_model("normative_docs", "Document")
    issued = document.objects.filter(published_on__year=DEMO_YEAR).count()
    assert {f.code: f.numerator for f in draft.figures}["normative_docs.issued"] == issued > 0
    lines = chapter(part1, CHAPTER3)
    assert line_starting(lines, "全年制定公布行政规范性文件").startswith(
        f"全年制定公布行政规范性文件{shown['normative_docs.issued']}，合法性审核率"
    )
    assert line_starting(lines, "报送备案规范性文件").startswith(
        f"报送备案规范性文件{shown['normative_docs.filed']}，备案及时率"
        f"{shown['normative_docs.filing_on_time_rate']}"
    )


def test_chapter_four_states_the_decisions(draft: drafting.Draft) -> None:
    part1 = tokens.render(draft.parts[1], draft.displays)
    shown = draft.displays
    decision = apps.get_model("decisions", "Decision")
    decided = decision.objects.filter(decided_on__year=DEMO_YEAR).count()
    assert {f.code: f.numerator for f in draft.figures}["decisions.decided"] == decided > 0
    lines = chapter(part1, CHAPTER4)
    catalogue = line_starting(lines, "公布年度重大行政决策事项目录")
    assert catalogue.startswith(
        f"公布年度重大行政决策事项目录{shown['decisions.catalogues_published']}，"
    )
    decisions = line_starting(lines, "全年作出重大行政决策")
    assert decisions.startswith(f"全年作出重大行政决策{shown['decisions.decided']}")
    assert f"程序完整率{shown['decisions.procedure_rate']}" in decisions
    reviewed = line_starting(lines, "全年对重大行政决策事项开展合法性审查")
    assert reviewed == (
        f"全年对重大行政决策事项开展合法性审查{shown['legality.reviews_major_decision']}。"
    )
    # the 目录, the decisions, their legality reviews, then the chapter's prompt
    order = [lines.index(x) for x in (catalogue, decisions, reviewed)]
    assert order == sorted(order) and lines[-1].startswith("{{?")


# --- the demo's report: frozen figures, linked to their records --------------------------------
#: Sources whose drill rows list the records without a link (no ``get_absolute_url`` yet: a
#: filing is shown on its document's page, a 清理 item on its campaign's; the normative_docs
#: register is asked to add them; remove each from here when it has one).
NEW_CODES = re.compile(r"\{\{((?:legality|normative_docs|decisions)\.[a-z_]+)\}\}")


def test_the_report_keeps_its_figures_and_links_them_to_the_records(demo_county: Any) -> None:
    root = OrgUnit.objects.get(code=COUNTY)
    report = AnnualReport.objects.get(unit=root, year=DEMO_YEAR)
    body = report.parts.get(number=1).body
    codes = sorted(set(NEW_CODES.findall(body)))
    assert {"legality.reviews", "legality.reviews_contract", "decisions.decided"} <= set(codes)
    frozen = {f.code: f for f in report.figures.filter(code__in=codes)}
    assert sorted(frozen) == codes
    client = Client()
    client.force_login(get_user_model().objects.get(username="yfzb"))
    # each figure's link lists exactly the records it counts, and each record opens
    unlinked: set[str] = set()
    for code in codes:
        figure = frozen[code]
        assert figure.drill_url.startswith(f"/metrics/{code}/drill/?unit={COUNTY}&period=2025")
        page = client.get(figure.drill_url)
        assert page.status_code == 200, code
        assert page.context["page"].paginator.count == figure.numerator, code
        rows = page.context["rows"]
        if not rows:
            continue
        source = page.context["definition"].source
        if not rows[0]["url"]:
            unlinked.add(source)
        else:
            assert client.get(rows[0]["url"]).status_code == 200, code
    # every record behind a new figure opens (规范性文件备案 on its document's page, 清理 items
    # on their campaign's page)
    assert unlinked == set()
    # the report's page shows the frozen figure linked to its records
    html = client.get(f"/reports/{report.pk}/").content.decode()
    reviews = frozen["legality.reviews"]
    assert f'href="{reviews.drill_url.replace("&", "&amp;")}"' in html
    # a review concluded later changes the registers' figure, not the report's
    actor = coordinator()
    review_register(
        actor=actor,
        unit=OrgUnit.objects.get(name=f"{data.COUNTY_NAME}司法局"),
        submitter=root,
        title="关于补录的合同审查",
        category="contract",
        received_on=dt.date(DEMO_YEAR, 12, 1),
        started_on=dt.date(DEMO_YEAR, 12, 2),
        completed_on=dt.date(DEMO_YEAR, 12, 5),
        conclusion="lawful",
    )
    now = {v.code: v for v in metric_values(actor=actor, unit=root, period=Period.for_year(2025))}
    assert now["legality.reviews"].numerator == int(reviews.numerator) + 1
    report.refresh_from_db()
    kept = report.figures.get(code="legality.reviews")
    assert (kept.numerator, kept.display) == (reviews.numerator, reviews.display)
    portal = Client().get(f"/portal/reports/{report.pk}/").content.decode()
    assert f"全年共完成合法性审查{reviews.display}，其中" in portal
