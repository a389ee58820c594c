"""Case-level 行政执法 records (行政许可/处罚/强制/征收/征用/检查), as sent by the departments'
own 执法 systems. This is the platform's high-volume table (a province: ≥10M rows a year).

The field names below are the contract other apps read (案卷评查 draws files from here; the
annual 数据公开 table and the 涉企检查 alerts count here): change them only with those apps.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from fazhi.enforcement.models import Subject
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.slots import UnitSlots


class Kind(models.TextChoices):
    """The six categories of the records (the annual 数据公开 table's columns)."""

    LICENSE = "license", "行政许可"
    PENALTY = "penalty", "行政处罚"
    COERCION = "coercion", "行政强制"
    LEVY = "levy", "行政征收"
    REQUISITION = "requisition", "行政征用"
    INSPECTION = "inspection", "行政检查"


class Record(UnitSlots):
    """One 执法 action (a decision, or one inspection)."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    id = models.BigAutoField(primary_key=True)
    year = models.PositiveSmallIntegerField("年度")  # = decided_on.year; the partition key
    # No database foreign keys (and no single-column indexes) on this table: every row is
    # checked against the units and 执法主体 of the importing unit before it is written
    # (checks.RowChecker), units and 执法主体 are never deleted while records point at them
    # (PROTECT, enforced by Django), and a FK costs two trigger events per row at COMMIT —
    # for a 10M-row year, minutes. See the app README, "Indexes".
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name="执法单位",
        on_delete=models.PROTECT,
        related_name="enforcement_records",
        db_constraint=False,
        db_index=False,
    )
    subject = models.ForeignKey(
        Subject,
        verbose_name="执法主体",
        on_delete=models.PROTECT,
        related_name="records",
        db_constraint=False,
        db_index=False,
    )
    kind = models.CharField("执法类别", max_length=12, choices=Kind.choices)
    case_number = models.CharField("文书号/案号", max_length=60)
    decided_on = models.DateField("决定（检查）日期", db_index=True)
    cause = models.CharField("案由类别", max_length=60, blank=True)
    amount = models.DecimalField("罚没金额（元）", max_digits=14, decimal_places=2, default=0)
    major = models.BooleanField("重大执法决定", default=False)
    legal_review = models.BooleanField("已法制审核", default=False)
    officers = models.CharField("执法人员执法证号", max_length=120, blank=True)
    published_on = models.DateField("公示日期", null=True, blank=True)
    publicity_due = models.DateField("公示期限", null=True, blank=True)
    published_on_time = models.BooleanField("按时公示", null=True, blank=True)
    enterprise = models.BooleanField("涉企", default=False)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    batch = models.PositiveBigIntegerField("导入批次", null=True, blank=True)
    # The root's slot is the same on every row and a depth-4 unit (a 派出所 under its 公安局)
    # is found by ``unit``: neither is worth an index on 10M rows.
    unit_d0 = models.PositiveBigIntegerField("单位层级0", null=True, blank=True, editable=False)
    unit_d4 = models.PositiveBigIntegerField("单位层级4", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "行政执法记录"
        verbose_name_plural = "行政执法记录"
        ordering = ["-decided_on", "-id"]
        indexes = [
            # the unit's records of a month: the metric facts of a batch, a unit's list
            models.Index(fields=["unit", "decided_on"], name="enf_rec_unit_day_idx"),
            # 涉企重复检查: an enterprise's inspections in date order (only those rows)
            models.Index(
                fields=["credit_code", "decided_on", "id"],
                name="enf_rec_inspect_idx",
                include=["unit"],
                condition=models.Q(kind="inspection", enterprise=True) & ~models.Q(credit_code=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_number}"


class Source(models.TextChoices):
    FILE = "file", "文件上传"
    API = "api", "接口报送"
    DEMO = "demo", "演示数据"


class BatchStatus(models.TextChoices):
    RUNNING = "running", "导入中"
    DONE = "done", "已导入"
    FAILED = "failed", "未导入"


class IngestBatch(models.Model):
    """One ingest (a file, one API call or a demo year): who sent what, and how it ended.

    Its rows wait in :class:`StagedRecord` until the batch becomes visible in one statement;
    ``Record.batch`` is this row's id."""

    scope_path_field: ClassVar[str] = "unit__path"

    unit = models.ForeignKey(
        OrgUnit, verbose_name="报送单位", on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField("来源", max_length=8, choices=Source.choices)
    file_name = models.CharField("文件名", max_length=200, blank=True)
    actor = models.CharField("操作人", max_length=120, blank=True)
    rows = models.PositiveIntegerField("导入条数", default=0)
    rejected = models.PositiveIntegerField("拒收条数", default=0)
    status = models.CharField(
        "状态", max_length=8, choices=BatchStatus.choices, default=BatchStatus.RUNNING
    )
    message = models.CharField("结果说明", max_length=300, blank=True)
    started_at = models.DateTimeField("开始时间", auto_now_add=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "执法数据导入批次"
        verbose_name_plural = "执法数据导入批次"
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["status", "started_at"], name="enf_batch_status_idx")]

    def __str__(self) -> str:
        return f"导入批次 {self.pk}"


class StagedRecord(models.Model):
    """A validated row of a running batch, not yet visible (plain columns, no foreign keys or
    signals: COPY on PostgreSQL). The batch's final statement copies them into
    :class:`Record` and deletes them; a killed ingest leaves rows here that
    :func:`fazhi.enforcement_data.ingest.staging_cleanup` removes."""

    id = models.BigAutoField(primary_key=True)
    batch_id = models.PositiveBigIntegerField("导入批次", db_index=True)
    row = models.PositiveIntegerField("行号")
    year = models.PositiveSmallIntegerField()
    unit_id = models.BigIntegerField()
    subject_id = models.BigIntegerField()
    kind = models.CharField(max_length=12)
    case_number = models.CharField(max_length=60)
    decided_on = models.DateField()
    cause = models.CharField(max_length=60, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    major = models.BooleanField(default=False)
    legal_review = models.BooleanField(default=False)
    officers = models.CharField(max_length=120, blank=True)
    published_on = models.DateField(null=True, blank=True)
    publicity_due = models.DateField(null=True, blank=True)
    published_on_time = models.BooleanField(null=True, blank=True)
    enterprise = models.BooleanField(default=False)
    credit_code = models.CharField(max_length=18, blank=True)
    unit_d0 = models.BigIntegerField(null=True)
    unit_d1 = models.BigIntegerField(null=True)
    unit_d2 = models.BigIntegerField(null=True)
    unit_d3 = models.BigIntegerField(null=True)
    unit_d4 = models.BigIntegerField(null=True)

    class Meta:
        verbose_name = "待入库执法记录"
        verbose_name_plural = "待入库执法记录"

    def __str__(self) -> str:
        return f"{self.case_number}（批次 {self.batch_id}）"
