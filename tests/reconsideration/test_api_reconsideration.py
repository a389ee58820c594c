"""行政复议 REST API: list with filters, detail with events and deadlines, 登记 and transitions,
Chinese errors, masked personal data. Time frozen at 2024-06-28."""

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
from fazhi.orgs.scoping import Actor
from fazhi.reconsideration import services as svc
from fazhi.reconsideration.models import ActCategory, ReconsiderationCase, Status

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
API = "/api/v1/reconsideration"


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=SHANGHAI), tick=False):
        yield


class Api:
    def __init__(self, county: County, persona: str) -> None:
        _, raw = token_create(
            actor=Actor.command_line(), membership=county.memberships[persona], name="测试"
        )
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {raw}"}

    def get(self, url: str) -> Any:
        return self.client.get(API + url, headers=self.headers)

    def post(self, url: str, body: dict[str, Any]) -> Any:
        return self.client.post(
            API + url, json.dumps(body), content_type="application/json", headers=self.headers
        )


def receive(county: County, number: str, on: dt.date = dt.date(2024, 3, 4)) -> ReconsiderationCase:
    return svc.case_receive(
        actor=Actor.command_line(),
        unit=county.town_a,
        respondent=county.village_a,
        number=number,
        received_on=on,
        act_category=ActCategory.PENALTY,
        applicant_name="欧阳明远",
        applicant_id_number="430102199001011234",
        matter="申请人电话13812345678",
    )


@pytest.mark.django_db
def test_list_with_filters_and_masking(county: County) -> None:
    late = receive(county, "A-1")
    svc.case_accept(
        actor=Actor.command_line(),
        case=receive(county, "A-2", dt.date(2024, 6, 24)),
        accepted_on=dt.date(2024, 6, 25),
    )
    api = Api(county, "clerk_a")
    body = api.get("/cases").json()
    assert body["count"] == 2
    first = {c["number"]: c for c in body["items"]}["A-1"]
    assert first["applicant_name_masked"] == "****" and first["overdue"] is True
    assert (
        first["status_label"] == "收到·审查中" and first["respondent_code"] == county.village_a.code
    )
    assert "欧阳明远" not in json.dumps(body, ensure_ascii=False)
    assert [c["number"] for c in api.get("/cases?overdue=1").json()["items"]] == [late.number]
    assert [c["number"] for c in api.get("/cases?status=accepted").json()["items"]] == ["A-2"]
    assert api.get("/cases?year=2023").json()["count"] == 0
    assert api.get(f"/cases?unit={county.village_a.code}").json()["count"] == 2
    assert api.get(f"/cases?unit={county.town_b.code}").json()["count"] == 0
    paged = api.get("/cases?limit=1&offset=1").json()
    assert paged["count"] == 2 and len(paged["items"]) == 1


@pytest.mark.django_db
def test_detail_with_events_deadlines_and_allowed_transitions(county: County) -> None:
    case = receive(county, "D-1")
    body = Api(county, "clerk_a").get(f"/cases/{case.pk}").json()
    assert [e["kind"] for e in body["events"]] == ["收到申请"]
    review = body["deadlines"][0]
    assert review["label"] == "受理审查期限" and review["due"] == "2024-03-11"
    assert review["overdue"] is True and review["basis"].startswith("《行政复议法(2023)》第三十条")
    assert {t["name"] for t in body["transitions"]} == {
        "request_correction",
        "accept",
        "deem_accepted",
        "refuse",
        "withdraw",  # issue 13 item 1: 撤回 before acceptance
    }
    assert "13812345678" not in body["matter_masked"]
    # The 被申请人 side reads the same case and may do nothing with it.
    client = Api(county, "leader_a").get(f"/cases/{case.pk}").json()
    assert client["transitions"] == []


@pytest.mark.django_db
def test_transitions_and_errors(county: County) -> None:
    case = receive(county, "T-1")
    api = Api(county, "clerk_a")
    bad = api.post(f"/cases/{case.pk}/transitions/accept", {"accepted_on": "2024-03-01"})
    assert bad.status_code == 422
    assert "受理日期不能早于收到申请（补正材料）日期（2024年3月4日）" in bad.json()["detail"][0]
    missing = api.post(f"/cases/{case.pk}/transitions/refuse", {"refused_on": "2024-03-08"})
    assert missing.status_code == 422 and missing.json()["detail"][0].startswith("不予受理理由：")
    wrong_state = api.post(f"/cases/{case.pk}/transitions/close", {"closed_on": "2024-04-01"})
    assert wrong_state.status_code == 422
    assert "不能审结" in wrong_state.json()["detail"][0]
    assert api.post(f"/cases/{case.pk}/transitions/nope", {}).status_code == 404
    ok = api.post(
        f"/cases/{case.pk}/transitions/accept",
        {"accepted_on": "2024-03-07", "procedure": "simple"},
    )
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert body["status"] == Status.ACCEPTED and body["procedure"] == "simple"
    assert {d["label"] for d in body["deadlines"]} >= {"审理期限"}
    assert "convert_to_ordinary" in {t["name"] for t in body["transitions"]}
    suspended = api.post(
        f"/cases/{case.pk}/transitions/suspend", {"suspended_on": "2024-03-20", "ground": 6}
    )
    assert suspended.json()["status"] == Status.SUSPENDED
    assert suspended.json()["suspensions"][0]["ground_label"].startswith("（六）")
    leader = Api(county, "leader_a")
    assert leader.post(f"/cases/{case.pk}/transitions/resume", {}).status_code == 403
    assert Api(county, "clerk_b").get(f"/cases/{case.pk}").status_code == 404


