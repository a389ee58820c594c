"""执法数据 pages, API, upload job, metrics (oracle) and the permission matrix."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django import DjangoAssertNumQueries
from tests.registers.matrix import FORBIDDEN, api_client, check_list_scope

from fazhi.core.models import AuditEntry
from fazhi.enforcement.models import Subject
from fazhi.enforcement_data.ingest import ingest_rows
from fazhi.enforcement_data.models import Record
from fazhi.jobs.models import Job
from fazhi.metrics.facts import facts_check
from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import metric_value
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor

from .conftest import ACME, BETA, Setup, WriteCsv, numbered

pytestmark = pytest.mark.django_db
LIST = "/enforcement-data/records/"
API = "/api/v1/enforcement-data/records"


def api_row(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "unit": "430199001",
        "subject": "湘江县司法局",
        "kind": "penalty",
        "case_number": "湘司罚〔2026〕1号",
        "decided_on": "2026-06-01",
        "amount": 2000,
        "officers": "A0001、A0002",
        "published_on": "2026-06-03",
        "enterprise": True,
        "credit_code": ACME,
    }
    base.update(kw)
    return base


def load(actor: Actor, rows: list[dict[str, Any]]) -> None:
    result = ingest_rows(actor=actor, rows=list(enumerate(rows, start=1)))
    assert result.ok, result.errors


@pytest.fixture
def made(setup: Setup) -> dict[str, Record]:
    """One record per unit: 司法局 (D), 白沙镇 (A), 黄金乡 (B)."""
    county = setup.county
    town_b = Subject.objects.create(unit=county.town_b, name="黄金乡人民政府", categories=[])
    from .conftest import _officer

    _officer(town_b, "黄金己", "C0001", dt.date(2030, 1, 1))
    cli = Actor.command_line()
    load(cli, [api_row(case_number="D-1")])
    load(
        cli,
        [
            api_row(
                unit="430199101",
                subject="白沙镇人民政府",
                case_number="A-1",
                officers="B0001",
                kind="inspection",
                amount=0,
                credit_code=BETA,
            )
        ],
    )
    load(
        cli,
        [
            api_row(
                unit="430199102",
                subject="黄金乡人民政府",
                case_number="B-1",
                officers="C0001",
                kind="license",
                enterprise=False,
                credit_code="",
            )
        ],
    )
    return {r.case_number: r for r in Record.objects.all()}


MATRIX: dict[str, set[str] | None] = {
    "sysadmin": {"D-1", "A-1", "B-1"},
    "secadmin": FORBIDDEN,
    "auditor": FORBIDDEN,
    "coordinator": {"D-1", "A-1", "B-1"},
    "leader": {"D-1", "A-1", "B-1"},
    "reviewer": {"D-1"},
    "dept_clerk": {"D-1"},
    "clerk_a": {"A-1"},
    "clerk_b": {"B-1"},
    "leader_a": {"A-1"},
    "reviewer_a": {"A-1"},
    "coordinator_a": {"A-1"},
}


@pytest.mark.parametrize("persona", sorted(MATRIX))
def test_permission_matrix(setup: Setup, made: dict[str, Record], persona: str) -> None:
    county = setup.county
    visible = MATRIX[persona]
    check_list_scope(
        county, persona, page=LIST, api=API, records=made, visible=visible, field="case_number"
    )
    client = county.client(persona)
    for key, record in made.items():
        status = client.get(f"{LIST}{record.pk}/").status_code
        expected = 403 if visible is FORBIDDEN else (200 if key in visible else 404)
        assert status == expected, key
    upload = client.get(f"{LIST[:-8]}upload/").status_code
    can_write = persona in {"coordinator", "dept_clerk", "clerk_a", "clerk_b", "coordinator_a"}
    assert upload == (200 if can_write else 403)
    web, headers = api_client(county, persona)
    posted = web.post(
        f"{API}/batch",
        json.dumps({"records": [api_row(case_number=f"N-{persona}")]}),
        content_type="application/json",
        headers=headers,
    )
    if not can_write:
        assert posted.status_code == 403
    elif persona in {"coordinator", "dept_clerk"}:
        assert posted.status_code == 201, posted.content
    else:  # a 白沙镇/黄金乡 token cannot write the 司法局's records
        assert posted.status_code == 422
        assert "430199001 不存在或不在本单位及下级单位范围内" in posted.json()["detail"][0]


def test_list_filters_search_detail_and_nav(setup: Setup, made: dict[str, Record]) -> None:
    client = setup.county.client("coordinator")
    home = client.get(LIST).content.decode()
    assert 'href="/enforcement-data/records/"' in home and "执法数据" in home
    assert "上传执法数据" in home

    def shown(query: str) -> set[str]:
        text = client.get(f"{LIST}?{query}").content.decode()
        return {k for k in made if k in text}

    assert shown("kind=inspection") == {"A-1"}
    assert shown("year=2026") == {"D-1", "A-1", "B-1"}
    assert shown("year=2025") == set()
    assert shown("unit=430199101") == {"A-1"}
    assert shown("subject=湘江县司法局") == {"D-1"}
    assert shown("enterprise=0") == {"B-1"}
    assert shown("legal_review=1") == set()
    assert shown("on_time=1") == {"D-1", "B-1"}
    assert shown("on_time=pending") == set()
    assert shown(f"q={BETA}") == {"A-1"}
    assert shown("q=B-1") == {"B-1"}
    detail = client.get(f"{LIST}{made['D-1'].pk}/").content.decode()
    for text in ("湘江县司法局", "A0001、A0002", "2026-06-10", ACME, "按时"):
        assert text in detail, text


def test_list_query_count_does_not_grow(
    setup: Setup, made: dict[str, Record], django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    load(Actor.command_line(), [api_row(case_number=f"X-{i}") for i in range(40)])
    client = setup.county.client("coordinator")
    client.get(LIST)
    with django_assert_max_num_queries(12):
        assert client.get(LIST).status_code == 200
    with django_assert_max_num_queries(12):
        url = f"{LIST}?page=2&unit=430199001&year=2026&kind=penalty&enterprise=1&on_time=1"
        assert client.get(url).status_code == 200


def test_export_is_audited(setup: Setup, made: dict[str, Record]) -> None:
    client = setup.county.client("dept_clerk")
    response = client.get(f"{LIST}export.xlsx?year=2026")
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(action="enforcement_data.export").latest("pk")
    assert entry.after["count"] == 1


def test_api_batch_scoping_and_reading(setup: Setup, made: dict[str, Record]) -> None:
    county = setup.county
    web, headers = api_client(county, "dept_clerk")
    # all-or-nothing with the row named
    bad = [api_row(case_number="N1"), api_row(case_number="N2", decided_on="2026-02-30")]
    answer = web.post(
        f"{API}/batch",
        json.dumps({"records": bad}),
        content_type="application/json",
        headers=headers,
    )
    assert answer.status_code == 422
    assert answer.json()["detail"] == ["第2条【决定日期】日期格式应为 2026-03-01"]
    assert not Record.objects.filter(case_number="N1").exists()
    # skip_bad
    answer = web.post(
        f"{API}/batch",
        json.dumps({"records": bad, "skip_bad": True}),
        content_type="application/json",
        headers=headers,
    )
    assert answer.status_code == 201
    body = answer.json()
    assert body["loaded"] == 1 and body["rejected"] == 1
    assert body["rejected_rows"][0]["index"] == 2
    # reading: own records only; another unit's record is not found
    listing = web.get(f"{API}?kind=penalty", headers=headers).json()
    assert {r["case_number"] for r in listing["items"]} == {"D-1", "N1"}
    assert web.get(f"{API}/{made['A-1'].pk}", headers=headers).status_code == 404
    assert web.get(f"{API}?unit=430199101", headers=headers).json()["items"] == []
    found = web.get(f"{API}?credit_code={ACME}", headers=headers).json()["items"]
    assert {r["case_number"] for r in found} == {"D-1", "N1"}
    # limits and shape
    for shape in ({"x": 1}, {"records": []}, [api_row()], {"records": [{**api_row(), "y": 1}]}):
        answer = web.post(
            f"{API}/batch", json.dumps(shape), content_type="application/json", headers=headers
        )
        assert answer.status_code in (400, 422), shape  # the body declared in the OpenAPI
        assert not Record.objects.filter(case_number="湘司罚〔2026〕1号").exists()
    many = [api_row(case_number=str(i)) for i in range(1001)]
    answer = web.post(
        f"{API}/batch",
        json.dumps({"records": many}),
        content_type="application/json",
        headers=headers,
    )
    assert answer.status_code == 422
    assert answer.json()["detail"] == ["请求体字段 records：最多 1000 项，请分批提交"]
    assert not Record.objects.filter(case_number="1000").exists()


def test_upload_page_runs_a_job_with_the_rejected_rows(
    setup: Setup, write_csv: WriteCsv, tmp_path: Path
) -> None:
    rows = numbered(3)
    rows[1].update({"执法证号": "A0009", "决定日期": "2026-06-30", "公示日期": ""})
    data = write_csv(rows).read_bytes()
    client = setup.county.client("dept_clerk")
    page = client.get("/enforcement-data/upload/").content.decode()
    assert "跳过错误行" in page and 'type="file"' in page and "data-confirm" in page
    answer = client.post(
        "/enforcement-data/upload/",
        {"file": SimpleUploadedFile("执法.csv", data, "text/csv"), "skip_bad": "1"},
    )
    job = Job.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/jobs/{job.pk}/"
    assert job.state == "done" and job.result["loaded"] == 2 and job.result["rejected"] == 1
    result = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "新增" in result and "下载拒收行" in result
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    text = b"".join(download.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert "过期丙（执法证号 A0009）的执法证已于 2026-06-29 过期" in text
    assert AuditEntry.objects.filter(action="enforcement_data.rejected_download").exists()
    # another user of the same unit cannot take it
    assert setup.county.client("reviewer").get(f"/jobs/{job.pk}/download/").status_code == 404
    # refused without skip_bad: nothing written, the row named on the result page
    client.post(
        "/enforcement-data/upload/", {"file": SimpleUploadedFile("b.csv", data, "text/csv")}
    )
    failed = Job.objects.latest("pk")
    assert failed.state == "failed"
    assert "第 3 行" in client.get(f"/jobs/{failed.pk}/").content.decode()
    assert Record.objects.count() == 2
    bad = client.post(
        "/enforcement-data/upload/", {"file": SimpleUploadedFile("b.txt", b"x", "text/plain")}
    )
    assert bad.status_code == 422 and "只能上传 .csv 或 .xlsx 文件" in bad.content.decode()


# --- metrics: oracle tests -------------------------------------------------------------------
ORACLE_ROWS = [
    # (kind, unit, subject, officers, amount, major, review, published, enterprise, credit, date)
    (
        "penalty",
        "430199001",
        "湘江县司法局",
        "A0001",
        1000,
        True,
        True,
        "2026-03-04",
        True,
        ACME,
        "2026-03-02",
    ),
    (
        "penalty",
        "430199001",
        "湘江县司法局",
        "A0001",
        500,
        True,
        False,
        "2026-03-20",
        False,
        "",
        "2026-03-02",
    ),
    (
        "penalty",
        "430199001",
        "湘江县司法局",
        "A0002",
        250.5,
        False,
        False,
        "",
        False,
        "",
        "2026-05-04",
    ),
    (
        "license",
        "430199001",
        "湘江县司法局",
        "",
        0,
        False,
        False,
        "2026-04-01",
        True,
        BETA,
        "2026-04-01",
    ),
    (
        "coercion",
        "430199101",
        "白沙镇人民政府",
        "B0001",
        0,
        True,
        True,
        "2026-04-20",
        False,
        "",
        "2026-04-01",
    ),
    ("levy", "430199101", "白沙镇人民政府", "", 0, False, False, "", False, "", "2026-06-29"),
    (
        "requisition",
        "430199101",
        "白沙镇人民政府",
        "",
        0,
        False,
        False,
        "2026-02-10",
        False,
        "",
        "2026-02-02",
    ),
    (
        "inspection",
        "430199101",
        "白沙镇人民政府",
        "B0001",
        0,
        False,
        False,
        "",
        True,
        ACME,
        "2026-01-15",
    ),
    (
        "inspection",
        "430199101",
        "白沙镇人民政府",
        "B0002",
        0,
        False,
        False,
        "",
        True,
        BETA,
        "2026-01-20",
    ),
    (
        "inspection",
        "430199101",
        "白沙镇人民政府",
        "B0002",
        0,
        False,
        False,
        "",
        False,
        "",
        "2026-02-20",
    ),
    (
        "penalty",
        "430199001",
        "湘江县司法局",
        "A0001",
        9999,
        False,
        False,
        "2025-12-01",
        False,
        "",
        "2025-11-28",
    ),
]


def _figures(unit: OrgUnit, year: int = 2026) -> dict[str, tuple[Any, Any, Any]]:
    out = {}
    for code in CODES:
        v = metric_value(
            actor=Actor.command_line(), unit=unit, period=Period.for_year(year), code=code
        )
        out[code] = (v.value, v.numerator, v.denominator)
    return out


CODES = [
    f"enforcement_data.{c}"
    for c in (
        "records",
        "license",
        "penalty",
        "coercion",
        "levy",
        "requisition",
        "inspection",
        "legal_review_rate",
        "publicity_rate",
        "decision_publicity_rate",
        "amount",
        "enterprise_inspections",
    )
]


def test_metrics_equal_the_hand_count(setup: Setup) -> None:
    rows = [
        api_row(
            kind=k,
            unit=u,
            subject=s,
            officers=o,
            amount=a,
            major=m,
            legal_review=r,
            published_on=p,
            enterprise=e,
            credit_code=c,
            decided_on=day,
            case_number=f"O{i}",
        )
        for i, (k, u, s, o, a, m, r, p, e, c, day) in enumerate(ORACLE_ROWS)
    ]
    load(Actor.command_line(), rows)
    assert facts_check()[1] == []
    got = _figures(OrgUnit.objects.get(pk=setup.county.root.pk))
    # hand count over the 2026 rows (the last row is 2025)
    assert got["enforcement_data.records"][0] == 10
    assert got["enforcement_data.penalty"][0] == 3
    assert got["enforcement_data.license"][0] == 1
    assert got["enforcement_data.coercion"][0] == 1
    assert got["enforcement_data.levy"][0] == 1
    assert got["enforcement_data.requisition"][0] == 1
    assert got["enforcement_data.inspection"][0] == 3
    # major decisions: O0 (reviewed), O1 (not), O4 (reviewed) → 2 / 3
    assert got["enforcement_data.legal_review_rate"][1:] == (2, 3)
    # publicity (today 2026-06-30): O0 on time (due 03-11); O1 late (03-20 > 03-11);
    # O2 unpublished, due 05-13 passed → late; O3 on time; O4 (20 wd, due 04-29) on time;
    # O5 levy decided 06-29: not yet due → not counted; O6 on time; inspections: no duty
    assert got["enforcement_data.publicity_rate"][1:] == (4, 6)
    assert got["enforcement_data.decision_publicity_rate"][1:] == (2, 4)
    assert Decimal(got["enforcement_data.amount"][0]) == Decimal("1750.50")
    assert got["enforcement_data.enterprise_inspections"][0] == 2
    # 白沙镇 counts its own
    town = _figures(OrgUnit.objects.get(pk=setup.county.town_a.pk))
    assert town["enforcement_data.records"][0] == 6
    assert town["enforcement_data.penalty"][0] == 0
    assert _figures(OrgUnit.objects.get(pk=setup.county.root.pk), 2025)["enforcement_data.amount"][
        0
    ] == Decimal("9999.00")
