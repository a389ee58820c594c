"""Issue 14 item 3 (安全审计): logins, logouts, failed logins, 岗位 switches, exports and
downloads, and 403 refusals each leave an entry in the one audit chain, with no password or
personal data in it, and the 审计日志 page names them in Chinese."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from tests.personas import PASSWORD, County
from tests.plans.test_plan_pages import make_plan

from fazhi.core.audit_display import action_label
from fazhi.core.models import AuditEntry
from fazhi.core.selectors import audit_verify
from fazhi.orgs.models import Membership
from fazhi.orgs.roles import Role
from fazhi.orgs.services import membership_grant

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2025, 6, 20, 10, tzinfo=dt.UTC)
WRONG = "Wrong-Secret-4711"
ADDRESS = "203.0.113.7"


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


def last(action: str) -> AuditEntry:
    found = entries(action)
    assert found, f"no {action} entry"
    return found[-1]


def dumped(entry: AuditEntry) -> str:
    fields = [entry.actor_name, entry.object_repr, entry.before, entry.after, entry.unit_name]
    return json.dumps(fields, ensure_ascii=False, default=str)


def assert_from(entry: AuditEntry, address: str = ADDRESS) -> None:
    """The entry carries the request's source address (来源地址)."""
    assert entry.source_ip == address


def login(username: str, password: str) -> Client:
    client = Client(REMOTE_ADDR=ADDRESS)
    client.post("/accounts/login/", {"username": username, "password": password})
    return client


# --- login, logout, failed login --------------------------------------------------------
def test_login_and_logout_are_audited_under_the_account(county: County) -> None:
    user = county.users["clerk_a"]
    client = login(user.username, PASSWORD)
    entry = last("account.login")
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        user.pk,
        "auth.user",
        str(user.pk),
    )
    assert entry.actor_name == "白沙甲" and entry.unit_code == county.town_a.code
    assert entry.actor_role == Role.CLERK
    assert_from(entry)
    client.post("/accounts/logout/")
    out = last("account.logout")
    assert (out.actor_id, out.object_id, out.unit_code) == (
        user.pk,
        str(user.pk),
        county.town_a.code,
    )
    assert_from(out)
    assert audit_verify()[1] is None  # the same chain, unbroken


def test_an_anonymous_logout_records_nothing(county: County) -> None:
    Client().post("/accounts/logout/")
    assert not entries("account.logout")


def test_a_failed_login_on_an_account_names_it_never_the_password(county: County) -> None:
    user = county.users["clerk_a"]
    client = login(user.username, WRONG)
    page = client.get("/accounts/login/")  # still signed out
    assert page.status_code == 200
    entry = last("account.login_failed")
    assert entry.actor_id is None and entry.actor_name == "未登录的访问者"
    assert (entry.object_type, entry.object_id, entry.object_repr) == (
        "auth.user",
        str(user.pk),
        user.username,
    )
    assert entry.unit_code == county.town_a.code  # the account's unit reads it
    assert entry.after == {"username": user.username, "note": "密码错误"}
    assert WRONG not in dumped(entry) and PASSWORD not in dumped(entry)
    assert_from(entry)
    assert not entries("account.login")


def test_a_failed_login_with_an_unknown_name_reveals_nothing_and_is_recorded(
    county: County,
) -> None:
    known = Client().post("/accounts/login/", {"username": "clerk_a", "password": WRONG})
    client = Client(REMOTE_ADDR=ADDRESS)
    unknown = client.post("/accounts/login/", {"username": "nobody-here", "password": WRONG})
    # the person trying reads the same page whether the account exists or not
    assert unknown.status_code == known.status_code == 200
    strip = lambda r: r.content.decode().replace("nobody-here", "").replace("clerk_a", "")  # noqa: E731
    assert _errors(strip(unknown)) == _errors(strip(known))
    entry = last("account.login_failed")
    assert entry.actor_id is None and entry.object_id == ""
    assert entry.object_repr == "nobody-here"
    assert entry.unit_path == "/" and entry.unit_name == "全系统"  # the top 审计管理员 reads it
    assert entry.after == {"username": "nobody-here", "note": "账号不存在"}
    assert WRONG not in dumped(entry)
    assert_from(entry)


