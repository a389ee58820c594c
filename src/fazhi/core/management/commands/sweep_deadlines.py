"""`fazhi sweep_deadlines [--today YYYY-MM-DD]`: 视为受理 every 复议 case whose review ended,
and flag every unfinished plan assignment past its due date 逾期 (with in-app reminders).

行政复议法(2023) 第三十条第三款: 审查期限届满，行政复议机关未作出不予受理决定的，审查期限届满之日
起视为受理. Run daily (cron); running it again changes nothing (idempotent).
Plan tasks: see ``fazhi.plans.services.assignments_sweep``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from fazhi.core.command import FazhiCommand, UsageError
from fazhi.core.dates import parse_cn_date
from fazhi.orgs.scoping import Actor
from fazhi.plans.services import assignments_sweep
from fazhi.reconsideration.services import sweep
from fazhi.reports.services import reports_sweep


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
        try:
            changed = sweep(actor=Actor.command_line(), today=today)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        plans = assignments_sweep(today=today)
        tasks = f"工作任务新标逾期 {plans.overdue} 项，新发提醒 {plans.reminders} 条"
        reports = f"年度报告新发期限提醒 {reports_sweep(today=today)} 条"
        self.stdout.write(f"视为受理 {changed} 件；{tasks}；{reports}")
