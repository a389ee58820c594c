"""合法性审查 register: every item a 合法性审查机构 reviews (司法局, a township's 司法所 = the
township unit, a department's 法制机构 = the department unit).

* :class:`Category` is data (``fixtures/categories.json``, loaded after ``migrate``, editable
  in the admin): each category names the deadline rule of its review period.
* :class:`Review` is one item: 送审单位, 收到日期, 退回补充/补充材料 (the period restarts), 审查人员
  (several, a JSON list of ``{"name": …, "kind": staff|counsel|lawyer}``), 审查结论 and whether the
  opinion was adopted. Its status changes only through :data:`fazhi.legality.workflow.REVIEWS`.
* Both the 审查机构 (``unit``) and the 送审单位 (``submitter``) see the item.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.db import models
from django.urls import reverse

from fazhi.core.models import TimelineEvent
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.slots import UnitSlots


class Category(models.Model):
    """A kind of item reviewed (规范性文件, 重大行政决策 …), with the rule of its review period."""

    code = models.SlugField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    sort_order = models.PositiveIntegerField("排序", default=100)
    period_rule = models.CharField(
        "审查期限规则",
        max_length=64,
        blank=True,
        help_text="法定期限规则编码（如 legality.period_normative_doc）；留空用默认审查期限",
    )
    min_rule = models.CharField(
        "最短审查期限规则",
        max_length=64,
        blank=True,
        help_text="“一般不少于”的工作日数的规则编码；留空表示不设最短期限",
    )
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "合法性审查类别"
        verbose_name_plural = "合法性审查类别"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Conclusion(models.TextChoices):
    LAWFUL = "lawful", "合法"
    AMENDED = "amended", "修改后合法"
    UNLAWFUL = "unlawful", "不合法"
    DECLINED = "declined", "不予审查"


#: Conclusions that let the reviewed item go on (公布, 集体讨论).
PASSING = frozenset({Conclusion.LAWFUL, Conclusion.AMENDED})


class Status(models.TextChoices):
    RECEIVED = "received", "已收到"
    RETURNED = "returned", "退回补充"
    REVIEWING = "reviewing", "审查中"
    DONE = "done", "审查完成"


#: States in which the review period runs.
OPEN_STATUSES = (Status.RECEIVED, Status.REVIEWING)


class ReviewerKind(models.TextChoices):
    STAFF = "staff", "工作人员"
    COUNSEL = "counsel", "法律顾问"
    LAWYER = "lawyer", "公职律师"


class ReviewQuerySet(models.QuerySet["Review"]):
    @staticmethod
    def overdue_q(today: dt.date) -> models.Q:
        """Open items whose review period has passed (the one definition of “逾期”)."""
        return models.Q(status__in=OPEN_STATUSES, due_on__lt=today)

    def overdue(self, today: dt.date) -> ReviewQuerySet:
        return self.filter(self.overdue_q(today))

    def pending(self) -> ReviewQuerySet:
        """待审查: received or under review (not returned, not done)."""
        return self.filter(status__in=OPEN_STATUSES)


class Review(UnitSlots):
    """One item sent to a 合法性审查机构, from receipt to its conclusion."""

    # Both the 审查机构 and the 送审单位 see the item (scoping.scope_q).
    scope_path_field: ClassVar[tuple[str, ...]] = ("unit__path", "submitter__path")
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}  # the 审查机构, for the metrics

    unit = models.ForeignKey(
        OrgUnit, verbose_name="审查机构", on_delete=models.PROTECT, related_name="legality_reviews"
    )
    submitter = models.ForeignKey(
        OrgUnit,
        verbose_name="送审单位",
        on_delete=models.PROTECT,
        related_name="legality_submitted_reviews",
    )
    number = models.CharField("审查编号", max_length=40)
    title = models.CharField("审查事项", max_length=200)
    category = models.ForeignKey(
        Category, verbose_name="类别", on_delete=models.PROTECT, related_name="reviews"
    )
    # The category's code, stored with the review (set wherever ``category`` is set) so the
    # per-category metrics read the register table alone and are kept as monthly facts
    # (a hop to ``Category`` is not watched). Category codes are not editable once created.
    category_code = models.CharField("类别编码", max_length=40, db_index=True, editable=False)
    received_on = models.DateField("收到日期", db_index=True)
    materials_complete = models.BooleanField("材料齐全", default=True)
    returned_on = models.DateField("退回补充日期", null=True, blank=True)
    return_reason = models.TextField("退回补充事由", blank=True)
    supplemented_on = models.DateField("补充材料收到日期", null=True, blank=True)
    period_start = models.DateField(
        "审查期限起算日", help_text="收到日期；退回补充后为补充材料收到日期（期限重新计算）"
    )
    earliest_on = models.DateField(
        "最短审查期限届满", null=True, blank=True, help_text="一般不少于的工作日数届满之日"
    )
    due_on = models.DateField("审查期限", db_index=True)
    started_on = models.DateField("开始审查日期", null=True, blank=True)
    reviewers = models.JSONField("审查人员", default=list, blank=True)
    completed_on = models.DateField("审查完成日期", null=True, blank=True, db_index=True)
    conclusion = models.CharField(
        "审查结论", max_length=10, choices=Conclusion.choices, blank=True, db_index=True
    )
    reason = models.TextField("结论理由", blank=True)
    opinion = models.TextField("审查意见", blank=True)
    adopted = models.BooleanField("意见是否采纳", null=True, blank=True)
    # Set when concluded: completed_on <= due_on (stored for the on-time-rate metric).
    on_time = models.BooleanField("按期完成", null=True, blank=True, editable=False)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = "合法性审查"
        verbose_name_plural = "合法性审查"
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="uniq_legality_unit_number")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("legality_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.due_on < today

    @property
    def passed(self) -> bool:
        return self.conclusion in PASSING

    @property
    def reviewers_text(self) -> str:
        """审查人员 as written in the forms and Excel: 张三（法律顾问）、李四（工作人员）."""
        return reviewers_text(self.reviewers)


def reviewers_text(items: list[dict[str, Any]]) -> str:
    labels = dict(ReviewerKind.choices)
    return "、".join(
        f"{i['name']}（{labels.get(i.get('kind', ''), '工作人员')}）" for i in items or []
    )


class ReviewEvent(TimelineEvent):
    """A dated step on the review's timeline (收到, 退回补充, 补充材料, 审查完成 …)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="events")

    class Meta(TimelineEvent.Meta):
        pass