def _errors(html: str) -> list[str]:
    import re

    return re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)<', html)


def test_a_disabled_account_and_a_personal_number_typed_as_name(county: County) -> None:
    user = county.users["clerk_b"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    login(user.username, PASSWORD)
    assert last("account.login_failed").after == {"username": user.username, "note": "账号已停用"}
    login("430121199001011234", PASSWORD)  # an ID number typed in the name box
    entry = last("account.login_failed")
    assert "430121199001011234" not in dumped(entry) and PASSWORD not in dumped(entry)


def test_a_locked_account_is_recorded_as_locked(county: County, settings: Any) -> None:
    user = county.users["clerk_a"]
    for _ in range(settings.FAZHI_LOCKOUT_ATTEMPTS):
        login(user.username, WRONG)
    login(user.username, PASSWORD)  # the right password, refused while locked
    assert last("account.login_failed").after == {
        "username": user.username,
        "note": "账号或来源地址已被锁定",
    }
    assert not entries("account.login")


def test_why_a_login_failed() -> None:
    from types import SimpleNamespace

    from fazhi.core.security_events import failure_note

    active, disabled = SimpleNamespace(is_active=True), SimpleNamespace(is_active=False)
    assert failure_note(active, None) == "密码错误"
    assert failure_note(disabled, None) == "账号已停用"
    second = SimpleNamespace(fazhi_second_factor_failed=True)
    assert failure_note(active, second) == "动态验证码错误"  # type: ignore[arg-type]
    locked = SimpleNamespace(axes_locked_out=True, fazhi_second_factor_failed=True)
    assert failure_note(active, locked) == "账号或来源地址已被锁定"  # type: ignore[arg-type]


def test_an_administrator_without_a_post_logs_in_under_its_unit(county: County) -> None:
    from fazhi.accounts.services import user_create
    from fazhi.orgs.scoping import Actor

    user = user_create(
        actor=Actor.command_line(), username="newbie", full_name="新来的", password=PASSWORD
    )
    login("newbie", PASSWORD)
    entry = last("account.login")
    assert entry.actor_id == user.pk and entry.actor_role == "" and entry.unit_path == "/"


# --- 岗位 switch ------------------------------------------------------------------------
def test_a_post_switch_records_from_and_to(county: County) -> None:
    user = county.users["clerk_a"]
    second = membership_grant(
        actor=county.actor("secadmin"), user=user, unit=county.village_a, role=Role.CLERK
    )
    first = county.memberships["clerk_a"]
    client = county.client("clerk_a")
    response = client.post("/accounts/switch/", {"membership": second.pk, "next": "/"})
    assert response.status_code == 302
    entry = last("membership.switch")
    assert entry.actor_id == user.pk and entry.unit_code == county.town_a.code
    assert (entry.object_type, entry.object_id) == ("orgs.membership", str(second.pk))
    assert entry.before == {"membership": str(first)}
    assert entry.after == {"membership": str(second)}
    # another account's 岗位 is refused and switches nothing: no entry
    other = Membership.objects.get(pk=county.memberships["clerk_b"].pk)
    client.post("/accounts/switch/", {"membership": other.pk, "next": "/"})
    assert len(entries("membership.switch")) == 1


# --- exports and downloads --------------------------------------------------------------
@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("persona", "url", "action", "object_type", "filename"),
    [
        (
            "dept_clerk",
            "/reconsideration/cases/export.xlsx?year=2025&q=张三",
            "reconsideration.export",
            "reconsideration.reconsiderationcase",
            "行政复议台账-2025.xlsx",
        ),
        (
            "dept_clerk",
            "/litigation/cases/export.xlsx",
            "litigation.export",
            "litigation.litigationcase",
            "行政应诉台账-20250620.xlsx",
        ),
        (
            "dept_clerk",
            "/litigation/suggestions/export.xlsx",
            "litigation.export",
            "litigation.judicialsuggestion",
            "司法建议台账-20250620.xlsx",
        ),
        ("clerk_a", "/orgs/units/export.xlsx", "orgs.export", "orgs.orgunit", None),
    ],
)
def test_every_register_export_is_audited(
    county: County, persona: str, url: str, action: str, object_type: str, filename: str | None
) -> None:
    client = county.client(persona)
    client.defaults["REMOTE_ADDR"] = ADDRESS
    assert client.get(url).status_code == 200
    entry = last(action)
    assert entry.actor_id == county.users[persona].pk
    assert entry.object_type == object_type
    assert isinstance(entry.after, dict) and isinstance(entry.after["count"], int)
    if filename:
        assert entry.after["file"] == filename == entry.object_repr
    assert "张三" not in dumped(entry)  # the search term is not recorded
    assert_from(entry)
    assert "·导出表格" in action_label(action)


