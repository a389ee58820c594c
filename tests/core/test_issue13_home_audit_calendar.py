"""Issue 13 items 20 (home pages), 21 (the audit log reads as Chinese) and 25 (the calendar
page: no package names, “节假日维护” only for those who maintain it)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from tests.personas import PASSWORD, County

from fazhi.accounts.services import user_create
from fazhi.core.audit_display import action_label, entry_changes, object_type_label
from fazhi.core.models import AuditEntry
from fazhi.orgs.roles import Role
from fazhi.orgs.scoping import Actor
from fazhi.orgs.services import membership_grant, orgunit_update
from fazhi.plans.parser import parse_plan
from fazhi.plans.services import assignments_sweep, plan_import

D = dt.date
PLAN = """湘江县2025年法治政府建设工作要点
一、严格规范公正文明执法
（一）开展案卷评查。9月30日前完成评查，不少于100卷。（牵头单位：湘江县司法局；责任单位：白沙镇人民政府、黄金乡人民政府）
（二）落实述法。6月底前完成。（责任单位：白沙镇人民政府）
"""
LATIN = re.compile(r"[A-Za-z]")


@pytest.fixture
def plan(county: County) -> Any:
    units = {"湘江县司法局": [county.dept], "白沙镇人民政府": [county.town_a]}
    units["黄金乡人民政府"] = [county.town_b]
    with time_machine.travel(dt.datetime(2025, 3, 1, 9, tzinfo=dt.UTC), tick=False):
        return plan_import(
            actor=county.actor("coordinator"),
            unit=county.root,
            parsed=parse_plan(PLAN),
            resolution=units,
        ).plan


# --- item 20: home pages ------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["coordinator", "clerk_a", "reviewer", "leader"])
def test_no_working_module_is_marked_under_construction_on_the_home_page(
    county: County, persona: str
) -> None:
    page = county.client(persona).get("/").content.decode()
    main = page.split('<main class="content">', 1)[1]
    assert "建设中" not in main
    for label in ("年度计划与督办", "本单位任务"):
        assert f'<div class="tile soon"><strong>{label}' not in main


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2025, 6, 28, 9, tzinfo=dt.UTC), tick=False)
def test_a_unit_sees_its_new_tasks_and_unread_reminders(county: County, plan: Any) -> None:
    assignments_sweep(today=D(2025, 6, 28))  # (二) due 2025-06-30: a reminder for 白沙镇
    client = county.client("clerk_a")
    page = client.get("/").content.decode()
    assert "新任务" in page and "开展案卷评查" in page and "落实述法" in page
    assert "未读提醒" in page and "将于 2025-06-30 到期" in page
    # the menu counts the unread reminders
    badge = r'href="/plans/reminders/"[^>]*>提醒 <span class="badge error"[^>]*>1</span>'
    assert re.search(badge, page)
    other = county.client("clerk_b").get("/").content.decode()
    assert "落实述法" not in other and "将于 2025-06-30 到期" not in other
    client.post("/plans/reminders/")  # 全部标为已读
    page = client.get("/").content.decode()
    assert "没有未读提醒" in page
    assert not re.search(r'>提醒 <span class="badge', page)


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2025, 6, 28, 9, tzinfo=dt.UTC), tick=False)
def test_only_the_addressed_unit_and_roles_that_act_see_the_count(
    county: County, plan: Any
) -> None:
    assignments_sweep(today=D(2025, 6, 28))
    for persona in ("sysadmin", "coordinator", "leader_a", "reviewer_a"):
        page = county.client(persona).get("/").content.decode()
        assert not re.search(r'>提醒 <span class="badge', page), persona
        assert "将于 2025-06-30 到期" not in page, persona
    page = county.client("coordinator_a").get("/").content.decode()  # 白沙镇's 依法治办
    assert re.search(r'>提醒 <span class="badge error"[^>]*>1</span>', page)


@pytest.mark.django_db
def test_home_inbox_query_count_is_bounded(
    county: County, plan: Any, django_assert_max_num_queries: Any
) -> None:
    client = county.client("clerk_a")
    # The budget, per tile provider (the deadline rules and calendar are read once per request):
    #   session, user, membership, unit count, 复议, 应诉, 工作计划 (with 2 spare)   16
    #   合法性审查: one aggregate over the reviews                                   1
    #   规范性文件: one aggregate over the filings, the expiring count, the
    #               evaluation rule                                                  3
    #   重大行政决策: one aggregate over the open decisions                          1
    #   备案审查: the 形式审查 rule (with the unit's province), the calendar, one
    #             aggregate over the filings received, one over the 审查建议          4
    #   行政执法 (issue 17): the certificate rules (with the unit's province), one
    #            aggregate over the officers                                         2
    #   执法培训: one aggregate over the year's hours rows                           1
    #   三项制度: the withdrawals open/overdue, the decisions waiting, the 数据公开    3
    #   案卷评查: the files waiting for the actor's unit to score (none for a
    #             township: skipped without a query)                                 1
    #   issue 18 人民调解: the open cases, the committees whose term has ended         2
    #            学法: the units behind the quarterly pace                             1
    #            述法: from 12-01 the unscheduled units (the review count only
    #                  with 审核)                                                      1
    #            法律顾问: the advisers in post and those whose contract ends soon     2
    with django_assert_max_num_queries(16 + 1 + 3 + 1 + 4 + 2 + 1 + 3 + 1 + 2 + 1 + 1 + 2):
        assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_system_administrator_home_offers_account_maintenance(county: County) -> None:
    page = county.client("sysadmin").get("/").content.decode()
    assert 'href="/accounts/users/"' in page


# --- item 21: the audit log -----------------------------------------------------------------
def test_action_codes_have_chinese_names_derived_from_the_workflows() -> None:
    assert action_label("reconsideration.accept") == "行政复议·受理"
    assert action_label("membership.grant") == "岗位角色·授予"
    assert action_label("plan.notice_issue") == "工作计划·制发督办单"
    assert action_label("litigation.suggestion_reply") == "行政应诉·答复司法建议"
    assert action_label("user.password_reset") == "用户·重置密码"
    assert object_type_label("reconsideration.reconsiderationcase") == "行政复议案件"


@pytest.mark.django_db
def test_every_operation_of_the_demo_county_has_a_chinese_name(demo_county: Any) -> None:
    codes = set(AuditEntry.objects.values_list("action", flat=True))
    assert len(codes) > 10
    unnamed = {code: action_label(code) for code in codes if LATIN.search(action_label(code))}
    assert not unnamed
    types = set(AuditEntry.objects.values_list("object_type", flat=True))
    assert not {t for t in types if LATIN.search(object_type_label(t))}


#: an audit code written in the source: ``action="x.y"``, ``audit_action="x.y"``, an
#: ``*_ACTION = "x.y"`` constant or the accounts' ``_audit_user(actor, "x.y", …)``
SOURCE_CODE = re.compile(
    r'(?:\baction=|audit_action=|_ACTION = |_audit_user\(\s*\w+,\s*)"([a-z_]+\.[a-z_]+)"'
)


def test_every_operation_written_in_the_source_has_a_chinese_name() -> None:
    """Codes the demo county never writes too (退回起草, 查看未脱敏的个人信息, account work)."""
    from pathlib import Path

    import fazhi

    codes = set()
    for path in Path(fazhi.__file__).parent.rglob("*.py"):
        codes |= set(SOURCE_CODE.findall(path.read_text(encoding="utf-8")))
    assert {"report.return", "personal_data.view", "user.create"} <= codes
    unnamed = {code: action_label(code) for code in codes if LATIN.search(action_label(code))}
    assert not unnamed
    assert action_label("report.return") == "法治政府建设年度报告·退回起草"
    assert action_label("personal_data.view") == "查看未脱敏的个人信息"


@pytest.mark.django_db
def test_demo_county_changes_name_their_fields_in_chinese(demo_county: Any) -> None:
    entries = list(AuditEntry.objects.order_by("seq"))
    labels = {change.label for changes in entry_changes(entries) for change in changes}
    assert labels
    assert not {label for label in labels if LATIN.search(label)}


@pytest.mark.django_db
def test_audit_log_shows_chinese_operations_and_field_differences(county: County) -> None:
    orgunit_update(
        actor=county.actor("sysadmin"),
        unit=county.town_a,
        contact_person="白小沙",
        contact_phone="",
        address="",
    )
    page = county.client("auditor").get("/audit/?action=单位").content.decode()
    assert "单位·修改" in page
    assert "<b>联系人</b>：（空） → 白小沙" in page
    assert "（空） → （空）" not in page
    assert "<code>" not in page  # no raw JSON
    assert 'placeholder="如 受理' in page and 'placeholder="如 orgunit' not in page
    # the filter takes the Chinese name and the object type by its Chinese name
    listing = county.client("auditor").get("/audit/?action=授予").content.decode()
    assert "岗位角色·授予" in listing and "单位·修改" not in listing
    by_type = county.client("auditor").get("/audit/?type=orgs.orgunit").content.decode()
    assert "单位·新建" in by_type and "岗位角色·授予" not in by_type
    assert '<option value="orgs.orgunit"' in by_type and ">单位</option>" in by_type


@pytest.mark.django_db
def test_unchanged_and_empty_fields_are_not_listed(county: County) -> None:
    entry = AuditEntry(
        object_type="orgs.orgunit",
        before={"name": "甲", "address": "", "contact_person": None, "is_active": True},
        after={"name": "乙", "address": None, "contact_person": "", "is_active": True},
    )
    [changes] = entry_changes([entry])
    assert [(c.label, c.old, c.new) for c in changes] == [("单位名称", "甲", "乙")]


@pytest.mark.django_db
def test_foreign_keys_are_named_and_looked_up_once(
    county: County, django_assert_max_num_queries: Any
) -> None:
    entries = [
        AuditEntry(object_type="orgs.orgunit", before=None, after={"parent": county.root.pk})
        for _ in range(20)
    ]
    with django_assert_max_num_queries(1):
        changes = entry_changes(entries)
    assert changes[0][0].new == str(county.root)


# --- item 25: the calendar page -------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["sysadmin", "clerk_a", "coordinator", "auditor"])
def test_calendar_page_names_no_package(county: County, persona: str) -> None:
    page = county.client(persona).get("/calendar/").content.decode()
    assert "chinese-calendar" not in page and "chinese_calendar" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["clerk_a", "coordinator", "leader", "auditor", "secadmin"])
def test_holiday_maintenance_is_offered_only_to_who_maintains_it(
    county: County, persona: str
) -> None:
    client = county.client(persona)
    for url in ("/", "/calendar/"):
        page = client.get(url).content.decode()
        assert "节假日维护" not in page and "/admin/core/calendarday/" not in page
    assert ">节假日安排<" in client.get("/").content.decode()


@pytest.mark.django_db
def test_top_system_administrator_maintains_holidays(county: County) -> None:
    client = county.client("sysadmin")
    assert ">节假日维护<" in client.get("/").content.decode()
    assert "/admin/core/calendarday/" in client.get("/calendar/").content.decode()


@pytest.mark.django_db
def test_township_system_administrator_does_not_maintain_holidays(county: County) -> None:
    from django.test import Client

    user = user_create(
        actor=Actor.command_line(), username="town_sys", full_name="某", password=PASSWORD
    )
    membership_grant(actor=Actor.command_line(), user=user, unit=county.town_a, role=Role.SYSADMIN)
    client = Client()
    client.login(username="town_sys", password=PASSWORD)
    for url in ("/", "/calendar/"):
        page = client.get(url).content.decode()
        assert "节假日维护" not in page and "/admin/" not in page
