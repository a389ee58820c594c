"""清理 campaigns: scope (all in force in the subtree, or chosen documents), one outcome with a
reason per document, 公布清理结果 moves the documents through the workflow, and the three lists
are exported."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from tests.normative_docs.conftest import CLI, d, on, read_xlsx, walk
from tests.personas import County

from fazhi.normative_docs import services as s
from fazhi.normative_docs.models import CampaignStatus, Outcome, Status
from fazhi.normative_docs.workflow import CAMPAIGNS

pytestmark = pytest.mark.django_db


def test_a_campaign_from_scope_to_the_three_lists(county: County) -> None:
    with on("2025-07-01"):
        keep = walk(county.root, "甲办法")
        repeal = walk(county.town_a, "乙规定")
        revise = walk(county.dept, "丙办法")
        walk(county.root, "未公布的", until="reviewing")
        campaign = s.campaign_create(
            actor=CLI(), unit=county.root, name="2025年规范性文件集中清理", held_on=d("2025-06-01")
        )
        items = {i.document_id: i for i in campaign.items.all()}
        assert set(items) == {keep.pk, repeal.pk, revise.pk}  # in force on 06-01 only
        assert (
            CAMPAIGNS.blocker(campaign, "apply", d("2025-07-01")) == "尚有 3 件文件未确定清理结果"
        )
        with pytest.raises(ValidationError):
            s.campaign_decide(
                actor=CLI(),
                campaign=campaign,
                item=items[keep.pk],
                outcome=Outcome.KEEP,
                reason=" ",
            )
        for doc, outcome in (
            (keep, Outcome.KEEP),
            (repeal, Outcome.REPEAL),
            (revise, Outcome.REVISE),
        ):
            s.campaign_decide(
                actor=CLI(),
                campaign=campaign,
                item=items[doc.pk],
                outcome=outcome,
                reason=f"{doc.title}的理由",
            )
        s.campaign_apply(actor=CLI(), campaign=campaign, applied_on=d("2025-06-20"))
        client = county.client("coordinator")
        content = client.get("/normative/cleanups/export.xlsx").content
    campaign.refresh_from_db()
    assert (campaign.status, campaign.applied_on) == (CampaignStatus.APPLIED, d("2025-06-20"))
    for doc in (keep, repeal, revise):
        doc.refresh_from_db()
    assert (keep.status, revise.status, repeal.status) == (
        Status.PUBLISHED,
        Status.PUBLISHED,
        Status.INVALIDATED,
    )
    assert repeal.ended_on == d("2025-06-20")
    assert keep.events.last().kind == "清理：继续有效"
    assert revise.events.last().kind == "清理：需修改后重新发布"
    sheets = read_xlsx(content)
    assert [r[1] for r in sheets["继续有效目录"][1:]] == ["甲办法"]
    assert [r[1] for r in sheets["宣布失效或废止目录"][1:]] == ["乙规定"]
    assert [r[1] for r in sheets["修改后重新发布目录"][1:]] == ["丙办法"]
    assert sheets["修改后重新发布目录"][1][5] == "丙办法的理由"


def test_a_campaign_of_chosen_documents_stays_in_the_subtree(county: County) -> None:
    with on("2025-07-01"):
        mine = walk(county.town_a, "白沙镇办法")
        other = walk(county.town_b, "黄金乡办法")
        with pytest.raises(ValidationError, match="不是本单位或下级单位的文件"):
            s.campaign_create(
                actor=CLI(),
                unit=county.town_a,
                name="清理",
                held_on=d("2025-06-01"),
                documents=[mine, other],
            )
        campaign = s.campaign_create(
            actor=CLI(), unit=county.town_a, name="清理", held_on=d("2025-06-01"), documents=[mine]
        )
    assert [i.document for i in campaign.items.all()] == [mine]
