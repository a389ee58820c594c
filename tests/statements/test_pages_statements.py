"""The 述法 screens: navigation, list (scope, filters, search, export), 登记 with errors,
the detail's buttons (greyed with the workflow's reason; the review buttons only for a
reviewer above), a step page, the 述法情况 page, and query-count guards."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries
from tests.personas import County
from tests.statements.conftest import Make

from fazhi.statements.models import HeadKind, Statement, Status

pytestmark = pytest.mark.django_db
LIST = "/statements/records/"
COVERAGE = "/statements/coverage/"


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_navigation_and_list_filters_search(county: County, make: Make) -> None:
    make(person="白沙甲长", upto="held")
    make(county.town_b, person="黄金乙长")
    make(county.dept, person="司法丙局", post="局长", head_kind=HeadKind.DEPARTMENT, year=2025)
    coord = county.client("coordinator")
    home = page(coord, "/")
    assert f'href="{LIST}"' in home and "述法" in home
    html = page(coord, LIST)
    assert all(n in html for n in ("白沙甲长", "黄金乙长", "司法丙局"))
    assert "登记述法" in html and "述法情况" in html
    held = page(coord, f"{LIST}?status=held")
    assert "白沙甲长" in held and "黄金乙长" not in held
    by_year = page(coord, f"{LIST}?year=2025")
    assert "司法丙局" in by_year and "白沙甲长" not in by_year
    found = page(coord, f"{LIST}?q=黄金")
    assert "黄金乙长" in found and "白沙甲长" not in found
    by_unit = page(coord, f"{LIST}?unit={county.town_a.code}")
    assert "白沙甲长" in by_unit and "司法丙局" not in by_unit
    own = page(county.client("clerk_a"), LIST)
    assert "白沙甲长" in own and "黄金乙长" not in own
    assert "登记述法" not in page(county.client("leader_a"), LIST)
    export = coord.get(f"{LIST}export.xlsx")
    assert export.status_code == 200 and export.content[:2] == b"PK"


def test_register_through_the_create_page(county: County) -> None:
    clerk = county.client("clerk_a")
    form = page(clerk, f"{LIST}new/")
    assert f'<option value="{county.town_b.code}"' not in form
    data = {
        "unit": county.town_a.code, "year": "2026", "person": "王某某", "post": "镇长",
        "head_kind": "township", "form": "annual", "planned_on": "2027-01-10",
        "registered_on": "2026-11-02", "material": "材料",
    }  # fmt: skip
    refused = clerk.post(f"{LIST}new/", data)
    assert refused.status_code == 200
    assert "计划述法日期应在2026年内" in refused.content.decode()
    assert not Statement.objects.exists()
    done = clerk.post(f"{LIST}new/", {**data, "planned_on": "2026-12-20"}, follow=True)
    s = Statement.objects.get()
    assert done.redirect_chain == [(f"{LIST}{s.pk}/", 302)]
    assert s.status == Status.DRAFT and s.unit == county.town_a
    assert "登记述法（年终述职中述法）" in page(clerk, f"{LIST}{s.pk}/history/")


def test_buttons_and_reasons(county: County, make: Make) -> None:
    s = make(upto="submitted")
    clerk = page(county.client("clerk_a"), f"{LIST}{s.pk}/")
    assert re.search(
        r"<button[^>]*disabled[^>]*>已述法</button> <small[^>]*>"
        r"述法材料须经依法治办审核通过后才能述法</small>",
        clerk,
    )
    assert f'href="{LIST}{s.pk}/approve/"' not in clerk  # the township cannot review itself
    own_reviewer = page(county.client("coordinator_a"), f"{LIST}{s.pk}/")
    assert f'<a class="button" href="{LIST}{s.pk}/approve/">审核通过</a>' not in own_reviewer
    coord = page(county.client("coordinator"), f"{LIST}{s.pk}/")
    assert f'<a class="button" href="{LIST}{s.pk}/approve/">审核通过</a>' in coord
    assert f'<a class="button" href="{LIST}{s.pk}/send_back/">退回修改</a>' in coord


def test_send_back_page_requires_the_note(county: County, make: Make) -> None:
    s = make(upto="submitted")
    coord = county.client("coordinator")
    url = f"{LIST}{s.pk}/send_back/"
    assert "修改意见" in page(coord, url)
    refused = coord.post(url, {"returned_on": "2026-12-01", "note": ""})
    assert refused.status_code == 200 and "这个字段是必填项" in refused.content.decode()
    done = coord.post(url, {"returned_on": "2026-12-01", "note": "请补充问题"})
    assert done.status_code == 302
    fresh = Statement.objects.get(pk=s.pk)
    assert fresh.status == Status.DRAFT and fresh.return_note == "请补充问题"


def test_coverage_page(county: County, make: Make) -> None:
    make(person="白沙甲长", upto="held")
    make(county.dept, person="司法丙局", post="局长", head_kind=HeadKind.DEPARTMENT)
    html = page(county.client("coordinator"), COVERAGE)
    assert "述法情况（2026年）" in html
    assert "应述法单位 5 个，已述法 1 个" in html
    rows = dict(re.findall(r"<tr><td>([^<]+)</td><td>(.*?)</td></tr>", html))
    assert "镇长白沙甲长：已述法" in rows["白沙镇人民政府"]
    assert "局长司法丙局：材料起草" in rows["湘江县司法局"]
    assert "未安排" in rows["黄金乡人民政府"] and "未安排" in rows["湘江县人民政府"]
    township = page(county.client("clerk_a"), COVERAGE)
    assert "应述法单位 2 个，已述法 1 个" in township  # town_a and its village unit
    assert "黄金乡人民政府" not in township
    assert "应述法单位 5 个，已述法 0 个" in page(
        county.client("coordinator"), f"{COVERAGE}?year=2025"
    )
    assert county.client("auditor").get(COVERAGE).status_code == 403


def test_query_counts_do_not_grow_with_rows(
    county: County, make: Make, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    def fill(n: int) -> None:
        for i in range(n):
            unit = county.town_a if i % 2 else county.dept
            make(unit, person=f"人{len(Statement.objects.all())}-{i}", upto="submitted")

    client = county.client("coordinator")
    fill(3)
    client.get(LIST)
    client.get(COVERAGE)
    with django_assert_max_num_queries(12) as few:
        assert client.get(LIST).status_code == 200
    with django_assert_max_num_queries(10) as few_cov:
        assert client.get(COVERAGE).status_code == 200
    fill(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(LIST).status_code == 200
    with django_assert_max_num_queries(len(few_cov.captured_queries)):
        assert client.get(COVERAGE).status_code == 200
