"""`fazhi serve [--bind 127.0.0.1:8000] [--workers N] [--threads N] [--no-collectstatic]`: the
production server (gunicorn + whitenoise) and the background-job worker (fazhi/ops/server.py)."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandParser

from fazhi.core.command import FazhiCommand, UsageError
from fazhi.ops.runlock import ServerRunning, hold_for_serve
from fazhi.ops.server import (
    ServeConfig,
    Supervisor,
    default_workers,
    gunicorn_argv,
    parse_bind,
    worker_argv,
)


class Command(FazhiCommand):
    help = "以生产服务器（gunicorn）启动系统，并启动后台任务进程"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind", default="127.0.0.1:8000", help="监听地址（默认 127.0.0.1:8000）"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="工作进程数（默认 FAZHI_WEB_WORKERS，为 0 时取 2×CPU+1，至多 8）",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help="每个工作进程的线程数（默认 FAZHI_WEB_THREADS）",
        )
        parser.add_argument("--no-collectstatic", action="store_true", help="启动前不收集静态文件")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            bind = parse_bind(options["bind"])
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        workers = options["workers"] or settings.FAZHI_WEB_WORKERS or default_workers()
        threads = options["threads"] or settings.FAZHI_WEB_THREADS
        if workers < 1 or threads < 1:
            raise UsageError("参数 --workers 和 --threads 应为正整数")
        if not options["no_collectstatic"]:
            self.stdout.write("正在收集静态文件……")
            call_command("collectstatic", interactive=False, verbosity=0)
        try:  # shared with other servers; `fazhi restore` refuses while it is held
            lock = hold_for_serve(settings.DATA_DIR, bind=bind)
        except ServerRunning as exc:
            raise UsageError(str(exc)) from None
        config = ServeConfig(bind, workers, threads, settings.FAZHI_WEB_TIMEOUT)
        worker = worker_argv()
        self.stdout.write(
            f"生产服务器（gunicorn）监听 {bind}：{workers} 个进程 × {threads} 个线程；"
            + ("后台任务进程已启动。" if worker else "未安装后台任务应用，未启动后台任务进程。")
        )
        self.stdout.flush()
        try:
            supervisor = Supervisor(
                gunicorn_argv(config), worker, say=self._say, keep_fds=(lock.fd,)
            )
            code = supervisor.run()
        finally:
            lock.release()
        if code:
            self.stderr.write(f"错误：生产服务器异常退出（状态 {code}），请查看上方日志。")
            sys.exit(code)
        self.stdout.write("服务已停止。")

    def _say(self, text: str) -> None:
        self.stderr.write(text)
