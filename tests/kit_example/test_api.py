"""The example register's generated API (/api/v1/kit-counsel/counsels): list with the list page's
filters, detail with events, deadlines and transitions, 登记 and a transition; scope and roles
as on the screens. Today is 2025-06-30."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from tests.kit_example import installed  # noqa: F401  (skips this module unless installed)
from tests.kit_example.models import Counsel
from tests.personas import County

from fazhi.accounts.services import token_create
from fazhi.orgs.scoping import Actor

API = "/api/v1/kit-counsel/counsels"

pytestmark = pytest.mark.django_db


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


def test_register_read_and_terminate(county: County) -> None:
    clerk = Api(county, "clerk_a")
    body = {
        "unit": county.town_a.code,
        "name": "欧阳明远",
        "kind": "retained",
        "contract_start": "2025-01-01",
        "contract_end": "2026-12-31",
    }
    created = clerk.post("", body)
    assert created.status_code == 201, created.content
    counsel = created.json()
    assert counsel["status"] == "active" and counsel["kind_label"] == "常年法律顾问"
    assert [t["name"] for t in counsel["transitions"]] == ["terminate", "renew"]  # not expire
    assert counsel["deadlines"][0]["state"] == "剩余549日"
    assert [e["kind"] for e in counsel["events"]] == ["聘用"]
    duplicate = clerk.post("", body)
    assert duplicate.status_code == 422
    assert duplicate.json()["detail"] == ["欧阳明远已是白沙镇人民政府的在聘法律顾问"]
    pk = counsel["id"]
    blocked = clerk.post(f"/{pk}/transitions/expire", {})
    assert blocked.status_code == 422
    assert blocked.json()["detail"] == ["聘期至 2026-12-31，尚未届满"]
    done = clerk.post(
        f"/{pk}/transitions/terminate", {"terminated_on": "2025-06-20", "reason": "履职不力"}
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "terminated" and done.json()["transitions"] == []
    detail = clerk.get(f"/{pk}").json()
    assert [(e["kind"], e["on"]) for e in detail["events"]] == [
        ("聘用", "2025-01-01"),
        ("解聘", "2025-06-20"),
    ]
    assert detail["ended_on"] == "2025-06-20"


def test_list_filters_are_the_list_pages(
    county: County, make_counsel: Callable[..., Counsel]
) -> None:
    make_counsel(county.town_a, "欧阳明远", "2024-03-01", "2026-02-28")
    make_counsel(county.village_a, "李思齐", "2025-01-01", "2026-12-31", kind="special")
    make_counsel(county.town_b, "王守仁", "2025-01-01", "2026-12-31")
    clerk = Api(county, "clerk_a")

    def listed(query: str) -> list[str]:
        response = clerk.get(f"?{query}")
        assert response.status_code == 200, response.content
        return [c["name"] for c in response.json()["items"]]

    assert sorted(listed("")) == ["李思齐", "欧阳明远"]
    assert listed("kind=special") == ["李思齐"]
    assert listed("year=2024") == ["欧阳明远"]
    assert listed("status=active&q=欧阳") == ["欧阳明远"]
    assert clerk.get("?limit=1").json()["count"] == 2


def test_scope_and_roles(county: County, make_counsel: Callable[..., Counsel]) -> None:
    counsel = make_counsel(county.town_a, "欧阳明远", "2025-01-01", "2026-12-31")
    assert Api(county, "clerk_b").get(f"/{counsel.pk}").status_code == 404
    reader = Api(county, "leader_a")
    assert reader.get(f"/{counsel.pk}").json()["transitions"] == []
    denied = reader.post(f"/{counsel.pk}/transitions/renew", {"contract_end": "2027-12-31"})
    assert denied.status_code == 403
    outside = Api(county, "clerk_a").post(
        "",
        {
            "unit": county.town_b.code,
            "name": "王守仁",
            "kind": "staff",
            "contract_start": "2025-01-01",
            "contract_end": "2026-12-31",
        },
    )
    assert outside.status_code == 422  # town_b is not offered to clerk_a


def test_the_openapi_schema_lists_the_generated_operations() -> None:
    from fazhi.api import api

    schema = api.get_openapi_schema()
    operations = {
        op["operationId"]
        for url, item in schema["paths"].items()
        if url.startswith("/api/v1/kit-counsel/")
        for op in item.values()
    }
    # One operation per step, each with the body its form declares (issue 14).
    assert operations == {
        "counsels_list",
        "counsels_get",
        "counsels_create",
        "counsels_transition_terminate",
        "counsels_transition_renew",
        "counsels_transition_expire",
    }
