"""人民调解 pages: navigation, home tile, lists (scope, filters, search, masking, export,
query counts), the 受理 page with its errors, step pages and greyed buttons."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries
from tests.mediation.conftest import MakeCase, MakeCommittee, d
from tests.personas import County
from tests.registers.matrix import exported_values

from fazhi.mediation import services as svc
from fazhi.mediation.models import Case, Committee, DisputeType
from fazhi.orgs.scoping import Actor

pytestmark = pytest.mark.django_db
CASES = "/mediation/cases/"
COMMITTEES = "/mediation/committees/"
MEDIATORS = "/mediation/mediators/"


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def numbers(html: str) -> list[str]:
    return re.findall(r'<a href="/mediation/cases/\d+/">([^<]+)</a>', html)


def test_nav_and_home_tile(
    county: County, make_committee: MakeCommittee, make_case: MakeCase
) -> None:
    make_case(make_committee())
    make_committee(term_start=d("2022-01-01"))
    svc.sweep(actor=Actor.command_line())
    html = page(county.client("clerk_a"), "/")
    assert f'href="{CASES}"' in html and "人民调解" in html
    assert "调解中的纠纷 1 件" in html and "任期届满未换届的调委会 1 个" in html
    assert "调解中的纠纷" not in page(county.client("clerk_b"), "/")


def test_case_list_scope_filters_search_masking_export(
    county: County, make_committee: MakeCommittee, make_case: MakeCase
) -> None:
    a, b = make_committee(), make_committee(unit=county.town_b)
    make_case(a, number="A1", type="marriage")
    police = make_case(a, number="A2")
    svc.case_step(
        actor=Actor.command_line(),
        case=police,
        step="report_police",
        reported_on=d("2025-03-11"),
        note="冲突",
    )
    make_case(b, number="B1", summary="宅基地边界")
    clerk = county.client("clerk_a")
    html = page(clerk, CASES)
    assert sorted(numbers(html)) == ["A1", "A2"]
    assert "张三丰" not in html and "张**丰" not in html and "***" in html  # masked
    assert "已受理（已报告公安机关）" in html
    assert numbers(page(clerk, f"{CASES}?type=marriage")) == ["A1"]
    assert numbers(page(clerk, f"{CASES}?police=1")) == ["A2"]
    assert '<a class="button" href="/mediation/cases/new/">受理纠纷</a>' in html
    assert '<a class="button" href="/import/mediation/">导入Excel</a>' in html
    assert numbers(page(county.client("coordinator"), f"{CASES}?q=宅基地")) == ["B1"]
    export = clerk.get(f"{CASES}export.xlsx")
    assert export.status_code == 200
    values = exported_values(export.content)
    assert {"调解结果", "司法确认申请期限", "A1", "A2"} <= values  # the Excel register's layout
    assert "B1" not in values and "张三丰" not in values
    assert "受理纠纷" not in page(county.client("leader_a"), CASES)


def test_committee_list_warns_of_ended_terms(county: County, make_committee: MakeCommittee) -> None:
    make_committee(name="旧调委会", term_start=d("2022-01-01"))
    make_committee(name="新调委会")
    svc.sweep(actor=Actor.command_line())
    html = page(county.client("clerk_a"), COMMITTEES)
    assert "任期已于2024-12-31届满，请及时换届" in html
    assert "2027-02-28" in html
    assert "任期已于2024-12-31届满" in page(county.client("clerk_a"), f"{COMMITTEES}?status=ended")
    assert "新调委会" not in page(county.client("clerk_a"), f"{COMMITTEES}?status=ended")


@pytest.mark.parametrize("url", [CASES, COMMITTEES, MEDIATORS])
def test_list_query_count_does_not_grow(
    county: County,
    make_committee: MakeCommittee,
    make_case: MakeCase,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    url: str,
) -> None:
    from fazhi.mediation.services import mediator_register

    def fill(n: int) -> None:
        for i in range(n):
            c = make_committee(unit=county.town_a if i % 2 else county.village_a)
            make_case(c)
            mediator_register(
                actor=Actor.command_line(),
                committee=c,
                name=f"调解员{i}",
                kind="part",
                joined_on=d("2024-03-01"),
                phone="13900001111",
            )

    fill(3)
    client = county.client("coordinator")
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).status_code == 200
    fill(25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_receive_page_errors_then_success(county: County, make_committee: MakeCommittee) -> None:
    committee = make_committee()
    other = make_committee(unit=county.town_b)
    clerk = county.client("clerk_a")
    form = page(clerk, f"{CASES}new/")
    assert f'<option value="{committee.pk}"' in form and f'value="{other.pk}"' not in form
    data = {
        "committee": committee.pk,
        "received_on": "2026-07-05",
        "source": "application",
        "dispute_type": "neighbour",
        "applicant_name": "张三丰",
        "respondent_name": "李四光",
    }
    refused = clerk.post(f"{CASES}new/", data)
    assert "受理日期不能晚于今天" in refused.content.decode()
    refused = clerk.post(f"{CASES}new/", {**data, "received_on": "2026-06-01", "source": ""})
    assert "纠纷来源" in refused.content.decode()
    assert not Case.objects.exists()
    done = clerk.post(f"{CASES}new/", {**data, "received_on": "2026-06-01"}, follow=True)
    case = Case.objects.get()
    assert done.redirect_chain == [(f"{CASES}{case.pk}/", 302)]
    assert case.dispute_type == DisputeType.objects.get(code="neighbour")
    history = page(clerk, f"{CASES}{case.pk}/history/")
    assert "张三丰" not in history and "李四光" not in history


def test_steps_and_greyed_buttons(
    county: County, make_committee: MakeCommittee, make_case: MakeCase
) -> None:
    case = make_case(make_committee(), received_on=d("2026-05-01"))
    clerk = county.client("clerk_a")
    url = f"{CASES}{case.pk}/"
    html = page(clerk, url)
    for step in ("succeed", "fail", "terminate", "report_police"):
        assert f'href="{url}{step}/"' in html
    form = page(clerk, f"{url}fail/")
    assert "data-confirm=" in form
    refused = clerk.post(f"{url}fail/", {"failed_on": "2026-06-01"})
    assert "请至少选择一种已告知的途径" in refused.content.decode()
    done = clerk.post(
        f"{url}succeed/",
        {"agreement_kind": "written", "agreement_on": "2026-05-20", "terms": "赔偿"},
        follow=True,
    )
    assert done.redirect_chain == [(url, 302)]
    html = done.content.decode()
    # the 司法确认 deadline: day 30 (06-19) is 端午节 (06-19…06-21) → 06-22
    assert "<dt>司法确认申请期限</dt><dd>2026-06-22</dd>" in html
    assert "期限届满，未申请" in html
    assert re.search(
        r"<button[^>]*disabled[^>]*>司法确认结果</button> <small[^>]*>尚未申请司法确认", html
    )
    old = make_case(make_committee(), received_on=d("2026-01-02"))
    svc.case_succeed(
        actor=Actor.command_line(),
        case=old,
        agreement_kind="oral",
        agreement_on=d("2026-01-05"),
        terms="口头",
    )
    # months after the period the step is still offered: a timely application may be recorded
    old_url = f"{CASES}{old.pk}/"
    assert f'href="{old_url}apply_confirmation/"' in page(clerk, old_url)
    form = page(clerk, f"{old_url}apply_confirmation/")
    assert "应于2026年2月4日前申请司法确认（人民调解法第三十三条）；逾期的申请不予登记" in form
    late = clerk.post(
        f"{old_url}apply_confirmation/", {"applied_on": "2026-02-05", "court": "湘江县人民法院"}
    )
    assert late.status_code == 200
    assert re.search(
        r'<span class="error" id="id_applied_on-error">申请司法确认日期（2026年2月5日）'
        r"已超过申请司法确认的期限（2026年2月4日）",
        late.content.decode(),
    )
    old.refresh_from_db()
    assert old.confirmation_applied_on is None
    timely = clerk.post(
        f"{old_url}apply_confirmation/",
        {"applied_on": "2026-02-04", "court": "湘江县人民法院"},
        follow=True,
    )
    assert timely.redirect_chain == [(old_url, 302)]
    old.refresh_from_db()
    assert old.confirmation_applied_on == d("2026-02-04")


def test_committee_and_mediator_pages(county: County) -> None:
    clerk = county.client("clerk_a")
    data = {
        "unit": county.town_a.code,
        "name": "白沙镇调委会",
        "kind": "township",
        "director": "刘",
        "members": 2,
        "term_start": "2024-02-29",
    }
    refused = clerk.post(f"{COMMITTEES}new/", data)
    assert "应为3至9人" in refused.content.decode()
    clerk.post(f"{COMMITTEES}new/", {**data, "members": 5})
    committee = Committee.objects.get()
    assert committee.term_end == d("2027-02-28")
    clerk.post(
        f"{MEDIATORS}new/",
        {
            "committee": committee.pk,
            "name": "王调解",
            "kind": "full",
            "phone": "13987654321",
            "joined_on": "2024-03-01",
        },
    )
    html = page(clerk, MEDIATORS)
    assert "王调解" in html and "13987654321" not in html and "139****4321" in html
