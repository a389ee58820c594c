"""Pages render for each role, list pages have bounded query counts, the API documents itself."""

from __future__ import annotations

import pytest
from pytest_django import DjangoAssertNumQueries
from tests.personas import County

from fazhi.orgs.models import UnitKind, UnitLevel
from fazhi.orgs.services import orgunit_create

HOME_MARKERS = {
    "sysadmin": "系统管理员",
    "secadmin": "安全管理员",
    "auditor": "审计管理员",
    "coordinator": "依法治办",
    "clerk_a": "白沙镇人民政府",
    "leader": "领导",
}


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "marker"), HOME_MARKERS.items())
def test_home_page_per_role(county: County, persona: str, marker: str) -> None:
    response = county.client(persona).get("/")
    assert response.status_code == 200
    assert marker in response.content.decode()


@pytest.mark.django_db
def test_user_without_membership_is_told_so(county: County) -> None:
    from django.test import Client

    from fazhi.accounts.services import user_create
    from fazhi.orgs.scoping import Actor

    user_create(actor=Actor.command_line(), username="nobody", full_name="无岗", password="pw")
    client = Client()
    client.login(username="nobody", password="pw")
    assert "尚未分配岗位" in client.get("/").content.decode()
    assert client.get("/orgs/units/").status_code == 403


def add_units(county: County, n: int) -> None:
    for i in range(n):
        orgunit_create(
            actor=county.actor("sysadmin"),
            code=f"Q{i:03d}",
            name=f"测试单位{i}",
            kind=UnitKind.DEPARTMENT,
            level=UnitLevel.COUNTY,
            parent=county.root,
        )


@pytest.mark.django_db
def test_unit_list_query_count_does_not_grow_with_rows(
    county: County, django_assert_max_num_queries: type[DjangoAssertNumQueries]
) -> None:
    client = county.client("coordinator")
    add_units(county, 40)
    with django_assert_max_num_queries(8):
        assert client.get("/orgs/units/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/orgs/units/?page=2&kind=department").status_code == 200


@pytest.mark.django_db
def test_audit_log_query_count_is_bounded(
    county: County, django_assert_max_num_queries: type[DjangoAssertNumQueries]
) -> None:
    client = county.client("auditor")
    add_units(county, 60)
    with django_assert_max_num_queries(8):
        assert client.get("/audit/").status_code == 200


@pytest.mark.django_db
def test_list_filters_and_search(county: County) -> None:
    page = county.client("coordinator").get("/orgs/units/?kind=township&q=白沙").content.decode()
    assert "<td>430199101</td>" in page
    assert "<td>430199102</td>" not in page


@pytest.mark.django_db
def test_deadline_page_reports_bad_input_in_chinese(county: County) -> None:
    client = county.client("clerk_a")
    page = client.get("/deadlines/?rule=ogi.reply&start=2025-02-30").content.decode()
    assert "不存在" in page
    page = client.get("/deadlines/?rule=nope&start=2025-02-03").content.decode()
    assert "未知的期限规则" in page


@pytest.mark.django_db
def test_openapi_schema_and_api_deadline(county: County) -> None:
    client = county.client("clerk_a")
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/orgs/units" in schema.json()["paths"]
    due = client.get("/api/v1/core/deadline?rule=ogi.reply&start=2025-09-26").json()
    # 20 working days after Fri 2025-09-26: 9/28(调休 Sun)=1, 9/29, 9/30=3, 10/1–8 off,
    # 10/9, 10/10=5, 10/11(调休 Sat)=6, 10/13–17=11, 10/20–24=16, 10/27–30=20.
    assert due["due"] == "2025-10-30"
    assert due["extended_due"] is not None
    assert client.get("/api/v1/core/deadline?rule=x&start=2025-01-01").status_code == 404
    assert client.get("/api/v1/core/deadline?rule=ogi.reply&start=bad").status_code == 422


@pytest.mark.django_db
def test_deadline_page_warns_when_only_the_extension_reaches_an_uncovered_year(
    county: County,
) -> None:
    # ogi.reply from 2026-12-01: due 2026-12-29 (covered), extended into 2027 (not covered).
    page = county.client("clerk_a").get("/deadlines/?rule=ogi.reply&start=2026-12-01")
    text = page.content.decode()
    assert "2026-12-29" in text
    assert "2027年的节假日安排尚未录入" in text


@pytest.mark.django_db
def test_far_future_dates_are_refused_not_crashed(county: County) -> None:
    client = county.client("clerk_a")
    assert "超出范围" in client.get("/deadlines/?rule=ogi.reply&start=9999-12-31").content.decode()
    assert client.get("/api/v1/core/deadline?rule=ogi.reply&start=9999-12-31").status_code == 422


@pytest.mark.django_db
def test_grant_form_offers_only_accounts_of_the_subtree_or_new_ones(county: County) -> None:
    from django.test import Client

    from fazhi.accounts.services import user_create
    from fazhi.orgs.roles import Role
    from fazhi.orgs.scoping import Actor
    from fazhi.orgs.services import membership_grant

    user = user_create(
        actor=Actor.command_line(), username="town_sec", full_name="镇安", password="test-pass-2024"
    )
    membership_grant(actor=Actor.command_line(), user=user, unit=county.town_a, role=Role.SECADMIN)
    user_create(actor=Actor.command_line(), username="brand_new", full_name="新人", password="p")
    client = Client()
    client.login(username="town_sec", password="test-pass-2024")
    form = client.get("/orgs/memberships/grant/").content.decode()
    assert "clerk_a" in form and "brand_new" in form
    assert "clerk_b" not in form and "coordinator）" not in form


@pytest.mark.django_db
def test_deadline_page_offers_the_rule_of_the_actors_province(county: County) -> None:
    from fazhi.core.models import DeadlineRule

    national = DeadlineRule.objects.get(code="normative.filing", region="")
    for region, days in (("43", 20), ("44", 30)):
        DeadlineRule.objects.create(
            code=national.code,
            region=region,
            name=national.name,
            law="某省规定",
            article="第十条",
            days=days,
            counting=national.counting,
            start_event=national.start_event,
        )
    page = county.client("clerk_a").get("/deadlines/").content.decode()  # 湘江县 is in 43
    assert page.count('value="normative.filing"') == 1
    assert "20自然日，43省" in page and "44省" not in page
    result = county.client("clerk_a").get("/deadlines/?rule=normative.filing&start=2025-03-03")
    assert "某省规定" in result.content.decode()
