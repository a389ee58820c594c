"""`fazhi seed --scale county|city|province [--years N] [--seed S] [--today YYYY-MM-DD]`:
synthetic demo data, the last full years and the current year up to today."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from django.core.management.base import CommandParser
from django.db import connection

from fazhi.core.command import FazhiCommand, UsageError
from fazhi.demo.generator import SCALE_CHOICES, SCALES, DemoError, seed_scale
from fazhi.demo.plan import DEFAULT_SEED
from fazhi.demo.text import logins_table, summary
from fazhi.orgs.models import OrgUnit


def today_arg(text: str) -> dt.date:
    """``--today`` as a date (argparse turns the error into a usage message)."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"日期“{text}”无效，应为 YYYY-MM-DD（如 2026-06-15）"
        ) from None


def add_today_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--today",
        type=today_arg,
        default=None,
        help="数据截止日期 YYYY-MM-DD（默认今天）：生成此前的完整年度及当年截至该日的数据，"
        "相同日期和种子生成相同数据",
    )


def _migrated() -> bool:
    """Whether the organisation tables exist (else seeding would end in a database traceback)."""
    return OrgUnit._meta.db_table in connection.introspection.table_names()


class Command(FazhiCommand):
    help = "生成演示数据（单位、账号与角色；后续版本还将生成各台账数据）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=SCALE_CHOICES,
            default="county",
            help="规模：county（一个县，默认，经各业务服务写入）；city（一个市）、province（一个省，批量写入）",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"随机种子，相同种子生成相同数据（默认 {DEFAULT_SEED}）",
        )
        parser.add_argument(
            "--years", type=int, default=1, help="当年之前完整年度的台账数据年数（默认 1）"
        )
        add_today_argument(parser)
        parser.add_argument(
            "--volume",
            type=int,
            default=1,
            help="台账数据倍数（仅 city、province；默认 1 为真实规模，性能测试用更大的倍数）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["years"] < 1:
            raise UsageError("参数 --years 至少为 1")
        if options["volume"] < 1:
            raise UsageError("参数 --volume 至少为 1")
        if options["scale"] in SCALES and not _migrated():
            raise UsageError("数据库尚未初始化，请先运行 fazhi migrate（或使用 fazhi demo）")
        try:
            result = seed_scale(
                options["scale"],
                seed=options["seed"],
                years=options["years"],
                volume=options["volume"],
                today=options["today"],
            )
        except DemoError as exc:
            raise UsageError(str(exc)) from None
        self.stdout.write(summary(result))
        self.stdout.write("")
        self.stdout.write(logins_table(result.logins))
