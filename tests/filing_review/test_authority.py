"""The 备案审查机关's side: filings received (scope, 形式审查/审查 deadlines, result and 逾期
filters), the 审查建议 workflow, the monthly and annual catalogues (oracle, xlsx), the home tile
in January, and query-count guards. Time frozen at 2025-06-20 (conftest)."""

from __future__ import annotations

import datetime as dt
import io
import re

import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pytest_django import DjangoAssertNumQueries
from tests.filing_review.conftest import SHANGHAI, Docs
from tests.personas import County

from fazhi.core.models import AuditEntry
from fazhi.core.workflow import today
from fazhi.filing_review import selectors as sel
from fazhi.filing_review import services as svc
from fazhi.filing_review.kit import home_tiles
from fazhi.filing_review.models import Status, Suggestion
from fazhi.filing_review.workflow import SUGGESTIONS
from fazhi.normative_docs.models import Document, Filing, FilingResult

FILINGS = "/filing-review/filings/"
CATALOGUE = "/filing-review/catalogue/"


def filing_of(doc: Document, county: County) -> Filing:
    return Filing.objects.get(document=doc, authority__isnull=False)


def test_filings_received_by_the_county_government(docs: Docs, county: County) -> None:
    html = county.client("coordinator").get(FILINGS).content.decode()
    assert docs.building.title in html  # 白沙镇 → 湘江县人民政府, submitted
    assert docs.aid.title in html  # 司法局 → 湘江县人民政府, submitted
    assert docs.trial.title not in html  # never submitted
    assert docs.village.title not in html  # received by 白沙镇, not submitted
    # 白沙镇 receives none of these: what it *sent* is not in its 备案审查 list
    html = county.client("clerk_a").get(FILINGS).content.decode()
    assert docs.building.title not in html and docs.aid.title not in html


def test_form_check_and_review_deadlines(docs: Docs, county: County) -> None:
    aid = filing_of(docs.aid, county)
    # submitted Saturday 2025-05-10: 5 working days → Fri 2025-05-16; 审查 60 days → 2025-07-09
    assert sel.rule(sel.FORM_CHECK, county.root).due(aid.submitted_on) == dt.date(2025, 5, 16)  # type: ignore[arg-type]
    assert sel.rule(sel.REVIEW, county.root).due(aid.submitted_on) == dt.date(2025, 7, 9)  # type: ignore[arg-type]
    # across 国庆 2025 (10-01…10-08 off, 09-28 and 10-11 worked): 5 wd from Fri 09-26 → 10-10
    assert sel.rule(sel.FORM_CHECK, county.root).due(dt.date(2025, 9, 26)) == dt.date(2025, 10, 10)
    # across 春节 2025 (01-28…02-04 off, 01-26 and 02-08 worked): from Fri 01-24 → 02-07
    assert sel.rule(sel.FORM_CHECK, county.root).due(dt.date(2025, 1, 24)) == dt.date(2025, 2, 7)
    html = county.client("coordinator").get(f"{FILINGS}{aid.pk}/").content.decode()
    assert "2025-05-16" in html and "2025-07-09" in html


def test_latest_overdue_start_is_the_boundary(db: None) -> None:
    rule = sel.Rule(5, "working")
    cutoff = rule.latest_overdue_start(dt.date(2025, 6, 20))
    assert rule.due(cutoff) < dt.date(2025, 6, 20) <= rule.due(cutoff + dt.timedelta(days=1))


def test_result_and_overdue_filters(docs: Docs, county: County) -> None:
    client = county.client("coordinator")
    pending = client.get(FILINGS, {"result": "pending"}).content.decode()
    assert docs.aid.title in pending and docs.building.title not in pending
    registered = client.get(FILINGS, {"result": "registered"}).content.decode()
    assert docs.building.title in registered and docs.aid.title not in registered
    overdue = client.get(FILINGS, {"overdue": "1"}).content.decode()
    assert docs.aid.title in overdue and docs.building.title not in overdue
    # on the last day of the 形式审查 period it is not overdue yet
    with time_machine.travel(dt.datetime(2025, 5, 16, 12, 0, tzinfo=SHANGHAI), tick=False):
        html = client.get(FILINGS, {"overdue": "1"}).content.decode()
        assert docs.aid.title not in html


