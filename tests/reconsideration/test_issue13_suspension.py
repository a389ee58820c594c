"""Issue 13 item 5: a case suspended beyond the statutory limit is flagged with a prompt to 终止,
and a suspended case shows in the overdue views as 中止 with the days suspended.

行政复议法 (2023) 第四十一条第一款第五项: 依照本法第三十九条第一款第一项、第二项、第四项的规定
中止行政复议满六十日，行政复议中止的原因仍未消除 → 终止. The 60 days are the rule
``reconsideration.suspension_limit`` (data); the grounds are the statute's.

Hand count: suspended 2024-03-20 (ground 1) + 60 natural days = 5/19 (Sun) → 5/20 (Mon).
3/20 → 5/21 is 11 + 30 + 21 = 62 days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from tests.personas import County

from fazhi.core.models import DeadlineRule
from fazhi.orgs.scoping import Actor
from fazhi.plans.models import Reminder
from fazhi.reconsideration import services as svc
from fazhi.reconsideration.models import (
    ActCategory,
    Outcome,
    ReconsiderationCase,
    Status,
    Suspension,
)
from fazhi.reconsideration.selectors import todo_counts
from fazhi.reconsideration.workflow import CASES

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
D = dt.date.fromisoformat


def travel(day: str) -> Any:
    at = D(day)
    return time_machine.travel(
        dt.datetime(at.year, at.month, at.day, 12, 0, tzinfo=SHANGHAI), tick=False
    )


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with travel("2024-05-21"):
        yield


def suspended(county: County, ground: str) -> ReconsiderationCase:
    actor = county.actor("clerk_a")
    case = svc.case_receive(
        actor=actor,
        unit=county.town_a,
        received_on=D("2024-03-04"),
        act_category=ActCategory.PENALTY,
        respondent=county.village_a,
    )
    svc.case_accept(actor=actor, case=case, accepted_on=D("2024-03-07"))
    return svc.case_suspend(actor=actor, case=case, suspended_on=D("2024-03-20"), ground=ground)


def test_suspension_past_the_limit_is_flagged_with_a_prompt_to_terminate(county: County) -> None:
    case = suspended(county, "1")  # 申请人死亡，近亲属尚未确定是否参加
    pause = Suspension.objects.get(case=case)
    assert pause.limit_due == D("2024-05-20")
    assert case.current_due == D("2024-05-20")  # the running limit
    assert not case.is_overdue(D("2024-05-20"))
    # Overdue views: the case is there, as 中止.
    overdue = ReconsiderationCase.objects.overdue(D("2024-05-21"))
    assert list(overdue.values_list("pk", "status")) == [(case.pk, Status.SUSPENDED)]
    assert todo_counts(county.actor("clerk_a"), D("2024-05-21"))["overdue"] == 1
    # The prompt to 终止, with the days suspended and the article.
    prompt = case.termination_prompt
    assert "已中止62日" in prompt and "应当决定终止行政复议（第四十一条第一款第五项）" in prompt
    assert CASES["close"].help_for(case) == prompt
    # The daily sweep reminds the 复议机构 once.
    svc.sweep(actor=Actor.command_line(), today=D("2024-05-21"))
    svc.sweep(actor=Actor.command_line(), today=D("2024-05-21"))
    reminders = Reminder.objects.filter(key__startswith=f"recon:{case.pk}:suspension")
    assert [(r.unit, "终止" in r.text, "62日" in r.text) for r in reminders] == [
        (county.town_a, True, True)
    ]
    # 终止 closes it while suspended.
    svc.case_close(
        actor=county.actor("clerk_a"),
        case=case,
        closed_on=D("2024-05-21"),
        outcome=Outcome.TERMINATED,
    )
    assert not ReconsiderationCase.objects.overdue(D("2024-05-21")).exists()


def test_the_overdue_list_shows_the_case_as_suspended_with_its_days(county: County) -> None:
    from django.urls import reverse

    case = suspended(county, "1")
    page = county.client("clerk_a").get(reverse("reconsideration_list") + "?overdue=1&status=")
    text = page.content.decode()
    assert case.number in text
    assert "中止（已中止62日）" in text


def test_case_page_shows_the_days_suspended_and_the_prompt(county: County) -> None:
    case = suspended(county, "4")
    text = county.client("clerk_a").get(case.get_absolute_url()).content.decode()
    assert "62 日" in text
    assert "已满期，应当终止" in text
    assert "第四十一条第一款第五项" in text


def test_grounds_without_a_statutory_limit_are_not_flagged(county: County) -> None:
    case = suspended(county, "8")  # awaiting another case: no limit in the statute
    assert Suspension.objects.get(case=case).limit_due is None
    assert case.current_due is None and case.termination_prompt == ""
    assert not ReconsiderationCase.objects.overdue(D("2024-05-21")).exists()


def test_the_limit_is_rule_data(county: County) -> None:
    DeadlineRule.objects.filter(code="reconsideration.suspension_limit").update(days=30)
    case = suspended(county, "2")
    assert Suspension.objects.get(case=case).limit_due == D("2024-04-19")  # 3/20 + 30 (Fri)


def test_resumption_ends_the_flag(county: County) -> None:
    case = suspended(county, "1")
    case = svc.case_resume(actor=county.actor("clerk_a"), case=case, resumed_on=D("2024-05-10"))
    assert case.status == Status.ACCEPTED and case.termination_prompt == ""
    assert Suspension.objects.get(case=case).days(D("2024-05-21")) == 51


def test_lists_show_the_days_suspended_without_reading_the_suspensions(county: County) -> None:
    case = suspended(county, "8")
    assert case.suspended_since == D("2024-03-20")
    assert case.days_suspended(D("2024-05-21")) == 62
    assert case.status_label == "中止（已中止62日）"
    listed = ReconsiderationCase.objects.get(pk=case.pk)
    with django_assert_no_queries():
        assert listed.status_label == "中止（已中止62日）"
    case = svc.case_resume(actor=county.actor("clerk_a"), case=case, resumed_on=D("2024-05-10"))
    assert (case.suspended_since, case.status_label) == (None, "已受理·审理中")


def django_assert_no_queries() -> Any:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    class _NoQueries(CaptureQueriesContext):
        def __exit__(self, *exc: Any) -> None:
            super().__exit__(*exc)
            assert len(self.captured_queries) == 0, self.captured_queries

    return _NoQueries(connection)
