"""法律顾问 roster, participations and the yearly coverage rows.

* :class:`Counsel` — one adviser engaged by a unit for a contract term (常年/专项法律顾问,
  公职律师, 法律顾问团成员). Status only through :data:`fazhi.counsel.workflow.COUNSELS`:
  在聘 → 已解聘 (解聘) or → 聘期届满 (by the daily sweep), back to 在聘 by 续聘.
* :class:`Participation` — one piece of work of an adviser: typed (涉法事务 no register
  holds: 诉讼代理, 合同审查, 信访, 招商引资谈判 …) or counted from another register that
  names the adviser (``source`` = legality / decisions, refreshed by
  :func:`fazhi.counsel.counting.participations_refresh`).
* :class:`CoverageYear` — one row per unit and year: whether the unit should have an adviser
  (by its kind, :data:`fazhi.counsel.coverage.REQUIRED_KINDS`) and whether it had one in post
  during the year; the coverage metrics count these rows.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.db import models
from django.urls import reverse

from fazhi.core.audit import mask_value
from fazhi.core.crypto import EncryptedTextField
from fazhi.core.models import TimelineEvent
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.slots import UnitSlots


class CounselKind(models.TextChoices):
    RETAINED = "retained", "常年法律顾问"
    SPECIAL = "special", "专项法律顾问"
    STAFF = "staff", "公职律师"
    PANEL = "panel", "法律顾问团成员"


class Status(models.TextChoices):
    ACTIVE = "active", "在聘"
    EXPIRED = "expired", "聘期届满"
    TERMINATED = "terminated", "已解聘"


class Counsel(UnitSlots):
    """A 法律顾问 or 公职律师 of ``unit``: who, from which firm (or post), for which term."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    unit = models.ForeignKey(
        OrgUnit, verbose_name="聘请单位", on_delete=models.PROTECT, related_name="legal_counsels"
    )
    name = models.CharField("姓名", max_length=40, db_index=True)
    kind = models.CharField("类别", max_length=10, choices=CounselKind.choices)
    firm = models.CharField("律师事务所", max_length=100, blank=True)
    post = models.CharField("所在单位职务", max_length=100, blank=True)
    license_no = models.CharField("执业证号", max_length=40, blank=True)
    contract_no = models.CharField("合同编号", max_length=60, blank=True)
    contract_start = models.DateField("聘期开始日期", db_index=True)
    contract_end = models.DateField("聘期届满日期", db_index=True)
    fee = models.PositiveIntegerField("年聘用费用（元）", null=True, blank=True)
    phone = EncryptedTextField("联系电话", blank=True)
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
        return reverse("counsel_detail", args=[self.pk])

    @property
    def phone_masked(self) -> str:
        return mask_value(self.phone)

    @property
    def firm_or_post(self) -> str:
        return self.firm or self.post

    @property
    def last_day(self) -> dt.date:
        """The last day in post: the termination date, else the contract's end."""
        if self.status == Status.TERMINATED and self.ended_on:
            return self.ended_on
        return self.contract_end


class CounselEvent(TimelineEvent):
    """A dated step on the adviser's timeline (聘用, 续聘, 解聘, 聘期届满)."""

    counsel = models.ForeignKey(Counsel, on_delete=models.CASCADE, related_name="events")

    class Meta(TimelineEvent.Meta):
        pass


class ParticipationKind(models.TextChoices):
    LEGALITY = "legality", "合法性审查意见"
    DECISION = "decision", "重大行政决策论证"
    LITIGATION = "litigation", "诉讼代理"
    CONTRACT = "contract", "合同审查"
    PETITION = "petition", "信访化解"
    INVESTMENT = "investment", "招商引资谈判"
    OTHER = "other", "其他涉法事务"


#: Kinds counted from other registers: never typed.
COUNTED_KINDS = (ParticipationKind.LEGALITY, ParticipationKind.DECISION)
TYPED_KINDS = tuple(c for c in ParticipationKind.choices if c[0] not in COUNTED_KINDS)


class Source(models.TextChoices):
    TYPED = "typed", "登记"
    LEGALITY = "legality", "合法性审查台账"
    DECISIONS = "decisions", "重大行政决策台账"


class Participation(UnitSlots):
    """One piece of work of an adviser, typed or counted from another register."""

    scope_path_field: ClassVar[str] = "counsel__unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "counsel__unit"}

    counsel = models.ForeignKey(
        Counsel, verbose_name="法律顾问", on_delete=models.CASCADE, related_name="participations"
    )
    on = models.DateField("日期", db_index=True)
    kind = models.CharField("事项类别", max_length=12, choices=ParticipationKind.choices)
    subject = models.CharField("事项", max_length=200)
    note = models.TextField("说明", blank=True)
    source = models.CharField(
        "来源", max_length=10, choices=Source.choices, default=Source.TYPED, db_index=True
    )
    source_id = models.PositiveBigIntegerField("来源记录", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "法律顾问参与事项"
        verbose_name_plural = "法律顾问参与事项"
        ordering = ["-on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["counsel", "source", "source_id"],
                condition=~models.Q(source="typed"),
                name="uniq_counsel_counted_participation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.counsel.name}：{self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("counsel_participations_detail", args=[self.pk])

    @property
    def unit(self) -> OrgUnit:
        """The adviser's 聘请单位 (the Excel column)."""
        return self.counsel.unit

    @property
    def counsel_name(self) -> str:
        return self.counsel.name

    @property
    def source_url(self) -> str:
        """Where the record is: the other register's detail page, or this one's."""
        if self.source == Source.LEGALITY:
            return reverse("legality_detail", args=[self.source_id])
        if self.source == Source.DECISIONS:
            return reverse("decisions_detail", args=[self.source_id])
        return self.get_absolute_url()


class CoverageYear(UnitSlots):
    """Unit × year: should it have a 法律顾问 (by kind), did it have one in post."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    unit = models.ForeignKey(
        OrgUnit, verbose_name="单位", on_delete=models.CASCADE, related_name="counsel_years"
    )
    year = models.PositiveSmallIntegerField("年度")
    on = models.DateField("统计日期", db_index=True)  # 1 January of the year (metric period)
    required = models.BooleanField("应聘请法律顾问", default=False)
    covered = models.BooleanField("已聘请法律顾问", default=False)
    advisers = models.PositiveSmallIntegerField("年内在聘法律顾问人数", default=0)

    class Meta:
        verbose_name = "法律顾问覆盖情况"
        verbose_name_plural = "法律顾问覆盖情况"
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="uniq_counsel_coverage_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}"
