"""行政执法案卷评查: scoring standards as versioned data, campaigns, drawn case files, marks
and the 整改 notices (tracked as plans assignments).

* :class:`Standard` → :class:`Part` → :class:`Item`: a versioned scoring standard. A version
  used by a campaign is frozen; a change is a new version (a copy).
* :class:`GradeThreshold`: the default 优秀/合格 thresholds of a province (data).
* :class:`Campaign`: one 评查 by an organiser unit (a 司法局), with its standard version, the
  units reviewed (:class:`CampaignUnit`, each with its cross-reviewing unit) and the drawn
  :class:`CaseFile` rows (copies of the 执法 record: no FK, the record table is partitioned).
* :class:`Mark`: the reviewer's finding on one item of one file.
* :class:`Rectification`: the 整改通知 to a unit, tracked by a plans ``Assignment``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.urls import reverse

from fazhi.case_review import scoring
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.slots import UnitSlots


class StandardStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    ACTIVE = "active", "启用"
    RETIRED = "retired", "停用"


class RuleKind(models.TextChoices):
    FIXED = scoring.FIXED, "固定扣分"
    PER_INSTANCE = scoring.PER_INSTANCE, "按处扣分"
    RANGE = scoring.RANGE, "幅度扣分"
    VETO = scoring.VETO, "否决"


class Grade(models.TextChoices):
    EXCELLENT = scoring.EXCELLENT, "优秀"
    PASS = scoring.PASS, "合格"
    FAIL = scoring.FAIL, "不合格"


class GradeThreshold(models.Model):
    """A province's default grade thresholds (``province_code`` "" = the national default).
    A new standard copies them; the standard's own thresholds are what scoring uses."""

    province_code = models.CharField("省份代码", max_length=2, unique=True, blank=True)
    excellent_min = models.DecimalField("优秀不低于（分）", max_digits=5, decimal_places=1)
    pass_min = models.DecimalField("合格不低于（分）", max_digits=5, decimal_places=1)
    basis = models.TextField("依据及可信度", blank=True)

    class Meta:
        verbose_name = "评查等次标准"
        verbose_name_plural = "评查等次标准"
        ordering = ["province_code"]

    def __str__(self) -> str:
        return f"{self.province_code or '默认'}：优秀≥{self.excellent_min}，合格≥{self.pass_min}"


