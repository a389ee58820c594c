"""`fazhi plan parse FILE [--year Y] [--json]` and
`fazhi plan import FILE --unit CODE [--year Y] [--yes] [--allow-unmatched]`.

``parse`` prints what the parser reads in a plan's text (JSON with ``--json``). ``import``
shows every task with the units its names matched, lists collective names (``县各相关部门``)
with the units they expand to and the names that match no unit, and saves the plan only after
confirmation (``--yes``, or ``y`` typed at the prompt). Unmatched names refuse the import
unless ``--allow-unmatched``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandParser

from fazhi.core.command import FazhiCommand, UsageError
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor
from fazhi.orgs.selectors import unit_by_code
from fazhi.plans.parser import (
    COOPERATING,
    LEAD,
    RESPONSIBLE,
    ParsedPlan,
    PlanParseError,
    decode,
    parse_plan,
)
from fazhi.plans.selectors import Match, match_units
from fazhi.plans.services import plan_import

ROLE_NAMES = {LEAD: "牵头", RESPONSIBLE: "责任", COOPERATING: "配合"}


class _SubParser(CommandParser):
    """Sub-command parsers raise CommandError (one Chinese line, exit 2) like the parent."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["called_from_command_line"] = False
        super().__init__(**kwargs)


class Command(FazhiCommand):
    help = "工作计划：解析计划文本（parse）、导入为任务和分工（import）"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(
            dest="action", required=True, parser_class=_SubParser, title="操作"
        )
        parse = actions.add_parser("parse", help="解析计划文本，输出部分、任务、单位、时限、指标")
        parse.add_argument("file", help="计划文本文件（UTF-8 或 GBK）")
        parse.add_argument("--year", type=int, help="计划年度（缺省从标题或印发日期识别）")
        parse.add_argument("--json", action="store_true", help="以 JSON 输出")
        load = actions.add_parser("import", help="导入计划：匹配单位、确认后保存任务和分工")
        load.add_argument("file", help="计划文本文件（UTF-8 或 GBK）")
        load.add_argument("--unit", required=True, help="印发单位编码（如县人民政府）")
        load.add_argument("--year", type=int, help="计划年度（缺省从标题或印发日期识别）")
        load.add_argument("--yes", action="store_true", help="不再询问，直接确认导入")
        load.add_argument(
            "--allow-unmatched", action="store_true", help="未匹配的单位名称不分配任务，继续导入"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise UsageError(f"找不到文件：{path}")
        text = decode(path.read_bytes())
        try:
            parsed = parse_plan(text, year=options["year"])
        except PlanParseError as exc:
            raise UsageError(str(exc)) from None
        if options["action"] == "parse":
            self._parse(parsed, as_json=options["json"])
        else:
            self._import(parsed, path.name, text, options)

    def _parse(self, parsed: ParsedPlan, *, as_json: bool) -> None:
        if as_json:
            self.emit_json(parsed.as_dict())
            return
        year = f"{parsed.year}年" if parsed.year else "年度未识别"
        lines = [f"{parsed.title}（{year}），{len(parsed.tasks)} 项任务"]
        for section in parsed.sections:
            if section.title:
                lines.append(f"{section.number}、{section.title}")
            for task in section.tasks:
                lines.append(f"  {task.number} {task.title}")
                for key, label in ROLE_NAMES.items():
                    if task.units.get(key):
                        lines.append(f"    {label}：{'、'.join(task.units[key])}")
                for d in task.deadlines:
                    lines.append(
                        f"    时限：{d.text}" + (f" → {d.date}" if d.date else "（相对期限）")
                    )
                for t in task.targets:
                    lines.append(f"    指标：{t.text}")
        self.stdout.write("\n".join(lines))

    def _import(self, parsed: ParsedPlan, name: str, text: str, options: dict[str, Any]) -> None:
        unit = unit_by_code(options["unit"])
        if unit is None:
            raise UsageError(f"未知的单位编码：{options['unit']}")
        names = [n for task in parsed.tasks for names in task.units.values() for n in names]
        matches = match_units(unit, names)
        self.stdout.write("\n".join(_review(parsed, matches)))
        unmatched = [m.name for m in matches.values() if not m.matched]
        if unmatched and not options["allow_unmatched"]:
            raise UsageError(
                f"有 {len(unmatched)} 个单位名称未匹配：{'、'.join(unmatched)}。请在单位管理中补充"
                "简称或别名后重试，或加 --allow-unmatched 忽略这些名称"
            )
        if not options["yes"] and not _confirmed(self):
            raise UsageError("未确认，没有导入任何内容")
        resolution: dict[str, list[OrgUnit]] = {n: list(m.units) for n, m in matches.items()}
        try:
            summary = plan_import(
                actor=Actor.command_line(unit),
                unit=unit,
                parsed=parsed,
                resolution=resolution,
                source_name=name,
                source_text=text,
                allow_unmatched=options["allow_unmatched"],
            )
        except ValidationError as exc:
            raise UsageError("；".join(exc.messages)) from None
        self.stdout.write(
            f"已导入《{summary.plan.title}》：{summary.tasks} 项任务，{summary.assignments} 条分工"
        )


def _review(parsed: ParsedPlan, matches: dict[str, Match]) -> list[str]:
    lines = [f"《{parsed.title}》 {parsed.year or '年度未识别'}年，{len(parsed.tasks)} 项任务："]
    for task in parsed.tasks:
        lines.append(f"  {task.number} {task.title}（时限：{_due(task.deadlines)}）")
        for key, label in ROLE_NAMES.items():
            for name in task.units.get(key, []):
                match = matches[name]
                found = "、".join(u.name for u in match.units) or "——"
                lines.append(f"    {label} {name} → {found}（{match.how_label}）")
    collective = [m for m in matches.values() if m.needs_confirmation]
    if collective:
        lines.append("以下集合名称将展开为多个单位，请确认：")
        lines += [f"  {m.name} → {len(m.units)} 个单位" for m in collective]
    return lines


def _due(deadlines: list[Any]) -> str:
    dated = [d.date for d in deadlines if d.date]
    return max(dated).isoformat() if dated else "未注明"


def _confirmed(command: FazhiCommand) -> bool:
    if not sys.stdin.isatty():
        raise UsageError("需要确认：请加 --yes 参数，或在终端中运行并输入 y")
    command.stdout.write("确认导入？输入 y 确认：", ending="")
    return input().strip().lower() in ("y", "yes", "是")
