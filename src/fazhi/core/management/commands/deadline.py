"""`fazhi deadline RULE START [--unit CODE] [--json]`: due date of a statutory rule."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from fazhi.core.command import FazhiCommand, UsageError
from fazhi.core.dates import cn_weekday, parse_cn_date
from fazhi.core.models import DeadlineRule
from fazhi.core.selectors import UnknownRule, compute_due, province_code_of, rule_for
from fazhi.orgs.selectors import unit_by_code


class Command(FazhiCommand):
    help = "计算法定期限的届满日（工作日按国务院节假日及调休安排计算）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("rule", help="规则编码，如 reconsideration.acceptance_review")
        parser.add_argument("start", help="起算日期，如 2025-09-26 或 2025年9月26日")
        parser.add_argument("--unit", help="单位编码：按该单位所在省份的规则计算")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            start = parse_cn_date(options["start"])
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        province = ""
        if options["unit"]:
            unit = unit_by_code(options["unit"])
            if unit is None:
                raise UsageError(f"未知的单位编码：{options['unit']}")
            province = province_code_of(unit)
        try:
            rule = rule_for(options["rule"], province=province)
        except UnknownRule:
            known = "、".join(
                DeadlineRule.objects.order_by("code").values_list("code", flat=True).distinct()[:30]
            )
            raise UsageError(f"未知的期限规则：{options['rule']}（可用：{known}）") from None
        result = compute_due(rule, start)
        warnings = result.warnings
        if options["json"]:
            self.emit_json(
                {
                    "rule": rule.code,
                    "name": rule.name,
                    "region": rule.region or None,
                    "law": rule.law,
                    "article": rule.article,
                    "basis": rule.basis,
                    "start": start.isoformat(),
                    "start_event": rule.start_event,
                    "days": rule.days,
                    "counting": rule.counting,
                    "backward": rule.backward,
                    "due": result.due.due.isoformat(),
                    "rolled_from": result.due.rolled_from.isoformat()
                    if result.due.rolled_from
                    else None,
                    "extension_days": rule.extension_days,
                    "extended_due": result.extended.due.isoformat() if result.extended else None,
                    "calendar_covered": not warnings,
                    "warnings": warnings,
                }
            )
            return
        due = result.due
        lines = [f"规则：{rule.code} {rule.name}", f"依据：{rule.basis}"]
        if rule.backward:
            lines += [
                f"推算：自{start.isoformat()}向前推算（{rule.start_event}；该日不计入）",
                f"期限：{rule.days}个{due.counting.label}",
                f"最迟：{due.due.isoformat()}（{cn_weekday(due.due)}）",
            ]
        else:
            lines += [
                f"起算：{start.isoformat()}（{rule.start_event}；起算日不计入）",
                f"期限：{rule.days}个{due.counting.label}",
                f"届满：{due.due.isoformat()}（{cn_weekday(due.due)}）"
                + (f"（{due.rolled_from.isoformat()}为休息日，顺延）" if due.rolled_from else ""),
            ]
        if result.extended:
            lines.append(
                f"延长：经批准可延长{rule.extension_days}个{due.counting.label}，最迟 "
                f"{result.extended.due.isoformat()}（{cn_weekday(result.extended.due)}）"
            )
        lines.extend(warnings)
        self.stdout.write("\n".join(lines))
