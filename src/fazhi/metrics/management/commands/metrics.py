"""`fazhi metrics --unit CODE --year Y [--period P] [--by-child] [--json]`: every metric for a
unit's subtree, or one row per child unit (the bulk breakdown, a constant number of queries)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from fazhi.core.command import FazhiCommand, UsageError
from fazhi.metrics.engine import plain_number
from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import metric_breakdown, metric_values
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor
from fazhi.orgs.selectors import unit_by_code


class Command(FazhiCommand):
    help = "计算某单位（含下级单位）某年度或期间的全部统计指标"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="单位编码")
        parser.add_argument("--year", type=int, help="年度，如 2024")
        parser.add_argument(
            "--period", help="期间：2024Q1、2024-03 或 2024-01-01..2024-06-30（须在 --year 内）"
        )
        parser.add_argument(
            "--by-child", action="store_true", help="按下级单位分列（每个下级单位一行）"
        )
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = unit_by_code(options["unit"])
        if unit is None:
            raise UsageError(f"未知的单位编码：{options['unit']}")
        period = self._period(options["year"], options["period"])
        if options["by_child"]:
            self._by_child(unit, period, as_json=options["json"])
            return
        values = metric_values(actor=Actor.command_line(unit), unit=unit, period=period)
        if options["json"]:
            self.emit_json([v.as_dict() for v in values])
            return
        lines = [f"{unit.name}（{unit.code}，含下级单位）{period.label} 统计指标："]
        for v in values:
            den = "" if v.denominator is None else f"  分母 {v.denominator}"
            lines.append(
                f"{v.group}  {v.name}  {v.display}  分子 {plain_number(v.numerator)}{den}"
                f"  （{v.code}，口径 {v.definition.version_label}）"
            )
        if not values:
            lines.append(f"{period.label}没有有效的统计指标定义")
        self.stdout.write("\n".join(lines))

    def _by_child(self, unit: OrgUnit, period: Period, *, as_json: bool) -> None:
        result = metric_breakdown(actor=Actor.command_line(unit), unit=unit, period=period)
        rows = [(unit, "合计", result.total)]
        rows += [(child, child.name, values) for child, values in result.children]
        rows.append((unit, f"{unit.name}（本级）", result.own))
        if as_json:
            self.emit_json(
                [
                    {"unit": u.code, "name": label, "metrics": [v.as_dict() for v in values]}
                    for u, label, values in rows
                ]
            )
            return
        codes = [v.name for v in result.total]
        lines = [
            f"{unit.name}（{unit.code}）{period.label} 按下级单位分列：",
            "\t".join(["单位", *codes]),
        ]
        lines += ["\t".join([label, *(v.display for v in values)]) for _, label, values in rows]
        self.stdout.write("\n".join(lines))

    @staticmethod
    def _period(year: int | None, text: str | None) -> Period:
        if year is None and not text:
            raise UsageError("请用 --year 指定年度（或用 --period 指定期间）")
        try:
            period = Period.parse(text) if text else Period.for_year(year or 0)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        if year is not None and text and not (period.start.year == period.end.year == year):
            raise UsageError(f"期间“{text}”不在 {year} 年内")
        return period
