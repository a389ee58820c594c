"""`fazhi export REGISTER --unit CODE [--year Y] --out FILE.xlsx [--template]`.

On a terminal a large export shows its progress on standard error (rows written); the web
page's large exports run as background jobs instead (``fazhi/jobs/exports.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.db.models import QuerySet

from fazhi.core.command import FazhiCommand, UsageError
from fazhi.core.dates import MAX_YEAR, MIN_YEAR
from fazhi.core.excel import excel_register, excel_registers
from fazhi.core.security_events import audit_download, export_action
from fazhi.orgs.scoping import Actor
from fazhi.orgs.selectors import unit_by_code

PROGRESS_EVERY = 500


class Command(FazhiCommand):
    help = "把单位范围内的台账导出为 Excel（--template：空白导入模板）"

    _shown = False

    def _with_progress(self, qs: QuerySet[Any], total: int) -> QuerySet[Any]:
        """On a terminal, ``qs`` counting the rows written on standard error, one line updated
        in place every 500 rows (a large export takes a while); elsewhere ``qs`` as it is."""
        if not self.stderr.isatty() or total <= PROGRESS_EVERY:
            return qs
        from fazhi.jobs.exports import counted

        def tick(done: int) -> None:
            if done % PROGRESS_EVERY == 0 or done == total:
                percent = min(done, total) * 100 // total
                line = f"\r导出进度：{min(done, total)}/{total} 件（{percent}%）"
                self.stderr.write(line, style_func=lambda text: text, ending="")
                self.stderr.flush()
                self._shown = True

        return counted(qs, tick)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("register", choices=sorted(excel_registers()), help="台账")
        parser.add_argument("--unit", help="单位编码：导出该单位及下级单位的记录")
        parser.add_argument("--year", type=int, help="年度（复议按收到申请日期，应诉按立案日期）")
        parser.add_argument("--out", required=True, help="输出的 .xlsx 文件")
        parser.add_argument("--template", action="store_true", help="只导出空白导入模板")

    def handle(self, *args: Any, **options: Any) -> None:
        register = excel_register(options["register"])
        out = Path(options["out"])
        if out.suffix.lower() != ".xlsx":
            raise UsageError(f"输出文件应以 .xlsx 结尾：{out}")
        if not out.parent.is_dir():
            raise UsageError(f"目录不存在：{out.parent}")
        if options["template"]:
            out.write_bytes(register.template_xlsx())
            self.stdout.write(f"已生成{register.title}导入模板：{out}")
            return
        if not options["unit"]:
            raise UsageError("缺少参数：--unit")
        unit = unit_by_code(options["unit"])
        if unit is None:
            raise UsageError(f"未知的单位编码：{options['unit']}")
        year = options["year"]
        if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
            raise UsageError(f"年度超出范围（{MIN_YEAR}–{MAX_YEAR}）：{year}")
        actor = Actor.command_line(unit)
        qs = register.export_queryset(actor, year)
        count = qs.count()
        out.write_bytes(register.export_xlsx(self._with_progress(qs, count)))
        if self._shown:
            self.stderr.write("")  # end the line updated in place
        # 安全事件审计: the command line's exports too (templates hold no data)
        action = export_action(qs.model)
        audit_download(actor=actor, action=action, target=qs.model, filename=out.name, count=count)
        period = f"{year}年" if year is not None else "全部年度"
        self.stdout.write(
            f"已导出{register.title}{register.noun} {count} {register.measure}"
            f"（{unit.name}，{period}）：{out}"
        )
