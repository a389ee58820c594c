"""Annual plans (工作要点/工作计划) and their tracking: tasks, per-unit assignments, progress
reports with evidence, review, 督办单 (supervision notices) and in-app reminders.

A plan is issued by a unit (usually the government whose 依法治办 runs it). Each task is
assigned to units as 牵头 (lead), 责任 (responsible) or 配合 (cooperating); each assignment
has its own due date and status. ``status`` changes only in ``services.py``; the allowed
transitions are :data:`ASSIGNMENT_TRANSITIONS`.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import ClassVar

from django.db import models
from django.urls import reverse
from django.utils import timezone

from fazhi.orgs.slots import UnitSlots


class Plan(models.Model):
    """One annual plan of ``unit``: imported from its text, reviewed, then tracked."""

    scope_path_field: ClassVar[str] = "unit__path"

    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="plans", verbose_name="印发单位"
    )
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    title = models.CharField("标题", max_length=200)
    issued_on = models.DateField("印发日期", null=True, blank=True)
    source_name = models.CharField("原文件名", max_length=200, blank=True)
    source_text = models.TextField("原文", blank=True)
    created_at = models.DateTimeField("导入时间", auto_now_add=True)
    created_by = models.CharField("导入人", max_length=60, blank=True)

    class Meta:
        verbose_name = "工作计划"
        verbose_name_plural = "工作计划"
        ordering = ["-year", "unit__path", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:matrix", args=[self.pk])


class PlanSection(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    number = models.CharField("编号", max_length=20, blank=True)
    title = models.CharField("标题", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "计划部分"
        verbose_name_plural = "计划部分"
        ordering = ["plan", "order"]

    def __str__(self) -> str:
        return f"{self.number}、{self.title}" if self.number else self.title


class TaskKind(models.TextChoices):
    TASK = "task", "工作任务"
    RECTIFICATION = "rectification", "整改任务"


class Task(models.Model):
    """A numbered item of the plan: what to do, by when, how much; tagged for the report."""

    scope_path_field: ClassVar[str] = "plan__unit__path"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    section = models.ForeignKey(
        PlanSection, on_delete=models.CASCADE, related_name="tasks", null=True, blank=True
    )
    kind = models.CharField("类别", max_length=20, choices=TaskKind.choices, default=TaskKind.TASK)
    number = models.CharField("编号", max_length=20, blank=True)
    title = models.CharField("任务名称", max_length=200)
    text = models.TextField("任务内容")
    order = models.PositiveSmallIntegerField("顺序", default=0)
    due_on = models.DateField(
        "完成时限", null=True, blank=True, db_index=True, help_text="默认取任务中最晚的具体日期"
    )
    deadlines = models.JSONField("时限要求", default=list, blank=True)
    targets = models.JSONField("量化指标", default=list, blank=True)
    chapter = models.PositiveSmallIntegerField(
        "纲要章节", null=True, blank=True, help_text="《法治政府建设实施纲要》章节序号"
    )
    indicator_codes = models.JSONField("指标编码", default=list, blank=True)
    lead_unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="牵头单位",
        help_text="第一个牵头单位：可查看并审核本任务其他单位的分工和进展",
    )

    class Meta:
        verbose_name = "工作任务"
        verbose_name_plural = "工作任务"
        ordering = ["plan", "order"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


class AssignmentRole(models.TextChoices):
    LEAD = "lead", "牵头单位"
    RESPONSIBLE = "responsible", "责任单位"
    COOPERATING = "cooperating", "配合单位"


class AssignmentStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未开始"
    IN_PROGRESS = "in_progress", "推进中"
    COMPLETED = "completed", "已完成"
    OVERDUE = "overdue", "逾期"


#: status → statuses it may change to (services check; the sweep sets OVERDUE).
ASSIGNMENT_TRANSITIONS: dict[str, set[str]] = {
    AssignmentStatus.NOT_STARTED: {AssignmentStatus.IN_PROGRESS, AssignmentStatus.OVERDUE},
    AssignmentStatus.IN_PROGRESS: {AssignmentStatus.COMPLETED, AssignmentStatus.OVERDUE},
    AssignmentStatus.OVERDUE: {AssignmentStatus.IN_PROGRESS, AssignmentStatus.COMPLETED},
    AssignmentStatus.COMPLETED: {AssignmentStatus.IN_PROGRESS},  # a completion sent back
}


class Assignment(UnitSlots):
    """A task for one unit, in one role, with its own due date and status."""

    #: the assigned unit, the plan's unit and the task's lead unit see it; no other unit does
    scope_path_field: ClassVar[tuple[str, ...]] = (
        "unit__path",
        "task__plan__unit__path",
        "task__lead_unit__path",
    )
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}
    #: what ``str()`` reads, loaded with the rows of a metric drill-down (no query per row)
    drill_related: ClassVar[tuple[str, ...]] = ("task", "unit")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name="承担单位"
    )
    role = models.CharField("角色", max_length=20, choices=AssignmentRole.choices)
    due_on = models.DateField("完成时限", null=True, blank=True, db_index=True)
    status = models.CharField(
        "状态",
        max_length=20,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.NOT_STARTED,
        db_index=True,
    )
    completed_on = models.DateField("完成日期", null=True, blank=True, db_index=True)
    completed_on_time = models.BooleanField("按期完成", null=True, blank=True)
    assigned_as = models.CharField(
        "计划中的写法", max_length=100, blank=True, help_text="如“县各相关部门”（展开后）"
    )

    class Meta:
        verbose_name = "任务分工"
        verbose_name_plural = "任务分工"
        ordering = ["task__order", "role", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="uniq_assignment_task_unit")
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.unit}"

    def get_absolute_url(self) -> str:
        return reverse("plans:assignment", args=[self.pk])


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已通过"


class ProgressReport(models.Model):
    """What a unit has done on its assignment, with evidence; reviewed by the lead unit or the
    plan's unit (退回 with a reason, or 通过)."""

    scope_path_field: ClassVar[tuple[str, ...]] = (
        "assignment__unit__path",
        "assignment__task__plan__unit__path",
        "assignment__task__lead_unit__path",
    )

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reports")
    text = models.TextField("进展情况")
    claims_completion = models.BooleanField("申报完成", default=False)
    submitted_at = models.DateTimeField("报送时间")
    submitted_by = models.CharField("报送人", max_length=60)
    status = models.CharField(
        "审核状态", max_length=20, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = models.CharField("审核人", max_length=60, blank=True)
    review_note = models.TextField("审核意见", blank=True)

    class Meta:
        verbose_name = "进展报告"
        verbose_name_plural = "进展报告"
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.assignment} {self.submitted_at:%Y-%m-%d}"


