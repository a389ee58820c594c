"""行政应诉 screens: case list (columns, filters, 败诉), case page (hearings, timeline, 司法建议),
登记, 开庭 and 结案 forms, edit; 司法建议 and 败诉剖析 registers. Time frozen at 2024-06-28.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries
from tests.personas import County

from fazhi.litigation import services as svc
from fazhi.litigation.models import (
    JudicialSuggestion,
    LitigationCase,
    LossReview,
    LossReviewStatus,
    Result,
    Status,
)
from fazhi.orgs.models import OrgUnit, UnitKind, UnitLevel
from fazhi.orgs.scoping import Actor
from fazhi.orgs.services import orgunit_create
from fazhi.reconsideration import services as rec
from fazhi.reconsideration.models import ReconsiderationCase

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2024, 6, 28)
FILED = dt.date(2024, 3, 4)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=SHANGHAI), tick=False):
        yield


def register(
    unit: OrgUnit, number: str, *, level: str = "first", on: dt.date = FILED
) -> LitigationCase:
    return svc.case_register(
        actor=Actor.command_line(),
        unit=unit,
        number=number,
        court="湘江县人民法院",
        filed_on=on,
        level=level,
        plaintiff_name="欧阳明远",
        cause="不服行政处罚",
    )


def hearing(case: LitigationCase, appeared: bool = True) -> None:
    svc.hearing_add(
        actor=Actor.command_line(),
        case=case,
        held_on=dt.date(2024, 4, 10),
        head_appeared=appeared,
        head_name="王副镇长" if appeared else "",
        head_post="副镇长" if appeared else "",
        head_category="deputy" if appeared else "",
        absence_reason="" if appeared else "公务冲突",
    )


def judge(case: LitigationCase, result: str) -> LitigationCase:
    return svc.case_close(
        actor=Actor.command_line(), case=case, judged_on=dt.date(2024, 5, 20), result=result
    )


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def fresh(case: LitigationCase) -> LitigationCase:
    return LitigationCase.objects.get(pk=case.pk)


@pytest.mark.django_db
def test_list_columns_filters_and_losses(county: County) -> None:
    won = register(county.town_a, "（2024）湘0101行初1号")
    hearing(won)
    judge(won, Result.WIN)
    lost = register(county.town_a, "（2024）湘0101行初2号")
    hearing(lost, appeared=False)
    judge(lost, Result.LOSS_ANNUL)
    appeal = register(county.dept, "（2024）湘01行终3号", level="second", on=dt.date(2023, 9, 1))
    client = county.client("coordinator")
    text = page(client, "/litigation/cases/")
    for header in ("案号", "法院", "审级", "被告", "立案日期", "开庭次数", "负责人出庭", "状态"):
        assert f"<th>{header}</th>" in text
    assert '<strong class="error">败诉：撤销或部分撤销</strong>' in text
    assert "欧阳明远" not in text

    def numbers(query: str) -> set[str]:
        return set(re.findall(r">（2024）[^<]*号</a>", page(client, f"/litigation/cases/?{query}")))

    assert numbers("loss=1") == {f">{lost.number}</a>"}
    assert numbers("head=1") == {f">{won.number}</a>"}
    assert numbers("level=second") == {f">{appeal.number}</a>"}
    assert numbers(f"status={Status.PENDING}") == {f">{appeal.number}</a>"}
    assert numbers("year=2023") == {f">{appeal.number}</a>"}
    assert numbers("judged_year=2024&loss=0") == {f">{won.number}</a>"}
    assert numbers(f"unit={county.town_a.code}") == {f">{won.number}</a>", f">{lost.number}</a>"}
    assert numbers("q=行终") == {f">{appeal.number}</a>"}
    assert numbers("loss=maybe") == numbers("")  # an unknown value is ignored, not a crash


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_rows(
    county: County, django_assert_max_num_queries: type[DjangoAssertNumQueries]
) -> None:
    for i in range(32):
        case = register(county.town_a if i % 2 else county.dept, f"N-{i}")
        if i % 4 == 0:
            hearing(case)
    client = county.client("coordinator")
    client.get("/litigation/cases/")
    with django_assert_max_num_queries(10):
        assert client.get("/litigation/cases/").status_code == 200
    with django_assert_max_num_queries(11):
        url = f"/litigation/cases/?page=2&unit={county.root.code}&year=2024&head=0"
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_case_page_hearings_timeline_and_suggestions(county: County) -> None:
    case = register(county.town_a, "H-1")
    hearing(case)
    hearing(case, appeared=False)
    svc.suggestion_receive(
        actor=Actor.command_line(),
        unit=county.town_a,
        case=case,
        court="湘江县人民法院",
        received_on=dt.date(2024, 5, 6),
        content="规范执法文书送达",
        reply_due=dt.date(2024, 6, 5),
    )
    text = page(county.client("clerk_a"), case.get_absolute_url())
    assert "庭审记录" in text and "王副镇长" in text and "副镇长" in text
    assert "副职负责人" in text and "公务冲突" in text
    assert "第2、7、8、12条" in text
    assert "<strong>一审立案</strong>" in text and "<strong>开庭</strong>" in text
    assert "<strong>收到司法建议</strong>" in text
    assert f'<span class="badge error">逾期{(TODAY - dt.date(2024, 6, 5)).days}日</span>' in text
    assert reverse("litigation_step", args=[case.pk, "add_hearing"]) in text
    assert reverse("judicial_suggestions_create") in text
    assert "欧阳明远" in text  # the 被告 unit's clerk reads the 原告 in full (issue 13 item 19)
    # A reader gets no button, and the 原告 masked.
    leader = page(county.client("leader_a"), case.get_absolute_url())
    assert "欧阳明远" not in leader
    assert "/add_hearing/" not in leader and "/close/" not in leader


@pytest.mark.django_db
def test_hearing_and_close_through_the_forms(county: County, settings: Any) -> None:
    settings.FAZHI_LOSS_REVIEW_EVERY = 1
    case = register(county.town_a, "W-1")
    client = county.client("clerk_a")
    url = reverse("litigation_step", args=[case.pk, "add_hearing"])
    form = page(client, url)
    assert 'value="2024-06-28"' in form and "正职负责人" in form
    # Guard: a 负责人 who appeared needs a post (规定第2条) — shown next to that field.
    response = client.post(url, {"held_on": "2024-04-10", "head_appeared": "True"})
    assert response.status_code == 200
    assert re.search(
        r'id="id_head_post-error">负责人出庭的，请填写出庭负责人职务<', response.content.decode()
    )
    response = client.post(url, {"held_on": "2024-04-10", "head_appeared": "False"})
    assert re.search(r'id="id_absence_reason-error">[^<]*未出庭理由', response.content.decode())
    response = client.post(
        url,
        {
            "held_on": "2024-04-10",
            "head_appeared": "True",
            "head_name": "李镇长",
            "head_post": "镇长",
            "head_category": "principal",
            "staff_appeared": "True",
        },
    )
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert fresh(case).hearing_count == 1 and fresh(case).head_appeared
    close_url = reverse("litigation_step", args=[case.pk, "close"])
    assert 'data-confirm="确定登记裁判结果并结案吗？' in page(client, close_url)
    response = client.post(close_url, {"judged_on": "2024-02-01", "result": Result.LOSS_ILLEGAL})
    assert re.search(
        r'id="id_judged_on-error">裁判日期不能早于[^<]*2024年4月10日', response.content.decode()
    )
    response = client.post(close_url, {"judged_on": "2024-05-20", "result": Result.LOSS_ILLEGAL})
    assert response.status_code == 302
    case = fresh(case)
    assert case.status == Status.CLOSED and case.is_loss
    # Closed: the hearing form is refused with the reason.
    followed = client.get(url, follow=True)
    assert "案件当前状态为“已结案”，不能登记开庭" in followed.content.decode()
    # The loss opened a 败诉剖析 at the county government.
    review = LossReview.objects.get()
    assert review.unit == county.root and list(review.covered.all()) == [case]


@pytest.mark.django_db
def test_register_and_edit_a_case(county: County) -> None:
    client = county.client("clerk_a")
    data = {
        "unit": county.village_a.code,
        "number": "（2024）湘0101行初9号",
        "court": "湘江县人民法院",
        "level": "first",
        "filed_on": "2024-06-03",
        "plaintiff_name": "某公司",
        "act_category": "licensing",
    }
    response = client.post("/litigation/cases/new/", data)
    assert response.status_code == 302
    case = LitigationCase.objects.get()
    assert case.unit == county.village_a and case.get_absolute_url() == response["Location"]
    response = client.post("/litigation/cases/new/", data)
    assert re.search(r'id="id_number-error">[^<]*已登记', response.content.decode())
    response = client.post(
        f"/litigation/cases/{case.pk}/edit/",
        {
            "court": "湘江县人民法院",
            "plaintiff_name": "某公司",
            "cause": "不予许可",
            "act_category": "licensing",
        },
    )
    assert response.status_code == 302 and fresh(case).cause == "不予许可"
    assert "修改案件信息" in page(client, f"/litigation/cases/{case.pk}/history/")
    assert county.client("clerk_b").get(f"/litigation/cases/{case.pk}/").status_code == 404


@pytest.mark.django_db
def test_judicial_suggestions_register(county: County) -> None:
    case = register(county.town_a, "J-1")
    client = county.client("clerk_a")
    create = reverse("judicial_suggestions_create")
    form = page(client, f"{create}?case={case.pk}&unit={county.town_a.code}&court=湘江县人民法院")
    assert f'value="{case.pk}"' in form and 'value="湘江县人民法院"' in form
    response = client.post(
        create,
        {
            "case": case.pk,
            "unit": county.town_a.code,
            "court": "湘江县人民法院",
            "received_on": "2024-05-06",
            "content": "规范执法文书送达",
            "reply_due": "2024-06-05",
        },
    )
    assert response.status_code == 302
    row = JudicialSuggestion.objects.get()
    assert row.case == case
    listing = page(client, "/litigation/suggestions/")
    assert '待答复 <span class="badge error">逾期</span>' in listing
    assert "湘江县人民法院" in page(client, "/litigation/suggestions/?state=overdue")
    assert "规范" not in page(client, "/litigation/suggestions/?state=replied").split("<tbody>")[1]
    reply = reverse("judicial_suggestions_step", args=[row.pk, "reply"])
    response = client.post(reply, {"replied_on": "2024-06-20", "note": ""})
    assert 'id="id_note-error"' in response.content.decode()
    assert client.post(reply, {"replied_on": "2024-06-20", "note": "已整改"}).status_code == 302
    row.refresh_from_db()
    assert row.replied_on == dt.date(2024, 6, 20)
    assert "已答复" in page(client, "/litigation/suggestions/")
    assert "答复司法建议" in page(client, case.get_absolute_url())
    assert client.get(reply, follow=True).redirect_chain  # already answered: back to the page


@pytest.mark.django_db
def test_loss_review_register(county: County, settings: Any) -> None:
    settings.FAZHI_LOSS_REVIEW_EVERY = 2
    for i in range(2):
        judge(register(county.town_a, f"L-{i}"), Result.LOSS_PERFORM)
    review = LossReview.objects.get()
    assert review.get_absolute_url() == reverse("loss_reviews_detail", args=[review.pk])
    client = county.client("coordinator")
    assert "待剖析" in page(client, "/litigation/loss-reviews/")
    detail = page(client, review.get_absolute_url())
    assert "L-0" in detail and "L-1" in detail and "败诉：责令履行" in detail
    step = reverse("loss_reviews_step", args=[review.pk, "complete"])
    assert step in detail
    # The clerk (no 依法治办 role) may read but not complete; town personas do not see it.
    assert step not in page(county.client("leader"), review.get_absolute_url())
    assert county.client("clerk_a").get(review.get_absolute_url()).status_code == 404
    response = client.post(step, {"completed_on": "2024-06-20", "findings": "执法程序不规范"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == LossReviewStatus.DONE
    assert "已完成" in page(client, "/litigation/loss-reviews/?status=done")


# --- review fixes --------------------------------------------------------------------------
def options(html: str, name: str) -> list[tuple[str, str, bool]]:
    """The (value, label, selected) options of the select ``name`` in ``html``."""
    found = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert found is not None, name
    return [
        (value, label, bool(selected))
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"\s*(selected)?\s*>([^<]*)</option>', found.group(1)
        )
    ]


def reconsideration_case(unit: OrgUnit, respondent: OrgUnit, number: str) -> ReconsiderationCase:
    return rec.case_receive(
        actor=Actor.command_line(),
        unit=unit,
        respondent=respondent,
        number=number,
        received_on=dt.date(2024, 1, 8),
        act_category="penalty",
    )


@pytest.mark.django_db
def test_result_starts_empty_and_is_required(county: County) -> None:
    case = register(county.town_a, "R-1")
    client = county.client("clerk_a")
    url = reverse("litigation_step", args=[case.pk, "close"])
    assert options(page(client, url), "result")[0] == ("", "请选择…", True)
    response = client.post(url, {"judged_on": "2024-05-20"})
    assert re.search(r'id="id_result-error">', response.content.decode())
    assert fresh(case).status == Status.PENDING


@pytest.mark.django_db
def test_link_to_the_reconsideration_case_both_ways(county: County) -> None:
    own = reconsideration_case(county.town_a, county.village_a, "白复〔2024〕1号")
    other = reconsideration_case(county.dept, county.town_b, "县复〔2024〕1号")
    client = county.client("clerk_a")
    # 登记: only the 复议 cases the actor can see are offered.
    form = page(client, f"/litigation/cases/new/?reconsideration={own.pk}")
    offered = options(form, "reconsideration")
    assert offered[0][:2] == ("", "—（未经复议）")
    assert [v for v, _, _ in offered[1:]] == [str(own.pk)]
    assert offered[1] == (
        str(own.pk),
        "白复〔2024〕1号（白沙镇人民政府；被申请人：白沙镇综合行政执法办）",
        True,
    )
    data = {
        "unit": county.village_a.code,
        "number": "（2024）湘0101行初7号",
        "court": "湘江县人民法院",
        "filed_on": "2024-06-03",
        "act_category": "penalty",
        "reconsideration": other.pk,
    }
    response = client.post("/litigation/cases/new/", data)
    assert 'id="id_reconsideration-error"' in response.content.decode()
    assert (
        client.post("/litigation/cases/new/", {**data, "reconsideration": own.pk}).status_code
        == 302
    )
    case = LitigationCase.objects.get()
    assert case.reconsideration == own
    # The 应诉 case page links to the 复议 case; the 复议 case page lists the 应诉 case.
    text = page(client, case.get_absolute_url())
    assert (
        f'<dt>关联复议案件</dt><dd><a href="{own.get_absolute_url()}">白复〔2024〕1号</a></dd>'
        in text
    )
    back = page(client, own.get_absolute_url())
    assert f'<a href="{case.get_absolute_url()}">（2024）湘0101行初7号</a>' in back
    # Edit: the link can be changed among visible cases only.
    edit_url = f"/litigation/cases/{case.pk}/edit/"
    edit = page(client, edit_url)
    assert [v for v, _, s in options(edit, "reconsideration") if s] == [str(own.pk)]
    fields = {"court": "湘江县人民法院", "act_category": "penalty", "reconsideration": other.pk}
    response = client.post(edit_url, fields)
    assert response.status_code == 200 and fresh(case).reconsideration == own
    assert client.post(edit_url, {**fields, "reconsideration": ""}).status_code == 302
    assert fresh(case).reconsideration is None


@pytest.mark.django_db
def test_links_follow_what_the_reader_may_see(county: County) -> None:
    other = reconsideration_case(county.dept, county.town_b, "县复〔2024〕2号")
    cli = Actor.command_line()
    in_town_a = svc.case_register(
        actor=cli,
        unit=county.village_a,
        number="（2024）湘0101行初8号",
        court="湘江县人民法院",
        filed_on=FILED,
        reconsideration=other,
    )
    in_town_b = svc.case_register(
        actor=cli,
        unit=county.town_b,
        number="（2024）湘0101行初9号",
        court="湘江县人民法院",
        filed_on=FILED,
        reconsideration=other,
    )
    in_dept = svc.case_register(
        actor=cli,
        unit=county.dept,
        number="（2024）湘01行初10号",
        court="湘江县中级人民法院",
        filed_on=FILED,
        reconsideration=other,
    )
    # clerk_a sees the 应诉 case but not the 复议 case: its 案号 without a link.
    text = page(county.client("clerk_a"), in_town_a.get_absolute_url())
    assert "<dt>关联复议案件</dt><dd>县复〔2024〕2号</dd>" in text
    assert other.get_absolute_url() not in text
    # The 复议 case page lists only the 应诉 cases the reader sees.
    dept = page(county.client("dept_clerk"), other.get_absolute_url())
    assert in_dept.number in dept and in_town_b.number not in dept and in_town_a.number not in dept
    town_b = page(county.client("clerk_b"), other.get_absolute_url())
    assert in_town_b.number in town_b and in_dept.number not in town_b
    top = page(county.client("coordinator"), other.get_absolute_url())
    assert all(c.number in top for c in (in_town_a, in_town_b, in_dept))


@pytest.mark.django_db
def test_loss_review_link_only_for_those_who_may_see_it(county: County, settings: Any) -> None:
    settings.FAZHI_LOSS_REVIEW_EVERY = 1
    case = judge(register(county.town_a, "LR-1"), Result.LOSS_ANNUL)
    review = LossReview.objects.get()
    url = reverse("loss_reviews_detail", args=[review.pk])
    town = page(county.client("clerk_a"), case.get_absolute_url())
    assert "败诉剖析" in town and str(review) in town and url not in town
    assert url in page(county.client("coordinator"), case.get_absolute_url())


@pytest.mark.django_db
def test_head_appeared_is_not_no_before_the_first_hearing(county: County) -> None:
    unheard = register(county.town_a, "HD-1")
    absent = register(county.town_a, "HD-2")
    hearing(absent, appeared=False)
    client = county.client("clerk_a")
    listing = page(client, "/litigation/cases/")

    def row(number: str) -> str:
        return listing.split(f">{number}</a>")[1].split("</tr>")[0]

    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row("HD-1"))
    assert cells[4:6] == ["0", "—"]  # 开庭次数, 负责人出庭
    assert re.findall(r"<td[^>]*>([^<]*)</td>", row("HD-2"))[4:6] == ["1", "否"]
    assert "<dt>负责人出庭</dt><dd>未开庭</dd>" in page(client, unheard.get_absolute_url())
    assert "<dt>负责人出庭</dt><dd>否</dd>" in page(client, absent.get_absolute_url())
    head_no = page(client, "/litigation/cases/?head=0")
    assert ">HD-2</a>" in head_no and ">HD-1</a>" not in head_no


@pytest.mark.django_db
def test_list_search_matches_cause_and_court(county: County) -> None:
    register(county.town_a, "Q-1")  # 不服行政处罚, 湘江县人民法院
    svc.case_register(
        actor=Actor.command_line(),
        unit=county.town_a,
        number="Q-2",
        court="长沙铁路运输法院",
        filed_on=FILED,
        cause="政府信息公开",
    )
    client = county.client("clerk_a")

    def numbers(term: str) -> set[str]:
        return set(re.findall(r">(Q-\d)</a>", page(client, f"/litigation/cases/?q={term}")))

    assert numbers("Q-1") == {"Q-1"} and numbers("铁路") == {"Q-2"}
    assert numbers("行政处罚") == {"Q-1"} and numbers("信息公开") == {"Q-2"}
    assert 'placeholder="案号、法院、案由"' in page(client, "/litigation/cases/")


@pytest.mark.django_db
def test_defendant_and_recipient_choices_exclude_courts(county: County) -> None:
    court = orgunit_create(
        actor=Actor.command_line(),
        code="430199900",
        name="湘江县人民法院",
        kind=UnitKind.EXTERNAL,
        level=UnitLevel.COUNTY,
        parent=county.root,
    )
    parties = [
        (u.code, u.name)
        for u in OrgUnit.objects.exclude(kind=UnitKind.EXTERNAL).order_by("path", "sort_order")
    ]
    client = county.client("coordinator")
    defendants = options(page(client, "/litigation/cases/new/"), "unit")
    assert [(v, lbl) for v, lbl, _ in defendants[1:]] == parties
    recipients = options(page(client, reverse("judicial_suggestions_create")), "unit")
    assert [(v, lbl) for v, lbl, _ in recipients[1:]] == parties
    assert court.code not in {v for v, _, _ in defendants + recipients}


@pytest.mark.django_db
def test_dates_in_one_format_and_labels_in_house_style(county: County) -> None:
    case = register(county.town_a, "D-1")
    svc.suggestion_receive(
        actor=Actor.command_line(),
        unit=county.town_a,
        case=case,
        court="湘江县人民法院",
        received_on=dt.date(2024, 5, 6),
        content="规范执法",
        reply_due=dt.date(2024, 6, 5),
    )
    client = county.client("clerk_a")
    listing = page(client, "/litigation/suggestions/")
    assert '<td class="date">2024-06-05</td>' in listing  # 答复期限
    assert "2024年" not in listing.split("<tbody>")[1]
    cases_list = page(client, "/litigation/cases/")
    assert '<td class="date">2024-03-04</td>' in cases_list
    assert f'<td class="nowrap"><a href="{case.get_absolute_url()}">D-1</a></td>' in cases_list
    detail = page(client, case.get_absolute_url())
    assert "<dt>立案日期</dt><dd>2024-03-04</dd>" in detail
    form = page(client, "/litigation/cases/new/")
    assert '<label for="id_number" class="required">案号：</label>' in form
    assert '<label for="id_cause">案由：</label>' in form
    edit = page(client, f"/litigation/cases/{case.pk}/edit/")
    assert '<label for="id_court" class="required">法院：</label>' in edit
