"""行政应诉 REST API: list with filters, detail with hearings/events/deadlines, 登记, 开庭,
结案, 司法建议 list; Chinese errors and masked data. Time frozen at 2024-06-28."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from tests.personas import County

from fazhi.accounts.services import token_create
from fazhi.core.paging import BoundedPaginator
from fazhi.litigation import services as svc
from fazhi.orgs.scoping import Actor
from fazhi.reconsideration import services as rec

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
API = "/api/v1/litigation"


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=SHANGHAI), tick=False):
        yield


def api(county: County, persona: str) -> tuple[Client, dict[str, str]]:
    _, raw = token_create(
        actor=Actor.command_line(), membership=county.memberships[persona], name="测试"
    )
    return Client(), {"Authorization": f"Bearer {raw}"}


def post(client: Client, headers: dict[str, str], url: str, body: dict[str, Any]) -> Any:
    return client.post(
        API + url, json.dumps(body), content_type="application/json", headers=headers
    )


@pytest.mark.django_db
def test_register_hear_close_and_read(county: County) -> None:
    client, headers = api(county, "clerk_a")
    created = post(
        client,
        headers,
        "/cases",
        {
            "unit": county.town_a.code,
            "number": "（2024）湘0101行初7号",
            "court": "湘江县人民法院",
            "filed_on": "2024-03-04",
            "plaintiff_name": "欧阳明远",
        },
    )
    assert created.status_code == 201, created.content
    case = created.json()
    assert case["level"] == "first" and case["plaintiff_name_masked"] == "****"
    assert {t["name"] for t in case["transitions"]} == {"add_hearing", "close", "receive_complaint"}
    pk = case["id"]
    refused = post(
        client, headers, f"/cases/{pk}/hearings", {"held_on": "2024-04-10", "head_appeared": True}
    )
    assert refused.status_code == 422
    assert refused.json()["detail"] == ["负责人出庭的，请填写出庭负责人职务"]
    heard = post(
        client,
        headers,
        f"/cases/{pk}/hearings",
        {
            "held_on": "2024-04-10",
            "head_appeared": True,
            "head_name": "李镇长",
            "head_post": "镇长",
            "head_category": "principal",
        },
    )
    assert heard.status_code == 201, heard.content
    assert heard.json()["hearings"][0]["head_post"] == "镇长"
    assert heard.json()["head_appeared"] is True and heard.json()["hearing_count"] == 1
    closed = post(
        client,
        headers,
        f"/cases/{pk}/transitions/close",
        {"judged_on": "2024-05-20", "result": "loss_illegal"},
    )
    assert closed.status_code == 200 and closed.json()["is_loss"] is True
    # once closed, only the service of the judgment (上诉期限, 第85条) is left to record
    assert [t["name"] for t in closed.json()["transitions"]] == ["record_service"]
    again = post(client, headers, f"/cases/{pk}/transitions/close", {"judged_on": "2024-05-21"})
    assert again.status_code == 422 and "不能结案" in again.json()["detail"][0]
    detail = client.get(f"{API}/cases/{pk}", headers=headers).json()
    assert [e["kind"] for e in detail["events"]] == ["一审立案", "开庭", "裁判"]
    listing = client.get(f"{API}/cases?loss=1&year=2024", headers=headers).json()
    assert [c["id"] for c in listing["items"]] == [pk]
    assert client.get(f"{API}/cases?loss=0", headers=headers).json()["count"] == 0
    reader, reader_headers = api(county, "leader_a")
    assert post(reader, reader_headers, f"/cases/{pk}/hearings", {}).status_code == 403
    other, other_headers = api(county, "clerk_b")
    assert other.get(f"{API}/cases/{pk}", headers=other_headers).status_code == 404


@pytest.mark.django_db
def test_suggestions_list_and_deadlines(county: County) -> None:
    case = svc.case_register(
        actor=Actor.command_line(),
        unit=county.town_a,
        number="S-1",
        court="湘江县人民法院",
        filed_on=dt.date(2024, 3, 4),
    )
    svc.suggestion_receive(
        actor=Actor.command_line(),
        unit=county.town_a,
        case=case,
        court="湘江县人民法院",
        received_on=dt.date(2024, 5, 6),
        content="规范送达",
        reply_due=dt.date(2024, 6, 5),
    )
    client, headers = api(county, "clerk_a")
    rows = client.get(f"{API}/suggestions?state=overdue", headers=headers).json()
    assert [r["overdue"] for r in rows] == [True]
    detail = client.get(f"{API}/cases/{case.pk}", headers=headers).json()
    assert detail["deadlines"][0]["state"] == "逾期23日"
    other, other_headers = api(county, "clerk_b")
    assert other.get(f"{API}/suggestions", headers=other_headers).json() == []


@pytest.mark.django_db
def test_register_with_a_linked_reconsideration_case(county: County) -> None:
    cli = Actor.command_line()
    own, other = (
        rec.case_receive(
            actor=cli,
            unit=unit,
            respondent=respondent,
            number=number,
            received_on=dt.date(2024, 1, 8),
            act_category="penalty",
        )
        for unit, respondent, number in (
            (county.town_a, county.village_a, "白复1号"),
            (county.dept, county.town_b, "县复1号"),
        )
    )
    client, headers = api(county, "clerk_a")
    body = {
        "unit": county.town_a.code,
        "number": "（2024）湘0101行初11号",
        "court": "湘江县人民法院",
        "filed_on": "2024-03-04",
    }
    refused = post(client, headers, "/cases", {**body, "reconsideration": other.pk})
    assert refused.status_code == 422
    assert refused.json()["detail"][0].startswith("关联复议案件")
    created = post(client, headers, "/cases", {**body, "reconsideration": own.pk})
    assert created.status_code == 201, created.content
    assert created.json()["reconsideration_id"] == own.pk
    missing = post(
        client,
        headers,
        f"/cases/{created.json()['id']}/transitions/close",
        {"judged_on": "2024-05-20"},
    )
    assert missing.status_code == 422 and missing.json()["detail"][0].startswith("裁判结果")


@pytest.mark.django_db
def test_list_count_is_bounded_like_the_list_page(
    county: County, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``count`` is counted up to the list pages' cap (10,000; 3 here): beyond it the count is
    the cap and ``count_capped`` is true; up to it the count is exact."""
    for i in range(5):
        svc.case_register(
            actor=Actor.command_line(),
            unit=county.town_a if i < 4 else county.town_b,
            number=f"（2024）湘0101行初{i + 1}号",
            court="湘江县人民法院",
            filed_on=dt.date(2024, 3, 4 + i),
        )
    client, headers = api(county, "coordinator")
    exact = client.get(f"{API}/cases?limit=2", headers=headers).json()
    assert (exact["count"], exact["count_capped"], len(exact["items"])) == (5, False, 2)

    monkeypatch.setattr(BoundedPaginator, "cap", 3)
    capped = client.get(f"{API}/cases?limit=2", headers=headers).json()
    assert (capped["count"], capped["count_capped"], len(capped["items"])) == (3, True, 2)
    last = client.get(f"{API}/cases?limit=2&offset=4", headers=headers).json()
    assert (last["count"], last["count_capped"], len(last["items"])) == (3, True, 1)
    assert "超过 3 条" in county.client("coordinator").get("/litigation/cases/").text
    # 白沙镇's 4 cases are beyond the cap; up to it the count is exact, also past the end.
    town_a = client.get(f"{API}/cases?unit={county.town_a.code}", headers=headers).json()
    assert (town_a["count"], town_a["count_capped"]) == (3, True)
    town_b = client.get(f"{API}/cases?unit={county.town_b.code}", headers=headers).json()
    assert (town_b["count"], town_b["count_capped"]) == (1, False)
    clerk, clerk_headers = api(county, "clerk_b")
    past = clerk.get(f"{API}/cases?offset=10", headers=clerk_headers).json()
    assert (past["count"], past["count_capped"], past["items"]) == (1, False, [])
