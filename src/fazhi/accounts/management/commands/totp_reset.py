"""`fazhi totp_reset 用户名`: 解除身份验证器绑定 (a lost phone): the account's next login asks for
the password only, or (``FAZHI_ADMIN_TOTP=required``) to bind a new authenticator. Audited
``account.totp_reset``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import CommandParser

from fazhi.accounts.totp import totp_reset
from fazhi.core.command import FazhiCommand, UsageError
from fazhi.orgs.scoping import Actor


class Command(FazhiCommand):
    help = "解除账号的身份验证器（动态验证码）绑定：fazhi totp_reset 用户名"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="用户名")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise UsageError(f"没有用户名为 {options['username']} 的账号")
        count = totp_reset(actor=Actor.command_line(), user=user)
        if count:
            self.stdout.write(f"已解除账号 {user.username} 的身份验证器绑定")
        else:
            self.stdout.write(f"账号 {user.username} 没有绑定身份验证器")
