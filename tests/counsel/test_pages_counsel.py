"""The 法律顾问 pages: navigation, home tile, roster list (scope, filters, search, export, query
count), 登记 with errors, detail (personal phone masked for non-handlers, participations,
buttons with reasons), a step page, the participation list and its create page, and the
detail page's query count not growing with participations. Today is 2025-06-30."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries
from tests.counsel.conftest import MakeCounsel, MakeParticipation
from tests.counsel.records import review
from tests.personas import County

from fazhi.counsel.counting import participations_refresh
from fazhi.counsel.models import Counsel, Participation, Status

LIST = "/counsel/roster/"
PARTS = "/counsel/participations/"

pytestmark = pytest.mark.django_db


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def names(html: str) -> list[str]:
    return re.findall(r'<a href="/counsel/roster/\d+/">([^<]+)</a>', html)


def test_navigation_and_home_tile(county: County, make_counsel: MakeCounsel) -> None:
    make_counsel(county.town_a, "欧阳明远", "2024-07-01", "2025-07-15")
    make_counsel(county.town_a, "李思齐", "2025-01-01", "2026-12-31")
    make_counsel(county.town_b, "王守仁", "2025-01-01", "2025-07-01")
    response = county.client("clerk_a").get("/")
    labels = [(e.label, e.url) for e in response.context["nav"]]
    assert ("法律顾问", LIST) in labels
    html = response.content.decode()
    assert f'<a class="tile" href="{LIST}"><strong>法律顾问</strong>' in html
    assert "在聘 2 人" in html and "30 日内聘期届满 1 人" in html
    assert "聘期已届满" not in html
    # a term that has ended while the daily sweep has not yet marked it: not counted 在聘
    make_counsel(county.town_a, "张居正", "2024-01-01", "2025-01-31")
    html = county.client("clerk_a").get("/").content.decode()
    assert "在聘 2 人" in html and "30 日内聘期届满 1 人" in html
    assert "聘期已届满待处理 1 人" in html
    auditor = county.client("auditor").get("/").context["nav"]
    assert "法律顾问" not in [e.label for e in auditor]


def test_the_list_is_scoped_filtered_searched_and_exported(
    county: County, make_counsel: MakeCounsel
) -> None:
    make_counsel(county.town_a, "欧阳明远", "2024-03-01", "2026-02-28", contract_no="BS-01")
    make_counsel(county.village_a, "李思齐", "2025-01-01", "2026-12-31", kind="staff")
    make_counsel(county.town_b, "王守仁", "2025-01-01", "2026-12-31", firm="芙蓉律师事务所")
    clerk = county.client("clerk_a")
    html = page(clerk, LIST)
    assert sorted(names(html)) == ["李思齐", "欧阳明远"]
    assert f'<a class="button" href="{LIST}new/">登记法律顾问</a>' in html
    assert '<a class="button" href="/import/counsel/">导入Excel</a>' in html
    assert names(page(clerk, f"{LIST}?kind=staff")) == ["李思齐"]
    assert names(page(clerk, f"{LIST}?year=2024")) == ["欧阳明远"]
    assert names(page(clerk, f"{LIST}?unit={county.village_a.code}")) == ["李思齐"]
    assert names(page(clerk, f"{LIST}?q=BS-01")) == ["欧阳明远"]
    assert names(page(county.client("coordinator"), f"{LIST}?q=芙蓉")) == ["王守仁"]
    export = clerk.get(f"{LIST}export.xlsx?kind=retained")
    assert export.status_code == 200
    assert "登记法律顾问" not in page(county.client("leader_a"), LIST)


def test_list_query_count_does_not_grow_with_rows(
    county: County,
    make_counsel: MakeCounsel,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = county.client("coordinator")
    make_counsel(county.town_a, "顾问甲", "2025-01-01", "2026-12-31")
    client.get(LIST)
    with django_assert_max_num_queries(10) as few:
        assert client.get(LIST).status_code == 200
    for i in range(30):
        make_counsel(
            county.town_a if i % 2 else county.dept, f"顾问{i}", "2025-01-01", "2026-12-31"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(LIST).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(PARTS).status_code == 200


def test_detail_query_count_does_not_grow_with_participations(
    county: County,
    make_counsel: MakeCounsel,
    make_participation: MakeParticipation,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    counsel = make_counsel(county.town_a, "欧阳明远", "2024-01-01", "2026-12-31")
    make_participation(counsel, "2025-01-02")
    client = county.client("clerk_a")
    url = f"{LIST}{counsel.pk}/"
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    for i in range(20):
        make_participation(counsel, f"2025-02-{i + 1:02d}", "petition", f"信访{i}")
        review(county.town_a, f"2025-03-{i + 1:02d}", [{"name": "欧阳明远", "kind": "counsel"}])
    participations_refresh()
    assert counsel.participations.count() == 41
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = page(client, url)
    assert "参与事项（41）" in html


def test_register_through_the_create_page(county: County) -> None:
    clerk = county.client("clerk_a")
    form = page(clerk, f"{LIST}new/")
    assert f'<option value="{county.town_b.code}"' not in form
    data = {
        "unit": county.village_a.code,
        "name": "欧阳明远",
        "kind": "staff",
        "firm": "",
        "post": "",
        "contract_start": "2025-07-01",
        "contract_end": "2025-06-01",
        "phone": "13812345678",
    }
    refused = clerk.post(f"{LIST}new/", data)
    assert "公职律师请填写所在单位职务" in refused.content.decode()
    refused = clerk.post(f"{LIST}new/", {**data, "post": "法制员"})
    assert "聘期届满日期应晚于聘期开始日期" in refused.content.decode()
    assert not Counsel.objects.exists()
    data |= {"contract_end": "2027-06-30", "post": "法制员"}
    created = clerk.post(f"{LIST}new/", data, follow=True)
    counsel = Counsel.objects.get()
    assert created.redirect_chain == [(f"{LIST}{counsel.pk}/", 302)]
    assert (counsel.unit, counsel.status, counsel.phone) == (
        county.village_a,
        Status.ACTIVE,
        "13812345678",
    )
    history = page(clerk, f"{LIST}{counsel.pk}/history/")
    assert "13812345678" not in history


def test_detail_masks_the_phone_for_non_handlers(county: County, make_counsel: MakeCounsel) -> None:
    counsel = make_counsel(
        county.town_a, "欧阳明远", "2025-01-01", "2026-12-31", phone="13812345678"
    )
    assert "13812345678" in page(county.client("clerk_a"), f"{LIST}{counsel.pk}/")  # handler
    for persona in ("leader_a", "coordinator"):
        html = page(county.client(persona), f"{LIST}{counsel.pk}/")
        assert "13812345678" not in html and "138****5678" in html
    assert "13812345678" not in page(county.client("clerk_a"), LIST)


def test_detail_buttons_with_reasons_and_a_step(county: County, make_counsel: MakeCounsel) -> None:
    running = make_counsel(county.town_a, "欧阳明远", "2025-01-01", "2026-12-31")
    ended = make_counsel(county.town_a, "李思齐", "2023-01-01", "2025-06-15")
    clerk = county.client("clerk_a")
    html = page(clerk, f"{LIST}{running.pk}/")
    assert "<dt>聘请单位</dt><dd>白沙镇人民政府</dd>" in html
    assert re.search(
        r"<button[^>]*disabled[^>]*>聘期届满</button> <small[^>]*>"
        r"聘期至 2026-12-31，尚未届满</small>",
        html,
    )
    html = page(clerk, f"{LIST}{ended.pk}/")
    assert re.search(r"<button[^>]*disabled[^>]*>解聘</button>", html)
    url = f"{LIST}{running.pk}/terminate/"
    assert "data-confirm=" in page(clerk, url)
    done = clerk.post(url, {"terminated_on": "2025-06-20", "reason": "履职不力"}, follow=True)
    assert "已办理：解聘" in done.content.decode()
    running.refresh_from_db()
    assert running.status == Status.TERMINATED


def test_participation_pages(county: County, make_counsel: MakeCounsel) -> None:
    mine = make_counsel(county.town_a, "欧阳明远", "2025-01-01", "2025-12-31")
    theirs = make_counsel(county.town_b, "王守仁", "2025-01-01", "2025-12-31")
    clerk = county.client("clerk_a")
    form = page(clerk, f"{PARTS}new/")
    assert f'<option value="{mine.pk}"' in form and f'<option value="{theirs.pk}"' not in form
    assert 'value="legality"' not in form  # counted, never typed
    data = {"counsel": mine.pk, "on": "2025-08-01", "kind": "contract", "subject": "审查合同"}
    assert "不能晚于今天" in clerk.post(f"{PARTS}new/", data).content.decode()
    done = clerk.post(f"{PARTS}new/", {**data, "on": "2025-05-01"}, follow=True)
    row = Participation.objects.get()
    assert done.redirect_chain == [(f"{PARTS}{row.pk}/", 302)]
    html = page(clerk, PARTS)
    assert "审查合同" in html and "欧阳明远" in html
    assert '<a class="button" href="/import/counsel_participations/">导入Excel</a>' in html
