"""Pages of the app: the hub (navigation entry), lists with query-count guards, the subject page
(事前公示 checklist and 音像记录事项清单), the home tile, and the demo filler."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

import pytest
from tests.enforcement_oversight.conftest import Eo, d

from fazhi.core.kit import kits
from fazhi.enforcement_oversight import demo
from fazhi.enforcement_oversight import services as svc
from fazhi.enforcement_oversight.kit import home_tiles
from fazhi.enforcement_oversight.models import (
    Disclosure,
    MajorDecision,
    MajorStatus,
    Publication,
    RecordingItem,
    Withdrawal,
)
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor

pytestmark = pytest.mark.django_db


def test_nav_and_hub(eo: Eo) -> None:
    kit = next(k for k in kits() if k.app == "enforcement_oversight")
    assert [(n.label, n.url, n.order) for n in kit.nav] == [
        ("三项制度", "/enforcement-oversight/", 37)
    ]
    page = eo.county.client("clerk_a").get("/enforcement-oversight/")
    text = page.content.decode()
    assert page.status_code == 200 and 'href="/enforcement-oversight/"' in text
    for url in ("withdrawals/", "major-decisions/", "publications/", "disclosures/",
                "recording-items/", "subjects/", "alerts/", "publication-overview/"):  # fmt: skip
        assert f"/enforcement-oversight/{url}" in text
    assert eo.county.client("secadmin").get("/enforcement-oversight/").status_code == 403


def test_subject_page_checklist(eo: Eo) -> None:
    actor = eo.county.actor("clerk_a")
    s = eo.subjects["town_a"]
    svc.disclosure_register(
        actor=actor, subject=s, item="staff", published_on=d("2026-01-05"), place="旧网址"
    )
    # the same item again updates the entry
    svc.disclosure_register(
        actor=actor, subject=s, item="执法人员", published_on=d("2026-02-05"), place="白沙镇网站"
    )
    assert Disclosure.objects.filter(subject=s).count() == 1
    svc.recording_item_register(
        actor=actor, subject=s, matter="查封扣押财物", category="coercion", method="av",
        basis="《行政强制法》第十八条",
    )  # fmt: skip
    text = (
        eo.county.client("clerk_a").get(f"/enforcement-oversight/subjects/{s.pk}/").content.decode()
    )
    assert "白沙镇网站" in text and "2026-02-05" in text and "查封扣押财物" in text
    assert text.count("未公示") == 9  # the other nine items are missing
    listing = eo.county.client("clerk_a").get("/enforcement-oversight/subjects/").content.decode()
    assert "1/10" in listing


def test_errors_name_the_field(eo: Eo) -> None:
    client = eo.county.client("clerk_a")
    response = client.post(
        "/enforcement-oversight/withdrawals/new/",
        {"subject": eo.subjects["town_a"].pk, "document_number": "文", "decision_kind": "penalty",
         "change_kind": "varied", "changed_on": "2026-07-05"},
    )  # fmt: skip
    assert response.status_code == 200 and "变动日期不能晚于今天" in response.content.decode()
    assert not Withdrawal.objects.exists()


def _many(eo: Eo, n: int, start: int) -> None:
    cli = Actor.command_line()
    for i in range(start, start + n):
        s = eo.subjects[("town_a", "market", "dept")[i % 3]]
        svc.withdrawal_register(
            actor=cli, subject=s, document_number=f"量{i}", change_kind="varied",
            changed_on=d("2026-06-01"),
        )  # fmt: skip
        m = svc.major_register(
            actor=cli, subject=s, case_number=f"量{i}", title="案", major_case="complex",
            proposal="拟", registered_on=d("2026-06-01"),
        )  # fmt: skip
        if i % 2:
            svc.major_submit_review(actor=cli, decision=m, submitted_on=d("2026-06-02"))
        svc.recording_item_register(actor=cli, subject=s, matter=f"量{i}", category="coercion")
    for key in ("town_a", "market", "dept", "town_b"):
        svc.publication_open(actor=cli, subject=eo.subjects[key], year=2026 - start - 1)


PAGES = (
    "withdrawals/",
    "major-decisions/",
    "publications/",
    "recording-items/",
    "disclosures/",
    "subjects/",
    "publication-overview/?year=2024",
    "alerts/",
)


def test_list_queries_do_not_grow_with_rows(eo: Eo, django_assert_max_num_queries: Any) -> None:
    client = eo.county.client("coordinator")
    _many(eo, 3, 0)
    counts = {}
    for page in PAGES:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/enforcement-oversight/{page}").status_code == 200
        counts[page] = len(ctx.captured_queries)
    _many(eo, 9, 3)
    for page in PAGES:
        with django_assert_max_num_queries(counts[page]):
            assert client.get(f"/enforcement-oversight/{page}").status_code == 200


def test_home_tile(eo: Eo) -> None:
    cli = Actor.command_line()
    svc.withdrawal_register(
        actor=cli, subject=eo.subjects["town_a"], document_number="一", change_kind="varied",
        changed_on=d("2026-06-01"),
    )  # fmt: skip
    tiles = home_tiles(eo.county.actor("clerk_a"), d("2026-06-30"))
    text = "".join(seg.text for seg in tiles[0].line)
    assert "公示撤回待办 1 件" in text and "逾期 1 件" in text
    assert home_tiles(eo.county.actor("clerk_b"), d("2026-06-30")) == []


@dataclass
class FakeContext:
    """What the filler reads of :class:`fazhi.demo.generator.CountyContext`."""

    root: OrgUnit
    actor: Actor
    years: int = 2
    last_year: int = 2025
    today: dt.date | None = dt.date(2026, 6, 30)

    @property
    def year_range(self) -> range:
        return range(self.last_year - self.years + 1, self.last_year + 1)

    @property
    def as_of(self) -> dt.date:
        assert self.today is not None
        return self.today

    def rng_for(self, name: str) -> random.Random:
        return random.Random(f"7:{name}")


def test_demo_filler(eo: Eo) -> None:
    root = OrgUnit.objects.get(pk=eo.county.root.pk)
    ctx = FakeContext(root=root, actor=Actor.command_line(root))
    written = demo.fill(ctx)  # type: ignore[arg-type]
    assert written > 40 and demo.NAME == "enforcement_oversight" and demo.LABEL
    assert Disclosure.objects.count() > 30 and RecordingItem.objects.count() >= 8
    states = set(MajorDecision.objects.values_list("status", flat=True))
    assert states == {MajorStatus.REGISTERED, MajorStatus.REVIEWING, MajorStatus.DECIDED}
    blocked = [
        m for m in MajorDecision.objects.filter(status=MajorStatus.REVIEWING)
        if m.legality_review is not None and m.legality_review.conclusion == "unlawful"
    ]  # fmt: skip
    assert len(blocked) == 1
    assert Withdrawal.objects.filter(on_time=False).count() >= 1
    assert Withdrawal.objects.filter(status="overdue").count() == 1
    assert Publication.objects.filter(year=2025, on_time=True).exists()
    assert Publication.objects.filter(year=2025, status="overdue").count() == 1
    assert Publication.objects.filter(on_time=False).exists()
    dates = [
        *Withdrawal.objects.values_list("changed_on", flat=True),
        *MajorDecision.objects.values_list("registered_on", flat=True),
    ]
    assert all(dt.date(2024, 1, 1) <= x <= ctx.as_of for x in dates)