class Standard(models.Model):
    """One version of a scoring standard (评查标准)."""

    scope_path_field: ClassVar[str] = "owner__path"

    owner = models.ForeignKey(
        OrgUnit,
        verbose_name="制定单位",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="空 = 全系统通用（平台自带的示例标准）",
    )
    name = models.CharField("标准名称", max_length=120)
    version = models.PositiveSmallIntegerField("版本", default=1)
    province_code = models.CharField("适用省份代码", max_length=2, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=StandardStatus.choices, default=StandardStatus.DRAFT
    )
    excellent_min = models.DecimalField(
        "优秀不低于（分）", max_digits=5, decimal_places=1, default=Decimal("90")
    )
    pass_min = models.DecimalField(
        "合格不低于（分）", max_digits=5, decimal_places=1, default=Decimal("60")
    )
    source = models.TextField("来源", blank=True)
    confidence = models.CharField("可信度", max_length=20, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "评查标准"
        verbose_name_plural = "评查标准"
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name", "version"], name="uniq_case_review_standard_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"

    def get_absolute_url(self) -> str:
        return reverse("case_review_standard", args=[self.pk])

    @property
    def used(self) -> bool:
        return self.campaigns.exists()

    @property
    def full_marks(self) -> Decimal:
        return sum((p.points for p in self.parts.all()), Decimal("0"))

    def spec(self) -> scoring.StandardSpec:
        """The standard as the pure scoring function reads it (item keys = item ids)."""
        return scoring.StandardSpec(
            parts=[
                scoring.PartSpec(
                    p.name,
                    p.points,
                    [
                        scoring.ItemSpec(
                            str(i.pk), i.name, i.points, i.kind, i.amount, i.low, i.high
                        )
                        for i in p.items.all()
                    ],
                )
                for p in self.parts.all()
            ],
            excellent_min=self.excellent_min,
            pass_min=self.pass_min,
        )


class Part(models.Model):
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="parts")
    order = models.PositiveSmallIntegerField("顺序", default=0)
    name = models.CharField("部分", max_length=60)
    points = models.DecimalField("部分分值", max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = "评查标准部分"
        verbose_name_plural = "评查标准部分"
        ordering = ["standard", "order"]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField("顺序", default=0)
    name = models.CharField("评查项目", max_length=200)
    points = models.DecimalField("分值", max_digits=5, decimal_places=1, default=Decimal("0"))
    kind = models.CharField("扣分方式", max_length=12, choices=RuleKind.choices)
    amount = models.DecimalField("扣分", max_digits=5, decimal_places=1, default=Decimal("0"))
    low = models.DecimalField("扣分下限", max_digits=5, decimal_places=1, default=Decimal("0"))
    high = models.DecimalField("扣分上限", max_digits=5, decimal_places=1, default=Decimal("0"))
    rule_text = models.CharField("扣分规则", max_length=60)

    class Meta:
        verbose_name = "评查项目"
        verbose_name_plural = "评查项目"
        ordering = ["part__order", "order"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_veto(self) -> bool:
        return self.kind == RuleKind.VETO


class CampaignStatus(models.TextChoices):
    PLANNING = "planning", "筹备中"
    REVIEWING = "reviewing", "评查中"
    CLOSED = "closed", "已结束"


class Campaign(UnitSlots):
    """One 评查 campaign of an organiser (a 司法局) in a year."""

    scope_path_field: ClassVar[str] = "organiser__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "organiser"}  # for the metrics

    organiser = models.ForeignKey(
        OrgUnit, verbose_name="组织单位", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    title = models.CharField("评查活动名称", max_length=200)
    standard = models.ForeignKey(
        Standard, verbose_name="评查标准", on_delete=models.PROTECT, related_name="campaigns"
    )
    kinds = models.JSONField("抽取的执法类别", default=list, blank=True)
    per_unit = models.PositiveSmallIntegerField("每单位抽取卷数", default=0)
    seed = models.BigIntegerField("抽取随机种子", null=True, blank=True)
    drawn_on = models.DateField("抽取日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.PLANNING
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "案卷评查活动"
        verbose_name_plural = "案卷评查活动"
        ordering = ["-year", "-pk"]

    def __str__(self) -> str:
        return self.title


class CampaignUnit(models.Model):
    """A unit whose files the campaign reviews, and the unit that reviews them (交叉评查)."""

    scope_path_field: ClassVar[str] = "campaign__organiser__path"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(
        OrgUnit, verbose_name="被评查单位", on_delete=models.PROTECT, related_name="+"
    )
    reviewer_unit = models.ForeignKey(
        OrgUnit,
        verbose_name="评查单位",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "被评查单位"
        verbose_name_plural = "被评查单位"
        ordering = ["campaign", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="uniq_case_review_unit")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.unit}"


class FileStatus(models.TextChoices):
    PENDING = "pending", "待评查"
    DONE = "done", "评查完成"


class CaseFile(UnitSlots):
    """One file drawn into a campaign: a copy of the 执法 record (no FK: the record table is
    partitioned by year on PostgreSQL), with the computed score and grade."""

    #: the reviewed unit, the organiser and the reviewing unit see the file
    scope_path_field: ClassVar[tuple[str, ...]] = (
        "unit__path",
        "campaign__organiser__path",
        "reviewer_unit__path",
    )
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}
    drill_related: ClassVar[tuple[str, ...]] = ("unit",)

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="files")
    unit = models.ForeignKey(
        OrgUnit, verbose_name="被评查单位", on_delete=models.PROTECT, related_name="+"
    )
    reviewer_unit = models.ForeignKey(
        OrgUnit,
        verbose_name="评查单位",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    record_id = models.BigIntegerField("执法记录编号", null=True, blank=True)
    record_year = models.PositiveSmallIntegerField("执法记录年度", null=True, blank=True)
    subject_name = models.CharField("执法主体", max_length=120, blank=True)
    case_number = models.CharField("文书号/案号", max_length=60)
    kind = models.CharField("执法类别", max_length=12, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=FileStatus.choices, default=FileStatus.PENDING, db_index=True
    )
    score = models.DecimalField("得分", max_digits=5, decimal_places=1, null=True, blank=True)
    grade = models.CharField("等次", max_length=10, choices=Grade.choices, blank=True)
    veto = models.BooleanField("否决", default=False)
    reviewed_by = models.CharField("评查人", max_length=60, blank=True)
    submitted_on = models.DateField("评查完成日期", null=True, blank=True, db_index=True)
    return_note = models.TextField("退回意见", blank=True)

    class Meta:
        verbose_name = "评查案卷"
        verbose_name_plural = "评查案卷"
        ordering = ["campaign", "unit__path", "case_number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "case_number", "unit"], name="uniq_case_review_file"
            )
        ]

    def __str__(self) -> str:
        return self.case_number

    def get_absolute_url(self) -> str:
        return reverse("case_review_files_detail", args=[self.pk])

    @property
    def kind_label(self) -> str:
        from fazhi.enforcement_data.models import Kind

        return dict(Kind.choices).get(self.kind, self.kind)


class Mark(models.Model):
    """The reviewer's finding on one item of one file (only items with a finding)."""

    case_file = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="marks")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    instances = models.PositiveSmallIntegerField("处数", default=0)
    amount = models.DecimalField("扣分", max_digits=5, decimal_places=1, default=Decimal("0"))
    veto = models.BooleanField("否决", default=False)
    deducted = models.DecimalField("实扣分", max_digits=5, decimal_places=1, default=Decimal("0"))
    note = models.TextField("扣分说明")

    class Meta:
        verbose_name = "评查扣分"
        verbose_name_plural = "评查扣分"
        ordering = ["case_file", "item__part__order", "item__order"]
        constraints = [
            models.UniqueConstraint(fields=["case_file", "item"], name="uniq_case_review_mark")
        ]

    def __str__(self) -> str:
        return f"{self.case_file} · {self.item}"


class Rectification(models.Model):
    """整改通知 to one unit of a campaign; tracked by a plans assignment (整改任务)."""

    scope_path_field: ClassVar[tuple[str, ...]] = ("unit__path", "campaign__organiser__path")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rectifications")
    unit = models.ForeignKey(
        OrgUnit, verbose_name="整改单位", on_delete=models.PROTECT, related_name="+"
    )
    assignment = models.OneToOneField(
        "plans.Assignment",
        verbose_name="整改任务",
        on_delete=models.PROTECT,
        related_name="case_review_rectification",
    )
    issued_on = models.DateField("通知日期")
    due_on = models.DateField("整改期限")
    content = models.TextField("整改要求")

    class Meta:
        verbose_name = "整改通知"
        verbose_name_plural = "整改通知"
        ordering = ["campaign", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit"], name="uniq_case_review_rectification"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.unit} 整改"
