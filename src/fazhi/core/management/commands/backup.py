"""`fazhi backup --out DIR_OR_FILE [--without-keys]`: database, uploaded files and keys in one
.tar.gz with a manifest (fazhi/ops/backup.py); audited. The server may keep running."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from fazhi.core.command import FazhiCommand, UsageError
from fazhi.core.services import audit_append
from fazhi.ops.backup import VENDOR_NAMES, BackupError, archive_path, make_backup
from fazhi.orgs.scoping import Actor

BACKUP_ACTION = "ops.backup"

KEY_WARNING = (
    "注意：备份文件含有系统密钥（secret_key、field_key、audit_key），持有它即可解密个人信息、"
    "伪造审计链。请加密保存、限制访问，并与服务器分开存放；不需要密钥时可加 --without-keys"
    "（但恢复时须另行提供同样的密钥）。"
)


class Command(FazhiCommand):
    help = "备份数据库、上传的文件和密钥到一个 .tar.gz 文件"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", required=True, metavar="DIR_OR_FILE", help="备份目录或 .tar.gz 文件名"
        )
        parser.add_argument(
            "--without-keys", action="store_true", help="不含密钥（恢复时须另行提供密钥）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.localtime()
        with_keys = not options["without_keys"]
        try:
            path = archive_path(options["out"], now)
            # Audited first: the copy then holds its own entry and the chain head after it.
            audit_append(
                actor=Actor.command_line(),
                action=BACKUP_ACTION,
                object_type="ops.backup",
                object_repr="系统备份",
                after={"note": f"写入 {path}", "keys": with_keys},
            )
            result = make_backup(str(path), with_keys=with_keys, now=now)
        except BackupError as exc:
            raise UsageError(str(exc)) from None
        manifest = result.manifest
        rows = sum(manifest["counts"].values())
        vendor = VENDOR_NAMES.get(manifest["vendor"], manifest["vendor"])
        self.stdout.write(
            f"已备份到 {result.path}：{vendor} 数据库 {len(manifest['counts'])} 张表共 {rows} 行，"
            f"{manifest['files']} 个文件，审计链第 {manifest['audit_head']['seq']} 条"
            + ("，含密钥。" if with_keys else "，不含密钥。")
        )
        if with_keys:
            self.stderr.write(KEY_WARNING)
