"""`fazhi import REGISTER FILE.xlsx --unit CODE [--dry-run]`: all-or-nothing Excel import."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from fazhi.core.command import FazhiCommand, UsageError
from fazhi.core.excel import excel_register, excel_registers
from fazhi.orgs.scoping import Actor
from fazhi.orgs.selectors import unit_by_code


def _plain(text: str) -> str:
    return text


class Command(FazhiCommand):
    help = "从 Excel 导入台账：全部行校验通过才写入，否则逐行列出错误（退出码 2）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("register", choices=sorted(excel_registers()), help="台账")
        parser.add_argument("file", help=".xlsx 文件")
        parser.add_argument("--unit", required=True, help="导入单位编码（复议：复议机构）")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")

    _shown = False

    def _progress(self, done: int, total: int) -> None:
        """Progress on standard error (standard output keeps the result alone): on a terminal
        one line updated in place; otherwise plain lines."""
        percent = done * 100 // total if total else 100
        line = f"导入进度：{done}/{total} 件（{percent}%）"
        if self.stderr.isatty():
            self.stderr.write(f"\r{line}", style_func=_plain, ending="")
            self.stderr.flush()
        else:
            self.stderr.write(line, style_func=_plain)  # not in the error colour
        self._shown = True

    def handle(self, *args: Any, **options: Any) -> None:
        register = excel_register(options["register"])
        unit = unit_by_code(options["unit"])
        if unit is None:
            raise UsageError(f"未知的单位编码：{options['unit']}")
        path = Path(options["file"])
        if path.suffix.lower() != ".xlsx":
            raise UsageError(f"只能导入 .xlsx 文件：{path}")
        if not path.is_file():
            raise UsageError(f"找不到文件：{path}")
        kwargs: dict[str, Any] = {}
        if "progress" in inspect.signature(register.import_xlsx).parameters:
            kwargs["progress"] = self._progress
        result = register.import_xlsx(
            path.read_bytes(),
            actor=Actor.command_line(unit),
            unit=unit,
            dry_run=options["dry_run"],
            **kwargs,
        )
        if self._shown and self.stderr.isatty():
            self.stderr.write("")  # end the line updated in place
        if result.errors:
            self.stderr.write("\n".join(str(error) for error in result.errors))
            raise UsageError(result.summary())
        self.stdout.write(result.summary())
