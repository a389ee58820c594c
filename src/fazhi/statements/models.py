"""述法: the principal heads (党政主要负责人) report on their duties for the rule of law.

One :class:`Statement` is one person's 述法 in one year (unique per unit, year and person).
The status changes only through the declared workflows (:mod:`fazhi.statements.workflow`):
材料起草 → 送审 → 审核通过 (or 退回修改, back to 材料起草) → 已述法 → 已评议.
:class:`StatementDuty` is one row per unit that must 述法 in a year (kept by the services),
so that the coverage rate counts the units without any record too.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.urls import reverse

from fazhi.core.models import TimelineEvent
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.slots import UnitSlots


class HeadKind(models.TextChoices):
    GOVERNMENT = "government", "政府主要负责人"
    PARTY = "party", "党委主要负责人"
    DEPARTMENT = "department", "部门主要负责人"
    TOWNSHIP = "township", "乡镇（街道）主要负责人"
    OTHER = "other", "其他班子成员"


#: The kinds that are 党政主要负责人 (the coverage counts only these).
PRINCIPAL_KINDS: tuple[str, ...] = (
    HeadKind.GOVERNMENT,
    HeadKind.PARTY,
    HeadKind.DEPARTMENT,
    HeadKind.TOWNSHIP,
)


class Form(models.TextChoices):
    ANNUAL = "annual", "年终述职中述法"
    COMMITTEE = "committee", "专题述法（依法治县委员会会议）"
    WRITTEN = "written", "书面述法"


class Rating(models.TextChoices):
    """评议结果 (the four grades used in practice; no statutory scale was found)."""

    GOOD = "good", "好"
    FAIRLY_GOOD = "fairly_good", "较好"
    FAIR = "fair", "一般"
    POOR = "poor", "差"


GOOD_RATINGS: tuple[str, ...] = (Rating.GOOD, Rating.FAIRLY_GOOD)


class Status(models.TextChoices):
    DRAFT = "draft", "材料起草"
    SUBMITTED = "submitted", "已送审"
    APPROVED = "approved", "审核通过"
    HELD = "held", "已述法"
    RATED = "rated", "已评议"


class Statement(UnitSlots):
    """One 述法 of one head of ``unit`` in ``year``."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    unit = models.ForeignKey(
        OrgUnit, verbose_name="述法单位", on_delete=models.PROTECT, related_name="statements"
    )
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    person = models.CharField("述法人", max_length=40)
    post = models.CharField("职务", max_length=40)
    head_kind = models.CharField("述法人类别", max_length=12, choices=HeadKind.choices)
    form = models.CharField("述法形式", max_length=12, choices=Form.choices)
    planned_on = models.DateField("计划述法日期", null=True, blank=True, db_index=True)
    material = models.TextField("述法材料", blank=True)
    registered_on = models.DateField("登记日期")
    submitted_on = models.DateField("送审日期", null=True, blank=True)
    approved_on = models.DateField("审核通过日期", null=True, blank=True)
    reviewer_unit = models.ForeignKey(
        OrgUnit,
        verbose_name="审核单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    return_note = models.TextField("退回修改意见", blank=True)
    held_on = models.DateField("述法日期", null=True, blank=True, db_index=True)
    reviewed = models.BooleanField(
        "材料经事先审核", default=False, help_text="述法时述法材料已经依法治办审核通过"
    )
    meeting = models.CharField("述法会议", max_length=100, blank=True)
    rating = models.CharField("评议结果", max_length=12, choices=Rating.choices, blank=True)
    rated_on = models.DateField("评议日期", null=True, blank=True)
    rating_note = models.TextField("评议意见", blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "述法"
        verbose_name_plural = "述法"
        ordering = ["-year", "unit__path", "person", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "person"], name="uniq_statement_unit_year_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.post}{self.person}述法"

    def get_absolute_url(self) -> str:
        return reverse("statements_detail", args=[self.pk])


class StatementEvent(TimelineEvent):
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="events")

    class Meta(TimelineEvent.Meta):
        pass


class StatementDuty(UnitSlots):
    """A unit whose principal head must 述法 in ``year`` (one row per unit and year; kept by
    :func:`fazhi.statements.services.duties_refresh`), and whether one has been held."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    unit = models.ForeignKey(
        OrgUnit, verbose_name="单位", on_delete=models.CASCADE, related_name="statement_duties"
    )
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    on = models.DateField("统计日期", db_index=True, help_text="该年度 1 月 1 日")
    held = models.BooleanField("已述法", default=False, db_index=True)

    class Meta:
        verbose_name = "应述法单位"
        verbose_name_plural = "应述法单位"
        ordering = ["year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="uniq_statement_duty_unit_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.unit_id}"
