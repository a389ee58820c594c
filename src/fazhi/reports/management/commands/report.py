"""`fazhi report draft --unit CODE --year Y --out FILE.docx [--json]` and
`fazhi report check FILE [--json]`.

``draft`` composes the unit's annual report on ``year`` from the data (the same draft the
web page starts from: the five parts, figures from the metric engine, completed plan tasks,
prompts for what the data cannot know) and writes it as a .docx in the 公文 layout. Nothing is
saved in the database. ``check`` reads any report text (.txt in UTF-8 or GBK, or .docx) and
lists the five parts it has, the year it covers and the figures it states.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from fazhi.core.command import FazhiCommand, UsageError
from fazhi.orgs.scoping import Actor
from fazhi.orgs.selectors import unit_by_code
from fazhi.reports import drafting, rules, tokens
from fazhi.reports.document import ReportDocument
from fazhi.reports.models import PART_NUMBERS
from fazhi.reports.selectors import build_document


class _SubParser(CommandParser):
    def __init__(self, **kwargs: Any) -> None:
        kwargs["called_from_command_line"] = False
        super().__init__(**kwargs)


def draft_document(draft: drafting.Draft) -> ReportDocument:
    return build_document(
        title=draft.title,
        preamble=draft.preamble,
        parts=[(rules.part_heading(n), draft.parts[n]) for n in PART_NUMBERS],
        displays=draft.displays,
        issuer=draft.unit.name,
    )


def read_text(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix.lower() == ".docx":
        import io

        import docx

        try:
            document = docx.Document(io.BytesIO(data))
        except Exception:  # noqa: BLE001 — python-docx raises many kinds for a broken file
            raise UsageError(f"无法读取 Word 文件：{path}") from None
        return "\n".join(p.text for p in document.paragraphs)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UsageError(f"文件 {path} 既不是 UTF-8 也不是 GBK 编码的文本")


class Command(FazhiCommand):
    help = "年度报告：从数据生成草稿（draft）、检查报告文本（check）"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(
            dest="action", required=True, parser_class=_SubParser, title="操作"
        )
        draft = actions.add_parser("draft", help="从台账、统计指标和工作计划生成报告草稿（.docx）")
        draft.add_argument("--unit", required=True, help="单位编码")
        draft.add_argument("--year", type=int, required=True, help="报告年度（上一年度），如 2025")
        draft.add_argument("--out", required=True, help="输出的 .docx 文件")
        draft.add_argument("--json", action="store_true", help="以 JSON 输出草稿中的数据")
        check = actions.add_parser("check", help="检查报告文本：五个部分、年度、数字")
        check.add_argument("file", help="报告文本（.txt，UTF-8 或 GBK；或 .docx）")
        check.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "draft":
            self._draft(options)
        else:
            self._check(options)

    def _draft(self, options: dict[str, Any]) -> None:
        from fazhi.reports.docx import render_docx

        unit = unit_by_code(options["unit"])
        if unit is None:
            raise UsageError(f"单位编码“{options['unit']}”不存在")
        if not rules.must_report(unit):
            raise UsageError(f"“{unit.name}”无须编写法治政府建设年度报告")
        year = options["year"]
        if not 2000 <= year <= 2100:
            raise UsageError(f"年度“{year}”无效")
        out = Path(options["out"])
        if out.suffix.lower() != ".docx":
            raise UsageError("输出文件应以 .docx 结尾")
        if not out.parent.is_dir():
            raise UsageError(f"输出目录不存在：{out.parent}")
        actor = Actor.command_line(unit)
        draft = drafting.compose(actor=actor, unit=unit, year=year, now=timezone.now())
        out.write_bytes(render_docx(draft_document(draft)))
        prompts = sum(len(tokens.prompts_in(t)) for t in draft.parts.values())
        used = {c for t in draft.parts.values() for c in tokens.codes_in(t)}
        if options["json"]:
            self.emit_json(
                {
                    "file": str(out),
                    "title": draft.title,
                    "unit": unit.code,
                    "year": year,
                    "prompts": prompts,
                    "figures": [
                        {
                            "code": f.code,
                            "name": f.name,
                            "display": f.display,
                            "value": None if f.value is None else str(f.value),
                            "version": f.version,
                            "used": f.code in used,
                            "drill_url": f.drill_url,
                        }
                        for f in draft.figures
                    ],
                    "computed_at": draft.computed_at.isoformat(),
                }
            )
            return
        self.stdout.write(f"已生成：{out}（{draft.title}）")
        self.stdout.write(f"正文引用数据 {len(used)} 项，待填写的提示 {prompts} 处")

    def _check(self, options: dict[str, Any]) -> None:
        from fazhi.reports.checker import check_text

        path = Path(options["file"])
        if not path.is_file():
            raise UsageError(f"找不到文件：{path}")
        result = check_text(read_text(path))
        if options["json"]:
            self.emit_json(result.as_dict())
        else:
            self.stdout.write(result.format_text())
