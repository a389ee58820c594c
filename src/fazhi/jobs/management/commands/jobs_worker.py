"""`fazhi jobs_worker`: run background jobs (Excel imports and exports, batch drafting) until
stopped.

With ``FAZHI_TASKS_BACKEND=database`` (the default) it is django-tasks-db's worker reading the
queue from the database; with ``rq`` an RQ worker on ``FAZHI_REDIS_URL``. First it marks failed
the jobs whose worker died (stale heartbeat), so that their 重试 button appears, and deletes the
files of jobs finished more than ``FAZHI_JOB_FILE_DAYS`` days ago.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandParser

from fazhi.core.command import FazhiCommand, UsageError
from fazhi.jobs.services import jobs_sweep_files, jobs_sweep_stale


class Command(FazhiCommand):
    help = (
        "运行后台任务进程（Excel 导入、导出，批量起草报告）；"
        "数据库队列或 Redis（FAZHI_TASKS_BACKEND）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="执行完排队的任务后退出")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="队列为空时每隔多少秒查看一次（默认 1）"
        )
        parser.add_argument("--max-tasks", type=int, default=None, help="执行这么多个任务后退出")

    def handle(self, *args: Any, **options: Any) -> None:
        swept = jobs_sweep_stale()
        if swept:
            self.stdout.write(f"已将 {swept} 个中断的后台任务标为失败（可重试）")
        expired = jobs_sweep_files()
        if expired:
            self.stdout.write(f"已删除 {expired} 个超过保留期限的后台任务文件")
        backend = settings.FAZHI_TASKS_BACKEND
        if backend == "database":
            extra: dict[str, Any] = {"max_tasks": options["max_tasks"]}
            call_command(
                "db_worker",
                batch=options["batch"],
                interval=options["interval"],
                reload=False,
                startup_delay=False,
                verbosity=options["verbosity"],
                **extra,
            )
        elif backend == "rq":
            call_command(
                "rqworker",
                "default",
                burst=options["batch"],
                max_jobs=options["max_tasks"],
                job_class="django_tasks_rq.backend.Job",
            )
        else:
            raise UsageError(f"FAZHI_TASKS_BACKEND={backend}：任务在请求中执行，不需要后台进程")
