"""Pages of the 规范性文件 register: navigation, home tile, list (filters, query count), 登记,
a step page, the disabled 公布 button with the gate's reason, and the 清理 pages."""

from __future__ import annotations

import datetime as dt

import pytest
from pytest_django import DjangoAssertNumQueries
from tests.normative_docs.conftest import CLI, d, on, walk
from tests.personas import County

from fazhi.normative_docs import services as s
from fazhi.normative_docs.models import Document, Status

pytestmark = pytest.mark.django_db

LIST = "/normative/documents/"


def _import(county: County, n: int) -> None:
    units = (county.root, county.town_a, county.dept, county.village_a)
    for i in range(n):
        s.document_import(
            actor=CLI(),
            unit=units[i % 4],
            title=f"历史文件{i}",
            doc_number=f"文〔2024〕{i}号",
            published_on=d("2024-03-01") + dt.timedelta(days=i),
            filed_on=d("2024-03-20") + dt.timedelta(days=i) if i % 3 else None,
        )


def test_navigation_and_home_tile(county: County) -> None:
    with on("2025-06-30"):
        _import(county, 1)  # root, published 2024-03-01, unfiled and overdue
        walk(
            county.town_a, "白沙镇暂行规定", published_on="2025-03-03", valid_until=d("2025-10-31")
        )  # expiring within 6 months, filings running late
        response = county.client("coordinator").get("/")
    labels = [(e.label, e.url) for e in response.context["nav"]]
    assert ("规范性文件", LIST) in labels
    html = response.content.decode()
    assert "<strong>规范性文件</strong>" in html
    assert "待报送备案 4 件" in html and "备案逾期 4 件" in html
    assert "6个月内有效期届满 1 件" in html


def test_list_filters_and_query_count(
    county: County, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    with on("2025-06-30"):
        _import(county, 30)
        client = county.client("coordinator")
        client.get(LIST)
        with django_assert_max_num_queries(12):
            assert client.get(LIST).status_code == 200
        with django_assert_max_num_queries(12):
            page = client.get(f"{LIST}?page=2&unit={county.root.code}&year=2024&status=in_force")
            assert page.status_code == 200
        town = client.get(f"{LIST}?unit={county.town_a.code}").content.decode()
    assert "历史文件1<" in town and "历史文件0<" not in town


def test_register_and_consult_through_the_pages(county: County) -> None:
    with on("2025-06-30"):
        clerk = county.client("clerk_a")
        form = clerk.get(f"{LIST}new/").content.decode()
        assert f'<option value="{county.town_b.code}"' not in form
        done = clerk.post(
            f"{LIST}new/",
            {
                "unit": county.town_a.code,
                "title": "白沙镇试行办法",
                "drafted_on": "2025-06-02",
                "affects_rights": "True",
            },
        )
        assert done.status_code == 302
        doc = Document.objects.get()
        assert doc.trial and doc.status == Status.DRAFTING
        bad = clerk.post(
            f"{LIST}{doc.pk}/consult/", {"consult_start": "2025-06-03", "consult_end": "2025-06-20"}
        )
        assert "期限更短的须说明理由" in bad.content.decode()
        ok = clerk.post(
            f"{LIST}{doc.pk}/consult/",
            {
                "consult_start": "2025-06-03",
                "consult_end": "2025-06-20",
                "consult_short_reason": "上级限期出台",
            },
        )
        assert ok.status_code == 302
    assert Document.objects.get().status == Status.CONSULTING


def test_the_publish_button_is_disabled_with_the_gate_reason(county: County) -> None:
    with on("2025-06-30"):
        doc = walk(county.root, until="deliberated", conclusion="unlawful")
        html = county.client("coordinator").get(f"{LIST}{doc.pk}/").content.decode()
        refused = county.client("coordinator").post(
            f"{LIST}{doc.pk}/publish/",
            {
                "register_no": "X",
                "doc_number": "湘政规〔2025〕1号",
                "published_on": "2025-03-03",
                "unified_print": "True",
            },
        )
    assert "不是“合法”“修改后合法”，不能公布" in html
    assert refused.status_code == 302  # back to the detail page with the reason, nothing done
    assert Document.objects.get().status == Status.DELIBERATED


def test_cleanup_pages(county: County) -> None:
    with on("2025-06-30"):
        walk(county.root, "甲办法")
        client = county.client("coordinator")
        made = client.post(
            "/normative/cleanups/new/",
            {"unit": county.root.code, "name": "2025年清理", "held_on": "2025-06-01"},
        )
        assert made.status_code == 302
        listing = client.get("/normative/cleanups/").content.decode()
        detail = client.get(made["Location"]).content.decode()
    assert "2025年清理" in listing
    assert "甲办法" in detail and "未定" in detail
