"""失效 from the day after the 有效期, without a manual step — in the list (and its filter), the
detail page, the API, the export and the public selectors; the sweep then moves the stored
status, once. 修改重发: the new document's 公布 marks the old one, linked both ways."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from tests.normative_docs.conftest import Api, d, on, read_xlsx, walk
from tests.personas import County

from fazhi.normative_docs.models import Shown, Status
from fazhi.normative_docs.selectors import effective_status, in_force

pytestmark = pytest.mark.django_db

LIST = "/normative/documents/"


def test_expired_the_day_after_without_a_manual_step(county: County) -> None:
    with on("2025-06-30"):
        doc = walk(county.root, "湘江县城市道路管理办法")  # valid until 2030-04-01
    with on("2030-04-01"):
        client, api = county.client("coordinator"), Api(county, "coordinator")
        assert effective_status(doc, d("2030-04-01")) == Shown.IN_FORCE
        assert list(in_force(d("2030-04-01"))) == [doc]
        assert api.get(f"/{doc.pk}").json()["status_label"] == "现行有效"
        assert doc.title in client.get(LIST + "?status=in_force").content.decode()
    with on("2030-04-02"):
        client, api = county.client("coordinator"), Api(county, "coordinator")
        doc.refresh_from_db()
        assert doc.status == Status.PUBLISHED  # nothing ran
        assert list(in_force(d("2030-04-02"))) == []
        body = api.get(f"/{doc.pk}").json()
        assert (body["status"], body["status_label"]) == ("expired", "失效")
        assert [r["status"] for r in api.get("?status=expired").json()["items"]] == ["expired"]
        assert api.get("?status=in_force").json()["count"] == 0
        page = client.get(LIST).content.decode()
        assert "失效" in page and "现行有效" not in page.split("<tbody>")[-1]
        assert doc.title in client.get(LIST + "?status=expired").content.decode()
        assert doc.title not in client.get(LIST + "?status=in_force").content.decode()
        assert "失效" in client.get(f"{LIST}{doc.pk}/").content.decode()
        sheet = read_xlsx(client.get(LIST + "export.xlsx").content)["规范性文件"]
        assert sheet[1][sheet[0].index("状态")] == "失效"
        # the sweep moves the stored status, once
        out = StringIO()
        call_command("sweep_deadlines", stdout=out)
        assert "规范性文件有效期届满 1 件" in out.getvalue()
        doc.refresh_from_db()
        assert (doc.status, doc.ended_on) == (Status.EXPIRED, d("2030-04-02"))
        out = StringIO()
        call_command("sweep_deadlines", stdout=out)
        assert "规范性文件有效期届满 0 件" in out.getvalue()
        assert api.get(f"/{doc.pk}").json()["status_label"] == "失效"


def test_not_yet_in_force_before_its_effective_date(county: County) -> None:
    with on("2025-03-10"):
        doc = walk(county.root, published_on="2025-03-03")  # 施行 2025-04-02
        assert effective_status(doc, d("2025-03-10")) == Shown.PENDING
        assert list(in_force(d("2025-03-10"))) == []
    with on("2025-04-02"):
        assert list(in_force(d("2025-04-02"))) == [doc]


def test_revised_and_reissued_links_both_ways(county: County) -> None:
    with on("2026-06-30"):
        old = walk(county.root, "湘江县城市道路管理办法", doc_number="湘政规〔2025〕1号")
        new = walk(
            county.root,
            "湘江县城市道路管理办法（2026年修订）",
            replaces=old,
            drafted_on="2026-01-05",
            consult=("2026-01-06", "2026-02-06"),
            published_on="2026-03-02",
            doc_number="湘政规〔2026〕1号",
        )
        old.refresh_from_db()
        assert old.status == Status.REPLACED
        assert old.ended_on == new.effective_from == d("2026-04-01")
        assert "湘政规〔2026〕1号" in old.end_reason
        assert effective_status(old, d("2026-06-30")) == Shown.REPLACED
        api = Api(county, "coordinator")
        assert api.get(f"/{old.pk}").json()["replaced_by_id"] == new.pk
        assert api.get(f"/{new.pk}").json()["replaces_id"] == old.pk
        client = county.client("coordinator")
        page = client.get(f"{LIST}{old.pk}/").content.decode()
        assert f'href="/normative/documents/{new.pk}/"' in page and "本文件已被替代" in page
        page = client.get(f"{LIST}{new.pk}/").content.decode()
        assert f'href="/normative/documents/{old.pk}/"' in page and "本文件替代" in page
        assert list(in_force(d("2026-06-30"))) == [new]
