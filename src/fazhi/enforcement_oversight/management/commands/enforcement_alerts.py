"""`fazhi enforcement_alerts [--year Y]`: recompute the stored 涉企重复检查 alerts of a year
(default: this year and last year) from the 执法 records, with the window rule in force
(:func:`fazhi.enforcement_oversight.services.alerts_recompute`).

Each ingest batch keeps the alerts of the enterprises it inspected up to date, and the daily
sweep redoes a year whose window rule has changed; this command is for records written around
the ingest (the scale seeder, a restore) or to force it. Idempotent.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from fazhi.core.command import FazhiCommand, UsageError
from fazhi.enforcement_oversight.services import alerts_recompute


class Command(FazhiCommand):
    help = "按年度重新计算涉企重复检查预警（可重复运行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help="年度（默认今年和上一年）")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        year = options["year"]
        if year is not None and not 2000 <= year <= 9999:
            raise UsageError(f"参数 --year：年度 {year} 无效")
        for y in [year] if year is not None else [today.year - 1, today.year]:
            found = alerts_recompute(year=y)
            self.stdout.write(f"{y} 年度涉企重复检查预警：{found} 条")
