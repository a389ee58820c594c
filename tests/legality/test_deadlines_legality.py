"""Review periods as data, hand-checked across 春节, 国庆 and 调休; the restart after 退回补充;
a province's own rule; the daily sweep's summary (repeatable) and the home tile.

Holiday facts (国务院办公厅 schedules, as the chinese-calendar package has them):

* 2026 春节: 2-15 (Sun) … 2-23 (Mon) off; 2-14 (Sat) and 2-28 (Sat) are 调休 working days.
* 2025 国庆/中秋: 10-1 … 10-8 off; 9-28 (Sun) and 10-11 (Sat) are 调休 working days.
* 2025 春节: 1-28 … 2-4 off; 1-26 (Sun) and 2-8 (Sat) are 调休 working days.

The period starts the day after receipt (the receipt day itself is not counted).
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from tests.legality.conftest import MakeReview, d
from tests.personas import County

from fazhi.core.models import DeadlineRule
from fazhi.legality import services as svc
from fazhi.legality.kit import home_tiles
from fazhi.legality.models import Category
from fazhi.legality.rules import due_after
from fazhi.plans.models import Reminder

pytestmark = pytest.mark.django_db


def test_the_rules_are_data_with_law_article_and_quote() -> None:
    rows = {r.code: r for r in DeadlineRule.objects.filter(code__startswith="legality.")}
    assert {c: (r.days, r.counting) for c, r in rows.items()} == {
        "legality.period_normative_doc": (15, "working"),
        "legality.min_normative_doc": (5, "working"),
        "legality.period_major_decision": (15, "working"),
        "legality.min_major_decision": (7, "working"),
        "legality.period_default": (10, "working"),
    }
    assert rows["legality.min_major_decision"].article == "第二十六条"
    assert "一般不少于7个工作日" in rows["legality.min_major_decision"].quote
    assert "最长不超过15个工作日" in rows["legality.period_normative_doc"].quote


def test_normative_doc_across_the_2026_spring_festival(make_review: MakeReview) -> None:
    # received Fri 2026-02-13. Working days after it: 2-14 (Sat, 调休) 1; 2-15…2-23 off;
    # 2-24 2, 2-25 3, 2-26 4, 2-27 5  → 一般不少于 5 个工作日: 2026-02-27;
    # 2-28 (Sat, 调休) 6, 3-2 7, 3-3 8, 3-4 9, 3-5 10, 3-6 11, 3-9 12, 3-10 13, 3-11 14,
    # 3-12 15 → 最长 15 个工作日: 2026-03-12.
    review = make_review(category="normative_doc", received_on="2026-02-13")
    assert (review.earliest_on, review.due_on) == (d("2026-02-27"), d("2026-03-12"))


def test_major_decision_across_the_2025_national_day(make_review: MakeReview) -> None:
    # received Fri 2025-09-26. 9-27 (Sat) off; 9-28 (Sun, 调休) 1, 9-29 2, 9-30 3; 10-1…10-8
    # off; 10-9 4, 10-10 5, 10-11 (Sat, 调休) 6, 10-13 7 → 不少于 7 个工作日: 2025-10-13;
    # 10-14 8, 10-15 9, 10-16 10, 10-17 11, 10-20 12, 10-21 13, 10-22 14, 10-23 15
    # → the default period of 15 working days: 2025-10-23.
    review = make_review(category="major_decision", received_on="2025-09-26")
    assert (review.earliest_on, review.due_on) == (d("2025-10-13"), d("2025-10-23"))


def test_default_period_across_the_2025_spring_festival(make_review: MakeReview) -> None:
    # 会议纪要 (no rule of its own: legality.period_default, 10 working days), received Fri
    # 2025-01-24: 1-25 (Sat) off; 1-26 (Sun, 调休) 1, 1-27 2; 1-28…2-4 off; 2-5 3, 2-6 4,
    # 2-7 5, 2-8 (Sat, 调休) 6; 2-9 (Sun) off; 2-10 7, 2-11 8, 2-12 9, 2-13 10 → 2025-02-13.
    review = make_review(category="minutes", received_on="2025-01-24")
    assert (review.earliest_on, review.due_on) == (None, d("2025-02-13"))


def test_the_period_restarts_after_the_supplement(county: County, make_review: MakeReview) -> None:
    # 会议纪要 received Fri 2025-09-26: due 2025-10-16 (9-28 1, 9-29 2, 9-30 3, 10-9 4, 10-10 5,
    # 10-11 6, 10-13 7, 10-14 8, 10-15 9, 10-16 10). Returned 9-29; supplement received Thu
    # 10-9: 10-10 1, 10-11 (Sat, 调休) 2, 10-13 3, 10-14 4, 10-15 5, 10-16 6, 10-17 7,
    # 10-20 8, 10-21 9, 10-22 10 → 2025-10-22.
    clerk = county.actor("dept_clerk")
    review = make_review(category="minutes", received_on="2025-09-26")
    assert review.due_on == d("2025-10-16")
    svc.review_return(actor=clerk, review=review, returned_on=d("2025-09-29"), return_reason="x")
    review = svc.review_supplement(actor=clerk, review=review, supplemented_on=d("2025-10-09"))
    assert (review.period_start, review.due_on) == (d("2025-10-09"), d("2025-10-22"))


def test_a_province_overrides_a_period(county: County, make_review: MakeReview) -> None:
    # 湖南 (43, the test county's province) says 10 working days for 规范性文件: from Fri
    # 2026-02-13: 2-14 1, 2-24 2, 2-25 3, 2-26 4, 2-27 5, 2-28 6, 3-2 7, 3-3 8, 3-4 9, 3-5 10.
    national = DeadlineRule.objects.get(code="legality.period_normative_doc", region="")
    DeadlineRule.objects.create(
        code=national.code,
        region="43",
        name=national.name,
        law="湖南省行政规范性文件管理办法",
        article="第X条",
        days=10,
        counting="working",
        start_event=national.start_event,
    )
    review = make_review(category="normative_doc", received_on="2026-02-13")
    assert review.due_on == d("2026-03-05")
    # another province keeps the national rule
    assert due_after(d("2026-02-13"), national.code, province="44") == d("2026-03-12")


def test_a_category_may_name_another_rule(make_review: MakeReview) -> None:
    Category.objects.filter(code="contract").update(period_rule="legality.period_normative_doc")
    review = make_review(category="contract", received_on="2026-02-13")
    assert review.due_on == d("2026-03-12")


# --- the sweep and the home tile ----------------------------------------------------------
def sweep(*args: str) -> str:
    out = StringIO()
    call_command("sweep_deadlines", *args, stdout=out)
    return out.getvalue().strip()


def test_sweep_reminds_once_and_home_tile_counts(county: County, make_review: MakeReview) -> None:
    late = make_review(category="minutes", received_on="2026-06-01")  # due 2026-06-15
    soon = make_review(category="normative_doc", received_on="2026-06-10")  # due 2026-07-02
    make_review(category="normative_doc", received_on="2026-06-29")  # due in July: not yet
    done = make_review(category="minutes", received_on="2026-06-01")
    svc.review_conclude(
        actor=county.actor("dept_clerk"),
        review=done,
        completed_on=d("2026-06-05"),
        conclusion="lawful",
    )
    returned = make_review(category="minutes", received_on="2026-06-01", materials_complete=False)
    assert str(soon.due_on) == "2026-07-02"  # 6-11…: 端午 6-19 off
    summary = sweep()
    assert "合法性审查期限临近 1 件、逾期 1 件，新提醒 2 条" in summary
    assert "合法性审查期限临近 1 件、逾期 1 件，新提醒 0 条" in sweep()  # repeatable
    texts = sorted(
        Reminder.objects.filter(key__startswith="legality:").values_list("text", flat=True)
    )
    assert texts == [
        f"合法性审查事项{late.number}（会议纪要）审查期限已于2026-06-15届满，尚未登记审查结论",
        f"合法性审查事项{soon.number}（规范性文件）审查期限2026-07-02届满，请按期提出审查意见",
    ]
    assert returned.status == "returned"
    tile = home_tiles(county.actor("dept_clerk"), d("2026-06-30"))[0]
    text = "".join(s.text for s in tile.line)
    assert text == "待审查 3 件，其中逾期 1 件，退回补充待回 1 件"
    assert tile.url == "/legality/reviews/?overdue=1"
    # the 送审单位 (town_a) sees them too; town_b sees none
    assert "待审查 3 件" in "".join(
        s.text for s in home_tiles(county.actor("clerk_a"), d("2026-06-30"))[0].line
    )
    none = home_tiles(county.actor("clerk_b"), d("2026-06-30"))[0]
    assert "".join(s.text for s in none.line) == "待审查 0 件"
