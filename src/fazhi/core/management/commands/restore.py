"""`fazhi restore FILE [--yes] [--force]`: replace the database, the uploaded files and the keys
with a backup's (fazhi/ops/backup.py), then `fazhi migrate` and `fazhi audit verify`; audited.
Refuses (exit code 2) while a `fazhi serve` of this data directory or database runs
(fazhi/ops/runlock.py) unless ``--force``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser

from fazhi.core.command import FazhiCommand, UsageError
from fazhi.core.services import audit_append
from fazhi.ops.backup import (
    VENDOR_NAMES,
    BackupError,
    check_vendor,
    read_manifest,
    restore_backup,
)
from fazhi.ops.runlock import RunLock, ServerRunning, hold_for_restore
from fazhi.orgs.scoping import Actor

RESTORE_ACTION = "ops.restore"


def _fazhi(*args: str) -> subprocess.CompletedProcess[str]:
    """A `fazhi` command in a new process: it reads the restored keys and database afresh."""
    return subprocess.run(
        [sys.executable, "-m", "fazhi.cli", *args],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        check=False,
    )


class Command(FazhiCommand):
    help = "从备份文件恢复数据库、上传的文件和密钥（会覆盖现有数据；请先停止服务）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="fazhi backup 生成的 .tar.gz 文件")
        parser.add_argument("--yes", action="store_true", help="不再询问，直接恢复")
        parser.add_argument(
            "--force",
            action="store_true",
            help="即使检测到服务（fazhi serve）仍在运行也恢复（仅在确认服务已全部停止时使用）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            manifest = read_manifest(path)
            check_vendor(manifest)
        except BackupError as exc:
            raise UsageError(str(exc)) from None
        vendor = VENDOR_NAMES.get(manifest["vendor"], manifest["vendor"])
        self.stdout.write(
            f"备份 {path.name}：{manifest.get('created_at')} 生成，版本 {manifest.get('version')}，"
            f"{vendor} 数据库，{manifest.get('files', 0)} 个文件，"
            f"审计链第 {manifest.get('audit_head', {}).get('seq')} 条，"
            + ("含密钥。" if manifest.get("keys") else "不含密钥（沿用当前密钥）。")
        )
        lock = self._lock(force=options["force"])  # before asking: a running server refuses
        if not options["yes"] and not self._confirmed():
            raise UsageError(
                "未确认，未做任何更改。恢复会覆盖当前的数据库、文件和密钥；确认请加 --yes"
            )
        try:  # the lock is held until the restored database is migrated and verified
            self._restore(path, manifest)
        finally:
            if lock is not None:
                lock.release()

    def _restore(self, path: Path, manifest: dict[str, Any]) -> None:
        try:
            done = restore_backup(path, manifest)
        except BackupError as exc:
            raise UsageError(str(exc)) from None
        self.stdout.write(f"已恢复数据库、{done['files']} 个文件和 {done['keys']} 个密钥。")
        migrated = _fazhi("migrate", "--noinput", "-v0")
        if migrated.returncode != 0:
            raise UsageError(f"恢复后执行 fazhi migrate 失败：{migrated.stderr.strip()}")
        self.stdout.write("已执行 fazhi migrate。")
        audit_append(
            actor=Actor.command_line(),
            action=RESTORE_ACTION,
            object_type="ops.backup",
            object_repr="系统恢复",
            after={
                "note": f"从 {path.name} 恢复",
                "created_at": manifest.get("created_at"),
                "audit_seq": manifest.get("audit_head", {}).get("seq"),
            },
        )
        verified = _fazhi("audit", "verify")
        self.stdout.write(f"fazhi audit verify：{verified.stdout.strip()}")
        if verified.returncode != 0:
            self.stderr.write("错误：恢复后审计链校验未通过，请核对备份文件与密钥。")
            sys.exit(1)

    def _lock(self, *, force: bool) -> RunLock | None:
        """The run lock for the restore; None when ``--force`` overrides a running server."""
        try:
            return hold_for_restore(settings.DATA_DIR)
        except ServerRunning as exc:
            if not force:
                raise UsageError(str(exc)) from None
            self.stderr.write(f"警告（--force）：{exc}")
            return None

    def _confirmed(self) -> bool:
        if not sys.stdin.isatty():
            return False
        answer = input("恢复会覆盖当前的数据库、上传的文件和密钥。确认恢复请输入 yes：")
        return answer.strip().lower() == "yes"
