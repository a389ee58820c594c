"""Pages, API and exports of 案卷评查, and the role × in/out-of-subtree matrix.

A campaign is seen by its organiser's subtree; a file by the organiser's subtree, the reviewed
unit's and the reviewing unit's:

==== ======================== ============ ============ ====================================
key  campaign (organiser)     unit         reviewer     file seen by
==== ======================== ============ ============ ====================================
A    C1 (dept 司法局)           town_a       dept         dept, town_a, root personas
B    C1 (dept 司法局)           town_b       town_a       dept, town_a, town_b, root personas
X    C2 (town_a)               village_a    town_b       town_a, town_b, root personas
==== ======================== ============ ============ ====================================

The 安全管理员 and 审计管理员 may not read registers (403).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pytest_django import DjangoAssertNumQueries
from tests.personas import County
from tests.registers.matrix import FORBIDDEN, api_client, check_list_scope

from fazhi.case_review import services as svc
from fazhi.case_review.models import Campaign, CaseFile, FileStatus, Standard
from fazhi.core.models import AuditEntry
from fazhi.plans.models import Assignment

from .conftest import MakeRecords

pytestmark = pytest.mark.django_db
CAMPAIGNS = "/case-review/campaigns/"
FILES = "/case-review/files/"
API = "/api/v1/case-review"
PERSONAS = [
    "clerk_a", "leader_a", "reviewer_a", "coordinator_a", "clerk_b", "dept_clerk",
    "reviewer", "coordinator", "leader", "sysadmin", "secadmin", "auditor",
]  # fmt: skip
SEES_CAMPAIGNS: dict[str, set[str] | None] = {
    "clerk_a": {"C2"}, "leader_a": {"C2"}, "reviewer_a": {"C2"}, "coordinator_a": {"C2"},
    "clerk_b": set(), "dept_clerk": {"C1"}, "reviewer": {"C1"},
    "coordinator": {"C1", "C2"}, "leader": {"C1", "C2"}, "sysadmin": {"C1", "C2"},
    "secadmin": FORBIDDEN, "auditor": FORBIDDEN,
}  # fmt: skip
SEES_FILES: dict[str, set[str] | None] = {
    "clerk_a": {"A", "B", "X"}, "leader_a": {"A", "B", "X"}, "reviewer_a": {"A", "B", "X"},
    "coordinator_a": {"A", "B", "X"}, "clerk_b": {"B", "X"}, "dept_clerk": {"A", "B"},
    "reviewer": {"A", "B"}, "coordinator": {"A", "B", "X"}, "leader": {"A", "B", "X"},
    "sysadmin": {"A", "B", "X"}, "secadmin": FORBIDDEN, "auditor": FORBIDDEN,
}  # fmt: skip
#: who may score (the reviewing unit's REVIEW role; never the reviewed unit)
SCORES: dict[str, set[str]] = {"reviewer_a": {"B"}, "reviewer": {"A"}, "coordinator_a": {"B"}}


@pytest.fixture
def world(county: County, campaign: Campaign, make_records: MakeRecords) -> dict[str, object]:
    make_records(county.town_a, 1)
    make_records(county.town_b, 1)
    svc.files_draw(actor=county.actor("dept_clerk"), campaign=campaign, seed=9)
    make_records(county.village_a, 1)  # after C1's draw (白沙镇's subtree holds it)
    c2 = svc.campaign_create(
        actor=county.actor("coordinator_a"), organiser=county.town_a, year=2026,
        title="白沙镇自查评查",
        standard=campaign.standard, units=[county.village_a], kinds=[], per_unit=1,
    )  # fmt: skip
    svc.reviewer_assign(
        actor=county.actor("coordinator_a"),
        campaign=c2,
        unit=county.village_a,
        reviewer_unit=county.town_b,
    )
    svc.files_draw(actor=county.actor("coordinator_a"), campaign=c2, seed=9)
    return {
        "C1": campaign,
        "C2": c2,
        "A": campaign.files.get(unit=county.town_a),
        "B": campaign.files.get(unit=county.town_b),
        "X": c2.files.get(),
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(county: County, world: dict[str, object], persona: str) -> None:
    camps = {k: v for k, v in world.items() if k.startswith("C")}
    files = {k: v for k, v in world.items() if not k.startswith("C")}
    check_list_scope(
        county,
        persona,
        page=CAMPAIGNS,
        api=f"{API}/campaigns",
        records=camps,
        visible=SEES_CAMPAIGNS[persona],
        field="title",
    )
    check_list_scope(
        county,
        persona,
        page=FILES,
        api=f"{API}/files",
        records=files,
        visible=SEES_FILES[persona],
        field="case_number",
    )
    client = county.client(persona)
    api, headers = api_client(county, persona)
    for key, f in files.items():
        assert isinstance(f, CaseFile)
        seen = SEES_FILES[persona] is not FORBIDDEN and key in (SEES_FILES[persona] or set())
        detail = client.get(f"{FILES}{f.pk}/")
        api_detail = api.get(f"{API}/files/{f.pk}", headers=headers)
        if SEES_FILES[persona] is FORBIDDEN:
            assert detail.status_code == api_detail.status_code == 403
            continue
        assert detail.status_code == api_detail.status_code == (200 if seen else 404)
        score = client.get(f"/case-review/files/{f.pk}/score/")
        may = key in SCORES.get(persona, set())
        assert score.status_code == (200 if may else 404 if not seen else 403), (
            key,
            score.status_code,
        )
        put = api.put(
            f"{API}/files/{f.pk}/marks",
            data={"marks": []},
            content_type="application/json",
            headers=headers,
        )
        assert put.status_code == (200 if may else 404 if not seen else 403)
    for key, c in camps.items():
        assert isinstance(c, Campaign)
        seen = SEES_CAMPAIGNS[persona] is not FORBIDDEN and key in (
            SEES_CAMPAIGNS[persona] or set()
        )
        export = client.get(f"/case-review/campaigns/{c.pk}/results.xlsx")
        if SEES_CAMPAIGNS[persona] is FORBIDDEN:
            assert export.status_code == 403
        else:
            assert export.status_code == (200 if seen else 404)
        step = client.get(f"{CAMPAIGNS}{c.pk}/rectify/")
        organiser = (
            persona
            in {
                "C1": {"dept_clerk", "coordinator"},
                "C2": {"clerk_a", "coordinator_a", "coordinator"},
            }[key]
        )
        if SEES_CAMPAIGNS[persona] is FORBIDDEN:
            assert step.status_code == 403
        else:
            assert step.status_code == (200 if organiser else 404 if not seen else 403), (
                key,
                step.status_code,
            )


def test_campaign_pages_from_creation_to_rectification(
    county: County, standard: Standard, make_records: MakeRecords
) -> None:
    make_records(county.town_a, 4)
    client = county.client("dept_clerk")
    home = client.get("/").content.decode()
    assert 'href="/case-review/campaigns/"' in home and "案卷评查" in home
    page = client.get(f"{CAMPAIGNS}new/")
    assert page.status_code == 200
    bad = client.post(f"{CAMPAIGNS}new/", {
        "organiser": county.dept.code, "year": 2026, "title": "页面评查", "standard": standard.pk,
        "units": "430199101,999", "kinds": "penalty", "per_unit": 2,
    })  # fmt: skip
    assert "单位编码不存在：999" in bad.content.decode()
    resp = client.post(f"{CAMPAIGNS}new/", {
        "organiser": county.dept.code, "year": 2026, "title": "页面评查", "standard": standard.pk,
        "units": "430199101", "kinds": "penalty", "per_unit": 2,
    })  # fmt: skip
    c = Campaign.objects.get(title="页面评查")
    assert resp.status_code == 302 and resp["Location"] == f"{CAMPAIGNS}{c.pk}/"
    refused = client.post(
        f"{CAMPAIGNS}{c.pk}/assign/",
        {"unit": county.town_a.code, "reviewer_unit": county.village_a.code},
    )
    assert "交叉评查" in refused.content.decode()
    client.post(
        f"{CAMPAIGNS}{c.pk}/assign/",
        {"unit": county.town_a.code, "reviewer_unit": county.dept.code},
    )
    client.post(f"{CAMPAIGNS}{c.pk}/draw/", {"seed": "42"})
    c.refresh_from_db()
    assert (c.seed, c.files.count()) == (42, 2)
    detail = client.get(f"{CAMPAIGNS}{c.pk}/").content.decode()
    assert 'id="results"' in detail and "白沙镇人民政府" in detail
    # the 司法局's reviewer scores through the scoring page
    f = c.files.order_by("pk").first()
    assert f is not None
    reviewer = county.client("reviewer")
    form = reviewer.get(f"/case-review/files/{f.pk}/score/").content.decode()
    ids = {i.name: i.pk for p in standard.parts.all() for i in p.items.all()}
    assert (
        f'name="instances_{ids["文书填写"]}"' in form and f'name="veto_{ids["主体不合法"]}"' in form
    )
    missing = reviewer.post(
        f"/case-review/files/{f.pk}/score/", {f"instances_{ids['文书填写']}": "2"}
    )
    assert missing.status_code == 400 and "“文书填写”扣分须填写说明" in missing.content.decode()
    ok = reviewer.post(f"/case-review/files/{f.pk}/score/", {
        f"instances_{ids['文书填写']}": "2", f"note_{ids['文书填写']}": "两处涂改",
        f"hit_{ids['无管辖权']}": "1", f"note_{ids['无管辖权']}": "越权", "submit": "1",
    })  # fmt: skip
    assert ok.status_code == 302
    f.refresh_from_db()
    assert (f.status, f.score, f.grade) == (FileStatus.DONE, Decimal(88), "pass")
    shown = reviewer.get(f"{FILES}{f.pk}/").content.decode()
    assert "两处涂改" in shown and 'id="score-link"' not in shown
    # the organiser issues the 整改通知; it becomes a plans assignment of 白沙镇
    resp = client.post(
        f"{CAMPAIGNS}{c.pk}/rectify/", {"unit": county.town_a.code, "due_on": "2026-08-31"}
    )
    assert resp.status_code == 302
    a = Assignment.objects.get(unit=county.town_a)
    detail = client.get(f"{CAMPAIGNS}{c.pk}/").content.decode()
    assert f'href="/plans/assignments/{a.pk}/"' in detail
    mine = county.client("clerk_a").get("/plans/mine/").content.decode()
    assert "页面评查整改（白沙镇人民政府）" in mine
    export = client.get(f"/case-review/campaigns/{c.pk}/results.xlsx")
    assert export.status_code == 200
    assert AuditEntry.objects.filter(action="case_review.export").exists()


def test_api_create_draw_marks(
    county: County, standard: Standard, make_records: MakeRecords
) -> None:
    make_records(county.town_b, 2)
    api, headers = api_client(county, "dept_clerk")
    resp = api.post(f"{API}/campaigns", data={
        "organiser": county.dept.code, "year": 2026, "title": "接口评查", "standard": standard.pk,
        "units": county.town_b.code, "kinds": "all", "per_unit": 1,
    }, content_type="application/json", headers=headers)  # fmt: skip
    assert resp.status_code == 201, resp.content
    cid = resp.json()["id"]
    assert (
        api.post(
            f"{API}/campaigns/{cid}/transitions/assign",
            data={"unit": county.town_b.code, "reviewer_unit": county.town_b.code},
            content_type="application/json",
            headers=headers,
        ).status_code
        == 422
    )
    assert (
        api.post(
            f"{API}/campaigns/{cid}/transitions/assign",
            data={"unit": county.town_b.code, "reviewer_unit": county.town_a.code},
            content_type="application/json",
            headers=headers,
        ).status_code
        == 200
    )
    assert (
        api.post(
            f"{API}/campaigns/{cid}/transitions/draw",
            data={"seed": 11},
            content_type="application/json",
            headers=headers,
        ).status_code
        == 200
    )
    detail = api.get(f"{API}/campaigns/{cid}", headers=headers).json()
    assert detail["seed"] == 11 and detail["units"][0]["files"] == 1
    fid = CaseFile.objects.get(campaign_id=cid).pk
    item = standard.parts.get(name="内容标准").items.get(name="强制措施")
    rapi, rheaders = api_client(county, "reviewer_a")
    bad = rapi.put(
        f"{API}/files/{fid}/marks",
        data={"marks": [{"item_id": item.pk, "amount": "20", "note": "x"}]},
        content_type="application/json",
        headers=rheaders,
    )
    assert bad.status_code == 422 and "5～15" in str(bad.json())
    good = rapi.put(
        f"{API}/files/{fid}/marks",
        data={"marks": [{"item_id": item.pk, "amount": "12.5", "note": "超期扣押"}]},
        content_type="application/json",
        headers=rheaders,
    )
    assert good.status_code == 200
    body = good.json()
    assert (body["score"], body["grade"]) == ("87.5", "pass")
    assert "submit" in [t["name"] for t in body["transitions"]]
    assert (
        rapi.post(
            f"{API}/files/{fid}/transitions/submit",
            data={},
            content_type="application/json",
            headers=rheaders,
        ).status_code
        == 200
    )


def test_standards_pages(county: County, standard: Standard) -> None:
    client = county.client("dept_clerk")
    listing = client.get("/case-review/standards/").content.decode()
    assert "测试评查标准" in listing and "行政处罚案卷评查标准（示例）" in listing
    page = client.get(f"/case-review/standards/{standard.pk}/").content.decode()
    assert "内容标准（80.0分）" in page or "内容标准（80分）" in page
    export = client.get(f"/case-review/standards/{standard.pk}/export.xlsx")
    assert export.status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("s.xlsx", export.content)
    resp = client.post("/case-review/standards/import/", {"name": "测试评查标准", "file": upload})
    assert resp.status_code == 302
    assert Standard.objects.filter(name="测试评查标准").count() == 2
    bad = SimpleUploadedFile("s.xlsx", b"junk")
    resp = client.post("/case-review/standards/import/", {"name": "坏", "file": bad})
    assert resp.status_code == 400 and "不是有效的 Excel" in resp.content.decode()
    assert county.client("leader").get("/case-review/standards/import/").status_code == 403
    resp = client.post(f"/case-review/standards/{standard.pk}/", {"action": "new_version"})
    assert resp.status_code == 302


def test_list_query_count_does_not_grow_with_rows(
    county: County,
    campaign: Campaign,
    make_records: MakeRecords,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    make_records(county.town_a, 30)
    make_records(county.town_b, 30)
    campaign.per_unit = 30
    campaign.save()
    svc.files_draw(actor=county.actor("dept_clerk"), campaign=campaign, seed=1)
    client = county.client("coordinator")
    client.get(FILES)
    with django_assert_max_num_queries(14):
        assert client.get(FILES).status_code == 200
    with django_assert_max_num_queries(14):
        assert (
            client.get(f"{FILES}?page=2&campaign={campaign.pk}&status=pending").status_code == 200
        )
    with django_assert_max_num_queries(14):
        assert client.get(CAMPAIGNS).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(f"{CAMPAIGNS}{campaign.pk}/").status_code == 200


def test_home_tile_counts_files_to_score(
    county: County, campaign: Campaign, make_records: MakeRecords
) -> None:
    make_records(county.town_b, 2)
    svc.files_draw(actor=county.actor("dept_clerk"), campaign=campaign, seed=2)
    home = county.client("reviewer_a").get("/").content.decode()
    assert "待评查案卷 2 卷" in home
    assert "待评查案卷" not in county.client("clerk_b").get("/").content.decode()
    assert dt.date(2026, 6, 30)  # frozen day of the fixtures