def evidence_path(instance: models.Model, filename: str) -> str:
    """Stored under a random name (the original name is kept in the row, never in the path)."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"plans/evidence/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Evidence(models.Model):
    """A file attached to a progress report (size and type checked, stored under a random name)."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("文件", upload_to=evidence_path, max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=100)
    sha256 = models.CharField("SHA-256", max_length=64)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class NoticeStatus(models.TextChoices):
    ISSUED = "issued", "待回复"
    REPLIED = "replied", "已回复"


class SupervisionNotice(models.Model):
    """督办单: the plan's 依法治办 presses a unit on a task, with a reply deadline."""

    scope_path_field: ClassVar[tuple[str, ...]] = (
        "assignment__unit__path",
        "assignment__task__plan__unit__path",
        "assignment__task__lead_unit__path",
    )

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="notices")
    number = models.CharField("督办单编号", max_length=40)
    content = models.TextField("督办事项")
    issued_on = models.DateField("督办日期")
    issued_by = models.CharField("督办人", max_length=60)
    reply_due = models.DateField("回复期限", db_index=True)
    status = models.CharField(
        "状态", max_length=20, choices=NoticeStatus.choices, default=NoticeStatus.ISSUED
    )
    reply_text = models.TextField("回复内容", blank=True)
    replied_on = models.DateField("回复日期", null=True, blank=True)
    replied_by = models.CharField("回复人", max_length=60, blank=True)

    class Meta:
        verbose_name = "督办单"
        verbose_name_plural = "督办单"
        ordering = ["-issued_on", "-pk"]

    def __str__(self) -> str:
        return self.number


class Reminder(models.Model):
    """An in-app reminder for a unit (due soon, overdue, sent back, 督办); one per ``key``."""

    scope_path_field: ClassVar[str] = "unit__path"

    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.CASCADE, related_name="+", verbose_name="单位"
    )
    key = models.CharField("去重键", max_length=120, unique=True)
    text = models.CharField("内容", max_length=300)
    link = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "提醒"
        verbose_name_plural = "提醒"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text


class UnitAlias(models.Model):
    """Another name a plan may use for a unit (e.g. 县编办 for 中共湘江县委机构编制委员会办公室)."""

    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.CASCADE, related_name="aliases", verbose_name="单位"
    )
    alias = models.CharField("别名", max_length=100, db_index=True)

    class Meta:
        verbose_name = "单位别名"
        verbose_name_plural = "单位别名"
        constraints = [models.UniqueConstraint(fields=["unit", "alias"], name="uniq_unit_alias")]

    def __str__(self) -> str:
        return f"{self.alias} → {self.unit}"
