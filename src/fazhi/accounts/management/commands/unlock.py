"""`fazhi unlock 用户名` / `fazhi unlock --address IP`: 解除登录失败锁定 before it ends by itself
(forgets the recorded failures of that user name / source address; audited ``account.unlock``).
`fazhi unlock --list`: the user names and addresses locked now."""

from __future__ import annotations

from typing import Any

from axes.models import AccessFailureLog
from django.core.management.base import CommandParser
from django.utils import timezone

from fazhi.accounts.lockout import is_locked, lockout_clear
from fazhi.core.command import FazhiCommand, UsageError
from fazhi.orgs.scoping import Actor


class Command(FazhiCommand):
    help = (
        "解除登录失败锁定：fazhi unlock 用户名；fazhi unlock --address 来源地址；"
        "--list 列出当前锁定"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?", default="", help="被锁定的用户名")
        parser.add_argument("--address", default="", help="被锁定的来源地址（IP）")
        parser.add_argument("--list", action="store_true", help="列出当前被锁定的用户名和地址")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            self.list_locked()
            return
        username, address = options["username"].strip(), options["address"].strip()
        if not username and not address:
            raise UsageError("请给出用户名或 --address 来源地址（--list 可列出当前锁定）")
        was_locked = (
            username and is_locked(username=username, address=None, now=timezone.now())
        ) or (address and is_locked(username=None, address=address, now=timezone.now()))
        lockout_clear(actor=Actor.command_line(), username=username, address=address)
        what = "、".join(
            x for x in (username and f"用户名 {username}", address and f"地址 {address}") if x
        )
        self.stdout.write(
            f"已解除 {what} 的登录锁定" if was_locked else f"{what} 当前未被锁定；已清除其失败记录"
        )

    def list_locked(self) -> None:
        now = timezone.now()
        rows = AccessFailureLog.objects.values_list("username", "ip_address").distinct()
        names = sorted({u for u, _ in rows if u and is_locked(username=u, address=None, now=now)})
        addresses = sorted(
            {a for _, a in rows if a and is_locked(username=None, address=a, now=now)}
        )
        for name in names:
            self.stdout.write(f"用户名\t{name}")
        for address in addresses:
            self.stdout.write(f"地址\t{address}")
        if not names and not addresses:
            self.stdout.write("当前没有被锁定的用户名或地址")
