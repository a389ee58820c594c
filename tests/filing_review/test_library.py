"""The public library of 规范性文件 on the portal (no login) and the 审查建议 form.

Time frozen at 2025-06-20 (conftest). The 黄金乡 暂行办法 is valid until 2025-06-19, so it shows
失效 from 2025-06-20 with no step taken; on 2025-06-19 it is still 现行有效.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries
from tests.filing_review.conftest import SHANGHAI, Docs
from tests.personas import County

from fazhi.core.models import AuditEntry, RecordEvent
from fazhi.filing_review.models import Status, Suggestion

LIBRARY = "/portal/library/"


def titles(html: str) -> list[str]:
    body = html.split('id="library-list"', 1)[1]
    return re.findall(r'<a href="/portal/library/\d+/">([^<]+)</a>', body)


def test_library_lists_documents_in_force_only(docs: Docs) -> None:
    html = Client().get(LIBRARY).content.decode()
    assert sorted(titles(html)) == sorted([docs.building.title, docs.aid.title, docs.village.title])
    assert docs.trial.title not in html  # 失效 since today
    assert docs.draft.title not in html
    # every published one, 失效 included, with ?scope=all; never a draft
    html = Client().get(LIBRARY, {"scope": "all"}).content.decode()
    assert docs.trial.title in titles(html)
    assert docs.draft.title not in html
    assert "失效" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "建房"}, ["building"]),
        ({"number": "湘司发〔2025〕1号"}, ["aid"]),
        ({"number": "〔2025〕"}, ["aid", "village"]),
        ({"unit": "司法局"}, ["aid"]),
        ({"unit": "白沙镇"}, ["building", "village"]),
        ({"year": "2024"}, ["building"]),
        ({"year": "2025", "unit": "白沙镇"}, ["village"]),
        ({"q": "不存在的文件"}, []),
        # a year no date can hold, or not ASCII digits, is no filter (never a 500)
        ({"year": "99999999999"}, ["building", "aid", "village"]),
        ({"year": "10000"}, ["building", "aid", "village"]),
        ({"year": "²⁰²⁴"}, ["building", "aid", "village"]),
        ({"year": "-1", "page": "99999999999"}, ["building", "aid", "village"]),
    ],
)
def test_library_search(docs: Docs, params: dict[str, str], expected: list[str]) -> None:
    html = Client().get(LIBRARY, params).content.decode()
    assert sorted(titles(html)) == sorted(getattr(docs, name).title for name in expected)


def test_expired_document_shows_shixiao_from_the_day_after(docs: Docs) -> None:
    url = f"{LIBRARY}{docs.trial.pk}/"
    with time_machine.travel(dt.datetime(2025, 6, 19, 12, 0, tzinfo=SHANGHAI), tick=False):
        html = Client().get(url).content.decode()
        assert '<td id="document-status">现行有效</td>' in html
        assert docs.trial.title in titles(Client().get(LIBRARY).content.decode())
    html = Client().get(url).content.decode()
    assert '<td id="document-status">失效</td>' in html
    assert "2025-06-20 起失效（有效期至 2025-06-19 届满）" in html


def test_drafts_and_unknown_documents_are_404(docs: Docs) -> None:
    for pk in (docs.draft.pk, 999999):
        response = Client().get(f"{LIBRARY}{pk}/")
        assert response.status_code == 404
        assert "文件不存在或尚未公布" in response.content.decode()
        assert docs.draft.title not in response.content.decode()
    # nor can a suggestion be posted about a draft
    response = Client().post(
        f"{LIBRARY}{docs.draft.pk}/",
        {
            "applicant_name": "张三",
            "contact_phone": "13912345678",
            "text": "该文件与上位法相抵触，请审查。",
        },
    )
    assert response.status_code == 404
    assert not Suggestion.objects.exists()


def test_document_page_shows_status_and_history(docs: Docs) -> None:
    html = Client().get(f"{LIBRARY}{docs.building.pk}/").content.decode()
    assert '<td id="document-status">现行有效</td>' in html
    assert "白政发〔2024〕3号" in html and "BSZ-2024-001" in html
    assert "2024-03-01 公布" in html
    assert 'name="csrfmiddlewaretoken"' in html


VALID = {
    "applicant_name": "欧阳明远",
    "contact_phone": "13912345678",
    "text": "第五条要求提交无犯罪记录证明，属于增加义务，与上位法相抵触，建议审查。",
}


def test_feedback_happy_path_lands_in_the_authority_register(
    docs: Docs, county: County, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = Client(enforce_csrf_checks=True)
    url = f"{LIBRARY}{docs.building.pk}/"
    client.get(url)
    token = client.cookies["csrftoken"].value
    response = client.post(url, {**VALID, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    location = response["Location"]
    assert location == f"{url}?sent=1#feedback"
    assert "欧阳" not in location and "139" not in location
    html = client.get(f"{url}?sent=1").content.decode()
    assert "您的审查建议已收到" in html and "欧阳明远" not in html
    suggestion = Suggestion.objects.get()
    assert suggestion.unit == county.root  # 白沙镇 files with 湘江县人民政府
    assert suggestion.document == docs.building
    assert suggestion.status == Status.RECEIVED
    assert suggestion.received_on == dt.date(2025, 6, 20)
    assert suggestion.due_on == dt.date(2025, 8, 19)  # 60 days, a Tuesday
    assert suggestion.number == "审查建议〔2025〕1号"
    assert suggestion.applicant_name == "欧阳明远"
    # encrypted at rest
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT applicant_name, contact_phone, text FROM filing_review_suggestion")
        stored = cursor.fetchone()
    assert "欧阳明远" not in stored[0] and "13912345678" not in stored[1]
    # never logged, never in the audit log or the history in full
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "欧阳明远" not in logged and "13912345678" not in logged
    entry = AuditEntry.objects.get(action="filing_review.suggestion.submit")
    dumped = str(entry.after) + str(entry.before)
    assert "欧阳明远" not in dumped and "13912345678" not in dumped
    assert not RecordEvent.objects.filter(summary__contains="欧阳明远").exists()


def test_feedback_without_csrf_token_is_refused(docs: Docs) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"{LIBRARY}{docs.building.pk}/", VALID)
    assert response.status_code == 403
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"applicant_name": ""}, "applicant_name", "请填写姓名或单位名称"),
        ({"applicant_name": "张" * 41}, "applicant_name", "姓名或单位名称不能超过 40 个字"),
        ({"contact_phone": ""}, "contact_phone", "请填写联系方式，以便答复"),
        ({"contact_phone": "随便"}, "contact_phone", "联系方式应为电话号码或电子邮箱"),
        ({"text": "太短"}, "text", "审查建议的内容至少 10 个字"),
        ({"text": "长" * 2001}, "text", "审查建议的内容不能超过 2000 个字"),
    ],
)
def test_feedback_validation_errors(
    docs: Docs, data: dict[str, str], field: str, message: str
) -> None:
    response = Client().post(f"{LIBRARY}{docs.building.pk}/", {**VALID, **data})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}-error">{message}' in html
    assert not Suggestion.objects.exists()


def test_feedback_is_rate_limited(docs: Docs, settings: object) -> None:
    setattr(settings, "FAZHI_SUGGESTION_RATE", 2)  # noqa: B010
    client = Client()
    url = f"{LIBRARY}{docs.aid.pk}/"
    assert client.post(url, VALID).status_code == 302
    assert client.post(url, VALID).status_code == 302
    response = client.post(url, VALID)
    assert response.status_code == 429
    assert "提交过于频繁，请一小时后再试" in response.content.decode()
    assert Suggestion.objects.count() == 2
    assert sorted(Suggestion.objects.values_list("number", flat=True)) == [
        "审查建议〔2025〕1号",
        "审查建议〔2025〕2号",
    ]


def test_suggestion_lands_in_the_right_register_only(docs: Docs, county: County) -> None:
    Client().post(f"{LIBRARY}{docs.village.pk}/", VALID)
    suggestion = Suggestion.objects.get()
    assert suggestion.unit == county.town_a  # 白沙镇综合行政执法办 files with 白沙镇人民政府
    url = reverse("review_suggestions_list")
    seen = {
        p: county.client(p).get(url).content.decode()
        for p in ("clerk_a", "coordinator", "clerk_b", "dept_clerk")
    }
    assert suggestion.number in seen["clerk_a"] and suggestion.number in seen["coordinator"]
    assert suggestion.number not in seen["clerk_b"] and suggestion.number not in seen["dept_clerk"]
    # masked in the list for everyone
    for html in seen.values():
        assert "欧阳明远" not in html and "13912345678" not in html


def test_library_query_count_does_not_grow(
    docs: Docs, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_max_num_queries(6):
        Client().get(LIBRARY, {"scope": "all"})
