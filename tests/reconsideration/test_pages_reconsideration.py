"""行政复议 screens: list (columns, filters, masking, 逾期), case page (timeline, deadlines, the
buttons each side gets), 登记, every transition through its form, edit and history.

Time is frozen at 2024-06-28 (Friday); cases are received on 2024-03-04 (Mon), so the review
period (5 working days, 第30条) ends 2024-03-11 and a case still under review is overdue.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import NoReverseMatch, reverse
from pytest_django import DjangoAssertNumQueries
from tests.personas import PASSWORD, County

from fazhi.accounts.services import user_create
from fazhi.orgs.models import OrgUnit, UnitKind, UnitLevel
from fazhi.orgs.roles import Role
from fazhi.orgs.scoping import Actor
from fazhi.orgs.services import membership_grant, orgunit_create
from fazhi.reconsideration import services as svc
from fazhi.reconsideration.models import (
    ActCategory,
    LetterKind,
    Outcome,
    Procedure,
    ReconsiderationCase,
    Status,
)
from fazhi.reconsideration.views import cases

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2024, 6, 28)
RECEIVED = dt.date(2024, 3, 4)


def travel(day: dt.date) -> Any:
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 12, 0, tzinfo=SHANGHAI), tick=False
    )


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with travel(TODAY):
        yield


def receive(
    unit: OrgUnit,
    respondent: OrgUnit,
    number: str,
    *,
    on: dt.date = RECEIVED,
    category: str = ActCategory.PENALTY,
) -> ReconsiderationCase:
    """A case received through the service, with personal data that must never be listed."""
    return svc.case_receive(
        actor=Actor.command_line(),
        unit=unit,
        respondent=respondent,
        number=number,
        received_on=on,
        act_category=category,
        applicant_name="欧阳明远",
        applicant_id_number="430102199001011234",
        applicant_phone="13812345678",
        matter="请求撤销罚款决定",
    )


def accept(case: ReconsiderationCase, on: dt.date = dt.date(2024, 3, 7)) -> ReconsiderationCase:
    return svc.case_accept(actor=Actor.command_line(), case=case, accepted_on=on)


def close(case: ReconsiderationCase, outcome: str = Outcome.ANNUL) -> ReconsiderationCase:
    return svc.case_close(
        actor=Actor.command_line(), case=case, closed_on=dt.date(2024, 4, 15), outcome=outcome
    )


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def step_url(case: ReconsiderationCase, name: str) -> str:
    return reverse("reconsideration_step", args=[case.pk, name])


def post_step(client: Client, case: ReconsiderationCase, name: str, **data: Any) -> Any:
    return client.post(step_url(case, name), {k: str(v) for k, v in data.items()})


def fresh(case: ReconsiderationCase) -> ReconsiderationCase:
    return ReconsiderationCase.objects.get(pk=case.pk)


# --- list -----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_list_columns_mask_personal_data_and_flag_overdue(county: County) -> None:
    late = receive(county.town_a, county.village_a, "白复〔2024〕1号")
    done = close(accept(receive(county.town_a, county.village_a, "白复〔2024〕2号")))
    text = page(county.client("clerk_a"), "/reconsideration/cases/")
    for header in ("案号", "被申请人", "行政行为类别", "收到日期"):
        assert f"<th>{header}</th>" in text
    assert "<th>当前期限</th>" in text and "<th>结案方式</th>" in text
    # 复议机关 follows from the 承办机构 (it is on the case page); the town's clerk sees the
    # cases of one 复议机构 only, so no 承办机构 column either.
    assert "<th>复议机关</th>" not in text and "湘江县人民政府" not in text
    assert "<th>承办机构</th>" not in text
    assert late.number in text and done.number in text
    assert "白沙镇综合行政执法办" in text and "行政处罚" in text
    assert '<td class="date">2024-03-11 <span class="badge error">逾期</span></td>' in text
    assert '<td class="date">2024-03-04</td>' in text  # 收到日期, never wrapped
    assert f'<td class="nowrap"><a href="{late.get_absolute_url()}">' in text
    assert "撤销" in text  # 结案方式 of the closed case
    for secret in ("欧阳明远", "430102199001011234", "13812345678"):
        assert secret not in text
    # Above two 复议机构 the 承办机构 column is back (still no 复议机关).
    receive(county.dept, county.town_b, "白复〔2024〕3号")
    top = page(county.client("coordinator"), "/reconsideration/cases/")
    assert "<th>承办机构</th>" in top and "<th>复议机关</th>" not in top
    assert "湘江县司法局" in top and "白沙镇人民政府" in top
    detail = page(county.client("clerk_a"), late.get_absolute_url())
    assert "<dt>复议机关</dt><dd>湘江县人民政府</dd>" in detail


@pytest.mark.django_db
def test_list_filters_and_search(county: County) -> None:
    reviewing = receive(county.town_a, county.village_a, "F-1")
    closed = close(accept(receive(county.town_a, county.village_a, "F-2")), Outcome.UPHOLD)
    last_year = receive(
        county.town_b, county.dept, "F-3", on=dt.date(2023, 5, 8), category=ActCategory.LICENSING
    )
    accepted = accept(receive(county.town_b, county.town_b, "F-4", on=dt.date(2024, 6, 24)), TODAY)
    client = county.client("coordinator")

    def numbers(query: str) -> set[str]:
        text = page(client, f"/reconsideration/cases/?{query}")
        return set(re.findall(r">(F-\d)</a>", text))

    assert numbers("") == {"F-1", "F-2", "F-3", "F-4"}
    assert numbers(f"status={Status.REVIEWING}") == {reviewing.number, last_year.number}
    assert numbers("overdue=1") == {reviewing.number, last_year.number}
    assert numbers("overdue=0") == {accepted.number}
    assert numbers("year=2023") == {last_year.number}
    assert numbers("closed_year=2024") == {closed.number}
    assert numbers(f"unit={county.town_a.code}") == {"F-1", "F-2"}
    assert numbers(f"unit={county.dept.code}") == {last_year.number}  # the 被申请人 side
    assert numbers(f"act_category={ActCategory.LICENSING}") == {last_year.number}
    assert numbers(f"outcome={Outcome.UPHOLD}") == {closed.number}
    assert numbers("q=F-4") == {accepted.number}
    assert numbers("status=nonsense&year=abc&unit=nope") == set()
    form = page(client, "/reconsideration/cases/")
    assert '<option value="2024" >' in form
    # The unit filter is a type-ahead picker (issue 15), not an option per unit.
    assert 'name="unit"' in form and 'data-search-url="/orgs/units/search/"' in form
    assert f'<option value="{county.town_a.code}" >' not in form


@pytest.mark.django_db
def test_list_actions_for_editors_only(county: County) -> None:
    try:
        import_url: str | None = reverse("core:register_import", args=["reconsideration"])
    except NoReverseMatch:
        import_url = None
    clerk = page(county.client("clerk_a"), "/reconsideration/cases/")
    assert "/reconsideration/cases/new/" in clerk
    assert ("导入Excel" in clerk) == (import_url is not None)
    leader = page(county.client("leader_a"), "/reconsideration/cases/")
    assert "/reconsideration/cases/new/" not in leader and "导入Excel" not in leader


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_rows(
    county: County, django_assert_max_num_queries: type[DjangoAssertNumQueries]
) -> None:
    for i in range(35):
        unit, respondent = (
            (county.town_a, county.village_a) if i % 2 else (county.dept, county.town_b)
        )
        case = receive(unit, respondent, f"Q-{i}")
        if i % 3 == 0:
            accept(case)
    client = county.client("coordinator")
    client.get("/reconsideration/cases/")  # warm the session
    with django_assert_max_num_queries(10):
        assert client.get("/reconsideration/cases/").status_code == 200
    with django_assert_max_num_queries(11):
        url = f"/reconsideration/cases/?page=2&overdue=1&year=2024&unit={county.root.code}"
        assert client.get(url).status_code == 200


# --- case page --------------------------------------------------------------------------------
@pytest.mark.django_db
def test_case_page_timeline_deadlines_suspensions_and_letters(county: County) -> None:
    cli = Actor.command_line()
    case = accept(receive(county.town_a, county.village_a, "T-1"))
    svc.case_extend(actor=cli, case=case, approved_on=dt.date(2024, 3, 20), days=20)
    svc.case_suspend(actor=cli, case=fresh(case), suspended_on=dt.date(2024, 4, 1), ground="6")
    svc.case_resume(actor=cli, case=fresh(case), resumed_on=dt.date(2024, 4, 11))
    svc.letter_issue(
        actor=cli,
        case=fresh(case),
        kind=LetterKind.OPINION,
        issued_on=dt.date(2024, 4, 12),
        served_on=dt.date(2024, 4, 15),
        recipient=county.village_a,
    )
    case = fresh(case)
    text = page(county.client("clerk_a"), case.get_absolute_url())
    assert "办理时间线" in text
    for kind in ("收到申请", "受理", "延长审理期限", "中止审理", "恢复审理", "制发行政复议意见书"):
        assert f"<strong>{kind}</strong>" in text
    # Deadlines: date, rule (law + article), where each stands.
    assert "受理审查期限" in text and "《行政复议法(2023)》第三十条 · 5个工作日" in text
    assert "已于2024-03-07办理（按期）" in text
    assert "审理期限" in text and "《行政复议法(2023)》第六十二条第一款 · 60日" in text
    assert "已扣除中止10日" in text and "经批准延长20日" in text
    assert case.decision_due is not None
    left = (case.decision_due - TODAY).days
    assert f"{case.decision_due:%Y-%m-%d}" in text
    assert (f"剩余{left}日" if left > 0 else f"逾期{-left}日") in text
    assert "整改情况报送期限" in text and "第七十六条" in text
    # Suspensions and letters tables.
    assert "（六）依照本法规定进行调解、和解，申请人和被申请人同意中止" in text
    assert "2024-04-11" in text and "白沙镇综合行政执法办" in text
    # Personal data: the handling clerk reads the applicant's name in full (issue 13 item 19),
    # the phone stays masked; a reader of the same unit sees the name masked too.
    assert "欧阳明远" in text and "13812345678" not in text and "138****5678" in text
    assert "欧阳明远" not in page(county.client("leader_a"), case.get_absolute_url())


@pytest.mark.django_db
def test_overdue_deadline_shows_days_overdue(county: County) -> None:
    case = receive(county.town_a, county.village_a, "O-1")
    text = page(county.client("clerk_a"), case.get_absolute_url())
    assert f'<span class="badge error">逾期{(TODAY - dt.date(2024, 3, 11)).days}日</span>' in text


@pytest.mark.django_db
def test_buttons_follow_the_state_and_the_side(county: County) -> None:
    case = receive(county.town_b, county.dept, "B-1")
    handler = page(county.client("coordinator"), case.get_absolute_url())
    for name in ("request_correction", "accept", "deem_accepted", "refuse"):
        assert step_url(case, name) in handler
    for name in ("suspend", "close", "resume", "extend", "abandon", "letter_issue"):
        assert step_url(case, name) not in handler
    assert f"/reconsideration/cases/{case.pk}/edit/" in handler
    # The 被申请人's clerk reads the case but gets no button and no edit tab.
    respondent = page(county.client("dept_clerk"), case.get_absolute_url())
    assert "B-1" in respondent and "只能查看" in respondent
    assert "/accept/" not in respondent and f"/cases/{case.pk}/edit/" not in respondent
    # A reader above the 复议机构 gets no button either.
    assert "/accept/" not in page(county.client("leader"), case.get_absolute_url())
    # The state decides: once accepted, the review buttons go and the hearing ones come.
    accept(case)
    handler = page(county.client("coordinator"), case.get_absolute_url())
    assert step_url(case, "accept") not in handler and step_url(case, "close") in handler
    assert step_url(case, "convert_to_ordinary") not in handler  # ordinary procedure already


@pytest.mark.django_db
def test_step_not_allowed_in_this_state_redirects_with_the_reason(county: County) -> None:
    case = receive(county.town_a, county.village_a, "S-1")
    client = county.client("clerk_a")
    response = client.get(step_url(case, "suspend"), follow=True)
    assert response.redirect_chain[-1][0] == case.get_absolute_url()
    assert "案件当前状态为“收到·审查中”，不能中止审理" in response.content.decode()
    assert client.get(step_url(case, "no_such_step")).status_code == 404


# --- forms: every transition through the UI ------------------------------------------------
@pytest.mark.django_db
def test_whole_life_of_a_case_through_the_forms(county: County) -> None:
    case = receive(county.town_a, county.village_a, "L-1")
    client = county.client("clerk_a")
    form = page(client, step_url(case, "request_correction"))
    assert 'value="2024-06-28"' in form  # the date starts at today
    steps: list[tuple[str, dict[str, Any], str]] = [
        ("request_correction", {"notified_on": "2024-03-06"}, Status.CORRECTING),
        ("receive_correction", {"received_on": "2024-03-15"}, Status.REVIEWING),
        ("accept", {"accepted_on": "2024-03-18", "procedure": Procedure.SIMPLE}, Status.ACCEPTED),
        ("convert_to_ordinary", {"on": "2024-03-20", "note": "案情复杂"}, Status.ACCEPTED),
        ("extend", {"approved_on": "2024-04-01", "days": 30}, Status.ACCEPTED),
        ("suspend", {"suspended_on": "2024-04-10", "ground": "6"}, Status.SUSPENDED),
        ("resume", {"resumed_on": "2024-04-20"}, Status.ACCEPTED),
        (
            "letter_issue",
            {
                "kind": LetterKind.OPINION,
                "issued_on": "2024-04-22",
                "served_on": "2024-04-23",
                "recipient": county.village_a.code,
                "content": "规范罚款程序",
            },
            Status.ACCEPTED,
        ),
        ("close", {"closed_on": "2024-05-10", "outcome": Outcome.ANNUL}, Status.CLOSED),
    ]
    for name, data, status in steps:
        response = post_step(client, case, name, **data)
        assert response.status_code == 302, (name, response.content.decode()[-2000:])
        assert response["Location"] == case.get_absolute_url()
        assert fresh(case).status == status, name
    letter = fresh(case).letters.get()
    response = post_step(
        client, case, "letter_reply", letter=letter.pk, replied_on="2024-06-20", note="已整改"
    )
    assert response.status_code == 302
    case = fresh(case)
    assert case.procedure == Procedure.ORDINARY and case.extension_days == 30
    assert case.suspended_days == 10 and case.outcome == Outcome.ANNUL
    assert case.letters.get().replied_on == dt.date(2024, 6, 20)
    text = page(client, case.get_absolute_url())
    assert "已办理：审结" in text and "<dt>状态</dt><dd>审结</dd>" in text
    assert "行政复议意见书整改情况报送" in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "status"),
    [
        ("refuse", {"refused_on": "2024-03-08", "reason": "超过法定申请期限"}, Status.NOT_ACCEPTED),
        ("deem_accepted", {}, Status.ACCEPTED),
        ("accept", {"accepted_on": "2024-03-07", "procedure": Procedure.ORDINARY}, Status.ACCEPTED),
    ],
)
def test_review_outcomes_through_the_forms(
    county: County, name: str, data: dict[str, Any], status: str
) -> None:
    case = receive(county.town_a, county.village_a, "R-1")
    client = county.client("clerk_a")
    response = post_step(client, case, name, **data)
    assert response.status_code == 302
    assert fresh(case).status == status
    messages = page(client, case.get_absolute_url())
    assert "已办理：" in messages


@pytest.mark.django_db
def test_abandon_after_the_correction_period(county: County) -> None:
    case = svc.case_request_correction(
        actor=Actor.command_line(),
        case=receive(county.town_a, county.village_a, "A-1"),
        notified_on=dt.date(2024, 3, 6),
    )
    client = county.client("clerk_a")
    form = page(client, step_url(case, "abandon"))
    assert 'data-confirm="确定记为无正当理由逾期不补正' in form
    assert post_step(client, case, "abandon", on="2024-03-21").status_code == 302
    assert fresh(case).status == Status.ABANDONED


@pytest.mark.django_db
def test_irreversible_steps_ask_first(county: County) -> None:
    case = receive(county.town_a, county.village_a, "C-1")
    client = county.client("clerk_a")
    assert 'data-confirm="确定作出不予受理决定吗？' in page(client, step_url(case, "refuse"))
    assert "data-confirm" not in page(client, step_url(case, "accept"))
    accept(case)
    close_form = page(client, step_url(case, "close"))
    assert 'data-confirm="确定审结此案吗？' in close_form
    assert '<option value="annul">撤销</option>' in close_form  # choices in Chinese


@pytest.mark.django_db
def test_service_guard_errors_show_next_to_the_field(county: County) -> None:
    case = receive(county.town_a, county.village_a, "G-1")
    client = county.client("clerk_a")
    response = post_step(client, case, "accept", accepted_on="2024-03-01", procedure="ordinary")
    assert response.status_code == 200
    text = response.content.decode()
    error = re.search(r'id="id_accepted_on-error">([^<]*)<', text)
    assert error is not None
    assert "受理日期不能早于收到申请（补正材料）日期（2024年3月4日）" in error.group(1)
    # Refusing after the review period: the 第30条 message, on the decision date.
    response = post_step(client, case, "refuse", refused_on="2024-03-12", reason="理由")
    error = re.search(r'id="id_refused_on-error">([^<]*)<', response.content.decode())
    assert error is not None and "依法视为受理" in error.group(1)
    # A form-level check: the extension is at most 30 days.
    accept(case)
    response = post_step(client, case, "extend", approved_on="2024-03-20", days=31)
    assert re.search(r'id="id_days-error">[^<]*30', response.content.decode())
    assert fresh(case).extension_days is None


@pytest.mark.django_db
def test_closing_a_suspended_case_offers_only_the_lawful_outcomes(county: County) -> None:
    case = svc.case_suspend(
        actor=Actor.command_line(),
        case=accept(receive(county.town_a, county.village_a, "P-1")),
        suspended_on=dt.date(2024, 3, 20),
        ground="6",
    )
    client = county.client("clerk_a")
    detail = page(client, case.get_absolute_url())
    assert "中止中，期限暂停计算" in detail and "暂停计算" in detail
    form = page(client, step_url(case, "close"))
    assert 'value="mediation"' in form and 'value="annul"' not in form
    response = post_step(client, case, "close", closed_on="2024-04-01", outcome=Outcome.ANNUL)
    assert response.status_code == 200 and fresh(case).status == Status.SUSPENDED


@pytest.mark.django_db
def test_respondent_side_records_the_opinion_letter_reply(county: County) -> None:
    cli = Actor.command_line()
    case = accept(receive(county.town_b, county.dept, "Y-1"))
    svc.letter_issue(
        actor=cli,
        case=case,
        kind=LetterKind.SUGGESTION,
        issued_on=dt.date(2024, 4, 1),
        served_on=dt.date(2024, 4, 2),
        recipient=county.dept,
    )
    client = county.client("dept_clerk")
    text = page(client, case.get_absolute_url())
    assert step_url(case, "letter_reply") in text and step_url(case, "close") not in text
    letter = case.letters.get()
    response = post_step(
        client, case, "letter_reply", letter=letter.pk, replied_on="2024-05-20", note="已整改"
    )
    assert response.status_code == 302
    assert case.letters.get().replied_on == dt.date(2024, 5, 20)
    # …but may not move the case.
    assert (
        post_step(client, case, "close", closed_on="2024-05-01", outcome="uphold").status_code
        == 403
    )
    # The dept reviewer (no right to edit) gets no form.
    assert county.client("reviewer").get(step_url(case, "letter_reply")).status_code == 403


# --- 登记, edit, history -------------------------------------------------------------------
@pytest.mark.django_db
def test_register_a_case_through_the_form(county: County) -> None:
    client = county.client("clerk_a")
    form = page(client, "/reconsideration/cases/new/")
    assert 'value="2024-06-28"' in form and "行政处罚" in form
    assert f'<option value="{county.town_a.code}" selected>' in form
    data = {
        "unit": county.town_a.code,
        "received_on": "2024-06-24",
        "channel": "post",
        "act_category": ActCategory.INFO_DISCLOSURE,
        "respondent": county.village_a.code,
        "applicant_kind": "person",
        "applicant_name": "李四",
        "applicant_phone": "13900001111",
    }
    response = client.post("/reconsideration/cases/new/", data)
    assert response.status_code == 302
    case = ReconsiderationCase.objects.get()
    assert response["Location"] == case.get_absolute_url()
    assert case.number == "〔2024〕第1号" and case.authority == "湘江县人民政府"
    assert case.respondent == county.village_a and case.status == Status.REVIEWING
    assert "已登记案件：〔2024〕第1号" in page(client, case.get_absolute_url())
    # Errors from the service land on the field they concern.
    response = client.post(
        "/reconsideration/cases/new/", {**data, "respondent": "", "respondent_name": ""}
    )
    assert re.search(r'id="id_respondent_name-error">请填写被申请人<', response.content.decode())
    response = client.post("/reconsideration/cases/new/", {**data, "number": "〔2024〕第1号"})
    assert re.search(r'id="id_number-error">[^<]*已存在', response.content.decode())
    response = client.post("/reconsideration/cases/new/", {**data, "received_on": "2024-07-01"})
    assert re.search(r'id="id_received_on-error">[^<]*不能晚于今天', response.content.decode())
    # A unit outside the subtree is not a choice.
    response = client.post("/reconsideration/cases/new/", {**data, "unit": county.town_b.code})
    assert 'id="id_unit-error"' in response.content.decode()
    assert ReconsiderationCase.objects.count() == 1
    assert county.client("leader_a").get("/reconsideration/cases/new/").status_code == 403


@pytest.mark.django_db
def test_edit_through_case_update_and_history_tab(county: County) -> None:
    case = receive(county.town_a, county.village_a, "E-1")
    client = county.client("clerk_a")
    form = page(client, f"/reconsideration/cases/{case.pk}/edit/")
    assert "欧阳明远" in form  # the handler edits the real values
    response = client.post(
        f"/reconsideration/cases/{case.pk}/edit/",
        {
            "authority": "湘江县人民政府",
            "respondent": county.village_a.pk,
            "applicant_kind": "person",
            "applicant_name": "欧阳明远",
            "channel": "in_person",
            "act_category": ActCategory.COMPULSION,
            "matter": "请求确认强制措施违法",
        },
    )
    assert response.status_code == 302
    case = fresh(case)
    assert case.act_category == ActCategory.COMPULSION and case.respondent_name
    history = page(client, f"/reconsideration/cases/{case.pk}/history/")
    assert "修改案件信息" in history and "收到申请" in history
    assert "13812345678" not in history
    # The respondent side may not edit.
    assert (
        county.client("leader_a").get(f"/reconsideration/cases/{case.pk}/edit/").status_code == 403
    )


# --- review fixes: choices, notices, links, masking, dates, labels ---------------------------
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


def error_of(html: str, name: str) -> str:
    found = re.search(rf'id="id_{name}-error">([^<]*)<', html)
    return found.group(1) if found else ""


@pytest.mark.django_db
def test_risky_choices_start_empty_and_are_required(county: County) -> None:
    client = county.client("clerk_a")
    # 登记: 行政行为类别 must be chosen.
    form = page(client, "/reconsideration/cases/new/")
    assert options(form, "act_category")[0] == ("", "请选择…", True)
    response = client.post(
        "/reconsideration/cases/new/",
        {"unit": county.town_a.code, "received_on": "2024-06-24", "respondent_name": "某局"},
    )
    assert response.status_code == 200 and error_of(response.content.decode(), "act_category")
    assert not ReconsiderationCase.objects.exists()
    # 中止情形, 结案方式 and 文书类别 start on "请选择…"; 审理程序 keeps its harmless default.
    case = receive(county.town_a, county.village_a, "K-1")
    assert ("ordinary", "普通程序", True) in options(
        page(client, step_url(case, "accept")), "procedure"
    )
    accept(case)
    assert options(page(client, step_url(case, "suspend")), "ground")[0] == ("", "请选择…", True)
    assert options(page(client, step_url(case, "close")), "outcome")[0] == ("", "请选择…", True)
    assert options(page(client, step_url(case, "letter_issue")), "kind")[0] == ("", "请选择…", True)
    response = post_step(client, case, "suspend", suspended_on="2024-04-01")
    assert error_of(response.content.decode(), "ground") and fresh(case).status == Status.ACCEPTED
    response = post_step(client, case, "close", closed_on="2024-04-15")
    assert error_of(response.content.decode(), "outcome") and fresh(case).status == Status.ACCEPTED
    response = post_step(
        client,
        case,
        "letter_issue",
        issued_on="2024-04-12",
        served_on="2024-04-15",
        recipient_name="某局",
    )
    assert error_of(response.content.decode(), "kind") and not fresh(case).letters.exists()
    # A suspended case offers the lawful outcomes after the same empty choice.
    svc.case_suspend(
        actor=Actor.command_line(), case=fresh(case), suspended_on=dt.date(2024, 4, 1), ground="6"
    )
    suspended = options(page(client, step_url(case, "close")), "outcome")
    assert suspended[0] == ("", "请选择…", True) and ("annul", "撤销", False) not in suspended


@pytest.mark.django_db
def test_read_only_notice_names_the_right_reason(county: County) -> None:
    case = receive(county.town_b, county.dept, "N-1")
    respondent = page(county.client("dept_clerk"), case.get_absolute_url())
    assert "您所在单位是本案的被申请人" in respondent
    # Above both sides: the 复议机构's side, so the role is the reason.
    leader = page(county.client("leader"), case.get_absolute_url())
    assert "当前角色“领导”只能查看" in leader and "被申请人（或其上级单位）" not in leader
    # The 复议机构's own reviewer and leader (the 被申请人 is in their subtree too).
    own = receive(county.town_a, county.village_a, "N-2")
    for persona, role in (("reviewer_a", "审核"), ("leader_a", "领导")):
        text = page(county.client(persona), own.get_absolute_url())
        assert f"当前角色“{role}”只能查看" in text and "被申请人（或其上级单位）" not in text
    editor = page(county.client("clerk_a"), own.get_absolute_url())
    assert "只能查看" not in editor


@pytest.mark.django_db
def test_list_search_matches_respondent_name_and_matter(county: County) -> None:
    receive(county.town_a, county.village_a, "S-1")
    svc.case_receive(
        actor=Actor.command_line(),
        unit=county.town_a,
        respondent_name="湘江县市场监督管理局",
        number="S-2",
        received_on=RECEIVED,
        act_category=ActCategory.LICENSING,
        matter="请求撤销不予许可决定",
    )
    client = county.client("clerk_a")

    def numbers(term: str) -> set[str]:
        return set(re.findall(r">(S-\d)</a>", page(client, f"/reconsideration/cases/?q={term}")))

    assert numbers("S-2") == {"S-2"}
    assert numbers("市场监督") == {"S-2"}  # 被申请人名称
    assert numbers("综合行政执法") == {"S-1"}  # a unit in the tree: its name is stored too
    assert numbers("罚款") == {"S-1"}  # 申请事项
    assert numbers("不予许可") == {"S-2"}
    placeholder = 'placeholder="案号、被申请人、申请事项，或申请人完整姓名、证件号码"'
    assert placeholder in page(client, "/reconsideration/cases/")


@pytest.mark.django_db
def test_unit_choices_in_tree_order_without_external_parties(county: County) -> None:
    court = orgunit_create(
        actor=Actor.command_line(),
        code="430199900",
        name="湘江县人民法院",
        kind=UnitKind.EXTERNAL,
        level=UnitLevel.COUNTY,
        parent=county.root,
    )
    in_tree = list(OrgUnit.objects.exclude(kind=UnitKind.EXTERNAL).order_by("path", "sort_order"))
    client = county.client("coordinator")
    form = page(client, "/reconsideration/cases/new/")
    respondents = options(form, "respondent")
    assert respondents[0][:2] == ("", "—")
    assert [(v, lbl) for v, lbl, _ in respondents[1:]] == [(u.code, u.name) for u in in_tree]
    assert court.code not in {v for v, _, _ in respondents}
    # 收文单位 of a 意见书 and the 被申请人 on the edit form: no court either.
    case = accept(receive(county.dept, county.town_b, "U-1"))
    letter = page(client, step_url(case, "letter_issue"))
    assert court.code not in {v for v, _, _ in options(letter, "recipient")}
    edit = page(client, f"/reconsideration/cases/{case.pk}/edit/")
    assert "湘江县人民法院" not in edit
    # The list's unit picker (issue 15) finds the whole subtree (a court's cases too).
    everyone = {(u.code, u.name) for u in OrgUnit.objects.all()}
    found = client.get("/orgs/units/search/", {"limit": 50}).json()["results"]
    assert {(u["code"], u["name"]) for u in found} == everyone


@pytest.mark.django_db
def test_only_a_reconsideration_body_registers(county: County) -> None:
    # Above several 复议机构: only they are offered, and none is assumed.
    form = page(county.client("coordinator"), "/reconsideration/cases/new/")
    bodies = [county.town_a, county.town_b, county.dept]
    offered = options(form, "unit")
    assert offered[0] == ("", "请选择…", True)
    assert sorted(v for v, _, _ in offered[1:]) == sorted(u.code for u in bodies)
    assert county.root.code not in {v for v, _, _ in offered}
    # In a 复议机构: itself, chosen.
    own = options(page(county.client("clerk_a"), "/reconsideration/cases/new/"), "unit")
    assert own == [("", "请选择…", False), (county.town_a.code, county.town_a.name, True)]
    # Below any 复议机构: a clear message instead of the form; POST and the API say the same.
    cli = Actor.command_line()
    user = user_create(actor=cli, username="village_clerk", full_name="执法填", password=PASSWORD)
    membership = membership_grant(actor=cli, user=user, unit=county.village_a, role=Role.CLERK)
    client = Client()
    assert client.login(username="village_clerk", password=PASSWORD)
    message = "本单位及下级单位中没有行政复议机构，不能登记行政复议案件"
    text = page(client, "/reconsideration/cases/new/")
    assert message in text and 'name="received_on"' not in text
    response = client.post(
        "/reconsideration/cases/new/",
        {"unit": county.village_a.code, "received_on": "2024-06-24", "act_category": "penalty"},
    )
    assert response.status_code == 200 and message in response.content.decode()
    with pytest.raises(ValidationError, match=message):
        cases.create_from(
            Actor.for_membership(membership),
            {"unit": county.village_a.code, "received_on": "2024-06-24", "act_category": "penalty"},
        )
    assert not ReconsiderationCase.objects.exists()


@pytest.mark.django_db
def test_deemed_acceptance_states_its_date_and_its_effect(county: County) -> None:
    case = receive(county.town_a, county.village_a, "V-1")
    client = county.client("clerk_a")
    form = page(client, step_url(case, "deem_accepted"))
    assert "受理日期为2024-03-11" in form
    assert post_step(client, case, "deem_accepted").status_code == 302
    case = fresh(case)
    assert case.accepted_on == dt.date(2024, 3, 11)
    text = page(client, case.get_absolute_url())
    deadlines = text.split('<table class="grid deadlines">')[1].split("</table>")[0]
    review = deadlines.split("受理审查期限")[1].split("</tr>")[0]
    assert "届满，依法视为受理" in review and "未在计算" not in review


@pytest.mark.django_db
def test_extension_and_conversion_ask_first(county: County) -> None:
    client = county.client("clerk_a")
    ordinary = accept(receive(county.town_a, county.village_a, "X-1"))
    assert 'data-confirm="确定延长审理期限吗？' in page(client, step_url(ordinary, "extend"))
    simple = svc.case_accept(
        actor=Actor.command_line(),
        case=receive(county.town_a, county.village_a, "X-2"),
        accepted_on=dt.date(2024, 3, 7),
        procedure=Procedure.SIMPLE,
    )
    converting = page(client, step_url(simple, "convert_to_ordinary"))
    assert 'data-confirm="确定将本案由简易程序转为普通程序吗？' in converting


@pytest.mark.django_db
def test_case_page_shows_correction_and_refusal_rows_only_when_they_apply(
    county: County,
) -> None:
    client = county.client("clerk_a")
    plain = accept(receive(county.town_a, county.village_a, "Z-1"))
    text = page(client, plain.get_absolute_url())
    for label in ("不予受理决定日期", "不予受理理由", "补正通知日期", "收到补正材料日期"):
        assert f"<dt>{label}</dt>" not in text
    assert "<dt>收到申请日期</dt><dd>2024-03-04</dd>" in text  # dates as 2024-03-04
    assert "<dt>受理日期</dt><dd>2024-03-07</dd>" in text
    corrected = svc.case_request_correction(
        actor=Actor.command_line(),
        case=receive(county.town_a, county.village_a, "Z-2"),
        notified_on=dt.date(2024, 3, 6),
    )
    text = page(client, corrected.get_absolute_url())
    assert "<dt>补正通知日期</dt><dd>2024-03-06</dd>" in text and "<dt>补正期限</dt>" in text
    assert "<dt>不予受理理由</dt>" not in text
    refused = svc.case_refuse(
        actor=Actor.command_line(),
        case=receive(county.town_a, county.village_a, "Z-3"),
        refused_on=dt.date(2024, 3, 8),
        reason="超过法定申请期限",
    )
    text = page(client, refused.get_absolute_url())
    assert "<dt>不予受理决定日期</dt><dd>2024-03-08</dd>" in text
    assert "<dt>不予受理理由</dt><dd>超过法定申请期限</dd>" in text


@pytest.mark.django_db
def test_edit_form_masks_id_number_and_phone_and_keeps_them_when_blank(county: County) -> None:
    case = receive(county.town_a, county.village_a, "M-1")
    client = county.client("clerk_a")
    url = f"/reconsideration/cases/{case.pk}/edit/"
    form = page(client, url)
    assert "430102199001011234" not in form and "13812345678" not in form
    assert 'placeholder="430102********1234"' in form and 'placeholder="138****5678"' in form
    data = {
        "authority": "湘江县人民政府",
        "respondent": county.village_a.pk,
        "applicant_kind": "person",
        "applicant_name": "欧阳明远",
        "applicant_id_number": "",
        "applicant_phone": "",
        "channel": "in_person",
        "act_category": ActCategory.PENALTY,
        "matter": "请求撤销罚款决定",
    }
    assert client.post(url, data).status_code == 302
    case = fresh(case)
    assert case.applicant_id_number == "430102199001011234"
    assert case.applicant_phone == "13812345678"
    assert client.post(url, {**data, "applicant_phone": "13900001111"}).status_code == 302
    case = fresh(case)
    assert case.applicant_phone == "13900001111"
    assert case.applicant_id_number == "430102199001011234"


@pytest.mark.django_db
def test_form_labels_use_a_full_width_colon_and_mark_required_fields(county: County) -> None:
    client = county.client("clerk_a")
    form = page(client, "/reconsideration/cases/new/")
    assert '<label for="id_received_on" class="required">收到申请日期：</label>' in form
    assert '<label for="id_matter">申请事项：</label>' in form  # optional: no mark
    assert "申请日期:" not in form
    case = receive(county.town_a, county.village_a, "W-1")
    edit = page(client, f"/reconsideration/cases/{case.pk}/edit/")
    assert '<label for="id_authority" class="required">复议机关：</label>' in edit
    step = page(client, step_url(case, "refuse"))
    assert '<label for="id_reason" class="required">不予受理理由：</label>' in step
    css = (settings.PACKAGE_DIR / "static/fazhi/app.css").read_text()
    assert "label.required::before" in css and "td.date" in css and "white-space:nowrap" in css