@pytest.mark.django_db
def test_create_case(county: County) -> None:
    api = Api(county, "clerk_a")
    created = api.post(
        "/cases",
        {
            "unit": county.town_a.code,
            "received_on": "2024-06-24",
            "act_category": "info_disclosure",
            "respondent": county.village_a.code,
            "applicant_kind": "person",
            "channel": "online",
            "applicant_name": "李四",
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["number"] == "〔2024〕第1号"
    assert created.json()["applicant_name_masked"] == "**"
    refused = api.post(
        "/cases",
        {
            "unit": county.town_b.code,
            "received_on": "2024-06-24",
            "act_category": "penalty",
            "respondent_name": "某局",
            "applicant_kind": "person",
            "channel": "online",
        },
    )
    assert refused.status_code == 422 and refused.json()["detail"][0].startswith("承办机构")
    assert Api(county, "leader_a").post("/cases", {}).status_code == 403


@pytest.mark.django_db
def test_create_and_close_need_an_explicit_choice(county: County) -> None:
    api = Api(county, "clerk_a")
    body = {"unit": county.town_a.code, "received_on": "2024-06-24", "respondent_name": "某局"}
    missing = api.post("/cases", body)
    assert missing.status_code == 422 and missing.json()["detail"][0].startswith("行政行为类别")
    assert not ReconsiderationCase.objects.exists()
    case = svc.case_accept(
        actor=Actor.command_line(), case=receive(county, "C-1"), accepted_on=dt.date(2024, 3, 7)
    )
    closing = api.post(f"/cases/{case.pk}/transitions/close", {"closed_on": "2024-04-15"})
    assert closing.status_code == 422 and closing.json()["detail"][0].startswith("结案方式")
    suspending = api.post(f"/cases/{case.pk}/transitions/suspend", {"suspended_on": "2024-04-01"})
    assert suspending.status_code == 422
    letter = api.post(
        f"/cases/{case.pk}/transitions/letter_issue",
        {"issued_on": "2024-04-12", "served_on": "2024-04-15", "recipient_name": "某局"},
    )
    assert letter.status_code == 422 and letter.json()["detail"][0].startswith("文书类别")
    assert ReconsiderationCase.objects.get(pk=case.pk).status == Status.ACCEPTED


@pytest.mark.django_db
def test_list_search_covers_respondent_and_matter(county: County) -> None:
    receive(county, "Q-1")
    api = Api(county, "clerk_a")
    for term in ("Q-1", "综合行政执法", "申请人电话"):
        items = api.get(f"/cases?q={term}").json()["items"]
        assert [c["number"] for c in items] == ["Q-1"], term
    assert api.get("/cases?q=没有这个").json()["items"] == []


@pytest.mark.django_db
def test_list_count_is_bounded_like_the_list_page(
    county: County, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``count`` is counted up to the list pages' cap (10,000; 3 here): beyond it the count is
    the cap and ``count_capped`` is true; up to it the count is exact."""
    for i in range(5):
        receive(county, f"B-{i}", dt.date(2024, 3, 4 + i))
    api = Api(county, "clerk_a")
    exact = api.get("/cases?limit=2").json()
    assert (exact["count"], exact["count_capped"], len(exact["items"])) == (5, False, 2)

    monkeypatch.setattr(BoundedPaginator, "cap", 3)
    pages = [api.get(f"/cases?limit=2&offset={offset}").json() for offset in (0, 2, 4, 6)]
    assert [(p["count"], p["count_capped"]) for p in pages] == [(3, True)] * 4
    numbers = [c["number"] for p in pages for c in p["items"]]
    assert sorted(numbers) == [f"B-{i}" for i in range(5)]  # paging still reaches every case
    # The list page counts the same way.
    assert "超过 3 条" in county.client("clerk_a").get("/reconsideration/cases/").text
    # Up to the cap the count is exact, also on a page past the end.
    for url, count in (("/cases?q=B-1", 1), ("/cases?q=B-1&offset=5", 1), ("/cases?year=2023", 0)):
        body = api.get(url).json()
        assert (body["count"], body["count_capped"]) == (count, False), url
    monkeypatch.setattr(BoundedPaginator, "cap", 5)
    at_cap = api.get("/cases?limit=2").json()
    assert (at_cap["count"], at_cap["count_capped"]) == (5, False)
