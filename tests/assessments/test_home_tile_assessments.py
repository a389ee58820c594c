"""The 考核督察 home tile: self-evaluations to submit (the unit), answers to score (the
reviewing unit), 异议 to answer (the organiser); nothing when nothing waits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
import time_machine
from tests.assessments.test_campaign_flow import TZ, answer, campaign
from tests.personas import County

from fazhi.assessments import services
from fazhi.assessments.kit import home_tiles
from fazhi.assessments.models import Campaign

pytestmark = pytest.mark.django_db
__all__ = ["campaign"]
DAY = dt.date(2026, 1, 15)


def line(county: County, persona: str) -> str:
    tiles = home_tiles(county.actor(persona), DAY)
    return "".join(s.text for t in tiles for s in t.line)


def test_what_waits_for_each_side(campaign: Campaign, county: County) -> None:
    assert line(county, "clerk_a") == "考核自评待提交 1 项"
    assert line(county, "coordinator") == "考核自评待提交 3 项"  # its subtree's units
    assert line(county, "reviewer") == ""  # the dept's reviewer: not yet scoring
    with time_machine.travel(dt.datetime(2026, 1, 21, 10, tzinfo=TZ), tick=False):
        services.campaign_start_review(actor=county.actor("coordinator"), campaign=campaign)
    # 1.3 of 白沙镇 and 黄金乡 (never its own 司法局)
    assert line(county, "reviewer") == "考核待评分 2 项"
    e = campaign.evaluations.get(unit=county.town_a)
    with time_machine.travel(dt.datetime(2026, 1, 21, 11, tzinfo=TZ), tick=False):
        services.answer_review(
            actor=county.actor("reviewer"), answer=answer(e, "1.3"), deduction=D(0)
        )
    assert line(county, "reviewer") == "考核待评分 1 项"
    assert line(county, "clerk_a") == ""
