"""`fazhi sweep_deadlines [--today YYYY-MM-DD]`: 视为受理 every 复议 case whose review ended.

行政复议法(2023) 第三十条第三款: 审查期限届满，行政复议机关未作出不予受理决定的，审查期限届满之日
起视为受理. Run daily (cron); running it again changes nothing (idempotent).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from fazhi.core.command import FazhiCommand, UsageError
from fazhi.core.dates import parse_cn_date
from fazhi.orgs.scoping import Actor
from fazhi.reconsideration.services import sweep


class Command(FazhiCommand):
    help = "行政复议：受理审查期限届满未作出不予受理决定的案件，依法视为受理（可重复运行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            help="按该日期判断期限是否届满，如 2025-03-05（默认今天，不能晚于今天）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        real_today = timezone.localdate()
        today = real_today
        if options["today"]:
            try:
                today = parse_cn_date(options["today"])
            except ValueError as exc:
                raise UsageError(str(exc)) from None
            if today > real_today:
                raise UsageError(
                    f"--today {options['today']} 不能晚于今天（{real_today.isoformat()}）"
                )
        try:
            changed = sweep(actor=Actor.command_line(), today=today)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        self.stdout.write(f"视为受理 {changed} 件")
