"""`fazhi import REGISTER FILE.xlsx --unit CODE [--dry-run]`: all-or-nothing Excel import.

A register with a streaming file importer (``ExcelRegister.import_file``, e.g. 执法数据) also
takes .csv files, ``--skip-bad`` (load the good rows) and ``--rejected FILE`` (where the refused
rows go; default ``FILE.rejected.csv`` next to the input); ``--unit`` defaults to the whole
system (the unit column of each row decides)."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from fazhi.core.command import FazhiCommand, UsageError
from fazhi.core.excel import ExcelRegister, excel_register, excel_registers
from fazhi.orgs.scoping import Actor
from fazhi.orgs.selectors import unit_by_code


def _plain(text: str) -> str:
    return text


class Command(FazhiCommand):
    help = "从 Excel 导入台账：全部行校验通过才写入，否则逐行列出错误（退出码 2）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("register", choices=sorted(excel_registers()), help="台账")
        parser.add_argument("file", help=".xlsx 文件（支持流式导入的台账也可用 .csv）")
        parser.add_argument("--unit", help="导入单位编码（复议：复议机构）")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument(
            "--skip-bad", action="store_true", help="跳过有错误的行，其余照常导入（流式导入的台账）"
        )
        parser.add_argument("--rejected", help="拒收行写入的 CSV 文件（与 --skip-bad 同用）")

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
        if register.import_file is not None:
            self._import_file(register, options)
            return
        if options["skip_bad"] or options["rejected"]:
            raise UsageError("该台账不支持 --skip-bad / --rejected")
        if not options["unit"]:
            raise UsageError("请用 --unit 指定导入单位编码")
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

    def _import_file(self, register: ExcelRegister, options: dict[str, Any]) -> None:
        """A streaming importer: the file is read from disk, never whole into memory."""
        assert register.import_file is not None
        unit = None
        if options["unit"]:
            unit = unit_by_code(options["unit"])
            if unit is None:
                raise UsageError(f"未知的单位编码：{options['unit']}")
        path = Path(options["file"])
        if path.suffix.lower() not in register.import_suffixes:
            raise UsageError(f"只能导入 {' 或 '.join(register.import_suffixes)} 文件：{path}")
        if not path.is_file():
            raise UsageError(f"找不到文件：{path}")
        if options["dry_run"]:
            raise UsageError("该台账的导入不支持 --dry-run（有错误时整份不写入）")
        rejected = None
        if options["skip_bad"]:
            rejected = Path(options["rejected"] or f"{path}.rejected.csv")
        elif options["rejected"]:
            raise UsageError("--rejected 须与 --skip-bad 同用")
        result = register.import_file(
            path,
            actor=Actor.command_line(unit),
            unit=unit,
            skip_bad=options["skip_bad"],
            rejected_path=rejected,
            progress=self._progress,
        )
        if self._shown and self.stderr.isatty():
            self.stderr.write("")
        if result.errors:
            self.stderr.write("\n".join(str(error) for error in result.errors))
            raise UsageError(result.summary())
        self.stdout.write(result.summary())
        refused: int = getattr(result, "rejected", 0) or 0
        if rejected is not None and refused:
            self.stdout.write(f"拒收行已写入：{rejected}")
