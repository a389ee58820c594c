"""The generated API under /api/v1/counsel/: roster (登记, detail with participations, list
with filters, transitions; the phone masked) and participations; 403/404/422. Today 2025-06-30."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from tests.counsel.conftest import MakeCounsel, MakeParticipation
from tests.counsel.records import review
from tests.personas import County

from fazhi.accounts.services import token_create
from fazhi.counsel.counting import participations_refresh
from fazhi.orgs.scoping import Actor

ROSTER = "/api/v1/counsel/roster"
PARTS = "/api/v1/counsel/participations"

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, county: County, persona: str) -> None:
        _, raw = token_create(
            actor=Actor.command_line(), membership=county.memberships[persona], name="测试"
        )
        self.client, self.headers = Client(), {"Authorization": f"Bearer {raw}"}

    def get(self, url: str) -> Any:
        return self.client.get(url, headers=self.headers)

    def post(self, url: str, body: dict[str, Any]) -> Any:
        return self.client.post(
            url, json.dumps(body), content_type="application/json", headers=self.headers
        )


BODY = {
    "kind": "retained",
    "name": "欧阳明远",
    "firm": "湘江律师事务所",
    "contract_start": "2025-01-01",
    "contract_end": "2026-12-31",
    "fee": 50000,
    "phone": "13812345678",
}


def test_register_detail_list_and_transitions(county: County) -> None:
    clerk = Api(county, "clerk_a")
    created = clerk.post(ROSTER, {**BODY, "unit": county.town_a.code})
    assert created.status_code == 201, created.content
    counsel = created.json()
    assert (counsel["kind_label"], counsel["status"], counsel["fee"]) == (
        "常年法律顾问",
        "active",
        50000,
    )
    assert counsel["phone"] == "138****5678"
    assert "13812345678" not in created.content.decode()
    assert [t["name"] for t in counsel["transitions"]] == ["terminate", "renew"]
    assert counsel["participations"] == []
    pk = counsel["id"]
    duplicate = clerk.post(ROSTER, {**BODY, "unit": county.town_a.code})
    assert duplicate.status_code == 422
    assert duplicate.json()["detail"] == ["欧阳明远已是白沙镇人民政府的在聘法律顾问"]
    outside = clerk.post(ROSTER, {**BODY, "unit": county.town_b.code})
    assert outside.status_code == 422
    no_firm = clerk.post(ROSTER, {**BODY, "name": "李思齐", "firm": "", "unit": county.town_a.code})
    assert (no_firm.status_code, no_firm.json()["detail"]) == (422, ["请填写律师事务所"])

    listed = clerk.get(f"{ROSTER}?status=active&kind=retained")
    assert [i["id"] for i in listed.json()["items"]] == [pk]
    assert clerk.get(f"{ROSTER}?status=expired").json()["items"] == []
    assert Api(county, "clerk_b").get(f"{ROSTER}/{pk}").status_code == 404
    assert clerk.get(f"{ROSTER}/999999").status_code == 404
    assert Api(county, "auditor").get(ROSTER).status_code == 403
    assert (
        Api(county, "leader_a").post(ROSTER, {**BODY, "unit": county.town_a.code}).status_code
        == 403
    )

    part = clerk.post(
        PARTS,
        {"counsel": pk, "on": "2025-03-02", "kind": "contract", "subject": "审查物业服务合同"},
    )
    assert part.status_code == 201, part.content
    assert part.json()["source"] == "typed"
    counted = clerk.post(
        PARTS, {"counsel": pk, "on": "2025-03-02", "kind": "legality", "subject": "x"}
    )
    assert counted.status_code == 422
    review(county.town_a, "2025-04-01", [{"name": "欧阳明远", "kind": "counsel"}], title="某办法")
    participations_refresh()
    detail = clerk.get(f"{ROSTER}/{pk}").json()
    assert [(p["kind"], p["source"]) for p in detail["participations"]] == [
        ("legality", "legality"),
        ("contract", "typed"),
    ]
    assert detail["participations"][0]["source_url"].startswith("/legality/")

    done = clerk.post(
        f"{ROSTER}/{pk}/transitions/terminate", {"terminated_on": "2025-06-01", "reason": "调离"}
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "terminated"
    again = clerk.post(f"{ROSTER}/{pk}/transitions/renew", {"contract_end": "2027-12-31"})
    assert again.status_code == 422


def test_participation_list_scope(
    county: County, make_counsel: MakeCounsel, make_participation: MakeParticipation
) -> None:
    a = make_counsel(county.town_a, "欧阳明远", "2025-01-01", "2025-12-31")
    b = make_counsel(county.town_b, "李思齐", "2025-01-01", "2025-12-31")
    make_participation(a, "2025-03-02", "contract", "甲合同")
    make_participation(b, "2025-03-02", "petition", "乙信访")
    items = Api(county, "clerk_a").get(PARTS).json()["items"]
    assert [i["subject"] for i in items] == ["甲合同"]
    items = Api(county, "coordinator").get(f"{PARTS}?kind=petition").json()["items"]
    assert [i["subject"] for i in items] == ["乙信访"]
    other = Api(county, "clerk_b").post(
        PARTS, {"counsel": a.pk, "on": "2025-03-02", "kind": "contract", "subject": "x"}
    )
    assert other.status_code == 422  # not among the counsels the form offers