def test_import_templates_are_not_recorded_as_exports(county: County) -> None:
    county.client("dept_clerk").get("/import/reconsideration/?template=1")
    assert not AuditEntry.objects.filter(action__endswith=".export").exists()


@time_machine.travel(TODAY, tick=False)
def test_plan_exports_and_evidence_downloads_are_audited(
    county: County, settings: Any, tmp_path: Path
) -> None:
    from fazhi.plans.models import Assignment, Evidence
    from fazhi.plans.services import report_submit

    settings.MEDIA_ROOT = tmp_path
    plan = make_plan(county)
    client = county.client("coordinator")
    for kind, label in (("matrix", "任务分工矩阵"), ("reports", "进展报告")):
        assert client.get(f"/plans/{plan.pk}/export/{kind}.xlsx").status_code == 200
        entry = last("plan.export")
        assert (entry.object_type, entry.object_id) == ("plans.plan", str(plan.pk))
        assert entry.after == {"file": f"2025-{label}-20250620.xlsx"}
    a = Assignment.objects.get(task__plan=plan, task__number="（一）", unit=county.town_a)
    name = "张三身份证复印件.pdf"  # an uploaded name may name a person: never recorded
    pdf = SimpleUploadedFile(name, b"%PDF-1.4 x", content_type="application/pdf")
    report_submit(actor=county.actor("clerk_a"), assignment=a, text="进展", files=[pdf])
    evidence = Evidence.objects.get()
    assert county.client("clerk_a").get(f"/plans/evidence/{evidence.pk}/").status_code == 200
    entry = last("plan.evidence_download")
    assert entry.actor_id == county.users["clerk_a"].pk
    assert (entry.object_type, entry.object_id) == ("plans.evidence", str(evidence.pk))
    assert "张三" not in dumped(entry)
    # out of scope: a 404, not recorded as a download
    assert county.client("clerk_b").get(f"/plans/evidence/{evidence.pk}/").status_code == 404
    assert len(entries("plan.evidence_download")) == 1
    assert action_label("plan.evidence_download") == "工作计划·下载佐证材料"
    assert action_label("plan.export") == "工作计划·导出表格"


def test_the_annual_report_docx_download_is_audited(county: County) -> None:
    from fazhi.reports.services import report_create

    with time_machine.travel(dt.datetime(2026, 2, 10, 10, tzinfo=dt.UTC), tick=False):
        report = report_create(actor=county.actor("coordinator"), unit=county.dept, year=2025)
        response = county.client("coordinator").get(f"/reports/{report.pk}/docx/")
    assert response.status_code == 200
    entry = last("report.docx_download")
    assert (entry.object_type, entry.object_id) == ("reports.annualreport", str(report.pk))
    assert entry.after == {"file": f"{report.title}.docx"}
    assert action_label("report.docx_download") == "法治政府建设年度报告·下载文档"
    # the portal's published reports are public: not audited as a download
    Client().get(f"/portal/reports/{report.pk}/docx/")
    assert len(entries("report.docx_download")) == 1


def test_command_line_exports_are_audited(county: County, tmp_path: Path) -> None:
    out = tmp_path / "复议.xlsx"
    call_command("export", "reconsideration", "--unit", county.dept.code, "--out", str(out))
    entry = last("reconsideration.export")
    assert entry.actor_name == "命令行" and entry.unit_code == county.dept.code
    assert entry.after == {"file": "复议.xlsx", "count": 0}
    assert_from(entry, "")  # no request: no address
    call_command("export", "reconsideration", "--template", "--out", str(out))
    assert len(entries("reconsideration.export")) == 1


