"""法律顾问 roster: one row per counsel engaged by a unit, with the contract period.

The status changes only through the declared workflow (:mod:`tests.kit_example.workflow`):
在聘 → 已解聘 (解聘) or → 聘期届满 (聘期届满, taken by the daily sweep), and back to 在聘 by 续聘.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.urls import reverse

from fazhi.core.models import TimelineEvent
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.slots import UnitSlots


class CounselKind(models.TextChoices):
    RETAINED = "retained", "常年法律顾问"
    SPECIAL = "special", "专项法律顾问"
    STAFF = "staff", "公职律师"


class Status(models.TextChoices):
    ACTIVE = "active", "在聘"
    EXPIRED = "expired", "聘期届满"
    TERMINATED = "terminated", "已解聘"


class Counsel(UnitSlots):
    """A 法律顾问 of ``unit``: who, from which firm, for which period."""

    scope_path_field: ClassVar[str] = "unit__path"  # visible to the unit's subtree
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}  # unit_d0…4, for the metrics

    unit = models.ForeignKey(
        OrgUnit, verbose_name="聘请单位", on_delete=models.PROTECT, related_name="kit_counsels"
    )
    name = models.CharField("姓名", max_length=40)
    firm = models.CharField("律师事务所", max_length=100, blank=True)
    kind = models.CharField("类别", max_length=10, choices=CounselKind.choices)
    contract_start = models.DateField("聘期开始日期", db_index=True)
    contract_end = models.DateField("聘期届满日期", db_index=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    ended_on = models.DateField("终止日期", null=True, blank=True)
    end_reason = models.TextField("解聘原因", blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "法律顾问"
        verbose_name_plural = "法律顾问"
        ordering = ["-contract_start", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("counsels_detail", args=[self.pk])


class CounselEvent(TimelineEvent):
    """A dated step on the counsel's timeline (聘用, 续聘, 解聘, 聘期届满)."""

    counsel = models.ForeignKey(Counsel, on_delete=models.CASCADE, related_name="events")

    class Meta(TimelineEvent.Meta):
        pass
