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
    year = models.PositiveSmallIntegerField("年度", db_index=True)  # = decided_on.year
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name="执法单位",
        on_delete=models.PROTECT,
        related_name="enforcement_records",
    )
    subject = models.ForeignKey(
        Subject, verbose_name="执法主体", on_delete=models.PROTECT, related_name="records"
    )
    kind = models.CharField("执法类别", max_length=12, choices=Kind.choices, db_index=True)
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

    class Meta:
        verbose_name = "行政执法记录"
        verbose_name_plural = "行政执法记录"
        ordering = ["-decided_on", "-id"]
        indexes = [
            models.Index(fields=["credit_code", "decided_on"], name="enf_rec_credit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_number}"
