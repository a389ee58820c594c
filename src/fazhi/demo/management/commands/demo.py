"""`fazhi demo [--port 8000] [--no-serve] [--today YYYY-MM-DD]`: migrate, load the demo county
(the last full year and the current year up to today), serve locally with `fazhi serve`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandParser

from fazhi.core.command import FazhiCommand, UsageError
from fazhi.demo.generator import DemoError, demo_county_exists, demo_logins_in_db, seed_county
from fazhi.demo.management.commands.seed import add_today_argument
from fazhi.demo.text import logins_table, summary
from fazhi.orgs.models import OrgUnit

HOST = "127.0.0.1"


class Command(FazhiCommand):
    help = "初始化数据库、载入演示县数据并在本机启动演示系统"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="监听端口（默认 8000）")
        parser.add_argument(
            "--no-serve", action="store_true", help="只初始化数据库和演示数据，不启动服务"
        )
        add_today_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        port: int = options["port"]
        if not 1 <= port <= 65535:
            raise UsageError(f"端口 {port} 无效，应为 1–65535")
        self.stdout.write("正在初始化数据库……")
        call_command("migrate", interactive=False, verbosity=0)
        try:
            self.stdout.write(self._load(options["today"]))
        except DemoError as exc:
            raise UsageError(str(exc)) from None
        if options["no_serve"]:
            return
        self.stdout.write(f"演示系统已启动：http://{HOST}:{port}（按 Ctrl+C 停止）")
        self.stdout.write(f"公开的年度报告（无需登录）：http://{HOST}:{port}/portal/reports/")
        # The production server (gunicorn, whitenoise for static files) and the job worker.
        call_command("serve", bind=f"{HOST}:{port}")

    def _load(self, today: dt.date | None) -> str:
        """Seed the county into an empty database; describe what is there otherwise."""
        if not OrgUnit.objects.exists():
            result = seed_county(today=today)
            return f"{summary(result)}\n\n{logins_table(result.logins)}"
        if demo_county_exists():
            table = logins_table(demo_logins_in_db())
            return f"演示数据已存在，未重复生成。\n\n演示账号（密码如未修改）：\n{table}"
        return "数据库中已有单位数据（非演示数据），未载入演示数据。"
