"""`fazhi account create --username U --full-name N --unit CODE --role secadmin|sysadmin|auditor`:
the first administrator accounts of a new deployment (docs/DEPLOY.md “首批管理员账号”).

Goes through the services with the command-line actor: :func:`fazhi.accounts.services.user_create`
and :func:`fazhi.orgs.services.membership_grant`, which enforces 三员分立 (an administrator
account holds that one role only); both audited. The account gets a one-time temporary password,
printed once, to be changed at the first login."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandParser
from django.db import transaction

from fazhi.accounts import passwords
from fazhi.accounts.services import temporary_password, user_create
from fazhi.core.command import FazhiCommand, UsageError
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import SEPARATED_ADMIN_ROLES, Role
from fazhi.orgs.scoping import Actor
from fazhi.orgs.services import membership_grant

ADMIN_ROLES = sorted(str(role) for role in SEPARATED_ADMIN_ROLES)


def _message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "；".join(m for messages in exc.message_dict.values() for m in messages)
    return "；".join(exc.messages)


class Command(FazhiCommand):
    help = "建立首批管理员账号（系统管理员、安全管理员、审计管理员，三员分立）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create"])
        parser.add_argument("--username", required=True, help="用户名")
        parser.add_argument("--full-name", default="", help="姓名（缺省同用户名）")
        parser.add_argument("--unit", required=True, help="单位编码，如 430199")
        parser.add_argument(
            "--role", required=True, choices=ADMIN_ROLES, help="secadmin、sysadmin 或 auditor"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        unit = OrgUnit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise UsageError(f"参数 --unit：单位编码 {options['unit']} 不存在")
        role = Role(options["role"])
        actor = Actor.command_line()
        password = temporary_password()
        try:
            with transaction.atomic():
                user = user_create(
                    actor=actor,
                    username=options["username"],
                    full_name=options["full_name"] or options["username"].strip(),
                    password=password,
                    unit=unit,
                )
                passwords.password_set(user, temporary=True)  # changed at the first login
                membership_grant(actor=actor, user=user, unit=unit, role=role)
        except ValidationError as exc:
            raise UsageError(_message(exc)) from None
        except PermissionDenied as exc:
            raise UsageError(str(exc)) from None
        self.stdout.write(
            f"已建立账号 {user.username}：{unit.name}·{role.label}。"
            f"临时密码（仅显示这一次，首次登录须修改）：{password}"
        )
