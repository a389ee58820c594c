"""`fazhi audit verify`: check the SM3 hash chain of the audit log."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import CommandParser

from fazhi.core.command import FazhiCommand
from fazhi.core.selectors import audit_verify


class Command(FazhiCommand):
    help = "审计日志：verify 校验哈希链完整性"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"], help="verify：校验审计日志哈希链")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args: Any, **options: Any) -> None:
        checked, broken = audit_verify()
        if options["json"]:
            self.emit_json(
                {
                    "checked": checked,
                    "ok": broken is None,
                    "broken_seq": broken.seq if broken else None,
                    "reason": broken.reason if broken else None,
                }
            )
        elif broken is None:
            self.stdout.write(f"审计日志完整：共校验 {checked} 条，哈希链无断裂。")
        else:
            self.stdout.write(
                f"审计日志被篡改：第 {broken.seq} 条 {broken.reason}（已校验 {checked} 条）"
            )
        if broken is not None:
            sys.exit(1)
