"""`fazhi metric_facts [--check | --rebuild]`: the metric engine's monthly facts.

``--check`` (the default) recomputes every fact row from the registers and lists the rows that
differ, exiting with status 3 if any do (nothing is written); it streams one group of
definitions at a time, so memory is bounded by the largest group (issue 15). ``--rebuild``
recomputes them all and marks every eligible definition built. Facts are kept on every write
through the platform; these are for operators after a restore or a direct database edit (see
fazhi.metrics.facts).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import CommandError, CommandParser

from fazhi.core.command import FazhiCommand
from fazhi.core.services import audit_append
from fazhi.metrics import facts
from fazhi.orgs.scoping import Actor

SHOWN = 20


class Command(FazhiCommand):
    help = "检查或重建统计指标月度汇总（与登记簿逐行核对）"

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--check", action="store_true", help="只核对，不修改（默认）")
        group.add_argument("--rebuild", action="store_true", help="按登记簿全部重新汇总")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if options["rebuild"]:
            self.stdout.write("正在按登记簿重新汇总全部统计指标……")
            rows = facts.facts_rebuild()
            audit_append(
                actor=Actor.command_line(),
                action="metric_facts.rebuild",
                object_type="metrics.metricfact",
                object_id="",
                object_repr="统计指标月度汇总",
                after={"rows": rows},
            )
            seconds = time.perf_counter() - started
            self.stdout.write(f"已重建月度汇总：{rows} 行（不含县级汇总行），用时 {seconds:.1f} 秒")
            return
        self.stdout.write("正在与登记簿逐行核对月度汇总……")
        shown: list[facts.Mismatch] = []
        count = 0

        def report(mismatch: facts.Mismatch) -> None:  # streamed: only the first few are kept
            nonlocal count
            count += 1
            if len(shown) < SHOWN:
                shown.append(mismatch)

        compared = facts.facts_check_stream(report)
        seconds = time.perf_counter() - started
        if not count:
            self.stdout.write(f"月度汇总与登记簿一致：核对 {compared} 行，用时 {seconds:.1f} 秒")
            return
        lines = [f"月度汇总与登记簿不一致：{count} 行（核对 {compared} 行）"]
        for m in shown:
            kind = "县级汇总" if m.rollup else "本单位"
            lines.append(
                f"  {m.definition.code}（{m.definition.version_label}） 单位 {m.unit_id} "
                f"{m.month:%Y-%m} {kind}：现存 {_pair(m.stored)}，应为 {_pair(m.expected)}"
            )
        if count > SHOWN:
            lines.append(f"  ……另有 {count - SHOWN} 行")
        self.stdout.write("\n".join(lines))
        raise CommandError(
            f"月度汇总与登记簿不一致（{count} 行），请运行 fazhi metric_facts --rebuild",
            returncode=3,
        )


def _pair(row: tuple[Any, ...] | None) -> str:
    if row is None:
        return "无"
    slots = "/".join(str(v) for v in row[2:] if v)
    return f"分子 {row[0].normalize():f} 分母 {row[1]}（层级 {slots}）"
