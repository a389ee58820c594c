"""`fazhi sweep_deadlines [--today YYYY-MM-DD]`: the daily deadline sweep of every register.

Each app's kit may declare a ``sweep`` hook ``(today) -> str`` (e.g. 行政复议: 视为受理 every case
whose review period ended, 行政复议法(2023) 第三十条第三款; 工作计划: flag unfinished tasks 逾期 and
send reminders; 年度报告: deadline reminders). The hooks run in kit order and their summaries
are printed on one line joined by "；". Run daily (cron); running it again changes nothing
(idempotent).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from fazhi.core.command import FazhiCommand, UsageError
from fazhi.core.dates import parse_cn_date
from fazhi.core.kit import hooks


class Command(FazhiCommand):
    help = (
        "每日期限扫描（可重复运行）：行政复议受理审查期限届满未作出不予受理决定的案件依法视为受理；"
        "工作任务过了完成时限仍未完成的标为逾期，并发出到期、逾期提醒；"
        "年度报告临近或超过报送、公开期限的，提醒报告单位"
    )

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
        parts = []
        for _, sweep in hooks("sweep"):
            try:
                parts.append(sweep(today))
            except ValidationError as exc:
                raise CommandError("；".join(exc.messages)) from None
        self.stdout.write("；".join(parts))
