"""Rules as data: the 系统管理员 edits holiday overrides and rules in the admin, audited."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from tests.personas import County

from fazhi.core.models import AuditEntry, CalendarDay, CalendarYear, DeadlineRule
from fazhi.core.services import deadline_rules_sync


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["secadmin", "auditor", "coordinator", "clerk_a", "leader"])
def test_admin_is_for_the_system_administrator_only(county: County, persona: str) -> None:
    response = county.client(persona).get("/admin/core/calendarday/")
    assert response.status_code == 302  # sent to the admin login
    assert county.client("sysadmin").get("/admin/core/calendarday/").status_code == 200


@pytest.mark.django_db
def test_override_year_entered_in_admin_removes_the_warning(county: County) -> None:
    client = county.client("sysadmin")
    client.post(
        "/admin/core/calendaryear/add/",
        {"year": 2027, "source": "国办发明电〔2026〕X号", "complete": "on"},
    )
    client.post(
        "/admin/core/calendarday/add/", {"date": "2027-01-01", "is_workday": "", "name": "元旦"}
    )
    assert CalendarYear.objects.filter(year=2027, complete=True).exists()
    assert CalendarDay.objects.filter(name="元旦").exists()
    assert AuditEntry.objects.filter(action="calendarday.save", actor_name="程系统").exists()
    out = io.StringIO()
    # 2026-12-31 (Thu) + 3 working days, 2027-01-01 (Fri) now a holiday: 1/4, 1/5, 1/6.
    call_command("deadline", "reconsideration.copy_simple", "2026-12-31", "--json", stdout=out)
    assert '"calendar_covered": true' in out.getvalue()
    assert '"due": "2027-01-06"' in out.getvalue()


@pytest.mark.django_db
def test_locally_edited_rule_survives_fixture_sync(county: County) -> None:
    client = county.client("sysadmin")
    rule = DeadlineRule.objects.get(code="normative.filing", region="")
    data = {
        f.name: getattr(rule, f.name)
        for f in DeadlineRule._meta.concrete_fields
        if f.name not in {"id", "locally_modified"}
    }
    data |= {"days": 30, "extension_days": "", "region": ""}
    client.post(f"/admin/core/deadlinerule/{rule.pk}/change/", data)
    rule.refresh_from_db()
    assert (rule.days, rule.locally_modified) == (30, True)
    DeadlineRule.objects.filter(pk=rule.pk).update(fixture_version="0")
    deadline_rules_sync()
    rule.refresh_from_db()
    assert rule.days == 30
