"""公示撤回 (3 working days with 调休, 行政处罚法 第48条) and the annual 行政执法数据公开 (six
categories from the 执法数据 register; 「无相关行政执法职责」 versus 0; due 1月31日; overview),
with the daily sweep."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from tests.enforcement_oversight.conftest import Eo, MakeRecord, d
from tests.registers.matrix import exported_values

from fazhi.enforcement_oversight import services as svc
from fazhi.enforcement_oversight.models import (
    Publication,
    PublicationStatus,
    Withdrawal,
    WithdrawalStatus,
)
from fazhi.enforcement_oversight.selectors import publication_counts, publication_overview
from fazhi.enforcement_oversight.workflow import PUBLICATIONS, WITHDRAWALS
from fazhi.plans.models import Reminder

pytestmark = pytest.mark.django_db


def withdrawal(
    eo: Eo, changed: str, key: str = "town_a", number: str = "白沙罚〔2026〕3号"
) -> Withdrawal:
    return svc.withdrawal_register(
        actor=eo.county.actor("coordinator"), subject=eo.subjects[key], document_number=number,
        change_kind="annulled", changed_on=d(changed),
    )  # fmt: skip


def test_withdrawal_workflow_table() -> None:
    assert WITHDRAWALS.table() == {
        "pending": {"withdraw": "withdrawn", "lapse": "overdue"},
        "overdue": {"withdraw": "withdrawn"},
        "withdrawn": {},
    }


def test_due_in_three_working_days(eo: Eo) -> None:
    assert withdrawal(eo, "2026-06-26").due_on == d("2026-07-01")  # Fri → Mon, Tue, Wed
    # 国庆、中秋 2026: 10月1日–8日 off, 10月10日 (Saturday) a working day (调休)
    with time_machine.travel("2026-10-12 12:00 +0800", tick=False):
        assert withdrawal(eo, "2026-09-30", number="二").due_on == d("2026-10-10")


def test_withdraw_on_time_and_late(eo: Eo) -> None:
    actor = eo.county.actor("clerk_a")
    w = withdrawal(eo, "2026-06-26")
    with pytest.raises(ValidationError, match="说明的理由"):
        svc.withdrawal_withdraw(
            actor=actor, withdrawal=w, withdrawn_on=d("2026-06-29"), explanation=" "
        )
    w = svc.withdrawal_withdraw(
        actor=actor, withdrawal=w, withdrawn_on=d("2026-06-29"),
        explanation="原处罚决定已被复议机关撤销",
    )  # fmt: skip
    assert w.on_time is True and w.status == WithdrawalStatus.WITHDRAWN
    late = withdrawal(eo, "2026-06-01", number="四")
    assert late.due_on == d("2026-06-04")
    late = svc.withdrawal_withdraw(
        actor=actor, withdrawal=late, withdrawn_on=d("2026-06-05"), explanation="撤销"
    )
    assert late.on_time is False
    assert "超过撤回期限" in late.events.last().note  # type: ignore[union-attr]


def test_sweep_marks_overdue_and_reminds_once(eo: Eo) -> None:
    old = withdrawal(eo, "2026-06-01", number="一")
    soon = withdrawal(eo, "2026-06-29", number="二", key="market")
    out = svc.sweep(today=d("2026-06-30"))
    assert out["withdrawals_overdue"] == 1
    old.refresh_from_db()
    assert old.status == WithdrawalStatus.OVERDUE and old.on_time is False
    assert WITHDRAWALS.blocker(soon, "lapse") == "撤回期限 2026-07-02 尚未届满"
    texts = sorted(Reminder.objects.values_list("text", flat=True))
    assert any("已届满，尚未撤回公示" in t for t in texts)
    assert any("请于 2026-07-02 前撤回公示" in t for t in texts)
    again = svc.sweep(today=d("2026-06-30"))
    assert again["reminders"] == 0 and again["withdrawals_overdue"] == 0
    # withdrawn after the period: stays late
    old = svc.withdrawal_withdraw(
        actor=eo.county.actor("clerk_a"), withdrawal=old, withdrawn_on=d("2026-06-30"),
        explanation="撤销",
    )  # fmt: skip
    assert old.status == WithdrawalStatus.WITHDRAWN and old.on_time is False


# --- 数据公开 ---------------------------------------------------------------------------------
def test_counts_come_from_the_records(eo: Eo, record: MakeRecord) -> None:
    record("town_a", "2025-03-01", kind="penalty")
    record("town_a", "2025-04-01", kind="penalty")
    record("town_a", "2026-01-05", kind="penalty")  # another year
    record("market", "2025-05-01", kind="penalty")  # another subject
    record("town_b", "2025-06-01", kind="inspection")  # no duty, but the register holds one
    a = publication_counts(eo.subjects["town_a"], 2025)
    assert a == {
        "license": None, "penalty": 2, "coercion": None, "levy": None, "requisition": None,
        "inspection": 0,
    }  # fmt: skip
    assert publication_counts(eo.subjects["town_b"], 2025)["inspection"] == 1


def test_publish_freezes_the_table(eo: Eo, record: MakeRecord) -> None:
    actor = eo.county.actor("clerk_a")
    record("town_a", "2025-03-01", kind="penalty")
    p = svc.publication_open(actor=actor, subject=eo.subjects["town_a"], year=2025)
    assert p.due_on == d("2026-01-31") and p.status == PublicationStatus.DRAFT
    assert svc.publication_open(actor=actor, subject=eo.subjects["town_a"], year=2025) == p
    page = eo.county.client("clerk_a").get(f"/enforcement-oversight/publications/{p.pk}/")
    text = page.content.decode()
    assert "无相关行政执法职责" in text and "<td>1</td>" in text and "<td>0</td>" in text
    with pytest.raises(ValidationError, match="公开载体"):
        svc.publication_publish(actor=actor, publication=p, published_on=d("2026-01-20"), place="")
    with pytest.raises(ValidationError, match="数据年度结束"):
        svc.publication_publish(
            actor=actor, publication=p, published_on=d("2025-12-20"), place="网站"
        )
    p = svc.publication_publish(
        actor=actor, publication=p, published_on=d("2026-01-20"), place="白沙镇政府网站"
    )
    assert p.on_time is True and p.counts["penalty"] == 1 and p.counts["license"] is None
    record("town_a", "2025-12-30", kind="penalty")  # a late record does not change it
    page = eo.county.client("clerk_a").get(f"/enforcement-oversight/publications/{p.pk}/")
    assert "<td>1</td>" in page.content.decode()
    p = svc.publication_report(actor=actor, publication=p, reported_on=d("2026-01-22"))
    assert p.status == PublicationStatus.REPORTED and p.reported_to == "本级人民政府和上级主管部门"
    assert PUBLICATIONS.table()["draft"] == {"publish": "published", "lapse": "overdue"}


def test_sweep_season_and_overview(eo: Eo) -> None:
    actor = eo.county.actor("coordinator")
    # 2026-01-25: inside the 10 days before 1月31日 → drafts for every subject, reminders
    out = svc.sweep(today=d("2026-01-25"))
    assert out["publications_opened"] == 4 and out["publications_overdue"] == 0
    assert Publication.objects.filter(year=2025, status="draft").count() == 4
    assert Reminder.objects.filter(text__contains="应于 2026-01-31 前公开").count() == 4
    pubs = {p.subject_id: p for p in Publication.objects.filter(year=2025)}
    svc.publication_publish(
        actor=actor, publication=pubs[eo.subjects["dept"].pk], published_on=d("2026-01-20"),
        place="司法局网站",
    )  # fmt: skip
    out = svc.sweep(today=d("2026-02-05"))
    assert out["publications_overdue"] == 3 and out["publications_opened"] == 0
    assert Reminder.objects.filter(text__contains="已届满，尚未公开").count() == 3
    assert svc.sweep(today=d("2026-02-05"))["reminders"] == 0
    svc.publication_publish(
        actor=actor, publication=pubs[eo.subjects["market"].pk], published_on=d("2026-02-10"),
        place="市场监管局网站",
    )  # fmt: skip
    rows = {
        r.subject.unit.name: r.state for r in publication_overview(actor, 2025, d("2026-06-30"))
    }
    assert rows == {
        "湘江县司法局": "按时公开", "湘江县市场监督管理局": "逾期公开",
        "白沙镇人民政府": "逾期未公开", "黄金乡人民政府": "逾期未公开",
    }  # fmt: skip
    mine = publication_overview(eo.county.actor("clerk_a"), 2025, d("2026-06-30"))
    assert [r.subject.unit.name for r in mine] == ["白沙镇人民政府"]
    client = eo.county.client("coordinator")
    page = client.get("/enforcement-oversight/publication-overview/?year=2025").content.decode()
    assert "按时公开 1 个，逾期公开 1 个，未公开 0 个，逾期未公开 2 个" in page
    export = client.get("/enforcement-oversight/publication-overview/export.xlsx?year=2025")
    assert {"逾期公开", "湘江县市场监督管理局", "逾期未公开"} <= exported_values(export.content)
    town = eo.county.client("clerk_b").get(
        "/enforcement-oversight/publication-overview/export.xlsx?year=2025"
    )
    assert "湘江县司法局" not in exported_values(town.content)


def test_overview_without_rows_uses_the_rule(eo: Eo) -> None:
    rows = publication_overview(eo.county.actor("coordinator"), 2026, d("2026-06-30"))
    assert {r.state for r in rows} == {"未公开"} and len(rows) == 4


def test_sweep_command_summary(eo: Eo) -> None:
    from io import StringIO

    withdrawal(eo, "2026-06-01")
    out = StringIO()
    call_command("sweep_deadlines", stdout=out)
    assert "公示撤回逾期 1 件" in out.getvalue()
