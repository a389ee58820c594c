"""A small county 考核 built through the services, stage by stage, for the page tests (the
pattern of tests/assessments/test_campaign_flow.py: a 7-line system, 白沙镇 with four study
sessions in 2025, the 司法局 reviewing 1.3, 2, 3 and 4)."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import time_machine
from django.test import Client
from openpyxl import load_workbook
from tests.assessments.test_campaign_flow import ROWS
from tests.personas import County

from fazhi.assessments import services
from fazhi.assessments.models import Answer, Campaign, Evaluation, IndicatorSystem, Kind, Mode
from fazhi.assessments.systems_io import system_from_data
from fazhi.orgs.models import OrgUnit
from fazhi.study.services import session_register

D = Decimal
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
COUNTY_SYSTEM = "县级法治政府建设年度考核指标（示例方案）"

# the same small scheme as the service-level flow


def at(day: str, hour: int = 10) -> dt.datetime:
    d = dt.date.fromisoformat(day)
    return dt.datetime(d.year, d.month, d.day, hour, tzinfo=SHANGHAI)


def make_system(name: str = "测试方案") -> IndicatorSystem:
    return system_from_data(
        name=name,
        rows=ROWS,
        kind="annual",
        grades=[["优秀", 10], ["合格", 6]],
        bonus_cap=D(2),
    )


def answer(evaluation: Evaluation, code: str) -> Answer:
    return evaluation.answers.select_related("indicator", "evaluation__campaign").get(
        indicator__code=code
    )


def evaluation_of(campaign: Campaign, unit: OrgUnit) -> Evaluation:
    return campaign.evaluations.get(unit=unit)


def build_campaign(
    county: County,
    *,
    opened: bool = True,
    kind: str = Kind.ANNUAL,
    title: str = "2025年度法治政府建设考核",
    system: IndicatorSystem | None = None,
) -> Campaign:
    """The campaign of the flow test: created on 2026-01-05 and (``opened``) opened."""
    coordinator = county.actor("coordinator")
    with time_machine.travel(at("2026-01-05"), tick=False):
        if system is None:
            for n in range(4):  # 白沙镇 studied 4 times in 2025; 黄金乡 never
                session_register(
                    actor=county.actor("clerk_a"),
                    unit=county.town_a,
                    kind="executive",
                    held_on=dt.date(2025, 3 + n, 10),
                    subject=f"学法{n}",
                    attendee_count=10,
                )
            system = make_system(f"测试方案{title[:4]}")
        made = services.campaign_create(
            actor=coordinator,
            organiser=county.root,
            system=system,
            year=2025,
            title=title,
            kind=kind,
            mode=Mode.WRITTEN if kind == Kind.INSPECTION else "",
            self_due=dt.date(2026, 1, 20),
            review_due=dt.date(2026, 2, 10),
        )
        codes = ["1.3", "2", "3", "4"]
        services.reviewer_set(
            actor=coordinator,
            campaign=made,
            unit=county.dept,
            indicators=list(made.system.indicators.filter(code__in=codes)),
        )
        if opened:
            services.campaign_open(actor=coordinator, campaign=made)
    return Campaign.objects.get(pk=made.pk)


def submit_and_start_review(campaign: Campaign, county: County) -> None:
    """白沙镇 gives 3 专题研究 and both checklist items and submits; 黄金乡 submits nothing;
    the review starts on 2026-01-21."""
    with time_machine.travel(at("2026-01-15"), tick=False):
        for unit, clerk, studies in (
            (county.town_a, "clerk_a", D(3)),
            (county.town_b, "clerk_b", None),
        ):
            e = evaluation_of(campaign, unit)
            if studies is not None:
                services.answer_save(
                    actor=county.actor(clerk), answer=answer(e, "1.2"), value=studies
                )
                services.answer_save(
                    actor=county.actor(clerk), answer=answer(e, "2"), checks=[True, True]
                )
            services.evaluation_submit(actor=county.actor(clerk), evaluation=e)
    with time_machine.travel(at("2026-01-21"), tick=False):
        services.campaign_start_review(actor=county.actor("coordinator"), campaign=campaign)


def score_all(campaign: Campaign, county: County) -> None:
    """Every reviewer-scored indicator scored (as in the flow test)."""
    coordinator, reviewer = county.actor("coordinator"), county.actor("reviewer")
    with time_machine.travel(at("2026-01-21"), tick=False):
        for e in campaign.evaluations.exclude(unit=county.dept):
            late = e.unit == county.town_b
            services.answer_review(
                actor=reviewer,
                answer=answer(e, "1.3"),
                deduction=D(1) if late else D(5),
                note="报告逾期" if late else "报告未报送",
            )
        services.answer_review(
            actor=reviewer,
            answer=answer(evaluation_of(campaign, county.town_a), "3"),
            deduction=D(3),
            note="经验推广",
        )
        services.answer_review(
            actor=coordinator,
            answer=answer(evaluation_of(campaign, county.dept), "1.3"),
            deduction=D(0),
            note="",
        )


def publish(campaign: Campaign, county: County) -> None:
    with time_machine.travel(at("2026-01-21"), tick=False):
        services.campaign_publish(
            actor=county.actor("coordinator"), campaign=campaign, objection_due=dt.date(2026, 1, 28)
        )


def run_to_publication(campaign: Campaign, county: County) -> None:
    submit_and_start_review(campaign, county)
    score_all(campaign, county)
    publish(campaign, county)


# --- reading pages -------------------------------------------------------------------------
def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


INLINE = r"</?(a|strong|small|span|code|label|em|b)\b[^>]*>"


def text_of(html: str) -> str:
    """The page's visible text: inline tags dropped, other tags a space, whitespace collapsed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(INLINE, "", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def row_codes(html: str, table: str) -> list[str]:
    """The data-code of each row of table ``#table``."""
    found = re.search(rf'<table[^>]*id="{table}".*?</table>', html, flags=re.S)
    assert found, table
    return re.findall(r'<tr data-code="([^"]+)"', found.group(0))


def xlsx_values(content: bytes) -> set[str]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return {
        str(v)
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
        for v in row
        if v is not None
    }
