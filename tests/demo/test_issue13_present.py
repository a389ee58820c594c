"""Issue 13 item 14: a demo that lives in the present.

``fazhi seed`` / ``fazhi demo`` fill the last full year before ``today`` and the current year up
to ``today``: the dashboard of the current year (its default) has figures, the open cases were
received recently and are not long overdue, nothing is dated after ``today``, and the published
annual report is last year's. Checked on the session's demo county (seeded as on 31 January:
the current year is one month old) and on counties seeded with the clock frozen at other days
(mid-year, today's date when this was written, and ten days into a year). The extra counties
run only the 复议 filler (what the checks read), except the early-January one, which runs every
filler: its annual report is published within those ten days.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from tests.demo_county import DEMO_TODAY, DEMO_YEAR

from fazhi.demo.generator import SeedResult, county_fillers, seed_county
from fazhi.demo.management.commands.seed import Command as SeedCommand
from fazhi.demo.text import _years_text
from fazhi.litigation.models import LitigationCase
from fazhi.reconsideration.models import ReconsiderationCase
from fazhi.reports.models import AnnualReport, ReportState

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPEN_REC = ("reviewing", "correcting", "accepted", "suspended")
#: How long a 复议 case can still be open: 补正 and 受理 (≈ 3 weeks), 中止 (at most ~100 days
#: in the demo), the 60-day 审理期限 and a 30-day extension.
REC_OPEN_DAYS = 200
#: A first-instance suit is judged within ~200 days of filing; an appeal follows within two months.
LIT_OPEN_DAYS = 300


def frozen(day: dt.date) -> Any:
    return time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI), tick=False)


def dashboard(client: Client, day: dt.date) -> dict[str, Any]:
    """The leader's dashboard without a year (its default) on ``day``: year and key figures."""
    with frozen(day):  # logged in on that day (a session from another day may have expired)
        client.force_login(User.objects.get(username="leader"))
        response = client.get("/metrics/dashboard/")
    assert response.status_code == 200
    context = response.context
    figures = {card.current.code: card.current.value for card in context["cards"]}
    return {"year": context["year"], "figures": figures}


def assert_lives_in(client: Client, day: dt.date) -> None:
    rec = list(ReconsiderationCase.objects.all())
    lit = list(LitigationCase.objects.all())  # none when only the 复议 filler ran
    # Last year in full, this year up to ``day``, nothing later.
    assert {c.received_on.year for c in rec} == {day.year - 1, day.year}
    assert max(c.received_on for c in rec) <= day
    assert max(c.closed_on for c in rec if c.closed_on) <= day
    assert all(c.filed_on <= day and (c.judged_on or day) <= day for c in lit)
    # The dashboard opens on the current year, and it has figures.
    shown = dashboard(client, day)
    assert shown["year"] == day.year
    assert shown["figures"]["reconsideration.received"] == sum(
        1 for c in rec if c.received_on.year == day.year
    )
    assert shown["figures"]["reconsideration.received"] > 0
    # Open cases are recent, and few are past their deadline (none by more than a few days).
    open_rec = [c for c in rec if c.status in OPEN_REC]
    assert open_rec
    for case in open_rec:
        assert (day - case.received_on).days <= REC_OPEN_DAYS, (case.number, case.received_on)
        assert case.current_due is None or (day - case.current_due).days <= 7, case.number
    overdue = [c for c in open_rec if c.current_due is not None and c.current_due < day]
    assert len(overdue) <= 2, [(c.number, c.current_due) for c in overdue]
    for suit in lit:
        if suit.status != "closed":
            assert (day - suit.filed_on).days <= LIT_OPEN_DAYS, (suit.number, suit.filed_on)


def assert_report_of_last_year(day: dt.date) -> None:
    published = AnnualReport.objects.filter(state=ReportState.PUBLISHED)
    assert [(r.unit.code, r.year) for r in published] == [("430199", day.year - 1)]
    for report in AnnualReport.objects.all():
        assert report.year == day.year - 1
        steps = (report.secrecy_on, report.meeting_on, report.submitted_on, report.published_on)
        assert all(step is None or step <= day for step in steps), (report.unit.name, steps)


# --- the session's demo county (today = 31 January: a one-month current year) -----------------
def test_the_demo_county_lives_in_its_today(demo_county: SeedResult, client: Client) -> None:
    assert (demo_county.today, demo_county.years) == (DEMO_TODAY, (DEMO_YEAR, DEMO_YEAR + 1))
    assert_lives_in(client, DEMO_TODAY)


def test_the_demo_countys_published_report_is_last_years(demo_county: SeedResult) -> None:
    assert_report_of_last_year(DEMO_TODAY)


# --- seeded on other days ----------------------------------------------------------------------
def only(*names: str) -> list[Any]:
    return [(name, fill) for name, fill in county_fillers() if name in names]


@pytest.mark.django_db
@pytest.mark.parametrize("day", [dt.date(2026, 6, 15), dt.date(2026, 12, 2)], ids=str)
def test_seeded_on_any_day_the_current_year_has_figures(day: dt.date, client: Client) -> None:
    """Mid-year and on the day this was written (the 复议 register only: it is what the checks
    read, and each county-year costs seconds)."""
    with frozen(day):
        result = seed_county(fillers=only("reconsideration"))  # today: the (frozen) local date
    assert (result.today, result.years) == (day, (day.year - 1, day.year))
    assert_lives_in(client, day)


@pytest.mark.django_db
def test_seeded_ten_days_into_a_year_everything_is_there_by_today(client: Client) -> None:
    day = dt.date(2027, 1, 10)
    with frozen(day):
        result = seed_county()
    assert result.today == day
    assert_lives_in(client, day)
    assert_report_of_last_year(day)


# --- the command line ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_seed_takes_a_today(no_fillers: None) -> None:
    out = StringIO()
    with frozen(dt.date(2026, 12, 2)):
        call_command("seed", "--today", "2026-06-15", stdout=out)
    assert "数据截至 2026-06-15：2025年全年及2026年1月1日至6月15日" in out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-13-01", "日期“2026-13-01”无效，应为 YYYY-MM-DD"),
        ("2026-12-03", "数据截止日期（--today）2026-12-03 不能晚于今天（2026-12-02）"),
    ],
)
def test_seed_refuses_a_bad_today(
    value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with frozen(dt.date(2026, 12, 2)), pytest.raises(SystemExit) as info:
        SeedCommand().run_from_argv(["fazhi", "seed", "--today", value])
    assert info.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("years", "today", "text"),
    [
        ((2025, 2026), dt.date(2026, 6, 15), "2025年全年及2026年1月1日至6月15日"),
        ((2023, 2024, 2025, 2026), dt.date(2026, 1, 2), "2023—2025年全年及2026年1月1日至1月2日"),
        ((2025,), dt.date(2026, 1, 31), "2025年全年"),  # a fixed last year (tests, benchmarks)
    ],
)
def test_the_summary_says_which_days_the_data_covers(
    years: tuple[int, ...], today: dt.date, text: str
) -> None:
    assert _years_text(years, today) == text
