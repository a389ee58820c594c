"""Part 二 of the annual report starts from the year's 考核: the organiser's most-lost
indicators, a unit's own result and its lost points, and the 整改 items still open; nothing is
quoted before publication."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from tests.assessments.test_campaign_flow import TZ, campaign, run_to_publication
from tests.personas import County

from fazhi.assessments import services
from fazhi.assessments.kit import report_part2
from fazhi.assessments.models import Campaign
from fazhi.plans.models import Assignment, AssignmentStatus
from fazhi.reports.drafting import compose

pytestmark = pytest.mark.django_db
__all__ = ["campaign"]


def test_nothing_before_publication(campaign: Campaign, county: County) -> None:
    assert report_part2(county.root, 2025, frozenset()) == []
    assert report_part2(county.town_b, 2025, frozenset()) == []


def test_part2_lines_and_the_drafted_part(campaign: Campaign, county: County) -> None:
    run_to_publication(campaign, county)
    with time_machine.travel(dt.datetime(2026, 1, 26, 10, tzinfo=TZ), tick=False):
        made = services.findings_from_deductions(
            actor=county.actor("coordinator"), campaign=campaign
        )
    Assignment.objects.filter(pk=made[0].assignment_id).update(status=AssignmentStatus.COMPLETED)
    # lost: 1.1 学法次数 白沙 1 + 黄金 3 + 司法局 3 = 7 (3 units); 1.3 年度报告 5 + 1 = 6 (2);
    # 1.2 专题研究次数 黄金 2 + 司法局 2 = 4 (2); 2 普法 黄金 2 + 司法局 2 = 4 (2)
    assert report_part2(county.root, 2025, frozenset()) == [
        "2025年度法治政府建设考核中失分较多的指标是：学法次数（3个单位失分，合计7分）；"
        "年度报告（2个单位失分，合计6分）；专题研究次数（2个单位失分，合计4分）。",
        "2025年度考核、督察发现的9个问题中，尚有8个未整改到位。",
    ]
    town = report_part2(county.town_b, 2025, frozenset())
    assert town[0] == (
        "在湘江县人民政府组织的2025年度法治政府建设考核中，本单位得分4分（不合格），失分主要在："
        "学法次数（扣3分，学法次数 0次，要求6次，差6，每次扣0.5分）；"
        "专题研究次数（扣2分，应填报而未填报，扣2分）；普法（扣2分，缺少佐证：普法清单；活动记录，扣2分）。"
    )
    assert town[1] == "2025年度考核、督察发现的4个问题中，尚有4个未整改到位。"
    with time_machine.travel(dt.datetime(2026, 2, 1, 10, tzinfo=TZ), tick=False):
        draft = compose(
            actor=county.actor("coordinator"),
            unit=county.root,
            year=2025,
            now=dt.datetime(2026, 2, 1, 10, tzinfo=dt.UTC),
            parts=[2],
        )
    body = draft.parts[2].splitlines()
    assert body[0] == "从工作台账看，以下方面还有差距："
    assert body[1].startswith("1.2025年度法治政府建设考核中失分较多的指标是：学法次数")
    assert body[2].startswith("2.2025年度考核、督察发现的9个问题中")
