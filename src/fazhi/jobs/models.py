"""A background job as the user sees it: what it does, who started it, its progress and result.

The queue itself (which worker runs what) belongs to the django-tasks backend (the database
backend's ``django_tasks_db`` table, or Redis); this row is what the progress and result pages
show, and what a stale-heartbeat sweep marks failed when its worker died.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from fazhi.orgs.models import Membership, OrgUnit


class State(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class Job(models.Model):
    scope_path_field: ClassVar[str] = "unit__path"

    #: a registered :class:`fazhi.jobs.kinds.JobKind` code (``import``, ``export``, …)
    kind = models.CharField("类型", max_length=20)
    register = models.CharField("台账", max_length=40, blank=True)
    title = models.CharField("名称", max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    membership = models.ForeignKey(
        Membership, verbose_name="发起岗位", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name="单位", on_delete=models.PROTECT, related_name="jobs"
    )
    state = models.CharField(
        "状态", max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    message = models.CharField("进度说明", max_length=200, blank=True)
    #: what the kind needs besides the stored file (an export's filters, a year, …)
    params = models.JSONField("参数", default=dict, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    #: What the import's committed batches wrote (model label → primary keys created, and the
    #: earlier values of rows it changed), so that a sweep can undo them if the worker dies.
    journal = models.JSONField("已提交批次的写入记录", default=dict, blank=True)
    file_name = models.CharField("文件名", max_length=255, blank=True)
    file_path = models.CharField("存储位置", max_length=255, blank=True)
    task_id = models.CharField("队列任务号", max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField("执行次数", default=0)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "heartbeat_at"], name="jobs_state_heartbeat")]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_state_display()}）"

    @property
    def kind_label(self) -> str:
        from fazhi.jobs.kinds import kinds

        found = kinds().get(self.kind)
        return found.label if found is not None else self.kind

    @property
    def finished(self) -> bool:
        return self.state in (State.DONE, State.FAILED)

    @property
    def percent(self) -> int:
        if self.state == State.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0
