"""The 学法 pages and API: navigation and home tile, the sessions list (scope, filter, search,
export), 登记 and 修改 by form with the errors, the 学法达标情况 page with its drill-down, the exam
list and 登记, the API (create/detail/list/403/404/422), the sweep hook, and the list pages'
query counts. Today is 2026-06-30."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries
from tests.personas import County
from tests.registers.matrix import api_client, exported_values
from tests.study.conftest import MakeExam, MakeSession, d

from fazhi.study.models import ExamResult, StudySession, UnitYear

SESSIONS = "/study/sessions/"
TARGETS = "/study/targets/"
EXAMS = "/study/exams/"
API = "/api/v1/study"

pytestmark = pytest.mark.django_db


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def subjects(html: str) -> list[str]:
    return re.findall(r'<a href="/study/sessions/\d+/">([^<]+)</a>', html)


def test_navigation_and_home_tile(county: County, make_session: MakeSession) -> None:
    from fazhi.study.selectors import short_count
    from fazhi.study.services import sweep

    response = county.client("clerk_a").get("/")
    assert ("学法", SESSIONS) in [(e.label, e.url) for e in response.context["nav"]]
    assert "学法进度落后" not in response.content.decode()
    make_session(county.town_a, "lecture", persona="clerk_a")  # 1 of 4 after one quarter
    assert "学法进度落后" not in page(county.client("clerk_a"), "/")
    sweep(today=d("2026-06-30"))  # root, dept and town_b get their rows, with no session
    html = page(county.client("coordinator"), "/")
    assert f"{TARGETS}?year=2026&amp;behind=1" in html
    assert "本年度学法进度落后 3 个单位" in html
    assert "本年度学法进度落后 1 个单位" in page(county.client("clerk_b"), "/")
    assert "学法进度落后" not in page(county.client("clerk_a"), "/")
    listed = page(county.client("coordinator"), f"{TARGETS}?year=2026&behind=1")
    assert "黄金乡人民政府" in listed and "白沙镇人民政府" not in listed
    coordinator = county.actor("coordinator")
    assert short_count(coordinator, d("2026-03-31")) == 0  # no quarter over yet
    assert short_count(coordinator, d("2026-10-01")) == 4  # 1 of 4 after three quarters


def test_sessions_list_scope_filter_search_export(
    county: County, make_session: MakeSession
) -> None:
    make_session(county.root, "executive", subject="县政府常务会议学法")
    make_session(county.town_a, "lecture", subject="白沙镇专题讲座", laws="《土地管理法》")
    make_session(county.town_b, "trial", subject="黄金乡旁听庭审")
    assert sorted(subjects(page(county.client("coordinator"), SESSIONS))) == sorted(
        ["县政府常务会议学法", "白沙镇专题讲座", "黄金乡旁听庭审"]
    )
    assert subjects(page(county.client("clerk_a"), SESSIONS)) == ["白沙镇专题讲座"]
    client = county.client("coordinator")
    assert subjects(page(client, f"{SESSIONS}?kind=trial")) == ["黄金乡旁听庭审"]
    assert subjects(page(client, f"{SESSIONS}?q=土地管理法")) == ["白沙镇专题讲座"]
    assert subjects(page(client, f"{SESSIONS}?unit={county.town_b.code}")) == ["黄金乡旁听庭审"]
    export = client.get(f"{SESSIONS}export.xlsx?year=2026")
    assert export.status_code == 200
    values = exported_values(export.content)
    assert {"县政府常务会议学法", "白沙镇专题讲座", "黄金乡旁听庭审"} <= values


def test_create_and_edit_by_form(county: County) -> None:
    client = county.client("clerk_a")
    form = page(client, f"{SESSIONS}new/")
    assert "学习的法律法规" in form and "参加单位" in form
    bad = client.post(
        f"{SESSIONS}new/",
        {"unit": county.town_a.code, "kind": "lecture", "held_on": "2026-07-02",
         "subject": "讲座", "attendee_count": ""},
    )  # fmt: skip
    assert bad.status_code == 200
    text = bad.content.decode()
    assert "学法日期不能晚于今天" in text or "请填写参加人员名单" in text
    assert not StudySession.objects.exists()
    ok = client.post(
        f"{SESSIONS}new/",
        {"unit": county.town_a.code, "kind": "lecture", "held_on": "2026-04-02",
         "subject": "行政复议法讲座", "laws": "《中华人民共和国行政复议法》",
         "attendee_unit_codes": county.village_a.code, "attendee_names": "甲\n乙"},
    )  # fmt: skip
    assert ok.status_code == 302
    session = StudySession.objects.get()
    detail = page(client, f"{SESSIONS}{session.pk}/")
    assert "白沙镇综合行政执法办" in detail and "《中华人民共和国行政复议法》" in detail
    edit = client.post(
        f"{SESSIONS}{session.pk}/edit/",
        {"kind": "trial", "held_on": "2026-04-03", "subject": "旁听庭审",
         "laws": "", "speaker": "", "attendee_names": "", "attendee_count": "8",
         "minutes": "", "materials": "", "attendee_unit_codes": ""},
    )  # fmt: skip
    assert edit.status_code == 302, edit.content.decode()
    session.refresh_from_db()
    assert (session.kind, session.attendee_count, session.attendee_unit_codes) == ("trial", 8, "")
    refused = client.post(
        f"{SESSIONS}{session.pk}/edit/",
        {"kind": "trial", "held_on": "2026-04-03", "subject": "x", "attendee_count": "",
         "attendee_names": ""},
    )  # fmt: skip
    assert refused.status_code == 200 and "请填写参加人员名单" in refused.content.decode()
    assert county.client("clerk_b").get(f"{SESSIONS}{session.pk}/edit/").status_code == 404


def test_target_page_and_drill_down(county: County, make_session: MakeSession) -> None:
    for month in (1, 2, 3, 4):
        make_session(county.root, "executive", f"2026-0{month}-10", subject=f"常务会议{month}")
    make_session(county.root, "group", "2026-05-10", subject="中心组学习")
    make_session(county.dept, "lecture", subject="司法局讲座")
    client = county.client("coordinator")
    html = page(client, f"{TARGETS}?year=2026")
    assert "学法达标情况" in html and "湘江县人民政府" in html and "湘江县司法局" in html
    met = page(client, f"{TARGETS}?year=2026&met=1")
    assert "湘江县人民政府" in met and "湘江县司法局" not in met
    row = UnitYear.objects.get(unit=county.root, year=2026)
    detail = page(client, f"{TARGETS}{row.pk}/")
    assert "本年度学法活动（5 次）" in detail
    assert "常务会议1" in detail and "中心组学习" in detail and "司法局讲座" not in detail
    assert county.client("clerk_a").get(f"{TARGETS}{row.pk}/").status_code == 404


def test_exams_list_and_create(county: County, make_exam: MakeExam) -> None:
    make_exam(county.root, "甲", "90")
    make_exam(county.town_a, "乙", "50")
    client = county.client("clerk_a")
    html = page(client, EXAMS)
    assert "乙" in html and "不合格" in html and ">甲<" not in html
    done = client.post(
        f"{EXAMS}new/",
        {"unit": county.town_a.code, "name": "丙", "exam_on": "2026-05-20", "score": "61"},
    )
    assert done.status_code == 302
    assert ExamResult.objects.get(name="丙").passed
    bad = client.post(
        f"{EXAMS}new/", {"unit": county.town_a.code, "name": "丁", "exam_on": "2026-05-20"}
    )
    assert "请填写成绩" in bad.content.decode()
    assert "乙" in page(county.client("coordinator"), f"{EXAMS}?passed=0")


def test_api(county: County, make_session: MakeSession) -> None:
    client, headers = api_client(county, "clerk_a")

    def post(path: str, body: dict[str, object]) -> object:
        return client.post(
            f"{API}{path}", json.dumps(body), content_type="application/json", headers=headers
        )

    created = post(
        "/sessions",
        {"unit": county.town_a.code, "kind": "lecture", "held_on": "2026-06-01",
         "subject": "接口讲座", "laws": "《宪法》\n《民法典》", "attendee_names": "甲\n乙\n丙",
         "attendee_unit_codes": county.village_a.code},
    )  # fmt: skip
    assert created.status_code == 201, created.content  # type: ignore[attr-defined]
    sid = created.json()["id"]  # type: ignore[attr-defined]
    detail = client.get(f"{API}/sessions/{sid}", headers=headers).json()
    assert detail["laws"] == ["《宪法》", "《民法典》"] and detail["attendee_count"] == 3
    assert detail["attendee_units"] == [county.village_a.code]
    lecture = {"unit": county.town_a.code, "kind": "lecture", "held_on": "2026-06-01"}
    bad = post("/sessions", {**lecture, "subject": "无人"})
    assert bad.status_code == 422  # type: ignore[attr-defined]
    assert "请填写参加人员名单" in json.dumps(bad.json(), ensure_ascii=False)  # type: ignore[attr-defined]
    out = post(
        "/sessions",
        {**lecture, "unit": county.town_b.code, "subject": "越界", "attendee_count": 3},
    )
    assert out.status_code == 422  # type: ignore[attr-defined]
    listing = client.get(f"{API}/sessions?kind=lecture", headers=headers).json()
    assert [r["subject"] for r in listing["items"]] == ["接口讲座"]
    targets = client.get(f"{API}/targets?year=2026", headers=headers).json()
    assert [(r["unit_code"], r["counted"], r["met"]) for r in targets["items"]] == [
        (county.town_a.code, 1, False)
    ]
    exam = post("/exams", {"unit": county.town_a.code, "name": "甲", "exam_on": "2026-05-01",
                           "score": 75})  # fmt: skip
    assert exam.status_code == 201 and exam.json()["passed"] is True  # type: ignore[attr-defined]
    other, other_headers = api_client(county, "clerk_b")
    assert other.get(f"{API}/sessions/{sid}", headers=other_headers).status_code == 404
    auditor, auditor_headers = api_client(county, "auditor")
    assert auditor.get(f"{API}/sessions/{sid}", headers=auditor_headers).status_code == 403
    leader, leader_headers = api_client(county, "leader")
    denied = leader.post(
        f"{API}/sessions", json.dumps({"unit": county.root.code}),
        content_type="application/json", headers=leader_headers,
    )  # fmt: skip
    assert denied.status_code == 403
    assert client.get(f"{API}/sessions/999999", headers=headers).status_code == 404


def test_list_query_counts_do_not_grow_with_rows(
    county: County,
    make_session: MakeSession,
    make_exam: MakeExam,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    def fill(n: int) -> None:
        for i in range(n):
            unit = (county.town_a, county.dept, county.root)[i % 3]
            make_session(unit, "lecture", f"2026-0{1 + i % 6}-1{i % 9}",
                         units=f"{county.town_a.code}、{county.village_a.code}")  # fmt: skip
            make_exam(unit, f"人{n}-{i}")

    urls = (SESSIONS, TARGETS, EXAMS, f"{TARGETS}?year=2026&met=0", f"{SESSIONS}?kind=lecture")
    client = county.client("coordinator")
    fill(3)
    counts = {}
    for url in urls:
        client.get(url)
        with django_assert_max_num_queries(14) as ctx:
            assert client.get(url).status_code == 200
        counts[url] = len(ctx.captured_queries)
    fill(15)
    for url in urls:
        client.get(url)
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200
    row = UnitYear.objects.get(unit=county.dept, year=2026)
    client.get(f"{TARGETS}{row.pk}/")
    with django_assert_max_num_queries(16):
        assert client.get(f"{TARGETS}{row.pk}/").status_code == 200


def test_the_sweep_hook_summary(county: County) -> None:
    from fazhi.study.kit import sweep_deadlines

    assert sweep_deadlines(d("2026-06-30")) == "年度学法达标情况更新 4 个单位"
    assert sweep_deadlines(d("2026-06-30")) == "年度学法达标情况更新 0 个单位"
