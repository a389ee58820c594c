"""The generated API of the 人民调解 registers: create, detail, list with filters, a
transition, 403/404/422, personal data masked."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from tests.mediation.conftest import MakeCase, MakeCommittee, d
from tests.personas import County

from fazhi.accounts.services import token_create
from fazhi.mediation import services as svc
from fazhi.orgs.scoping import Actor

pytestmark = pytest.mark.django_db
API = "/api/v1/mediation"


class Api:
    def __init__(self, county: County, persona: str) -> None:
        _, raw = token_create(
            actor=Actor.command_line(), membership=county.memberships[persona], name="测试"
        )
        self.client, self.headers = Client(), {"Authorization": f"Bearer {raw}"}

    def get(self, url: str) -> Any:
        return self.client.get(API + url, headers=self.headers)

    def post(self, url: str, body: dict[str, Any]) -> Any:
        return self.client.post(
            API + url, json.dumps(body), content_type="application/json", headers=self.headers
        )


def test_case_create_detail_list_transition(county: County, make_committee: MakeCommittee) -> None:
    committee = make_committee()
    clerk = Api(county, "clerk_a")
    body = {
        "committee": committee.pk,
        "received_on": "2026-06-01",
        "source": "court",
        "dispute_type": "labour",
        "applicant_name": "张三丰",
        "respondent_name": "李四光",
        "applicant_phone": "13812345678",
    }
    created = clerk.post("/cases", body)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["applicant_name_masked"] == "***" and "张三丰" not in created.content.decode()
    assert data["dispute_type_name"] == "劳动争议"
    case_id = data["id"]
    detail = clerk.get(f"/cases/{case_id}")
    assert detail.status_code == 200
    names = {t["name"] for t in detail.json()["transitions"]}
    assert {"succeed", "fail", "terminate", "report_police"} <= names
    assert [c["number"] for c in clerk.get("/cases?type=labour").json()["items"]] == [
        data["number"]
    ]
    assert clerk.get("/cases?type=marriage").json()["items"] == []
    bad = clerk.post(f"/cases/{case_id}/transitions/fail", {"failed_on": "2026-06-02"})
    assert bad.status_code == 422 and "途径" in str(bad.json())
    done = clerk.post(
        f"/cases/{case_id}/transitions/succeed",
        {"agreement_kind": "written", "agreement_on": "2026-06-10", "terms": "x"},
    )
    assert done.status_code == 200, done.content
    assert done.json()["confirmation_due"] == "2026-07-10"
    assert Api(county, "clerk_b").get(f"/cases/{case_id}").status_code == 404
    assert (
        Api(county, "leader_a")
        .post(
            f"/cases/{case_id}/transitions/perform",
            {"performance": "performed", "recorded_on": "2026-06-20"},
        )
        .status_code
        == 403
    )
    assert clerk.get("/cases/999999").status_code == 404
    assert clerk.post("/cases", {**body, "received_on": "2026-13-01"}).status_code == 422


def test_committees_and_mediators(
    county: County, make_committee: MakeCommittee, make_case: MakeCase
) -> None:
    clerk = Api(county, "clerk_a")
    created = clerk.post(
        "/committees",
        {
            "unit": county.town_a.code,
            "name": "甲调委会",
            "kind": "village",
            "director": "刘",
            "members": 5,
            "term_start": "2023-01-01",
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["term_end"] == "2025-12-31"
    cid = created.json()["id"]
    bad = clerk.post(
        "/committees",
        {
            "unit": county.town_a.code,
            "name": "乙",
            "kind": "village",
            "director": "刘",
            "members": 10,
            "term_start": "2023-01-01",
        },
    )
    assert bad.status_code == 422 and "3至9人" in str(bad.json())
    renewed = clerk.post(
        f"/committees/{cid}/transitions/renew",
        {"term_start": "2026-01-01", "director": "王", "members": 7},
    )
    assert renewed.status_code == 200 and renewed.json()["term_end"] == "2028-12-31"
    m = clerk.post(
        "/mediators",
        {
            "committee": cid,
            "name": "王调解",
            "kind": "part",
            "phone": "13987654321",
            "joined_on": "2024-01-01",
        },
    )
    assert m.status_code == 201, m.content
    assert m.json()["phone_masked"] == "139****4321"
    assert Api(county, "clerk_b").get(f"/mediators/{m.json()['id']}").status_code == 404
    assert Api(county, "clerk_b").post(
        "/committees",
        {
            "unit": county.town_a.code,
            "name": "丙",
            "kind": "village",
            "director": "刘",
            "members": 5,
            "term_start": "2023-01-01",
        },
    ).status_code in (403, 422)


def test_late_application_is_422_on_applied_on(
    county: County, make_committee: MakeCommittee, make_case: MakeCase
) -> None:
    """Months after the period (today 2026-06-30, due 2026-02-04): a date one day late is
    refused (422) naming the field and the due date; the due date itself is accepted."""
    case = make_case(make_committee(), received_on=d("2026-01-02"))
    svc.case_succeed(
        actor=Actor.command_line(),
        case=case,
        agreement_kind="written",
        agreement_on=d("2026-01-05"),
        terms="赔偿",
    )
    clerk = Api(county, "clerk_a")
    url = f"/cases/{case.pk}/transitions/apply_confirmation"
    late = clerk.post(url, {"applied_on": "2026-02-05", "court": "湘江县人民法院"})
    assert late.status_code == 422
    # the transition API reports messages only; the message names the field (申请司法确认日期)
    assert late.json() == {
        "detail": [
            "申请司法确认日期（2026年2月5日）已超过申请司法确认的期限（2026年2月4日）："
            "应自调解协议生效之日起三十日内申请（人民调解法第三十三条），逾期的申请不予登记"
        ]
    }
    timely = clerk.post(url, {"applied_on": "2026-02-04", "court": "湘江县人民法院"})
    assert timely.status_code == 200, timely.content
    assert timely.json()["confirmation_applied_on"] == "2026-02-04"
