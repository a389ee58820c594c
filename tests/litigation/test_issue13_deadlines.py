"""Issue 13 item 7 (行政应诉): 答辩举证 and 上诉 deadlines as data, stored on the case, flagged
overdue, reminded by the daily sweep, and computed by ``fazhi deadline``.

行政诉讼法(2017) 第67条: 被告 submits evidence and its 答辩状 within 15 days of receiving the
起诉状副本; 第34条: evidence submitted late without good reason counts as none. 第85条: 15 days
from service of a first-instance judgment, 10 days for a ruling; only 不予立案、驳回起诉、管辖异议
rulings may be appealed (解释第101条). Periods follow the 民事诉讼法 (第101条; 解释第48条):
start day not counted, a last day on a rest day moves to the next working day.

2025 国庆中秋: 10/1–10/8 休, 9/28(日) and 10/11(六) 上班. So 9/16 + 15 = 10/1 (休) → 10/9;
9/21 + 10 = 10/1 → 10/9; 3/3 + 15 = 3/18 (二); 3/3 + 10 = 3/13 (四).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from tests.personas import County

from fazhi.core.models import DeadlineRule
from fazhi.core.services import RuleFixtureError, deadline_rule_fixtures, deadline_rules_sync
from fazhi.litigation import services as svc
from fazhi.litigation.models import (
    AppealDecision,
    Document,
    Level,
    LitigationCase,
    LitigationEvent,
    Result,
)
from fazhi.plans.models import Reminder

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
COURT = "湘江县人民法院"
SRC = Path(__file__).resolve().parents[2] / "src" / "fazhi"
pytestmark = pytest.mark.django_db


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def at(day: str) -> time_machine.travel:
    when = d(day)
    return time_machine.travel(
        dt.datetime(when.year, when.month, when.day, 9, 0, tzinfo=SHANGHAI), tick=False
    )


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with at("2025-09-22"):
        yield


_numbers = iter(range(1, 10_000))


def register(county: County, filed_on: str = "2025-09-10", **kw: Any) -> LitigationCase:
    return svc.case_register(
        actor=county.actor("clerk_a"),
        unit=county.town_a,
        number=f"（2025）湘0199行初{next(_numbers)}号",
        court=COURT,
        filed_on=d(filed_on),
        plaintiff_name="王五",
        **kw,
    )


def fresh(case: LitigationCase) -> LitigationCase:
    return LitigationCase.objects.get(pk=case.pk)


def sweep(day: str) -> str:
    out = StringIO()
    with at(day):
        call_command("sweep_deadlines", stdout=out)
    return out.getvalue().strip()


# --- the rules are data, in the app's own fixture, usable with `fazhi deadline` -----------------
@pytest.mark.parametrize(
    ("code", "start", "due", "days", "article"),
    [
        ("litigation.defence", "2025-09-16", "2025-10-09", 15, "第六十七条第一款"),
        ("litigation.defence", "2025-03-03", "2025-03-18", 15, "第六十七条第一款"),
        ("litigation.appeal_judgment", "2025-09-20", "2025-10-09", 15, "第八十五条"),
        ("litigation.appeal_ruling", "2025-09-21", "2025-10-09", 10, "第八十五条"),
        ("litigation.appeal_ruling", "2025-03-03", "2025-03-13", 10, "第八十五条"),
    ],
)
def test_fazhi_deadline_knows_the_litigation_rules(
    code: str, start: str, due: str, days: int, article: str
) -> None:
    out = StringIO()
    call_command("deadline", code, start, "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["due"], data["days"], data["counting"]) == (due, days, "natural")
    assert data["basis"] == f"《行政诉讼法(2017)》{article}"
    rule = DeadlineRule.objects.get(code=code, region="")
    assert rule.quote and "十" in rule.quote
    assert rule.fixture_version == "2026.1"  # the litigation app's own fixture


def test_each_app_ships_its_rules_and_a_duplicate_is_refused(tmp_path: Path) -> None:
    files = deadline_rule_fixtures()
    assert files[0] == SRC / "core" / "fixtures" / "deadline_rules.json"
    assert SRC / "litigation" / "fixtures" / "deadline_rules.json" in files
    own = json.loads((SRC / "litigation" / "fixtures" / "deadline_rules.json").read_text("utf-8"))
    assert {r["code"] for r in own["rules"]} == {
        "litigation.defence",
        "litigation.appeal_judgment",
        "litigation.appeal_ruling",
    }
    assert deadline_rules_sync() == 0  # idempotent
    twice = tmp_path / "deadline_rules.json"
    twice.write_text(json.dumps({"version": "9", "rules": own["rules"] * 2}), encoding="utf-8")
    with pytest.raises(RuleFixtureError, match=r"期限规则 litigation\.defence 在同一文件中重复"):
        deadline_rules_sync(path=twice)


def test_a_rule_in_two_files_names_both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fazhi.core import services as core_services

    own = SRC / "litigation" / "fixtures" / "deadline_rules.json"
    copy = tmp_path / "deadline_rules.json"
    copy.write_text(own.read_text("utf-8"), encoding="utf-8")
    monkeypatch.setattr(
        core_services, "deadline_rule_fixtures", lambda: [*deadline_rule_fixtures(), copy]
    )
    with pytest.raises(RuleFixtureError) as info:
        deadline_rules_sync()
    assert "期限规则 litigation.appeal_judgment" in str(info.value) or "litigation.defence" in str(
        info.value
    )
    assert str(own) in str(info.value) and str(copy) in str(info.value)


# --- 答辩举证 (第67条) ---------------------------------------------------------------------
def test_receipt_of_the_complaint_stores_the_defence_deadline(county: County) -> None:
    case = register(county, complaint_received_on=d("2025-09-16"))
    assert fresh(case).defence_due == d("2025-10-09")  # 10/1 is a holiday: moved to 10/9
    kinds = list(LitigationEvent.objects.filter(case=case).values_list("kind", "note"))
    assert ("收到起诉状副本", "答辩举证期限2025-10-09") in kinds
    other = register(county)
    assert fresh(other).defence_due is None
    svc.complaint_receive(actor=county.actor("clerk_a"), case=other, received_on=d("2025-09-16"))
    assert fresh(other).defence_due == d("2025-10-09")
    with pytest.raises(ValidationError, match="已登记于2025-09-16收到起诉状副本"):
        svc.complaint_receive(
            actor=county.actor("clerk_a"), case=other, received_on=d("2025-09-17")
        )


def test_a_receipt_date_before_filing_or_at_second_instance_is_refused(county: County) -> None:
    with pytest.raises(ValidationError) as info:
        register(county, complaint_received_on=d("2025-09-01"))
    assert info.value.message_dict["complaint_received_on"] == [
        "收到起诉状副本日期不能早于立案日期（2025年9月10日）"
    ]
    with pytest.raises(ValidationError) as info:
        register(county, level=Level.SECOND, complaint_received_on=d("2025-09-16"))
    assert "一审程序" in info.value.message_dict["complaint_received_on"][0]


def test_defence_overdue_is_flagged_in_list_tile_page_and_api(county: County) -> None:
    case = register(county, complaint_received_on=d("2025-09-16"))
    quiet = register(county, complaint_received_on=d("2025-09-20"))  # due 2025-10-09 too
    svc.defence_file(actor=county.actor("clerk_a"), case=quiet, filed_on=d("2025-09-22"))
    with at("2025-10-10"):
        today = d("2025-10-10")
        assert list(LitigationCase.objects.overdue(today)) == [fresh(case)]
        assert fresh(case).is_overdue(today) and not fresh(quiet).is_overdue(today)
        client = county.client("clerk_a")
        listing = client.get("/litigation/cases/?overdue=1").content.decode()
        assert case.number in listing and quiet.number not in listing
        assert "<th>当前期限</th>" in listing
        assert '2025-10-09 <span class="badge error">逾期</span>' in listing
        home = client.get("/").content.decode()
        assert (
            '<a class="tile" href="/litigation/cases/?overdue=1"><strong>行政应诉</strong>'
            '<span>审理中 2 件，<b class="error">期限已过 1 件</b></span></a>'
        ) in home
        page = client.get(f"/litigation/cases/{case.pk}/").content.decode()
        assert "答辩举证期限" in page and "2025-10-09" in page
        assert "《行政诉讼法(2017)》第六十七条第一款 · 15日" in page
        assert '<span class="badge error">逾期1日</span>' in page
        assert "视为没有相应证据" in page
        item = client.get(f"/api/v1/litigation/cases/{case.pk}").json()
        assert item["defence_due"] == "2025-10-09" and item["overdue"] is True
        rows = {r["label"]: r for r in item["deadlines"]}
        assert rows["答辩举证期限"]["overdue"] is True


def test_late_defence_is_recorded_with_article_34(county: County) -> None:
    case = register(county, complaint_received_on=d("2025-09-16"))
    with at("2025-10-12"):
        svc.defence_file(actor=county.actor("clerk_a"), case=case, filed_on=d("2025-10-11"))
        assert not fresh(case).is_overdue(d("2025-10-12"))
        note = LitigationEvent.objects.get(case=case, kind="提交答辩状和证据").note
        assert note.startswith("超过答辩举证期限2日") and "第三十四条" in note
        page = county.client("clerk_a").get(f"/litigation/cases/{case.pk}/").content.decode()
        assert "已于2025-10-11办理（超期2日）" in page
        with pytest.raises(ValidationError, match="已登记于2025-10-11提交答辩状和证据"):
            svc.defence_file(actor=county.actor("clerk_a"), case=case, filed_on=d("2025-10-12"))


def test_defence_needs_the_receipt_first(county: County) -> None:
    case = register(county)
    with pytest.raises(ValidationError, match="请先登记收到起诉状副本的日期"):
        svc.defence_file(actor=county.actor("clerk_a"), case=case, filed_on=d("2025-09-20"))


# --- 上诉 (第85条) --------------------------------------------------------------------------------
def closed(county: County, result: str, judged_on: str, **kw: Any) -> LitigationCase:
    case = register(county, filed_on="2025-01-10", **kw)
    return svc.case_close(
        actor=county.actor("clerk_a"), case=case, judged_on=d(judged_on), result=result
    )


@pytest.mark.parametrize(
    ("result", "served", "document", "due"),
    [
        (Result.LOSS_ANNUL, "2025-09-20", Document.JUDGMENT, "2025-10-09"),  # 15 days
        (Result.WIN, "2025-03-03", Document.JUDGMENT, "2025-03-18"),
        (Result.DISMISSED, "2025-09-21", Document.RULING, "2025-10-09"),  # 10 days
        (Result.DISMISSED, "2025-03-03", Document.RULING, "2025-03-13"),
        (Result.WITHDRAWN, "2025-03-03", Document.RULING, None),  # 准许撤诉: no appeal
        (Result.MEDIATED, "2025-03-03", Document.MEDIATION, None),
    ],
)
def test_service_of_the_judgment_stores_the_appeal_deadline(
    county: County, result: str, served: str, document: str, due: str | None
) -> None:
    case = closed(county, result, "2025-02-28")
    svc.service_record(actor=county.actor("clerk_a"), case=case, served_on=d(served))
    case = fresh(case)
    assert case.document == document
    assert case.appeal_due == (d(due) if due else None)


def test_second_instance_judgments_have_no_appeal(county: County) -> None:
    case = closed(county, Result.LOSS_ANNUL, "2025-02-28", level=Level.SECOND)
    svc.service_record(actor=county.actor("clerk_a"), case=case, served_on=d("2025-03-03"))
    assert fresh(case).appeal_due is None
    with pytest.raises(ValidationError, match="二审、再审的裁判不能依第八十五条上诉"):
        svc.appeal_decide(
            actor=county.actor("clerk_a"),
            case=case,
            decision=AppealDecision.WAIVED,
            decided_on=d("2025-03-04"),
        )


def test_other_result_asks_for_the_document(county: County) -> None:
    case = closed(county, Result.OTHER, "2025-02-28")
    with pytest.raises(ValidationError) as info:
        svc.service_record(actor=county.actor("clerk_a"), case=case, served_on=d("2025-03-03"))
    assert info.value.message_dict["document"] == ["裁判结果为“其他”，请选择裁判文书的种类"]
    loss = closed(county, Result.LOSS_ANNUL, "2025-02-28")
    with pytest.raises(ValidationError) as info:
        svc.service_record(
            actor=county.actor("clerk_a"),
            case=loss,
            served_on=d("2025-03-03"),
            document=Document.RULING,
        )
    assert "裁判文书应为判决书" in info.value.message_dict["document"][0]


def test_a_lost_case_is_overdue_until_the_appeal_is_decided(county: County) -> None:
    loss = closed(county, Result.LOSS_ANNUL, "2025-09-19")
    win = closed(county, Result.WIN, "2025-09-19")
    for case in (loss, win):
        svc.service_record(actor=county.actor("clerk_a"), case=case, served_on=d("2025-09-20"))
    with at("2025-10-10"):
        today = d("2025-10-10")
        assert list(LitigationCase.objects.overdue(today)) == [fresh(loss)]  # not the win
        page = county.client("clerk_a").get(f"/litigation/cases/{loss.pk}/").content.decode()
        assert "上诉期限" in page and "《行政诉讼法(2017)》第八十五条 · 15日" in page
        assert "判决书于2025-09-20送达" in page
        svc.appeal_decide(
            actor=county.actor("clerk_a"),
            case=loss,
            decision=AppealDecision.WAIVED,
            decided_on=d("2025-10-10"),
        )
        assert not LitigationCase.objects.overdue(today).exists()
        page = county.client("clerk_a").get(f"/litigation/cases/{loss.pk}/").content.decode()
        assert "决定不上诉（2025-10-10）" in page


# --- the daily sweep reminds before and after --------------------------------------------------
def test_sweep_reminds_before_and_after_the_defence_deadline(county: County) -> None:
    case = register(county, complaint_received_on=d("2025-09-16"))  # due 2025-10-09
    assert "行政应诉期限提醒 0 条" in sweep("2025-10-03")  # 6 days ahead: not yet
    assert "行政应诉期限提醒 1 条" in sweep("2025-10-04")  # within 5 days
    assert "行政应诉期限提醒 0 条" in sweep("2025-10-05")  # once per state
    soon = Reminder.objects.get(key__startswith=f"litigation-defence:{case.pk}:")
    assert soon.unit == county.town_a and soon.link == f"/litigation/cases/{case.pk}/"
    assert "答辩举证期限2025-10-09届满（剩余5日）" in soon.text
    assert "行政应诉期限提醒 1 条" in sweep("2025-10-10")
    late = Reminder.objects.get(key=f"litigation-defence:{case.pk}:2025-10-09:overdue")
    assert "视为没有相应证据（行政诉讼法第三十四条）" in late.text
    with at("2025-10-10"):
        svc.defence_file(actor=county.actor("clerk_a"), case=case, filed_on=d("2025-10-10"))
    assert "行政应诉期限提醒 0 条" in sweep("2025-10-11")


def test_sweep_reminds_of_the_appeal_of_a_lost_case(county: County) -> None:
    loss = closed(county, Result.LOSS_ILLEGAL, "2025-09-19")
    with at("2025-10-06"):
        svc.service_record(actor=county.actor("clerk_a"), case=loss, served_on=d("2025-09-20"))
    assert "行政应诉期限提醒 1 条" in sweep("2025-10-06")
    text = Reminder.objects.get(key__startswith=f"litigation-appeal:{loss.pk}:").text
    assert "上诉期限2025-10-09届满（剩余3日）" in text and "第八十五条" in text
