"""Issue 13 item 25: developer wording stays out of the 统计分析 pages. A 填报 clerk, a reviewer or
a leader sees no metric code (``plans.on_time_rate``) and no JSON filter (``{"role__in": …}``) in
the text of /metrics/ or of a drill-down; the 系统管理员, who maintains the definitions, still
sees both."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from tests.metrics.builders import closed, save_recon
from tests.personas import County

from fazhi.metrics.views import plain_description

pytestmark = pytest.mark.django_db

DEVELOPER = re.compile(r"[{}]|__|\b[a-z_]+\.[a-z_]+\b|\bTrue\b|\bFalse\b|\bNone\b")


def visible_text(html: str) -> str:
    """What a reader sees: the page without tags, scripts, attributes and URLs."""
    body = html.split("<main", 1)[1]
    body = re.sub(r"<script.*?</script>", " ", body, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", body))


def some_cases(county: County) -> None:
    save_recon(closed(county.town_a, dt.date(2024, 5, 1), "annul"))


@pytest.mark.parametrize("persona", ["clerk_a", "reviewer", "leader", "coordinator"])
def test_no_codes_or_json_on_the_metrics_page(county: County, persona: str) -> None:
    some_cases(county)
    text = visible_text(county.client(persona).get("/metrics/?period=2024").content.decode())
    assert "按期完成率" in text and "纠错率" in text
    assert "plans.on_time_rate" not in text and "reconsideration.corrected" not in text
    assert "role__in" not in text
    found = DEVELOPER.findall(text)
    assert not found, found
    # the description is still there, without the sentence meant for the administrator
    assert "按期完成：经审核确认已完成" in text
    assert "如只考核牵头和责任单位" not in text


def test_no_codes_or_json_on_a_drill_down(county: County) -> None:
    some_cases(county)
    url = "/metrics/plans.on_time_rate/drill/?period=2024&part=denominator"
    response = county.client("clerk_a").get(url)
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert "按期完成率" in text
    found = DEVELOPER.findall(text)
    assert not found, found


def test_the_system_administrator_still_sees_codes_and_the_full_description(
    county: County,
) -> None:
    some_cases(county)
    html = county.client("sysadmin").get("/metrics/?period=2024").content.decode()
    text = visible_text(html)
    assert "plans.on_time_rate" in text and '{"role__in": ["lead", "responsible"]}' in text


def test_plain_description_drops_only_the_sentences_with_developer_wording() -> None:
    text = (
        "期间内到期的任务分工数。依据：《规定》（厅字〔2019〕28号）。"
        '如只考核牵头单位，可新增一个版本，在基础条件中加入 {"role__in": ["lead"]}。'
        "分母见 reconsideration.closed。最后一句"
    )
    assert (
        plain_description(text)
        == "期间内到期的任务分工数。依据：《规定》（厅字〔2019〕28号）。最后一句"
    )
    assert plain_description("") == ""
