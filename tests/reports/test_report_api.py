"""The read-only reports API: scoped like the screens, figures with their provenance."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from tests.reports.conftest import Data

from fazhi.accounts.services import token_create
from fazhi.orgs.scoping import Actor
from fazhi.reports.services import report_create

pytestmark = pytest.mark.django_db


def headers(data: Data, persona: str) -> dict[str, str]:
    membership = data.county.memberships[persona]
    _, raw = token_create(actor=Actor.command_line(), membership=membership, name="测试")
    return {"Authorization": f"Bearer {raw}"}


def test_list_and_detail_scoped(data: Data, frozen: Any) -> None:
    county = data.county
    report = report_create(actor=county.actor("coordinator"), unit=county.dept, year=2025)
    client = Client()
    listed = client.get("/api/v1/reports/?year=2025", headers=headers(data, "dept_clerk")).json()
    assert [r["title"] for r in listed] == ["湘江县司法局2025年法治政府建设年度报告"]
    assert listed[0]["state_label"] == "起草中"
    other = client.get("/api/v1/reports/", headers=headers(data, "clerk_a")).json()
    assert other == []
    assert (
        client.get(f"/api/v1/reports/{report.pk}", headers=headers(data, "clerk_a")).status_code
        == 404
    )
    detail = client.get(f"/api/v1/reports/{report.pk}", headers=headers(data, "dept_clerk")).json()
    assert [p["number"] for p in detail["parts"]] == [1, 2, 3, 4, 5]
    assert "全年收到行政复议申请4件" in detail["parts"][0]["text"]
    received = next(f for f in detail["figures"] if f["code"] == "reconsideration.received")
    assert received["display"] == "4件" and received["version"] == 2020
    assert received["drill_url"].startswith("/metrics/reconsideration.received/drill/")
    assert any("待填写的提示" in i for i in detail["issues"])
    assert client.get("/api/v1/reports/").status_code == 401


def test_check_any_text(data: Data) -> None:
    text = "某县2024年法治政府建设年度报告\n一、主要举措和成效\n全年行政应诉案件8件，败诉1件。"
    response = Client().post(
        "/api/v1/reports/check",
        json.dumps({"text": text}),
        content_type="application/json",
        headers=headers(data, "clerk_a"),
    )
    result = response.json()
    assert result["year"] == 2024
    assert [(f["value"], f["unit"], f["metric_code"]) for f in result["figures"]] == [
        ("8", "件", "litigation.cases"),
        ("1", "件", "litigation.losses"),
    ]
