"""执法人员 and 执法主体 pages: the colour warnings (red for the holder's unit, orange, the
order), filters, search, 登记 and 修改, the 权责清单 steps, the home tile, the daily sweep and the
list pages' query counts."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from pytest_django import DjangoAssertNumQueries
from tests.personas import County

from fazhi.core.models import AuditEntry
from fazhi.enforcement import services as svc
from fazhi.enforcement.kit import home_tiles
from fazhi.enforcement.models import Duty, Officer, Subject
from fazhi.orgs.scoping import Actor
from fazhi.plans.models import Reminder

from .conftest import SHANGHAI, TODAY, MakeOfficer, MakeSubject, d

pytestmark = pytest.mark.django_db
LIST = "/enforcement/officers/"
SUBJECTS = "/enforcement/subjects/"


def names_in_order(html: str, names: list[str]) -> list[str]:
    found = [(html.index(n), n) for n in names if n in html]
    return [n for _, n in sorted(found)]


@pytest.fixture
def spread(county: County, make_officer: MakeOfficer) -> dict[str, Officer]:
    """白沙镇: valid, expiring within two months, expired yesterday (still on duty), expired
    and off duty; 黄金乡: one expired on duty."""
    return {
        "valid": make_officer(name="甲有效", issued="2024-03-01"),
        "soon": make_officer(name="乙将到期", issued="2021-08-20"),  # to 2026-08-19
        "red": make_officer(name="丙过期在岗", issued="2021-06-30"),  # to 2026-06-29: yesterday
        "off": make_officer(name="丁过期离岗", issued="2021-05-01", on_duty=False),
        "other": make_officer(county.town_b, name="戊黄金过期", issued="2021-01-04"),
    }


def test_an_expired_certificate_shows_red_for_its_holders_unit(
    county: County, spread: dict[str, Officer]
) -> None:
    html = county.client("clerk_a").get(LIST).content.decode()
    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*丙过期在岗(?:(?!</tr>).)*</tr>", html, re.S)
    assert row is not None
    assert '2026-06-29<br><span class="badge error">已过期仍在执法岗位</span>' in row.group(0)
    assert '<span class="badge warn">即将到期</span>' in html
    assert '<span class="badge error">已过期</span>' in html
    assert "戊黄金过期" not in html  # another township's officer
    # expired and on duty first, then expired, then expiring, then the rest
    assert names_in_order(html, ["甲有效", "乙将到期", "丙过期在岗", "丁过期离岗"]) == [
        "丙过期在岗",
        "丁过期离岗",
        "乙将到期",
        "甲有效",
    ]
    detail = county.client("clerk_a").get(spread["red"].get_absolute_url()).content.decode()
    assert 'id="cert-light">执法证已过期仍在执法岗位' in detail


def test_the_day_before_it_was_not_red(county: County, spread: dict[str, Officer]) -> None:
    with time_machine.travel(dt.datetime(2026, 6, 29, 12, tzinfo=SHANGHAI), tick=False):
        html = county.client("clerk_a").get(f"{LIST}?warning=on_duty").content.decode()
    assert "丙过期在岗" not in html


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("warning=on_duty", {"丙过期在岗"}),
        ("warning=expired", {"丙过期在岗", "丁过期离岗"}),
        ("warning=expiring", {"乙将到期"}),
        ("warning=valid", {"甲有效", "乙将到期"}),
        ("on_duty=0", {"丁过期离岗"}),
        ("q=乙将", {"乙将到期"}),
        ("year=2024", {"甲有效"}),
    ],
)
def test_list_filters(
    county: County, spread: dict[str, Officer], query: str, shown: set[str]
) -> None:
    html = county.client("clerk_a").get(f"{LIST}?{query}").content.decode()
    all_names = {"甲有效", "乙将到期", "丙过期在岗", "丁过期离岗", "戊黄金过期"}
    assert {n for n in all_names if n in html} == shown


def test_home_tile_per_unit(county: County, spread: dict[str, Officer]) -> None:
    (tile,) = home_tiles(county.actor("clerk_a"), TODAY)
    text = "".join(s.text for s in tile.line)
    assert text == (
        "持证 2 人，执法证 1 本将于两个月内到期，1 本已过期仍在执法岗位；"
        "法制审核人员占 0.0%，低于 5%"
    )
    assert [s.css for s in tile.line if s.css] == ["warn", "error"]
    assert tile.url == f"{LIST}?warning=on_duty"
    (county_tile,) = home_tiles(county.actor("coordinator"), TODAY)
    assert "2 本已过期仍在执法岗位" in "".join(s.text for s in county_tile.line)
    page = county.client("clerk_a").get("/").content.decode()
    assert "1 本已过期仍在执法岗位" in page


def test_home_tile_queries(
    county: County,
    spread: dict[str, Officer],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    actor = county.actor("clerk_a")
    with django_assert_max_num_queries(2):  # the province's rules, one aggregate
        home_tiles(actor, TODAY)


def test_the_daily_sweep_reminds_once(county: County, spread: dict[str, Officer]) -> None:
    out = StringIO()
    call_command("sweep_deadlines", stdout=out)
    assert (
        "执法证即将到期 1 本、已过期 3 本（其中仍在执法岗位 2 本），新提醒 4 条" in out.getvalue()
    )
    texts = dict(
        Reminder.objects.filter(key__startswith="enforcement:")
        .values_list("unit", "text")
        .order_by("text")
    )
    mine = Reminder.objects.filter(unit=county.town_a, key__startswith="enforcement:")
    assert mine.count() == 3 and texts
    red = mine.get(key__endswith=":on_duty")
    assert (
        red.text.startswith("执法人员丙过期在岗的执法证（证号 ")
        and "已于 2026-06-29 过期，仍在执法岗位" in red.text
    )
    assert red.link == spread["red"].get_absolute_url()
    before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    out = StringIO()
    call_command("sweep_deadlines", stdout=out)
    assert "新提醒 0 条" in out.getvalue()
    assert Reminder.objects.filter(key__startswith="enforcement:").count() == 4
    assert not AuditEntry.objects.filter(pk__gt=before, action="enforcement.sweep").exists()


def test_register_and_edit_an_officer(county: County, make_subject: MakeSubject) -> None:
    subject = make_subject()
    client = county.client("clerk_a")
    form = client.get(f"{LIST}new/").content.decode()
    assert "身份证号码" in form and "非在编人员不得申领执法证" in form
    response = client.post(
        f"{LIST}new/",
        {
            "unit": county.town_a.code,
            "subject": subject.pk,
            "name": "新申领",
            "on_staff": "True",
            "id_number": "430199199001011237",
            "categories": "处罚、检查",
            "applied_on": "2026-06-30",
        },
    )
    assert response.status_code == 302, re.findall(
        r'class="error"[^>]*>([^<]*)<', response.content.decode()
    )
    officer = Officer.objects.get(name="新申领")
    assert officer.categories == ["penalty", "inspection"] and officer.subject == subject
    assert officer.id_number == "430199199001011237"
    detail = client.get(officer.get_absolute_url()).content.decode()
    assert "430199199001011237" in detail  # the handler sees it in full (audited)
    assert AuditEntry.objects.filter(
        action="personal_data.view", object_id=str(officer.pk)
    ).exists()
    other = county.client("coordinator").get(officer.get_absolute_url()).content.decode()
    assert "430199199001011237" not in other
    bad = client.post(
        f"{LIST}new/",
        {
            "unit": county.town_a.code,
            "name": "错",
            "id_number": "123",
            "applied_on": "2026-06-30",
            "categories": "罚款",
        },
    )
    assert bad.status_code == 200
    text = bad.content.decode()
    assert "公民身份号码应为18位" in text or "执法类别“罚款”不存在" in text
    edit = client.post(
        f"{LIST}{officer.pk}/edit/",
        {
            "post": "法制审核员",
            "on_staff": "on",
            "legal_reviewer": "on",
            "categories": ["penalty"],
            "on_duty": "on",
        },
    )
    assert edit.status_code == 302, re.findall(
        r'class="error"[^>]*>([^<]*)<', edit.content.decode()
    )
    officer.refresh_from_db()
    assert (
        officer.legal_reviewer
        and officer.post == "法制审核员"
        and officer.categories == ["penalty"]
    )


def test_subject_with_its_duties(county: County) -> None:
    client = county.client("clerk_a")
    response = client.post(
        f"{SUBJECTS}new/",
        {
            "unit": county.town_a.code,
            "name": "白沙镇执法中队",
            "kind": "statutory",
            "legal_basis": "湖南省乡镇赋权清单",
            "categories": "行政处罚、行政检查",
        },
    )
    assert response.status_code == 302
    subject = Subject.objects.get(name="白沙镇执法中队")
    url = subject.get_absolute_url()
    page = client.get(url).content.decode()
    assert "删除权责清单事项</button>" in page and "权责清单中还没有事项" in page
    assert (
        client.post(
            f"{url}duty_add/",
            {"name": "违法建设处罚", "category": "penalty", "basis": "城乡规划法第六十五条"},
        ).status_code
        == 302
    )
    duty = Duty.objects.get(subject=subject)
    page = client.get(url).content.decode()
    assert "违法建设处罚" in page and "城乡规划法第六十五条" in page
    assert client.post(f"{url}duty_remove/", {"duty": duty.pk}).status_code == 302
    assert not Duty.objects.exists()
    assert AuditEntry.objects.filter(action="enforcement.duty_delete").count() == 1
    listing = client.get(f"{SUBJECTS}?category=penalty").content.decode()
    assert "白沙镇执法中队" in listing
    assert "白沙镇执法中队" not in client.get(f"{SUBJECTS}?category=award").content.decode()
    edit = client.post(
        f"{url}edit/",
        {"name": "白沙镇执法中队", "kind": "statutory", "categories": ["penalty"], "active": ""},
    )
    assert edit.status_code == 302
    subject.refresh_from_db()
    assert subject.categories == ["penalty"] and subject.active is False
    # another township's clerk sees nothing
    assert county.client("clerk_b").get(url).status_code == 404


def test_list_query_counts_do_not_grow(
    county: County,
    make_officer: MakeOfficer,
    make_subject: MakeSubject,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    subject = make_subject()
    for i in range(30):
        make_officer(subject=subject, issued=f"2021-0{1 + i % 9}-1{i % 10}")
        svc.duty_add(
            actor=Actor.command_line(), subject=subject, name=f"事项{i}", category="penalty"
        )
    client = county.client("clerk_a")
    with django_assert_max_num_queries(12):
        assert client.get(LIST).status_code == 200
    with django_assert_max_num_queries(12):
        assert (
            client.get(f"{LIST}?page=2&warning=expired&unit={county.town_a.code}").status_code
            == 200
        )
    with django_assert_max_num_queries(12):
        assert client.get(SUBJECTS).status_code == 200


def _unused(_: Any) -> None:  # keep d imported for readers of this module
    d("2026-01-01")