def test_outcome_through_normative_docs_then_counts(docs: Docs, county: County) -> None:
    from fazhi.normative_docs import services as nd

    aid = filing_of(docs.aid, county)
    assert sel.todo_counts(county.actor("coordinator"), today())["overdue"] == 1
    nd.document_record_result(
        actor=county.actor("coordinator"),
        document=docs.aid,
        filing=aid,
        result=FilingResult.SUSPENDED,
        result_on=dt.date(2025, 6, 3),
        result_note="缺少起草说明",
    )
    aid.refresh_from_db()
    assert aid.correction_due is not None and aid.correction_due < today()  # 15 days: 06-18
    counts = sel.todo_counts(county.actor("coordinator"), today())
    assert counts["pending"] == 0 and counts["overdue"] == 1  # 暂缓, not corrected: overdue
    html = county.client("coordinator").get(FILINGS, {"overdue": "1"}).content.decode()
    assert docs.aid.title in html


def submit(doc: Document) -> Suggestion:
    return svc.suggestion_submit(
        document=doc,
        applicant_name="欧阳明远",
        contact_phone="13912345678",
        text="第五条增加了公民义务，与上位法相抵触，建议审查。",
    )


def test_suggestion_workflow(docs: Docs, county: County) -> None:
    suggestion = submit(docs.building)
    assert SUGGESTIONS.table() == {
        "received": {"study": "studying", "answer": "answered"},
        "studying": {"answer": "answered"},
        "answered": {},
    }
    client = county.client("coordinator")
    detail = client.get(reverse("review_suggestions_detail", args=[suggestion.pk])).content.decode()
    assert "研究处理" in detail
    response = client.post(
        reverse("review_suggestions_step", args=[suggestion.pk, "study"]),
        {"studied_on": "2025-06-20"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("review_suggestions_step", args=[suggestion.pk, "answer"]),
        {"answered_on": "2025-06-20", "result": "", "reply": ""},
    )
    html = response.content.decode()
    assert re.search(r'id="id_result-error">[^<]+', html)
    assert 'id="id_reply-error"' in html
    response = client.post(
        reverse("review_suggestions_step", args=[suggestion.pk, "answer"]),
        {
            "answered_on": "2025-06-20",
            "result": "correct",
            "reply": "已建议白沙镇人民政府修改第五条。",
        },
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == Status.ANSWERED
    assert suggestion.answered_on == dt.date(2025, 6, 20)
    entry = AuditEntry.objects.filter(action="filing_review.suggestion.answer").get()
    assert "欧阳明远" not in str(entry.before) + str(entry.after)


def test_suggestion_detail_unmasked_for_the_handler_only(docs: Docs, county: County) -> None:
    suggestion = submit(docs.village)  # lands in 白沙镇人民政府's register
    url = reverse("review_suggestions_detail", args=[suggestion.pk])
    assert "欧阳明远" in county.client("clerk_a").get(url).content.decode()
    root_view = county.client("coordinator").get(url).content.decode()
    assert "欧阳明远" not in root_view and "<dd>****</dd>" in root_view  # masked for the superior
    assert county.client("clerk_b").get(url).status_code == 404


def test_suggestion_overdue_filter_and_tile(docs: Docs, county: County) -> None:
    suggestion = submit(docs.building)
    client = county.client("coordinator")
    assert (
        suggestion.number
        not in client.get(reverse("review_suggestions_list"), {"overdue": "1"}).content.decode()
    )
    with time_machine.travel(dt.datetime(2025, 8, 20, 12, 0, tzinfo=SHANGHAI), tick=False):
        client = county.client("coordinator")  # a fresh login: the session of June has expired
        html = client.get(reverse("review_suggestions_list"), {"overdue": "1"}).content.decode()
        assert suggestion.number in html
        tiles = home_tiles(county.actor("coordinator"), dt.date(2025, 8, 20))
        texts = {t.title: "".join(s.text for s in t.line) for t in tiles}
        assert texts["审查建议"] == "审查建议待答复 1 件，超过答复期限 1 件"


def test_monthly_catalogue_oracle_and_xlsx(docs: Docs, county: County) -> None:
    client = county.client("coordinator")
    html = client.get(CATALOGUE, {"year": "2024", "month": "3", "annual": "2024"}).content.decode()
    monthly = html.split('id="monthly-catalogue"', 1)[1].split("</table>", 1)[0]
    assert docs.building.title in monthly and docs.aid.title not in monthly
    response = client.get(CATALOGUE, {"year": "2024", "month": "3", "export": "monthly"})
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1] == (
        "序号",
        "文件名称",
        "文号",
        "制定机关",
        "公布日期",
        "报送备案日期",
        "备案登记日期",
    )
    assert rows[2:] == [
        (
            1,
            docs.building.title,
            "白政发〔2024〕3号",
            "白沙镇人民政府",
            "2024-03-01",
            "2024-03-11",
            "2024-03-15",
        )
    ]
    assert AuditEntry.objects.filter(action="filing_review.catalogue_export").count() == 1
    # nothing registered in 2024-04
    html = client.get(CATALOGUE, {"year": "2024", "month": "4"}).content.decode()
    assert "2024年4月没有备案登记的文件" in html


def test_annual_catalogue_oracle(docs: Docs, county: County) -> None:
    expected = {
        d.title for d in Document.objects.exclude(published_on=None).filter(published_on__year=2025)
    }
    assert expected == {docs.aid.title, docs.village.title}
    response = county.client("coordinator").get(CATALOGUE, {"annual": "2025", "export": "annual"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert {r[1] for r in rows[2:]} == expected
    # 白沙镇's own catalogue: its subtree only
    response = county.client("clerk_a").get(CATALOGUE, {"annual": "2025", "export": "annual"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert {r[1] for r in rows[2:]} == {docs.village.title}
    html = county.client("clerk_a").get(CATALOGUE, {"annual": "2024"}).content.decode()
    assert "2025年1月31日 前报送" in html


def test_annual_catalogue_tile_in_january_only(county: County) -> None:
    actor = county.actor("coordinator")
    tiles = home_tiles(actor, dt.date(2026, 1, 15))
    assert [
        ("".join(s.text for s in t.line)) for t in tiles if t.title == "年度规范性文件目录"
    ] == ["2025年目录应于 1月31日 前报送"]
    assert not [
        t for t in home_tiles(actor, dt.date(2026, 2, 1)) if t.title == "年度规范性文件目录"
    ]
    assert not [
        t for t in home_tiles(actor, dt.date(2025, 12, 31)) if t.title == "年度规范性文件目录"
    ]


def test_home_page_shows_the_tiles(docs: Docs, county: County) -> None:
    html = county.client("coordinator").get("/").content.decode()
    assert "备案审查" in html and "逾期 1 件" in html


def test_list_query_counts_do_not_grow(
    docs: Docs, county: County, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = county.client("coordinator")
    for doc in (docs.building, docs.aid):
        submit(doc)
    with django_assert_max_num_queries(25):
        client.get(FILINGS)
    with django_assert_max_num_queries(25):
        client.get(reverse("review_suggestions_list"))
    with django_assert_max_num_queries(25):
        client.get(CATALOGUE, {"year": "2024", "month": "3", "annual": "2025"})
    first = _count(client, FILINGS)
    from fazhi.normative_docs import services as nd
    from fazhi.orgs.scoping import Actor

    for i in range(4):
        nd.document_import(
            actor=Actor.command_line(),
            unit=county.town_b,
            title=f"黄金乡文件{i}",
            doc_number=f"黄政发〔2025〕{10 + i}号",
            published_on=dt.date(2025, 3, 3),
            filed_on=dt.date(2025, 3, 5),
        )
    assert _count(client, FILINGS) == first


def _count(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)


def test_pages_need_login(docs: Docs) -> None:
    for url in (FILINGS, CATALOGUE, reverse("review_suggestions_list")):
        response = Client().get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_province_override_of_the_form_check_period(docs: Docs, county: County) -> None:
    """湘 (43) says 10 days for the 形式审查 (as 北京 does): the county's filings follow it."""
    from fazhi.core.models import DeadlineRule

    national = DeadlineRule.objects.get(code=sel.FORM_CHECK, region="")
    assert (national.days, national.counting) == (5, "working")
    DeadlineRule.objects.create(
        code=sel.FORM_CHECK,
        region="43",
        name=national.name,
        law="某省规范性文件备案审查规定",
        article="第十二条",
        days=10,
        counting="natural",
        start_event=national.start_event,
    )
    # Saturday 2025-05-10 + 10 natural days = Tuesday 2025-05-20
    assert sel.rule(sel.FORM_CHECK, county.root).due(dt.date(2025, 5, 10)) == dt.date(2025, 5, 20)
    # 2025-09-28 + 10 = 10-08 (国庆 holiday) → the next working day 10-09
    assert sel.rule(sel.FORM_CHECK, county.root).due(dt.date(2025, 9, 28)) == dt.date(2025, 10, 9)
    assert sel.rule(sel.FORM_CHECK, None).due(dt.date(2025, 5, 10)) == dt.date(2025, 5, 16)


def test_audit_codes_have_chinese_names() -> None:
    from fazhi.core.audit_display import action_label

    assert action_label("filing_review.suggestion.submit") == "备案审查·收到公众的审查建议"
    assert action_label("filing_review.catalogue_export") == "备案审查·导出规范性文件目录"
    assert action_label("filing_review.suggestion.answer") != "filing_review.suggestion.answer"
    assert action_label("filing_review.suggestion.study") != "filing_review.suggestion.study"
