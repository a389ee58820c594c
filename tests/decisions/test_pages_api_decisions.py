"""重大行政决策 screens and API: navigation, list (filters, query-count guard), detail with the
checklist and the grey 提请集体讨论 button with the gate's reason, the step pages, evidence
upload and the audited download, the 目录 pages, and the REST API (登记, detail, list, steps,
403/404/422). Time frozen at 2025-12-31."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from tests.decisions.conftest import conclude, fresh, in_review, register
from tests.personas import County
from tests.registers.matrix import api_client

from fazhi.core.models import AuditEntry
from fazhi.decisions import services as svc
from fazhi.decisions.models import Decision, ProcedureFile, Status

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def test_navigation_entry_is_live(county: County) -> None:
    page = county.client("coordinator").get("/").content.decode()
    assert 'href="/decisions/decisions/"' in page


def test_list_filters_and_query_count(county: County, django_assert_max_num_queries: Any) -> None:
    client = county.client("coordinator")
    register(county, title="甲决策")
    with django_assert_max_num_queries(30) as first:
        client.get("/decisions/decisions/")
    for n in range(6):
        in_review(county, title=f"乙决策{n}") if n < 2 else register(county, title=f"丙决策{n}")
    with django_assert_max_num_queries(len(first.captured_queries)):
        page = client.get("/decisions/decisions/").content.decode()
    assert "乙决策1" in page and "丙决策5" in page
    filtered = client.get("/decisions/decisions/?status=review").content.decode()
    assert "乙决策0" in filtered and "甲决策" not in filtered
    incomplete = client.get("/decisions/decisions/?complete=no").content.decode()
    assert "乙决策0" in incomplete and "<td>否</td>" in incomplete
    assert "乙决策0" not in client.get("/decisions/decisions/?complete=yes").content.decode()
    searched = client.get("/decisions/decisions/?q=丙决策").content.decode()
    assert "丙决策4" in searched and "乙决策0" not in searched


def test_detail_greys_out_the_discussion_until_the_review_is_lawful(county: County) -> None:
    decision = in_review(county)
    client = county.client("coordinator")
    url = f"/decisions/decisions/{decision.pk}/"
    page = client.get(url).content.decode()
    review = fresh(decision).legality_review
    assert review is not None
    assert f"合法性审查尚未完成（审查编号 {review.number}" in page
    assert "法定程序" in page and "第二十五条至第二十八条" in page
    refused = client.post(f"{url}propose/", {"proposed_on": "2025-04-23"})
    assert refused.status_code in (200, 302)
    assert fresh(decision).status == Status.REVIEW
    assert '<button type="button" disabled aria-describedby' in page
    client.get(url)  # the refusal's message shown once
    conclude(county, review)
    page = client.get(url).content.decode()
    assert "合法性审查尚未完成" not in page
    assert f'href="{url}propose/"' in page
    done = client.post(f"{url}propose/", {"proposed_on": "2025-04-23"})
    assert done.status_code == 302
    assert fresh(decision).status == Status.DISCUSSION


def test_step_page_shows_the_field_error(county: County) -> None:
    decision = register(county)
    client = county.client("coordinator")
    base = f"/decisions/decisions/{decision.pk}"
    client.post(f"{base}/start/", {"started_on": "2025-02-20"})
    response = client.post(
        f"{base}/participate/",
        {
            "methods": "座谈会",
            "started_on": "2025-03-03",
            "ended_on": "2025-03-10",
            "shortened_reason": "",
            "adoption": "",
        },
    )
    assert response.status_code == 200
    assert "截止日期应不早于2025-04-02" in response.content.decode()


def test_create_page(county: County) -> None:
    client = county.client("clerk_a")
    response = client.post(
        "/decisions/decisions/new/",
        {
            "unit": county.town_a.code,
            "lead_unit": county.town_a.code,
            "title": "白沙镇决策",
            "category": "policy",
            "proposer": "leader",
            "listed_on": "2025-03-01",
            "exploratory": "False",
            "legal_risk": "",
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Decision.objects.get(title="白沙镇决策")
    assert created.unit == county.town_a and created.procedures.count() == 11


def test_evidence_upload_and_audited_download(county: County, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    decision = register(county)
    row = decision.procedures.get(kind_id="expert")
    client = county.client("coordinator")
    bad = client.post(
        f"/decisions/evidence/{row.pk}/upload/",
        {"file": SimpleUploadedFile("x.exe", b"MZ")},
        follow=True,
    )
    assert "只能上传" in bad.content.decode()
    client.post(
        f"/decisions/evidence/{row.pk}/upload/",
        {"file": SimpleUploadedFile("专家论证意见.pdf", b"%PDF-1.4 test")},
    )
    evidence = ProcedureFile.objects.get()
    assert evidence.procedure == row and evidence.size == 13
    assert "专家论证意见.pdf" in client.get(f"/decisions/decisions/{decision.pk}/").content.decode()
    got = client.get(f"/decisions/evidence/{evidence.pk}/")
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF-1.4 test"
    assert AuditEntry.objects.filter(action="decisions.evidence_download").count() == 1
    assert county.client("clerk_b").get(f"/decisions/evidence/{evidence.pk}/").status_code == 404
    denied = county.client("clerk_b").post(
        f"/decisions/evidence/{row.pk}/upload/", {"file": SimpleUploadedFile("a.pdf", b"x")}
    )
    assert denied.status_code == 404
    assert (
        county.client("leader")
        .post(f"/decisions/evidence/{row.pk}/upload/", {"file": SimpleUploadedFile("a.pdf", b"x")})
        .status_code
        == 403
    )


def test_catalogue_pages(county: County) -> None:
    client = county.client("coordinator")
    response = client.post(
        "/decisions/catalogues/new/",
        {
            "unit": county.root.code,
            "year": "2025",
            "title": "湘江县2025年度重大行政决策事项目录",
            "drawn_up_on": "2025-01-06",
            "adjustment_reason": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    page = client.get("/decisions/catalogues/").content.decode()
    assert "湘江县2025年度重大行政决策事项目录" in page and "待公布" in page


# --- API -------------------------------------------------------------------------------------
def post(client: Client, headers: dict[str, str], url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def test_api_create_steps_and_errors(county: County) -> None:
    client, headers = api_client(county, "coordinator")
    base = "/api/v1/decisions/decisions"
    created = post(
        client,
        headers,
        base,
        {
            "unit": county.root.code,
            "lead_unit": county.dept.code,
            "title": "接口决策",
            "category": "plan",
            "proposer": "leader",
            "listed_on": "2025-02-10",
        },
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    bad = post(
        client,
        headers,
        base,
        {
            "unit": county.root.code,
            "lead_unit": county.dept.code,
            "title": "x",
            "category": "nope",
            "proposer": "leader",
            "listed_on": "2025-02-10",
        },
    )
    assert bad.status_code == 422 and "category" in bad.content.decode()
    assert (
        post(
            client, headers, f"{base}/{pk}/transitions/start", {"started_on": "2025-02-20"}
        ).status_code
        == 200
    )
    na = post(
        client,
        headers,
        f"{base}/{pk}/transitions/not_applicable",
        {"kind": "legality", "reason": "x"},
    )
    assert na.status_code == 422
    assert "合法性审查是必经程序" in json.dumps(na.json(), ensure_ascii=False)
    detail = client.get(f"{base}/{pk}", headers=headers).json()
    assert detail["status"] == "drafting"
    assert [p["kind"] for p in detail["procedures"]][:3] == ["participation", "hearing", "expert"]
    offered = {t["name"] for t in detail["transitions"]}
    assert "participate" in offered and "submit_review" not in offered  # blocked by its rule
    listed = client.get(f"{base}?status=drafting", headers=headers).json()
    assert [x["title"] for x in listed["items"]] == ["接口决策"]
    assert client.get(f"{base}/999999", headers=headers).status_code == 404
    reader, reader_headers = api_client(county, "leader")
    assert (
        post(
            reader,
            reader_headers,
            f"{base}/{pk}/transitions/terminate",
            {"ended_on": "2025-03-01", "reason": "x"},
        ).status_code
        == 403
    )
    cat = post(
        client,
        headers,
        "/api/v1/decisions/catalogues",
        {"unit": county.root.code, "year": 2025, "title": "目录", "drawn_up_on": "2025-01-06"},
    )
    assert cat.status_code == 201, cat.content
    published = post(
        client,
        headers,
        f"/api/v1/decisions/catalogues/{cat.json()['id']}/transitions/publish",
        {"party_approved_on": "2025-01-20", "published_on": "2025-01-25"},
    )
    assert published.status_code == 200 and published.json()["status"] == "published"


def test_api_lawful_gate(county: County) -> None:
    decision = in_review(county)
    client, headers = api_client(county, "coordinator")
    url = f"/api/v1/decisions/decisions/{decision.pk}/transitions/propose"
    refused = post(client, headers, url, {"proposed_on": "2025-04-23"})
    assert refused.status_code == 422
    assert "不能提交集体讨论" in json.dumps(refused.json(), ensure_ascii=False)
    conclude(county, fresh(decision).legality_review)
    assert post(client, headers, url, {"proposed_on": "2025-04-23"}).status_code == 200
    svc  # noqa: B018