# --- 403 refusals -----------------------------------------------------------------------
def test_a_page_refusal_is_audited_with_its_path_only(county: County) -> None:
    client = county.client("clerk_a")
    client.defaults["REMOTE_ADDR"] = ADDRESS
    response = client.get("/audit/?actor=430121199001011234&note=秘密")
    assert response.status_code == 403
    assert "无权" in response.content.decode()  # the same 403 page as before
    entry = last("access.denied")
    assert entry.actor_id == county.users["clerk_a"].pk
    assert entry.unit_code == county.town_a.code
    assert entry.object_repr == "/audit/"
    assert entry.after == {
        "path": "/audit/",
        "http_method": "GET",
        "reason": "当前角色“填报”无此权限",
    }
    assert "4301211990" not in dumped(entry) and "秘密" not in dumped(entry)
    assert_from(entry)


def test_a_refused_post_does_not_record_its_body(county: County) -> None:
    client = county.client("clerk_a")
    response = client.post("/accounts/users/new/", {"username": "x", "password": WRONG})
    assert response.status_code == 403
    entry = last("access.denied")
    assert entry.after is not None and entry.after["http_method"] == "POST"
    assert WRONG not in dumped(entry)


def test_an_api_refusal_is_audited(county: County) -> None:
    client = county.client("auditor")
    client.defaults["REMOTE_ADDR"] = ADDRESS
    response = client.get("/api/v1/orgs/units?kind=township")
    assert response.status_code == 403, response.content
    entry = last("access.denied")
    assert entry.actor_id == county.users["auditor"].pk
    assert entry.after == {
        "path": "/api/v1/orgs/units",
        "http_method": "GET",
        "reason": "当前角色“审计管理员”无此权限",
    }
    assert_from(entry)


def test_not_found_is_not_recorded(county: County) -> None:
    client = county.client("clerk_b")
    assert client.get("/reconsideration/cases/999999/").status_code == 404
    assert client.get("/api/v1/reconsideration/cases/999999").status_code == 404
    assert client.get("/no-such-page/").status_code == 404
    assert not entries("access.denied")


def test_each_refusal_costs_one_audit_entry(county: County) -> None:
    client = county.client("clerk_a")
    client.get("/audit/")  # warm up
    before = AuditEntry.objects.count()
    for _ in range(5):
        assert client.get("/audit/").status_code == 403
    assert AuditEntry.objects.count() == before + 5


# --- the 审计日志 page --------------------------------------------------------------------
def test_the_audit_log_shows_security_events_in_chinese(county: County) -> None:
    login("clerk_a", WRONG)
    login("nobody-here", WRONG)
    client = county.client("clerk_a")
    client.get("/audit/")
    client.post("/accounts/logout/")
    page = county.client("auditor").get("/audit/").content.decode()
    for name in ("登录失败", "登录", "退出登录", "拒绝访问（无权限）"):
        assert f">{name}</td>" in page, name
    assert "account.login" not in page.replace('title="account.login', "")
    assert "<b>用户名</b>：nobody-here" in page and "<b>说明</b>：账号不存在" in page
    assert "<b>网址</b>：/audit/" in page
    assert WRONG not in page and PASSWORD not in page
    found = county.client("auditor").get("/audit/?action=登录失败").content.decode()
    assert "nobody-here" in found and ">退出登录</td>" not in found


def test_every_security_code_has_a_chinese_name() -> None:
    names = {
        "account.login": "登录",
        "account.logout": "退出登录",
        "account.login_failed": "登录失败",
        "membership.switch": "切换岗位",
        "access.denied": "拒绝访问（无权限）",
        "reconsideration.export": "行政复议·导出表格",
        "litigation.export": "行政应诉·导出表格",
        "orgs.export": "组织机构·导出表格",
    }
    assert {code: action_label(code) for code in names} == names
