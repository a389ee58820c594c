"""The results workbook and the 通报 (.docx, 公文 layout) of a published 考核: who may download
them (audited), and what they say."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook
from tests.assessments.test_campaign_flow import campaign, run_to_publication
from tests.personas import County

from fazhi.assessments.models import Campaign
from fazhi.core.models import AuditEntry

pytestmark = pytest.mark.django_db
__all__ = ["campaign"]


def test_results_and_notice(campaign: Campaign, county: County) -> None:
    url = f"/assessments/{campaign.pk}/"
    assert county.client("clerk_a").get(url + "results.xlsx").status_code == 404  # not yet
    assert county.client("coordinator").get(url + "notice.docx").status_code == 404
    run_to_publication(campaign, county)
    response = county.client("coordinator").get(url + "results.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if r and r[0] == "被考核单位")
    assert header[:4] == ["被考核单位", "分组", "1.学法与组织扣分", "2.普法扣分"]
    body = {r[0]: r for r in rows[rows.index(header) + 1 :] if r[0]}
    town_a = dict(zip(header, body["白沙镇人民政府"], strict=False))
    assert (town_a["1.学法与组织扣分"], town_a["加分"], town_a["得分"], town_a["组内排名"]) == (
        "6",
        "2",
        "8",
        1,
    )
    assert dict(zip(header, body["黄金乡人民政府"], strict=False))["档次"] == "不合格"
    docx_response = county.client("clerk_b").get(url + "notice.docx")  # published: units too
    assert docx_response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(docx_response.content)).paragraphs)
    assert "湘江县人民政府关于2025年度法治政府建设考核结果的通报" in text.replace("\n", "")
    assert (
        "乡镇（街道）：第1名 白沙镇人民政府，8分（合格）；第2名 黄金乡人民政府，4分（不合格）。"
        in text
    )
    assert "（1）学法与组织：3个单位失分" in text
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"assessment.results_export", "assessment.notice_export"} <= actions
