"""Oracle (hand-count) tests of every metric of the app, and the report sentences."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from tests.enforcement_oversight.conftest import Eo, d

import fazhi.enforcement_oversight
from fazhi.enforcement_oversight import services as svc
from fazhi.legality import services as legality
from fazhi.metrics.facts import facts_check
from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import metric_value
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor

pytestmark = pytest.mark.django_db
APP = Path(fazhi.enforcement_oversight.__file__).parent
CODES = {
    x["code"] for x in json.loads((APP / "fixtures/metrics.json").read_text("utf-8"))["definitions"]
}


def value(eo: Eo, code: str, year: int = 2026, unit: OrgUnit | None = None) -> tuple[object, ...]:
    v = metric_value(
        actor=Actor.command_line(),
        unit=unit or OrgUnit.objects.get(pk=eo.county.root.pk),
        period=Period.for_year(year),
        code=f"enforcement_oversight.{code}",
    )
    return (v.value, v.numerator, v.denominator)


@pytest.fixture
def made(eo: Eo) -> None:
    cli = Actor.command_line()
    s = eo.subjects
    # 重大执法决定: 4 registered in 2026 (3 sent), 2 decided in 2026; 1 registered in 2025
    for n, (key, sent, lawful, decided) in enumerate([
        ("market", True, True, "2026-05-20"), ("town_a", True, True, "2026-06-10"),
        ("market", True, False, None), ("dept", False, False, None),
    ]):  # fmt: skip
        m = svc.major_register(
            actor=cli, subject=s[key], case_number=f"案{n}", title="案", major_case="hearing",
            proposal="拟罚款", registered_on=d("2026-05-01"),
        )  # fmt: skip
        if sent:
            m = svc.major_submit_review(actor=cli, decision=m, submitted_on=d("2026-05-02"))
            assert m.legality_review is not None
            if lawful:
                legality.review_conclude(
                    actor=cli, review=m.legality_review, completed_on=d("2026-05-10"),
                    conclusion="lawful",
                )  # fmt: skip
                m.refresh_from_db()
        if decided:
            svc.major_decide(actor=cli, decision=m, decided_on=d(decided), decision_text="罚款")
    svc.major_register(
        actor=cli, subject=s["dept"], case_number="旧", title="旧案", major_case="complex",
        proposal="拟", registered_on=d("2025-11-01"),
    )  # fmt: skip
    # 公示撤回: due in 2026: on time 2, late 1 (withdrawn late), overdue 1; pending not yet due 1
    for n, (changed, withdrawn) in enumerate([
        ("2026-03-02", "2026-03-03"), ("2026-04-01", "2026-04-02"), ("2026-05-06", "2026-05-20"),
        ("2026-06-01", None), ("2026-06-29", None),
    ]):  # fmt: skip
        w = svc.withdrawal_register(
            actor=cli, subject=s["town_a"], document_number=f"文{n}", change_kind="varied",
            changed_on=d(changed),
        )  # fmt: skip
        if withdrawn:
            svc.withdrawal_withdraw(
                actor=cli, withdrawal=w, withdrawn_on=d(withdrawn), explanation="变更"
            )
    svc.sweep(today=d("2026-06-30"))  # the 2026-06-01 one → overdue; 2025 publications opened
    # 数据公开 of 2025 (due 2026-01-31): dept on time, market late, the towns overdue (sweep)
    pubs = {p.subject_id: p for p in fazhi.enforcement_oversight.models.Publication.objects.all()}
    svc.publication_publish(
        actor=cli, publication=pubs[s["dept"].pk], published_on=d("2026-01-15"), place="网站"
    )
    svc.publication_publish(
        actor=cli, publication=pubs[s["market"].pk], published_on=d("2026-02-15"), place="网站"
    )


def test_metrics_equal_the_hand_count(eo: Eo, made: None) -> None:
    assert value(eo, "major_decisions")[0] == 2
    assert value(eo, "major_decisions", 2025)[0] == 0
    assert value(eo, "review_rate")[1:] == (3, 4)
    assert value(eo, "review_rate")[0] == Decimal("75.0")
    assert value(eo, "review_rate", 2025)[1:] == (0, 1)
    # withdrawals: on time 2 of (3 withdrawn + 1 overdue); the pending one not yet due is out
    assert value(eo, "withdrawal_on_time_rate")[1:] == (2, 4)
    # publications: 1 on time of dept + market + two overdue towns
    assert value(eo, "publication_on_time_rate")[1:] == (1, 4)
    assert value(eo, "publication_on_time_rate")[0] == Decimal("25.0")
    # a town's subtree: its own only
    town = OrgUnit.objects.get(pk=eo.county.town_a.pk)
    assert value(eo, "major_decisions", unit=town)[0] == 1
    assert value(eo, "publication_on_time_rate", unit=town)[1:] == (0, 1)
    assert {
        "enforcement_oversight.major_decisions", "enforcement_oversight.review_rate",
        "enforcement_oversight.withdrawal_on_time_rate",
        "enforcement_oversight.publication_on_time_rate",
    } == CODES  # fmt: skip
    assert facts_check()[1] == []


def test_report_sentences_name_known_metrics() -> None:
    data = json.loads((APP / "fixtures/report_sentences.json").read_text("utf-8"))
    text = json.dumps(data, ensure_ascii=False)
    used = {c for c in CODES if c in text}
    # The report's 重大执法决定法制审核率 is the one counted from the 执法 records
    # (enforcement_data.legal_review_rate); this register's 送审率 stays on the dashboard only,
    # so the draft never states two differing rates under one name.
    assert used == CODES - {"enforcement_oversight.review_rate"}
    records = (APP.parent / "enforcement_data/fixtures/report_sentences.json").read_text("utf-8")
    assert "{{enforcement_data.legal_review_rate}}" in records
    assert {s["chapter"] for s in data["figure_sentences"]} == {5}
