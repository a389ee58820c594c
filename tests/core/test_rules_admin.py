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


@pytest.mark.django_db
def test_township_system_administrator_cannot_edit_shared_rules(county: County) -> None:
    from django.core.exceptions import PermissionDenied
    from django.test import Client

    from fazhi.accounts.services import user_create
    from fazhi.core.services import calendar_day_set
    from fazhi.orgs.roles import Role
    from fazhi.orgs.scoping import Actor
    from fazhi.orgs.services import membership_grant

    user = user_create(
        actor=Actor.command_line(), username="town_sys", full_name="某", password="test-pass-2024"
    )
    m = membership_grant(
        actor=Actor.command_line(), user=user, unit=county.town_a, role=Role.SYSADMIN
    )
    client = Client()
    client.login(username="town_sys", password="test-pass-2024")
    rule = DeadlineRule.objects.get(code="ogi.reply", region="")
    assert client.get(f"/admin/core/deadlinerule/{rule.pk}/change/").status_code == 302
    assert (
        client.post(
            "/admin/core/calendarday/add/", {"date": "2027-01-01", "is_workday": "", "name": "元旦"}
        ).status_code
        == 302
    )
    assert not CalendarDay.objects.exists()
    import datetime as dt

    with pytest.raises(PermissionDenied):
        calendar_day_set(
            actor=Actor.for_membership(m), date=dt.date(2027, 1, 1), is_workday=False, name="元旦"
        )


@pytest.mark.django_db
def test_admin_login_is_the_platform_login(county: County) -> None:
    from django.test import Client

    client = Client()
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")


@pytest.mark.django_db
def test_fixture_versions_compare_as_numbers(county: County, tmp_path: object) -> None:
    import json
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    rule = DeadlineRule.objects.get(code="rules.filing", region="")
    DeadlineRule.objects.filter(pk=rule.pk).update(fixture_version="2024.9", days=1)
    fixture = tmp_path / "rules.json"
    fixture.write_text(
        json.dumps(
            {
                "version": "2024.10",
                "rules": [
                    {
                        "code": "rules.filing",
                        "name": "法规规章报送备案",
                        "law": "法规规章备案审查条例(2024)",
                        "article": "第四条",
                        "days": 30,
                        "counting": "natural",
                        "start_event": "公布",
                        "extension_days": None,
                        "quote": "",
                        "note": "",
                    }
                ],
            },
            ensure_ascii=False,
        )
    )
    assert deadline_rules_sync(path=fixture) == 1
    rule.refresh_from_db()
    assert (rule.days, rule.fixture_version) == (30, "2024.10")
