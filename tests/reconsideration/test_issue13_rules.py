"""Issue 13 item 7 (行政复议 parts): rules as data with their articles, stored due dates, overdue
flags and sweep reminders, usable with ``fazhi deadline``.

* 第51条: 听证通知 五日 (working days, 第88条) before the hearing. Hearing 2024-05-13 (Mon):
  5/12 (Sun) rest, 5/11 (Sat, 劳动节调休) 上班=1, 5/10=2, 5/9=3, 5/8=4, 5/7=5 → notify by 5/7.
* 第56、57条: 三十日 to handle (natural): 3/20 + 30 = 4/19 (Fri); 七日 to transfer (working):
  3/21=1, 3/22=2, 3/25=3, 3/26=4, 3/27=5, 3/28=6, 3/29=7 → 3/29.
* 行政诉讼法第45条: 15 days from receipt of the 决定书: 4/18 + 15 = 5/3 (劳动节 休) → 5/6.
* 第20条: 2024-01-01 + 60 = 3/1; 第32条: 2/23 + 5 working = 3/1; 第41条(五): 3/20 + 60 → 5/20.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from tests.personas import County

from fazhi.core.models import DeadlineRule
from fazhi.orgs.scoping import Actor
from fazhi.plans.models import Reminder
from fazhi.reconsideration import services as svc
from fazhi.reconsideration.models import ActCategory, CaseEvent, Outcome, ReconsiderationCase

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
D = dt.date.fromisoformat
CODES = {
    "reconsideration.application": ("第二十条", 60, "natural"),
    "reconsideration.transfer": ("第三十二条第二款", 5, "working"),
    "reconsideration.hearing_notice": ("第五十一条", 5, "working"),
    "reconsideration.incidental_review": ("第五十六条、第五十七条", 30, "natural"),
    "reconsideration.incidental_transfer": ("第五十六条、第五十七条", 7, "working"),
    "reconsideration.suspension_limit": ("第四十一条第一款第五项", 60, "natural"),
    "litigation.sue_after_reconsideration": ("第四十五条", 15, "natural"),
}


def travel(day: str) -> Any:
    at = D(day)
    return time_machine.travel(
        dt.datetime(at.year, at.month, at.day, 12, 0, tzinfo=SHANGHAI), tick=False
    )


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with travel("2024-06-28"):
        yield


def accepted(county: County) -> ReconsiderationCase:
    actor = county.actor("clerk_a")
    case = svc.case_receive(
        actor=actor,
        unit=county.town_a,
        received_on=D("2024-03-04"),
        act_category=ActCategory.PENALTY,
        respondent=county.village_a,
    )
    return svc.case_accept(actor=actor, case=case, accepted_on=D("2024-03-07"))


def test_rules_are_data_with_their_articles() -> None:
    for code, (article, days, counting) in CODES.items():
        rule = DeadlineRule.objects.get(code=code, region="")
        assert (rule.article, rule.days, rule.counting) == (article, days, counting), code
        assert rule.quote and rule.law


@pytest.mark.parametrize(
    ("code", "start", "due"),
    [
        ("reconsideration.application", "2024-01-01", "2024-03-01"),
        ("reconsideration.transfer", "2024-02-23", "2024-03-01"),
        ("reconsideration.incidental_review", "2024-03-20", "2024-04-19"),
        ("reconsideration.incidental_transfer", "2024-03-20", "2024-03-29"),
        ("reconsideration.suspension_limit", "2024-03-20", "2024-05-20"),
        ("litigation.sue_after_reconsideration", "2024-04-18", "2024-05-06"),
    ],
)
def test_fazhi_deadline_knows_the_rules(code: str, start: str, due: str) -> None:
    out = StringIO()
    call_command("deadline", code, start, "--json", stdout=out)
    assert json.loads(out.getvalue())["due"] == due


def test_hearing_notice_is_due_five_working_days_before(county: County) -> None:
    case = accepted(county)
    actor = county.actor("clerk_a")
    with travel("2024-04-30"):
        case = svc.case_schedule_hearing(actor=actor, case=case, hearing_on=D("2024-05-13"))
    assert (case.hearing_on, case.hearing_notice_due) == (D("2024-05-13"), D("2024-05-07"))
    assert not case.hearing_notice_overdue(D("2024-05-07"))
    assert case.hearing_notice_overdue(D("2024-05-08"))
    # A notice later than the due day is refused with the article (the hearing must move).
    with travel("2024-05-08"), pytest.raises(ValidationError, match="第五十一条") as info:
        svc.case_notify_hearing(actor=actor, case=case, notified_on=D("2024-05-08"))
    assert "最迟应于2024年5月7日通知" in " ".join(info.value.messages)
    # The sweep reminds the 复议机构 (once), then the notice is recorded in time elsewhere.
    with travel("2024-05-08"):
        svc.sweep(actor=Actor.command_line(), today=D("2024-05-08"))
        svc.sweep(actor=Actor.command_line(), today=D("2024-05-08"))
    texts = list(
        Reminder.objects.filter(key__startswith=f"recon:{case.pk}:hearing").values_list(
            "text", flat=True
        )
    )
    assert len(texts) == 1 and "2024-05-07前送达" in texts[0] and "已逾期" in texts[0]
    with travel("2024-05-06"):
        case = svc.case_notify_hearing(actor=actor, case=case, notified_on=D("2024-05-06"))
    assert case.hearing_notified_on == D("2024-05-06")
    assert not case.hearing_notice_overdue(D("2024-05-20"))


def test_incidental_review_due_dates_and_overdue_reminder(county: County) -> None:
    actor = county.actor("clerk_a")
    handled = svc.case_incidental_review(
        actor=actor, case=accepted(county), on=D("2024-03-20"), mode="handle"
    )
    transferred = svc.case_incidental_review(
        actor=actor, case=accepted(county), on=D("2024-03-20"), mode="transfer"
    )
    assert handled.incidental_due == D("2024-04-19")
    assert transferred.incidental_due == D("2024-03-29")
    svc.sweep(actor=Actor.command_line(), today=D("2024-04-01"))
    keys = set(Reminder.objects.filter(key__contains=":incidental:").values_list("key", flat=True))
    assert keys == {f"recon:{transferred.pk}:incidental:2024-03-20"}
    svc.case_incidental_done(actor=actor, case=transferred, on=D("2024-04-02"), note="转送市政府")
    event = CaseEvent.objects.filter(case=transferred).latest("pk")
    assert (event.kind, event.note) == ("附带审查已转送", "转送市政府；超过法定期限")


def test_time_to_sue_is_shown_on_the_closed_case(county: County) -> None:
    actor = county.actor("clerk_a")
    case = svc.case_close(
        actor=actor, case=accepted(county), closed_on=D("2024-04-15"), outcome=Outcome.UPHOLD
    )
    page = county.client("clerk_a").get(case.get_absolute_url()).content.decode()
    assert "申请人起诉期限" in page and "复议决定书送达日期未登记" in page
    case = svc.case_serve_decision(actor=actor, case=case, served_on=D("2024-04-18"))
    assert case.sue_due == D("2024-05-06")
    page = county.client("clerk_a").get(case.get_absolute_url()).content.decode()
    assert "2024-05-06" in page and "行政诉讼法第四十五条" in page


def test_late_application_and_transfer_are_shown_on_the_case_page(county: County) -> None:
    case = svc.case_receive(
        actor=county.actor("clerk_a"),
        unit=county.town_a,
        received_on=D("2024-03-04"),
        act_category=ActCategory.PENALTY,
        respondent=county.village_a,
        known_on=D("2024-01-01"),
        forwarded_on=D("2024-02-23"),
    )
    page = county.client("clerk_a").get(case.get_absolute_url()).content.decode()
    assert "逾期申请" in page and "转送逾期" in page and "自障碍消除之日起继续计算" in page
