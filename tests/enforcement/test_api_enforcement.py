"""The REST API of the 执法人员 and 执法主体 registers: 登记, detail (ID number masked), list
filters, transitions with their refusals, and the error codes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.personas import County
from tests.registers.matrix import api_client

from fazhi.enforcement.models import CertStatus, Officer

from .conftest import MakeOfficer, MakeSubject

pytestmark = pytest.mark.django_db
BASE = "/api/v1/enforcement"


def post(client: Any, headers: dict[str, str], url: str, body: object) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def test_register_then_the_whole_cycle(county: County, make_subject: MakeSubject) -> None:
    subject = make_subject()
    api, headers = api_client(county, "clerk_a")
    created = post(
        api,
        headers,
        f"{BASE}/officers",
        {
            "unit": county.town_a.code,
            "subject": subject.pk,
            "name": "接口人员",
            "id_number": "430199199001011237",
            "categories": "penalty、行政检查",
            "applied_on": "2026-05-04",
        },
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    detail = api.get(f"{BASE}/officers/{pk}", headers=headers).json()
    assert detail["id_number"] != "430199199001011237" and "*" in detail["id_number"]
    assert detail["categories"] == ["penalty", "inspection"]
    assert {t["name"] for t in detail["transitions"]} >= {"qualify", "cancel"}
    steps = [
        ("qualify", {"qualified_on": "2026-05-06"}),
        ("exam_pass", {"exam_on": "2026-06-01"}),
        ("issue", {"cert_number": "API-1", "issued_on": "2026-06-10"}),
    ]
    for name, body in steps:
        response = post(api, headers, f"{BASE}/officers/{pk}/transitions/{name}", body)
        assert response.status_code == 200, response.content
    officer = Officer.objects.get(pk=pk)
    assert officer.status == CertStatus.ISSUED and str(officer.cert_expires_on) == "2031-06-09"
    # registration refused: the hours are short (the reason in Chinese)
    refused = post(
        api,
        headers,
        f"{BASE}/officers/{pk}/transitions/register_year",
        {"registered_on": "2026-06-30"},
    )
    assert refused.status_code == 422 and "不予年度注册" in json.dumps(
        refused.json(), ensure_ascii=False
    )


def test_list_filters_and_errors(county: County, make_officer: MakeOfficer) -> None:
    make_officer(name="过期在岗", issued="2021-06-30")
    make_officer(name="有效", issued="2025-06-30")
    other = make_officer(county.town_b, name="黄金", issued="2025-06-30")
    api, headers = api_client(county, "clerk_a")
    rows = api.get(f"{BASE}/officers?warning=on_duty", headers=headers).json()["items"]
    assert [(r["name"], r["warning"]) for r in rows] == [("过期在岗", "已过期仍在执法岗位")]
    assert api.get(f"{BASE}/officers/{other.pk}", headers=headers).status_code == 404
    assert api.get(f"{BASE}/officers/999999", headers=headers).status_code == 404
    bad = post(
        api,
        headers,
        f"{BASE}/officers",
        {"unit": county.town_b.code, "name": "越界", "applied_on": "2026-06-01"},
    )
    assert bad.status_code == 422
    missing = post(
        api, headers, f"{BASE}/officers", {"unit": county.town_a.code, "applied_on": "2026-06-01"}
    )
    assert missing.status_code == 422 and "name" in json.dumps(missing.json(), ensure_ascii=False)
    not_json = api.post(f"{BASE}/officers", "[1]", content_type="application/json", headers=headers)
    assert not_json.status_code in (400, 422)
    reader, reader_headers = api_client(county, "leader_a")
    assert (
        post(
            reader,
            reader_headers,
            f"{BASE}/officers",
            {"unit": county.town_a.code, "name": "x", "applied_on": "2026-06-01"},
        ).status_code
        == 403
    )


def test_subject_and_its_duties(county: County) -> None:
    api, headers = api_client(county, "clerk_a")
    created = post(
        api,
        headers,
        f"{BASE}/subjects",
        {
            "unit": county.town_a.code,
            "name": "白沙镇综合执法队",
            "kind": "entrusted",
            "categories": "行政处罚",
        },
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    added = post(
        api,
        headers,
        f"{BASE}/subjects/{pk}/transitions/duty_add",
        {"name": "占道经营处罚", "category": "penalty", "basis": "城市市容和环境卫生管理条例"},
    )
    assert added.status_code == 200, added.content
    detail = api.get(f"{BASE}/subjects/{pk}", headers=headers).json()
    assert [(x["name"], x["category"]) for x in detail["duties"]] == [("占道经营处罚", "penalty")]
    assert detail["kind_label"] == "受委托组织"
