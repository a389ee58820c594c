"""`fazhi account create`: the first 安全管理员/系统管理员/审计管理员 of a deployment, through the
services with the command-line actor (audited), a temporary password, 三员分立 enforced."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.personas import County

from fazhi.accounts.models import PasswordHistory
from fazhi.core.models import AuditEntry
from fazhi.orgs.models import Membership

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("account", *args, stdout=out)
    return out.getvalue()


def test_creates_a_security_administrator_with_a_temporary_password(
    county: County, client: Any
) -> None:
    before = AuditEntry.objects.count()
    text = run(
        "create",
        "--username",
        "anquan2",
        "--full-name",
        "安全员甲",
        "--unit",
        "430199",
        "--role",
        "secadmin",
    )
    assert "已建立账号 anquan2" in text and "安全管理员" in text
    password = re.search(r"临时密码（仅显示这一次，首次登录须修改）：(\S+)", text)
    assert password is not None
    user = User.objects.get(username="anquan2")
    assert user.check_password(password.group(1))
    newest = PasswordHistory.objects.filter(user=user).order_by("-pk").first()
    assert newest is not None and newest.temporary  # to be changed at the first login
    membership = Membership.objects.get(user=user)
    assert (membership.unit.code, membership.role) == ("430199", "secadmin")
    actions = list(AuditEntry.objects.filter(seq__gt=before).values_list("action", "actor_role"))
    assert ("user.create", "command_line") in actions
    assert ("membership.grant", "command_line") in actions
    assert client.login(username="anquan2", password=password.group(1))


def test_an_account_never_gets_a_second_administrator_role(county: County) -> None:
    run("create", "--username", "sys1", "--unit", "430199", "--role", "sysadmin")
    # 三员分立: the command only opens new accounts, so an existing one (here the 系统管理员 just
    # made) is never given a second administrator role through it.
    with pytest.raises(CommandError, match="已存在"):
        run("create", "--username", "sys1", "--unit", "430199", "--role", "auditor")
    assert list(
        Membership.objects.filter(user__username="sys1").values_list("role", flat=True)
    ) == ["sysadmin"]


def test_refuses_an_unknown_unit_and_a_business_role(county: County) -> None:
    with pytest.raises(CommandError, match="单位编码 999 不存在"):
        run("create", "--username", "x1", "--unit", "999", "--role", "auditor")
    with pytest.raises(CommandError):
        run("create", "--username", "x2", "--unit", "430199", "--role", "clerk")
    assert not User.objects.filter(username__in=["x1", "x2"]).exists()
