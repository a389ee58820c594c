"""`fazhi token create --user U --unit CODE --role R --name N`: issue an API token;
`fazhi token list [--user U]`: the tokens and their state; `fazhi token revoke PREFIX`:
吊销 the (not yet revoked) token whose prefix is PREFIX (audited as ``token.revoke``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandParser

from fazhi.accounts.models import ApiToken
from fazhi.accounts.services import token_create, token_revoke
from fazhi.core.command import FazhiCommand, UsageError
from fazhi.orgs.models import Membership
from fazhi.orgs.roles import Role
from fazhi.orgs.scoping import Actor


class Command(FazhiCommand):
    help = (
        "接口令牌：create 为某账号在某单位的岗位签发令牌（令牌只显示一次）；"
        "list 列出令牌；revoke 前缀 吊销令牌"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create", "list", "revoke"])
        parser.add_argument("prefix", nargs="?", default="", help="revoke：令牌前缀，如 fz_AbCdE")
        parser.add_argument("--user", default="", help="用户名（create 必填；list 可用来筛选）")
        parser.add_argument("--unit", default="", help="单位编码（create）")
        parser.add_argument("--role", default="", choices=["", *(r.value for r in Role)])
        parser.add_argument("--name", default="", help="用途，如“统计系统对接”（create）")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self.create(options)
        elif action == "list":
            self.list_tokens(options["user"])
        else:
            self.revoke(options["prefix"])

    def create(self, options: dict[str, Any]) -> None:
        missing = [f"--{k}" for k in ("user", "unit", "role", "name") if not options[k]]
        if missing:
            raise UsageError(f"create 需要参数：{'、'.join(missing)}")
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
        expires = f"{token.expires_at:%Y-%m-%d %H:%M}" if token.expires_at else "永不过期"
        self.stdout.write(f"有效期至：{expires}")

    def list_tokens(self, username: str) -> None:
        rows = ApiToken.objects.select_related("membership__unit", "membership__user")
        if username:
            rows = rows.filter(membership__user__username=username)
        for t in rows.order_by("-created_at", "-pk"):
            expires = f"{t.expires_at:%Y-%m-%d}" if t.expires_at else "永不过期"
            self.stdout.write(
                f"{t.prefix}\t{t.status}\t{t.name}\t{t.membership.user.username}\t"
                f"{t.membership.unit.name}·{t.membership.get_role_display()}\t有效期至 {expires}"
            )

    def revoke(self, prefix: str) -> None:
        if not prefix:
            raise UsageError("请给出要吊销的令牌前缀，如：fazhi token revoke fz_AbCdE")
        found = list(ApiToken.objects.filter(prefix=prefix, revoked=False)[:2])
        if not found:
            raise UsageError(f"没有前缀为 {prefix} 的有效令牌（可用 fazhi token list 查看）")
        if len(found) > 1:
            raise UsageError(f"前缀 {prefix} 对应多个令牌，请先在“接口令牌”页面按用途区分后吊销")
        try:
            token = token_revoke(actor=Actor.command_line(), token=found[0])
        except ValidationError as exc:
            raise UsageError("；".join(exc.messages)) from exc
        self.stdout.write(f"已吊销接口令牌“{token.name}”（{token.prefix}…）")
