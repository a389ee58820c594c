"""`fazhi token create --user U --unit CODE --role R --name N`: issue an API token."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from fazhi.accounts.services import token_create
from fazhi.core.command import FazhiCommand, UsageError
from fazhi.orgs.models import Membership
from fazhi.orgs.roles import Role
from fazhi.orgs.scoping import Actor


class Command(FazhiCommand):
    help = "接口令牌：create 为某账号在某单位的岗位签发令牌（令牌只显示一次）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create"])
        parser.add_argument("--user", required=True, help="用户名")
        parser.add_argument("--unit", required=True, help="单位编码")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument("--name", required=True, help="用途，如“统计系统对接”")

    def handle(self, *args: Any, **options: Any) -> None:
        membership = (
            Membership.objects.active()
            .select_related("unit", "user")
            .filter(
                user__username=options["user"], unit__code=options["unit"], role=options["role"]
            )
            .first()
        )
        if membership is None:
            raise UsageError(
                f"账号 {options['user']} 在单位 {options['unit']} 没有有效的"
                f"“{Role(options['role']).label}”岗位"
            )
        token, raw = token_create(
            actor=Actor.command_line(), membership=membership, name=options["name"]
        )
        self.stdout.write(f"已签发令牌（仅显示这一次，请妥善保存）：{raw}")
        self.stdout.write(f"调用方式：Authorization: Bearer {token.prefix}…（范围：{membership}）")
