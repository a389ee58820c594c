"""`fazhi enforcement_partitions [--year Y] [--ahead N]`: the yearly partitions of the 执法
records table on PostgreSQL (see :mod:`fazhi.enforcement_data.partitions`).

Creates the missing partitions of years Y … Y+N (default: this year and the next), moving that
year's rows out of the DEFAULT partition if some landed there. Idempotent; detaches nothing.
Run once a year before 1 January (docs/DEPLOY.md: cron); ``fazhi sweep_deadlines`` does the same
daily when the app's sweep hook calls :func:`~fazhi.enforcement_data.partitions.sweep`.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.db import connection
from django.utils import timezone

from fazhi.core.command import FazhiCommand, UsageError
from fazhi.enforcement_data.partitions import (
    AHEAD,
    TABLE,
    ensure_partitions,
    is_partitioned,
)


class Command(FazhiCommand):
    help = "按年度建立行政执法记录表的分区（PostgreSQL；可重复运行，已有分区不变）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help="起始年度（默认今年）")
        parser.add_argument(
            "--ahead", type=int, default=AHEAD, help=f"再向后建立几个年度（默认 {AHEAD}）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"] or timezone.localdate().year
        ahead = options["ahead"]
        if not 1900 <= year <= 9999:
            raise UsageError(f"参数 --year：年度 {year} 无效")
        if not 0 <= ahead <= 50:
            raise UsageError(f"参数 --ahead：{ahead} 无效，应为 0–50")
        if connection.vendor != "postgresql":
            self.stdout.write("当前数据库不是 PostgreSQL，执法记录表不分区，无需操作")
            return
        if not is_partitioned():
            raise UsageError(f"表 {TABLE} 尚未分区，请先运行 fazhi migrate")
        for result in ensure_partitions(range(year, year + ahead + 1)):
            if not result.created:
                self.stdout.write(f"{result.year} 年度分区已存在（{result.name}）")
            elif result.moved:
                self.stdout.write(
                    f"已建立 {result.year} 年度分区 {result.name}，"
                    f"并从默认分区移入 {result.moved} 条记录"
                )
            else:
                self.stdout.write(f"已建立 {result.year} 年度分区 {result.name}")
