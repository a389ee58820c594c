"""The generated API: 登记 (201, 422 naming the field), a step with the form's validation, the
list's filters (displayed status, warnings) and the 清理 endpoints."""

from __future__ import annotations

import json

import pytest
from tests.normative_docs.conftest import Api, on, walk
from tests.personas import County

from fazhi.normative_docs.models import Document, Status

pytestmark = pytest.mark.django_db


def test_register_step_and_errors(county: County) -> None:
    with on("2025-06-30"):
        api = Api(county, "clerk_a")
        made = api.post(
            "", {"unit": county.town_a.code, "title": "白沙镇暂行办法", "drafted_on": "2025-06-02"}
        )
        assert made.status_code == 201, made.content
        pk = made.json()["id"]
        assert made.json()["status"] == "drafting"
        outside = api.post(
            "", {"unit": county.town_b.code, "title": "x", "drafted_on": "2025-06-02"}
        )
        assert outside.status_code == 422
        short = api.post(
            f"/{pk}/transitions/consult",
            {"consult_start": "2025-06-03", "consult_end": "2025-06-10"},
        )
        assert short.status_code == 422
        assert "期限更短的须说明理由" in str(short.json()["detail"])
        ok = api.post(
            f"/{pk}/transitions/consult",
            {"consult_start": "2025-06-03", "consult_end": "2025-07-04"},
        )
        assert ok.status_code == 200, ok.content
        assert api.get("/999999").status_code == 404
    assert Document.objects.get(pk=pk).status == Status.CONSULTING


def test_list_filters_and_cleanup_endpoints(county: County) -> None:
    with on("2025-06-30"):
        walk(county.town_a, "白沙镇甲办法")
        walk(county.town_a, "白沙镇乙办法", until="reviewing")
        api = Api(county, "clerk_a")
        assert [d["title"] for d in api.get("?status=in_force").json()["items"]] == ["白沙镇甲办法"]
        assert [d["title"] for d in api.get("?status=reviewing").json()["items"]] == [
            "白沙镇乙办法"
        ]
        assert [d["title"] for d in api.get("?warning=unfiled").json()["items"]] == ["白沙镇甲办法"]
        made = api.client.post(
            "/api/v1/normative/cleanups",
            json.dumps({"unit": county.town_a.code, "name": "清理", "held_on": "2025-06-01"}),
            content_type="application/json",
            headers=api.headers,
        )
        assert made.status_code == 201, made.content
        detail = api.client.get(
            f"/api/v1/normative/cleanups/{made.json()['id']}", headers=api.headers
        ).json()
    assert [i["title"] for i in detail["items"]] == ["白沙镇甲办法"]
    assert [t["name"] for t in detail["transitions"]] == ["decide"]
