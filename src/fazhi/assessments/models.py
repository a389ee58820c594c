"""考核, 督察 and 示范创建: versioned indicator systems, campaigns, each unit's evaluation with
one answer per indicator, reviewers, objections (异议) and the 问题 that become 整改 tasks."""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any, ClassVar

from django.db import models

from fazhi.orgs.models import OrgUnit
from fazhi.orgs.slots import UnitSlots


class Kind(models.TextChoices):
    ANNUAL = "annual", "年度考核"
    INSPECTION = "inspection", "督察"
    DEMONSTRATION = "demonstration", "示范创建"
    SPECIAL = "special", "专项考核"


class SystemStatus(models.TextChoices):
    DRAFT = "draft", "草稿（可修改）"
    FROZEN = "frozen", "已冻结"


class IndicatorSystem(models.Model):
    """One version of an indicator system. A frozen version never changes (past campaigns
    keep their scores); a new version is a copy (``based_on``) edited as a draft."""

    owner = models.ForeignKey(
        OrgUnit,
        verbose_name="制定单位",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="留空：系统内置，所有单位可用",
    )
    name = models.CharField("指标体系名称", max_length=120)
    kind = models.CharField("用途", max_length=16, choices=Kind.choices, default=Kind.ANNUAL)
    version = models.PositiveSmallIntegerField("版本", default=1)
    based_on = models.ForeignKey(
        "self",
        verbose_name="复制自",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=8, choices=SystemStatus.choices, default=SystemStatus.DRAFT
    )
    province_code = models.CharField("适用省份代码", max_length=2, blank=True)
    source = models.TextField("来源", blank=True)
    confidence = models.CharField("可信度", max_length=40, blank=True)
    grades = models.JSONField(
        "档次", default=list, blank=True, help_text='如 [["优秀", 90], ["良好", 80], ["合格", 60]]'
    )
    bonus_cap = models.DecimalField(
        "加分上限", max_digits=6, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    frozen_at = models.DateTimeField("冻结时间", null=True, blank=True)

    class Meta:
        verbose_name = "指标体系"
        verbose_name_plural = "指标体系"
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name", "version"], name="uniq_assessment_system_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"

    @property
    def is_frozen(self) -> bool:
        return self.status == SystemStatus.FROZEN


class IndicatorKind(models.TextChoices):
    SCORE = "score", "计分"
    BONUS = "bonus", "加分"
    VETO = "veto", "一票否决"


class Rule(models.TextChoices):
    NONE = "", "按下级指标合计"
    THRESHOLD = "threshold", "达标判断（未达标扣分）"
    LINEAR = "linear", "按比例计分"
    PER_COUNT = "per_count", "按件（次）扣分"
    CHECKLIST = "checklist", "佐证清单"
    REVIEWER = "reviewer", "评审打分"


class Answerer(models.TextChoices):
    REGISTER = "register", "系统台账"
    UNIT = "unit", "被考核单位填报"
    REVIEWER = "reviewer", "评审人员"
    THIRD_PARTY = "third_party", "第三方评估"
    SURVEY = "survey", "满意度测评"


class Indicator(models.Model):
    """One indicator (一级/二级/三级…) of a system, with its points and scoring rule."""

    system = models.ForeignKey(
        IndicatorSystem,
        verbose_name="指标体系",
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级指标",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    order = models.PositiveIntegerField("顺序", default=0)
    code = models.CharField("编号", max_length=20)
    level = models.PositiveSmallIntegerField("层级", default=1)
    name = models.CharField("指标名称", max_length=200)
    standard = models.TextField("考核标准", blank=True)
    points = models.DecimalField("分值", max_digits=6, decimal_places=2, default=Decimal("0"))
    kind = models.CharField(
        "类型", max_length=8, choices=IndicatorKind.choices, default=IndicatorKind.SCORE
    )
    rule = models.CharField("计分规则", max_length=12, choices=Rule.choices, blank=True)
    params = models.JSONField("规则参数", default=dict, blank=True)
    cap = models.DecimalField(
        "扣分上限", max_digits=6, decimal_places=2, null=True, blank=True, help_text="留空：分值"
    )
    answered_by = models.CharField(
        "数据来源", max_length=12, choices=Answerer.choices, default=Answerer.REVIEWER
    )
    metric_code = models.CharField("统计指标编码", max_length=80, blank=True)
    evidence = models.JSONField(
        "佐证要求",
        default=list,
        blank=True,
        help_text='如 [{"type": "文件", "count": 1, "text": "…"}]',
    )

    class Meta:
        verbose_name = "考核指标"
        verbose_name_plural = "考核指标"
        ordering = ["system", "order"]
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="uniq_assessment_indicator")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_leaf_rule(self) -> bool:
        return bool(self.rule)


class Status(models.TextChoices):
    DRAFT = "draft", "筹备中"
    SELF = "self", "单位自评"
    REVIEW = "review", "审核评分"
    PUBLICITY = "publicity", "结果公示（异议期）"
    FROZEN = "frozen", "已定档"


class Mode(models.TextChoices):
    NONE = "", "—"
    WRITTEN = "written", "书面督察"
    ONSITE = "onsite", "实地督察"


class Campaign(UnitSlots):
    """A 考核 / 督察 / 示范创建申报 of an organiser in a year, against one frozen system version."""

    scope_path_field: ClassVar[str] = "organiser__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "organiser"}

    organiser = models.ForeignKey(
        OrgUnit, verbose_name="组织单位", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类别", max_length=16, choices=Kind.choices, default=Kind.ANNUAL)
    year = models.PositiveSmallIntegerField("考核年度", db_index=True)
    title = models.CharField("名称", max_length=200)
    system = models.ForeignKey(
        IndicatorSystem,
        verbose_name="指标体系",
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    status = models.CharField("阶段", max_length=10, choices=Status.choices, default=Status.DRAFT)
    self_due = models.DateField("自评截止日期")
    review_due = models.DateField("评分截止日期")
    objection_due = models.DateField("异议截止日期", null=True, blank=True)
    published_on = models.DateField("公示日期", null=True, blank=True)
    frozen_on = models.DateField("定档日期", null=True, blank=True)
    mode = models.CharField("督察方式", max_length=8, choices=Mode.choices, blank=True)
    visit_from = models.DateField("实地督察开始", null=True, blank=True)
    visit_to = models.DateField("实地督察结束", null=True, blank=True)
    rectify_days = models.PositiveSmallIntegerField(
        "整改期限（日）", default=60, help_text="问题下发后整改的自然日数，每次活动自定"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.CharField("创建人", max_length=150, blank=True)

    class Meta:
        verbose_name = "考核活动"
        verbose_name_plural = "考核活动"
        ordering = ["-year", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status in (Status.PUBLICITY, Status.FROZEN)

    @property
    def is_frozen(self) -> bool:
        return self.status == Status.FROZEN


class PeerGroup(models.TextChoices):
    DEPARTMENT = "department", "县直部门"
    TOWNSHIP = "township", "乡镇（街道）"
    OTHER = "other", "其他单位"


class EvalStatus(models.TextChoices):
    PENDING = "pending", "待自评"
    SUBMITTED = "submitted", "已提交自评"
    REVIEWED = "reviewed", "已评分"


class Evaluation(UnitSlots):
    """One assessed unit in one campaign: its answers, totals, rank and the 减负 counts."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    campaign = models.ForeignKey(
        Campaign, verbose_name="考核活动", on_delete=models.CASCADE, related_name="evaluations"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name="被考核单位", on_delete=models.PROTECT, related_name="+"
    )
    peer_group = models.CharField("排名分组", max_length=12, choices=PeerGroup.choices)
    year_on = models.DateField(
        "考核年度", db_index=True, help_text="考核年度的1月1日（统计指标按考核年度归期）"
    )
    status = models.CharField(
        "状态", max_length=10, choices=EvalStatus.choices, default=EvalStatus.PENDING
    )
    self_note = models.TextField("自评说明", blank=True)
    submitted_at = models.DateTimeField("自评提交时间", null=True, blank=True)
    total = models.DecimalField("得分", max_digits=7, decimal_places=2, null=True, blank=True)
    base = models.DecimalField("基本分", max_digits=7, decimal_places=2, null=True, blank=True)
    bonus = models.DecimalField("加分", max_digits=7, decimal_places=2, null=True, blank=True)
    vetoed = models.BooleanField("一票否决", default=False)
    grade = models.CharField("档次", max_length=10, blank=True)
    rank = models.PositiveSmallIntegerField("组内排名", null=True, blank=True)
    pending = models.PositiveSmallIntegerField("待评审指标数", default=0)
    prefilled = models.PositiveSmallIntegerField("系统预填指标数", default=0)
    typed_fields = models.PositiveIntegerField("单位填写项数", default=0)
    uploaded_files = models.PositiveIntegerField("单位上传文件数", default=0)
    reused = models.PositiveIntegerField("引用平台已有材料数", default=0)
    opinion = models.TextField("督察意见", blank=True)
    opinion_on = models.DateField("督察意见日期", null=True, blank=True)
    visited_on = models.DateField("实地督察日期", null=True, blank=True)
    interviews = models.TextField("个别谈话", blank=True, help_text="谈话对象和要点")
    documents_checked = models.TextField("查阅资料", blank=True)

    class Meta:
        verbose_name = "单位考核"
        verbose_name_plural = "单位考核"
        ordering = ["campaign", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="uniq_assessment_evaluation")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.unit}"


class Reviewer(models.Model):
    """A reviewing unit of a campaign and the indicators it scores (a branch: all below it).
    A reviewer never scores its own unit's evaluation."""

    scope_path_field: ClassVar[str] = "unit__path"

    campaign = models.ForeignKey(
        Campaign, verbose_name="考核活动", on_delete=models.CASCADE, related_name="reviewers"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name="评审单位", on_delete=models.PROTECT, related_name="+"
    )
    indicators = models.ManyToManyField(Indicator, verbose_name="评审的指标", related_name="+")

    class Meta:
        verbose_name = "评审单位"
        verbose_name_plural = "评审单位"
        ordering = ["campaign", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="uniq_assessment_reviewer")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.unit}"


class Source(models.TextChoices):
    REGISTER = "register", "系统台账"
    UNIT = "unit", "单位填报"
    REVIEWER = "reviewer", "评审"


class Answer(models.Model):
    """One indicator of one evaluation: the register's figure (prefilled, frozen at opening and
    refreshed until review), what the unit said, the reviewer's verdict and the result."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name="单位考核", on_delete=models.CASCADE, related_name="answers"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField("数据来源", max_length=10, choices=Source.choices)
    figure = models.DecimalField("数值", max_digits=16, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField("分子", max_digits=16, decimal_places=4, null=True, blank=True)
    denominator = models.IntegerField("分母", null=True, blank=True)
    display = models.CharField("显示", max_length=40, blank=True)
    metric_version = models.PositiveSmallIntegerField("统计指标版本", null=True, blank=True)
    drill_url = models.CharField("明细链接", max_length=500, blank=True)
    prefilled_at = models.DateTimeField("取数时间", null=True, blank=True)
    self_note = models.TextField("自评说明", blank=True)
    self_deduction = models.DecimalField(
        "自评扣分", max_digits=6, decimal_places=2, null=True, blank=True
    )
    checks = models.JSONField("佐证清单（单位）", default=list, blank=True)
    refs = models.JSONField("引用的平台材料", default=list, blank=True)
    review_deduction = models.DecimalField(
        "评审扣分（加分）", max_digits=6, decimal_places=2, null=True, blank=True
    )
    review_checks = models.JSONField("佐证清单（评审认定）", null=True, blank=True)
    veto_found = models.BooleanField("评审认定否决", null=True, blank=True)
    review_note = models.TextField("评审意见", blank=True)
    override = models.DecimalField("复核分", max_digits=6, decimal_places=2, null=True, blank=True)
    override_reason = models.TextField("复核理由", blank=True)
    reviewed_by = models.CharField("评审人", max_length=150, blank=True)
    reviewed_at = models.DateTimeField("评审时间", null=True, blank=True)
    applied = models.DecimalField(
        "扣分（加分）", max_digits=7, decimal_places=2, null=True, blank=True
    )
    reason = models.TextField("计分说明", blank=True)

    class Meta:
        verbose_name = "指标得分"
        verbose_name_plural = "指标得分"
        ordering = ["evaluation", "indicator__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "indicator"], name="uniq_assessment_answer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} · {self.indicator}"


def answer_file_path(instance: AnswerFile, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"assessments/{instance.answer.evaluation.campaign_id}/{secrets.token_hex(16)}.{suffix}"


class AnswerFile(models.Model):
    """A file a unit uploaded for an indicator (counted in the 减负 figure)."""

    answer = models.ForeignKey(
        Answer, verbose_name="指标得分", on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField("文件", upload_to=answer_file_path, max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=100)
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.CharField("上传人", max_length=150)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "考核佐证材料"
        verbose_name_plural = "考核佐证材料"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class ObjectionStatus(models.TextChoices):
    FILED = "filed", "待答复"
    UPHELD = "upheld", "异议成立（已改分）"
    REJECTED = "rejected", "异议不成立"


class Objection(models.Model):
    """异议: an assessed unit disputes one indicator's result during the 公示 window."""

    scope_path_field: ClassVar[str] = "evaluation__unit__path"

    evaluation = models.ForeignKey(
        Evaluation, verbose_name="单位考核", on_delete=models.CASCADE, related_name="objections"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField("异议理由")
    evidence = models.TextField("依据材料", blank=True)
    filed_by = models.CharField("提出人", max_length=150)
    filed_at = models.DateTimeField("提出时间", auto_now_add=True)
    status = models.CharField(
        "处理结果", max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.FILED
    )
    answer = models.TextField("答复", blank=True)
    answered_by = models.CharField("答复人", max_length=150, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    before = models.DecimalField("原扣分", max_digits=7, decimal_places=2, null=True, blank=True)
    after = models.DecimalField("改后扣分", max_digits=7, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "考核异议"
        verbose_name_plural = "考核异议"
        ordering = ["-filed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.evaluation.unit} · {self.indicator}"


class Finding(UnitSlots):
    """问题: a deduction or a 督察 finding that the unit must 整改, tracked as a plans task."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    campaign = models.ForeignKey(
        Campaign, verbose_name="考核活动", on_delete=models.CASCADE, related_name="findings"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name="责任单位", on_delete=models.PROTECT, related_name="+"
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name="指标",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    text = models.TextField("问题")
    due_on = models.DateField("整改期限")
    assignment = models.OneToOneField(
        "plans.Assignment",
        verbose_name="整改任务",
        on_delete=models.SET_NULL,
        related_name="assessment_finding",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField("下发时间", auto_now_add=True)

    class Meta:
        verbose_name = "考核问题"
        verbose_name_plural = "考核问题"
        ordering = ["campaign", "pk"]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def done(self) -> bool:
        from fazhi.plans.models import AssignmentStatus

        return self.assignment is not None and self.assignment.status == AssignmentStatus.COMPLETED


def decimal_or_none(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))
