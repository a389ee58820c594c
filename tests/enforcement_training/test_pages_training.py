"""The 行政执法培训 pages and API: navigation, home tile, the course list and detail with its
attendance, 登记 of a course and of an attendance (page and API, with the errors), the yearly
hours list with its filters and export, the daily refresh, and the list pages' query counts.
Today is 2026-06-30 (``conftest._frozen``)."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries
from tests.enforcement_training.conftest import Attend, MakeCourse, MakeOfficer, d
from tests.personas import County
from tests.registers.matrix import api_client, exported_values

from fazhi.core.models import AuditEntry
from fazhi.enforcement.models import CertStatus
from fazhi.enforcement_training.models import Attendance, Course, OfficerYear
from fazhi.enforcement_training.services import sweep

COURSES = "/enforcement-training/courses/"
ATTENDANCE = "/enforcement-training/attendance/"
HOURS = "/enforcement-training/hours/"
API = "/api/v1/enforcement-training"

pytestmark = pytest.mark.django_db


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def hour_names(html: str) -> list[str]:
    return re.findall(r'<a href="/enforcement-training/hours/\d+/">([^<]+)</a>', html)


def test_navigation_entry_and_home_tile(
    county: County, make_officer: MakeOfficer, make_course: MakeCourse, attend: Attend
) -> None:
    response = county.client("clerk_a").get("/")
    labels = [(e.label, e.url) for e in response.context["nav"]]
    assert ("执法培训", HOURS) in labels
    html = response.content.decode()
    assert "本年度培训学时未达标" not in html  # no officer yet: no tile
    short, enough = make_officer(name="缺学时"), make_officer(name="够学时")
    make_officer(county.town_b, name="黄金乡人")
    attend(make_course(hours=(30, 30, 0)), enough)
    attend(make_course("半程", hours=(10, 0, 0)), short)
    sweep()  # the town_b officer (no training at all) gets a row too
    html = page(county.client("clerk_a"), "/")
    url = f"{HOURS}?year=2026&amp;met=0&amp;certified=1"
    assert (
        f'<a class="tile" href="{url}"><strong>执法培训</strong>'
        '<span><b class="error">本年度培训学时未达标 1 人</b></span></a>'
    ) in html
    assert "本年度培训学时未达标 2 人" in page(county.client("coordinator"), "/")


def test_course_register_page_detail_and_errors(
    county: County, make_officer: MakeOfficer, attend: Attend
) -> None:
    clerk = county.client("clerk_a")
    form = page(clerk, f"{COURSES}new/")
    assert f'<option value="{county.town_b.code}"' not in form
    data = {
        "unit": county.town_a.code,
        "title": "执法文书制作培训",
        "kind": "training",
        "start_on": "2026-05-12",
        "end_on": "2026-05-11",
        "public_hours": "2",
        "professional_hours": "3.5",
        "skill_hours": "",
    }
    refused = clerk.post(f"{COURSES}new/", data)
    assert refused.status_code == 200 and "结束日期不能早于开始日期" in refused.content.decode()
    data["end_on"] = "2026-05-13"
    created = clerk.post(f"{COURSES}new/", data)
    assert created.status_code == 302
    course = Course.objects.get()
    assert (course.total_hours, course.unit) == (Decimal("5.5"), county.town_a)
    again = clerk.post(f"{COURSES}new/", data)
    assert "已登记 2026-05-12 开始的“执法文书制作培训”" in again.content.decode()
    future = clerk.post(f"{COURSES}new/", {**data, "start_on": "2026-07-01", "end_on": ""})
    assert "开始日期不能晚于今天" in future.content.decode()
    attend(course, make_officer(name="王执法"), persona="clerk_a")
    detail = page(clerk, f"{COURSES}{course.pk}/")
    assert "参训人员（1 人）" in detail and "王执法" in detail and "5.5" in detail
    assert f"/enforcement-training/attendance/new/?course={course.pk}" in detail
    entry = AuditEntry.objects.filter(action="enforcement_training.course_register").get()
    assert entry.object_id == str(course.pk)


def test_attendance_page_credits_hours_and_scores_an_exam(
    county: County, make_officer: MakeOfficer, make_course: MakeCourse
) -> None:
    officer = make_officer(name="李执法")
    outsider = make_officer(county.town_b, name="外乡人")
    exam = make_course("年度考试", kind="exam", hours=(2, 2, 0), pass_score=60, unit=county.town_a)
    clerk = county.client("clerk_a")
    form = page(clerk, f"{ATTENDANCE}new/?course={exam.pk}")
    assert "李执法（白沙镇人民政府）" in form and "外乡人" not in form
    base = {"course": exam.pk, "officer": officer.pk, "score": "58"}
    assert clerk.post(f"{ATTENDANCE}new/", base).status_code == 302
    row = Attendance.objects.get()
    assert (row.total_hours, row.score, row.passed) == (Decimal(4), Decimal(58), False)
    assert row.unit == county.town_a and row.on == exam.start_on
    twice = clerk.post(f"{ATTENDANCE}new/", base)
    assert "李执法已登记参加“年度考试”" in twice.content.decode()
    out = clerk.post(f"{ATTENDANCE}new/", {**base, "officer": outsider.pk})
    assert out.status_code == 200 and Attendance.objects.count() == 1  # not offered: invalid
    training = make_course("培训不计分", unit=county.town_a)
    scored = clerk.post(
        f"{ATTENDANCE}new/", {"course": training.pk, "officer": officer.pk, "score": "90"}
    )
    assert "培训不登记考试成绩" in scored.content.decode()
    year = OfficerYear.objects.get(officer=officer)
    assert (year.total_hours, year.met) == (Decimal(4), False)


def test_hours_list_filters_and_export(
    county: County, make_officer: MakeOfficer, make_course: MakeCourse, attend: Attend
) -> None:
    done, short = make_officer(name="达标人"), make_officer(county.village_a, name="未达标人")
    other = make_officer(county.town_b, name="黄金人")
    course = make_course(hours=(20, 20, 20))
    attend(course, done)
    attend(course, other)
    attend(make_course("上年度", start_on=d("2025-05-05"), hours=(60, 0, 0)), short)
    attend(make_course("今年少", hours=(1, 0, 0)), short)
    clerk = county.client("clerk_a")
    assert sorted(hour_names(page(clerk, f"{HOURS}?year=2026"))) == ["未达标人", "达标人"]
    assert hour_names(page(clerk, f"{HOURS}?year=2026&met=0")) == ["未达标人"]
    assert hour_names(page(clerk, f"{HOURS}?year=2025")) == ["未达标人"]
    assert hour_names(page(clerk, f"{HOURS}?unit={county.village_a.code}&year=2026")) == [
        "未达标人"
    ]
    coordinator = county.client("coordinator")
    assert sorted(hour_names(page(coordinator, f"{HOURS}?year=2026&met=1"))) == ["达标人", "黄金人"]
    export = clerk.get(f"{HOURS}export.xlsx?year=2026")
    assert export.status_code == 200
    values = exported_values(export.content)
    assert {"达标人", "未达标人", "60", "是", "否"} <= values and "黄金人" not in values
    row = OfficerYear.objects.get(officer=short, year=2026)
    detail = page(clerk, f"{HOURS}{row.pk}/")
    assert "今年少" in detail and "上年度" not in detail
    assert "2026年度培训学时 1 学时，未达到 60 学时" in detail


def test_sweep_adds_certified_officers_and_is_repeatable(
    county: County, make_officer: MakeOfficer
) -> None:
    holder = make_officer(name="持证人")
    make_officer(name="申领中", status=CertStatus.APPLIED, cert_number="", cert_issued_on=None)
    make_officer(name="已过期", cert_expires_on=d("2025-12-31"))
    assert sweep() == 1
    row = OfficerYear.objects.get()
    assert (row.officer, row.certified, row.met, row.total_hours) == (holder, True, False, 0)
    assert sweep() == 0
    holder.status = CertStatus.CANCELLED
    holder.save()
    assert sweep() == 1
    assert not OfficerYear.objects.get().certified


def test_api_create_list_and_detail(
    county: County, make_officer: MakeOfficer, make_course: MakeCourse
) -> None:
    officer = make_officer(name="接口人")
    client, headers = api_client(county, "clerk_a")

    def post(path: str, body: dict[str, object]) -> object:
        return client.post(
            f"{API}{path}", json.dumps(body), content_type="application/json", headers=headers
        )

    created = post(
        "/courses",
        {
            "unit": county.town_a.code,
            "title": "接口培训",
            "kind": "training",
            "start_on": "2026-06-01",
            "public_hours": 2.5,
            "professional_hours": 6,
        },
    )
    assert created.status_code == 201, created.content  # type: ignore[attr-defined]
    course = created.json()  # type: ignore[attr-defined]
    assert course["public_hours"] == "2.5" or course["public_hours"] == 2.5
    bad = post("/attendance", {"course": course["id"], "officer": officer.pk, "score": 80})
    assert bad.status_code == 422  # type: ignore[attr-defined]
    assert "培训不登记考试成绩" in json.dumps(bad.json(), ensure_ascii=False)  # type: ignore[attr-defined]
    done = post("/attendance", {"course": course["id"], "officer": officer.pk})
    assert done.status_code == 201  # type: ignore[attr-defined]
    assert Decimal(str(done.json()["total_hours"])) == Decimal("8.5")  # type: ignore[attr-defined]
    detail = client.get(f"{API}/courses/{course['id']}", headers=headers).json()
    assert [a["officer_name"] for a in detail["attendances"]] == ["接口人"]
    listing = client.get(f"{API}/hours?year=2026&met=0", headers=headers).json()
    assert [(r["officer_name"], r["met"]) for r in listing["items"]] == [("接口人", False)]
    other, other_headers = api_client(county, "clerk_b")
    assert other.get(f"{API}/courses/{course['id']}", headers=other_headers).status_code == 404


def test_list_query_counts_do_not_grow_with_rows(
    county: County,
    make_officer: MakeOfficer,
    make_course: MakeCourse,
    attend: Attend,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    courses = [make_course(f"培训{i}", unit=county.town_a) for i in range(3)]
    for i in range(12):
        officer = make_officer(county.town_a if i % 2 else county.village_a)
        for course in courses:
            attend(course, officer)
    client = county.client("coordinator")
    for url in (COURSES, ATTENDANCE, HOURS, f"{HOURS}?year=2026&met=0&unit={county.town_a.code}"):
        client.get(url)
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


def test_the_sweep_hook_summary(county: County, make_officer: MakeOfficer) -> None:
    from fazhi.enforcement_training.kit import sweep_deadlines

    make_officer()
    make_officer(county.town_b)
    assert sweep_deadlines(d("2026-06-30")) == "年度培训学时更新 2 人"
    assert sweep_deadlines(d("2026-06-30")) == "年度培训学时更新 0 人"
