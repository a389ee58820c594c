"""The holiday page tells which years are covered, relative to today (time frozen)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from tests.personas import County

from fazhi.core.models import CalendarYear

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_calendar_page_flags_next_year_until_entered(county: County) -> None:
    client = county.client("sysadmin")
    page = client.get("/calendar/").content.decode()
    assert '<td>2026年</td><td><span class="ok">已覆盖' in page
    assert '<td>2027年</td><td><span class="warning">未录入' in page
    CalendarYear.objects.create(year=2027, source="国办发明电〔2026〕X号", complete=True)
    page = client.get("/calendar/").content.decode()
    assert '<td>2027年</td><td><span class="ok">已覆盖' in page
    assert '<td>2028年</td><td><span class="warning">未录入' in page


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 11, 23, 23, 30, tzinfo=SHANGHAI), tick=False)
def test_home_page_date_is_in_shanghai_time(county: County) -> None:
    # 23:30 in Shanghai is 15:30 UTC: the page must say the 23rd, local time.
    assert "2026年11月23日" in county.client("clerk_a").get("/").content.decode()
