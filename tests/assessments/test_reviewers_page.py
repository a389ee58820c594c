"""The organiser names the reviewing units and their indicators on the campaign's 评审单位
page; nobody else sees it; a bad unit is refused in Chinese."""

from __future__ import annotations

import pytest
from tests.assessments.test_campaign_flow import campaign
from tests.personas import County

from fazhi.assessments.models import Campaign, Reviewer

pytestmark = pytest.mark.django_db
__all__ = ["campaign"]


def test_reviewers_page(campaign: Campaign, county: County) -> None:
    url = f"/assessments/{campaign.pk}/reviewers/"
    client = county.client("coordinator")
    page = client.get(url).content.decode()
    assert "湘江县司法局" in page and "1.3 年度报告" in page
    branch = campaign.system.indicators.get(code="1")
    response = client.post(url, {"unit": county.town_a.code, "indicators": [str(branch.pk)]})
    assert response.status_code == 302
    reviewer = Reviewer.objects.get(campaign=campaign, unit=county.town_a)
    assert [i.code for i in reviewer.indicators.all()] == ["1"]
    bad = client.post(url, {"unit": "nope", "indicators": ["x", "1e999"]})
    assert bad.status_code == 400 and "请选择评审单位" in bad.content.decode()
    for persona in ("clerk_a", "reviewer", "leader"):
        assert county.client(persona).get(url).status_code == 404
        assert county.client(persona).post(url, {"unit": county.town_b.code}).status_code == 404
    assert not Reviewer.objects.filter(unit=county.town_b).exists()
