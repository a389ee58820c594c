"""`fazhi audit verify|anchor|export`: the keyed audit chain from the command line.

- ``verify [--anchor FILE] [--json]``: check the HMAC-SM3 chain (and, given an anchor kept
  elsewhere, that the chain still reaches it with the same hash); exit code 1 if broken.
- ``anchor [--out FILE]``: write the chain head (sequence number, hash, times, and an HMAC of
  those) as JSON, to be printed or mailed to the 审计管理员 and kept away from the server.
- ``export [--since DATE] [--until DATE] --out FILE``: archive entries as JSON lines
  (``.jsonl``) or an Excel workbook (``.xlsx``); personal data stays masked as stored.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.db import connection
from django.utils import timezone

from fazhi.core import audit_guard
from fazhi.core.audit import Anchor, AnchorFormatError, BrokenLink, anchor_from_json
from fazhi.core.audit_archive import ARCHIVE_FORMATS, write_archive
from fazhi.core.command import FazhiCommand, UsageError
from fazhi.core.selectors import audit_anchor_now, audit_archive, audit_verify
from fazhi.core.services import audit_append
from fazhi.orgs.scoping import Actor

ANCHOR_ACTION = "audit.anchor"
EXPORT_ACTION = "audit.export"


def _date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise UsageError(f"参数 {option} 的取值 {text} 不是日期（应为 YYYY-MM-DD）") from exc


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class Command(FazhiCommand):
    help = "审计日志：verify 校验哈希链完整性；anchor 输出链头锚点；export 导出归档"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action",
            choices=["verify", "anchor", "export"],
            help="verify：校验审计日志哈希链；anchor：输出链头锚点；export：导出归档",
        )
        parser.add_argument("--json", action="store_true", help="verify：以 JSON 输出")
        parser.add_argument("--anchor", metavar="FILE", help="verify：同时核对此前保存的锚点文件")
        parser.add_argument(
            "--out", metavar="FILE", help="anchor/export：输出文件（anchor 缺省为标准输出）"
        )
        parser.add_argument("--since", metavar="DATE", help="export：起始日期（含），YYYY-MM-DD")
        parser.add_argument("--until", metavar="DATE", help="export：截止日期（含），YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "anchor":
            self.anchor(options["out"])
        elif action == "export":
            self.export(options["since"], options["until"], options["out"])
        else:
            self.verify(options["anchor"], as_json=options["json"])

    # --- verify ---------------------------------------------------------------------------

    def verify(self, anchor_path: str | None, *, as_json: bool) -> None:
        anchor = _read_anchor(anchor_path) if anchor_path else None
        checked, broken = audit_verify(anchor)
        guarded = audit_guard.installed(connection)
        if as_json:
            self.emit_json(
                {
                    "checked": checked,
                    "ok": broken is None,
                    "broken_seq": broken.seq if broken else None,
                    "reason": broken.reason if broken else None,
                    "anchor_seq": anchor.seq if anchor else None,
                    "append_only_triggers": guarded,
                }
            )
        else:
            self.stdout.write(_verdict(checked, broken, anchor))
            if not guarded:
                self.stdout.write(
                    "注意：数据库中拒绝修改、删除审计日志的触发器不存在（请运行 fazhi migrate）。"
                )
        if broken is not None:
            sys.exit(1)

    # --- anchor ---------------------------------------------------------------------------

    def anchor(self, out: str | None) -> None:
        audit_append(
            actor=Actor.command_line(),
            action=ANCHOR_ACTION,
            object_type="core.auditentry",
            object_repr="审计链锚点",
            after={"note": f"输出到 {out}" if out else "输出到标准输出"},
        )
        anchor = audit_anchor_now()  # the head now includes the entry just written
        text = json.dumps(anchor.to_json(), ensure_ascii=False, indent=2) + "\n"
        if out:
            Path(out).write_text(text, encoding="utf-8")
            self.stderr.write(
                f"已写出锚点：第 {anchor.seq} 条，哈希 {anchor.hash[:16]}…，写入 {out}。"
                "请打印或发送给审计管理员，保存在本服务器以外。"
            )
        else:
            self.stdout.write(text, ending="")

    # --- export ---------------------------------------------------------------------------

    def export(self, since: str | None, until: str | None, out: str | None) -> None:
        if not out:
            raise UsageError("缺少参数：--out（导出文件，.jsonl 或 .xlsx）")
        suffix = Path(out).suffix.lower()
        if suffix not in ARCHIVE_FORMATS:
            raise UsageError(
                f"参数 --out 的文件类型 {suffix or '（无）'} 不支持，应为 .jsonl 或 .xlsx"
            )
        start = _date(since, "--since") if since else None
        end = _date(until, "--until") if until else None
        if start and end and end < start:
            raise UsageError(f"参数 --until（{end}）早于 --since（{start}）")
        entries = audit_archive(
            _start_of(start) if start else None,
            _start_of(end + dt.timedelta(days=1)) if end else None,
        )
        count = write_archive(entries, Path(out))
        span = f"{start or '最早'} 至 {end or '今'}"
        audit_append(
            actor=Actor.command_line(),
            action=EXPORT_ACTION,
            object_type="core.auditentry",
            object_repr="审计日志归档",
            after={"count": count, "note": f"{span}，写入 {out}"},
        )
        self.stdout.write(f"已导出审计日志 {count} 条（{span}）到 {out}。")


def _read_anchor(path: str) -> Anchor:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise UsageError(f"锚点文件 {path} 不存在") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"锚点文件 {path} 无法读取或不是 JSON：{exc}") from exc
    try:
        return anchor_from_json(data)
    except AnchorFormatError as exc:
        raise UsageError(f"锚点文件 {path}：{exc}") from exc


def _verdict(checked: int, broken: BrokenLink | None, anchor: Anchor | None) -> str:
    if broken is not None:
        return f"审计日志被篡改：第 {broken.seq} 条 {broken.reason}（已校验 {checked} 条）"
    tail = f"，并与锚点（第 {anchor.seq} 条）一致" if anchor else ""
    return f"审计日志完整：共校验 {checked} 条，哈希链无断裂{tail}。"
