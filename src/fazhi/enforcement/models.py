"""执法主体 (enforcement bodies) and 执法人员 (officers, with their 执法证).

* :class:`Subject` is a 执法主体 of a unit: a 法定行政机关, an organisation authorised by law
  (法律法规授权组织) or one entrusted (受委托组织), with its legal basis and 执法类别.
* :class:`Officer` is one person who holds (or applies for) an 执法证, in a unit, attached to a
  执法主体. Only 在编 staff may hold a certificate.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.urls import reverse

from fazhi.core.crypto import EncryptedTextField
from fazhi.core.models import TimelineEvent
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.slots import UnitSlots


class Category(models.TextChoices):
    """执法类别 (the ten kinds of 行政执法 behaviour)."""

    LICENSE = "license", "行政许可"
    PENALTY = "penalty", "行政处罚"
    COERCION = "coercion", "行政强制"
    LEVY = "levy", "行政征收"
    REQUISITION = "requisition", "行政征用"
    INSPECTION = "inspection", "行政检查"
    RULING = "ruling", "行政裁决"
    BENEFIT = "benefit", "行政给付"
    CONFIRMATION = "confirmation", "行政确认"
    AWARD = "award", "行政奖励"


#: The six categories of the annual 行政执法数据公开 table and of the case-level records.
DATA_CATEGORIES = (
    Category.LICENSE,
    Category.PENALTY,
    Category.COERCION,
    Category.LEVY,
    Category.REQUISITION,
    Category.INSPECTION,
)


def categories_text(codes: list[str] | None) -> str:
    """Category codes as their names, "、"-separated."""
    labels = dict(Category.choices)
    return "、".join(str(labels.get(c, c)) for c in codes or [])


class SubjectKind(models.TextChoices):
    STATUTORY = "statutory", "法定行政机关"
    AUTHORISED = "authorised", "法律法规授权组织"
    ENTRUSTED = "entrusted", "受委托组织"


class Subject(UnitSlots):
    """One 执法主体 of a unit (a department may have several, e.g. its 综合执法大队)."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    unit = models.ForeignKey(
        OrgUnit,
        verbose_name="所属单位",
        on_delete=models.PROTECT,
        related_name="enforcement_subjects",
    )
    name = models.CharField("执法主体名称", max_length=120)
    kind = models.CharField(
        "主体类别", max_length=12, choices=SubjectKind.choices, default=SubjectKind.STATUTORY
    )
    legal_basis = models.TextField("设立及执法依据", blank=True)
    # Category codes (see :class:`Category`), in order.
    categories = models.JSONField("执法类别", default=list, blank=True)
    active = models.BooleanField("有效", default=True, db_index=True)
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "执法主体"
        verbose_name_plural = "执法主体"
        ordering = ["unit__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="uniq_enforcement_subject_name")
        ]

    def __str__(self) -> str:
        return self.name

    def has_category(self, code: str) -> bool:
        return code in (self.categories or [])

    @property
    def categories_text(self) -> str:
        return categories_text(self.categories)

    def get_absolute_url(self) -> str:
        return reverse("enforcement_subjects_detail", args=[self.pk])


class CancelReason(models.TextChoices):
    """注销 reasons."""

    TRANSFER = "transfer", "调离"
    RETIRED = "retired", "退休"
    FAILED = "failed", "考试不合格"
    OTHER = "other", "其他"


class CertStatus(models.TextChoices):
    """执法证 life cycle: 申领 → 资格审查 → 考试 → 发证 → (年度注册, 换证) → 暂扣 / 注销."""

    APPLIED = "applied", "已申领"
    QUALIFIED = "qualified", "资格审查通过"
    PASSED = "passed", "考试合格"
    ISSUED = "issued", "持证"
    SUSPENDED = "suspended", "暂扣"
    CANCELLED = "cancelled", "注销"
    REJECTED = "rejected", "未通过"


class Officer(UnitSlots):
    """One 执法人员 (or applicant), with the 执法证 on the same row."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    unit = models.ForeignKey(
        OrgUnit,
        verbose_name="所在单位",
        on_delete=models.PROTECT,
        related_name="enforcement_officers",
    )
    subject = models.ForeignKey(
        Subject,
        verbose_name="执法主体",
        on_delete=models.PROTECT,
        related_name="officers",
        null=True,
        blank=True,
    )
    name = models.CharField("姓名", max_length=40)
    id_number = EncryptedTextField("身份证号码", blank=True)
    post = models.CharField("职务岗位", max_length=60, blank=True)
    on_staff = models.BooleanField("在编", default=True)
    cert_number = models.CharField("执法证号", max_length=40, blank=True, db_index=True)
    cert_issued_on = models.DateField("发证日期", null=True, blank=True)
    cert_expires_on = models.DateField("证件有效期至", null=True, blank=True, db_index=True)
    cert_warn_from = models.DateField(
        "到期预警起始日期",
        null=True,
        blank=True,
        db_index=True,
        help_text="有效期届满前的预警期间（本省规则，默认 2 个月）开始之日，随发证、换证计算",
    )
    categories = models.JSONField("执法类别", default=list, blank=True)
    legal_qualification = models.BooleanField("法律职业资格", default=False)
    legal_reviewer = models.BooleanField("法制审核人员", default=False, db_index=True)
    hearing_host = models.BooleanField("听证主持人资格", default=False)
    on_duty = models.BooleanField("在执法岗位", default=True, db_index=True)
    status = models.CharField(
        "证件状态",
        max_length=10,
        choices=CertStatus.choices,
        default=CertStatus.APPLIED,
        db_index=True,
    )
    note = models.TextField("备注", blank=True)
    # The life cycle's dates and reasons (migration 0002).
    applied_on = models.DateField("申领日期", null=True, blank=True)
    qualified_on = models.DateField("资格审查通过日期", null=True, blank=True)
    exam_on = models.DateField("考试日期", null=True, blank=True)
    suspended_on = models.DateField("暂扣日期", null=True, blank=True)
    suspend_reason = models.CharField("暂扣原因", max_length=200, blank=True)
    cancelled_on = models.DateField("注销日期", null=True, blank=True)
    cancel_reason = models.CharField(
        "注销原因", max_length=10, choices=CancelReason.choices, blank=True
    )
    end_note = models.CharField("注销或未通过说明", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "执法人员"
        verbose_name_plural = "执法人员"
        ordering = ["unit__path", "name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def categories_text(self) -> str:
        return categories_text(self.categories)

    def get_absolute_url(self) -> str:
        return reverse("enforcement_officers_detail", args=[self.pk])


class Duty(models.Model):
    """One entry of a 执法主体's 权责清单: a power it exercises, its 执法类别 and legal basis."""

    scope_path_field: ClassVar[str] = "subject__unit__path"

    subject = models.ForeignKey(
        Subject, verbose_name="执法主体", on_delete=models.CASCADE, related_name="duties"
    )
    name = models.CharField("事项名称", max_length=200)
    category = models.CharField("执法类别", max_length=12, choices=Category.choices)
    basis = models.TextField("依据", blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "权责清单事项"
        verbose_name_plural = "权责清单事项"
        ordering = ["subject", "category", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_category_display()}）"


class OfficerEvent(TimelineEvent):
    """A dated step of an officer's 执法证 life cycle (申领, 发证, 年度注册 …)."""

    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="events")

    class Meta:
        verbose_name = "执法证办理记录"
        verbose_name_plural = "执法证办理记录"
        ordering = ["on", "at", "id"]


class Registration(UnitSlots):
    """The 年度注册 of one officer's 执法证 for one year (refused when the year's training
    hours are short)."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    officer = models.ForeignKey(
        Officer, verbose_name="执法人员", on_delete=models.CASCADE, related_name="registrations"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name="所在单位", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("注册年度")
    registered_on = models.DateField("注册日期", db_index=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "执法证年度注册"
        verbose_name_plural = "执法证年度注册"
        ordering = ["officer", "year"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "year"], name="uniq_enforcement_reg_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}年度注册"


class OfficerYear(UnitSlots):
    """An officer's certificate as of a day of one year (``as_of``: 31 December, or the day of
    the last daily sweep in the current year): what the year-end metrics count (持证人数, 过期
    证件数, 法制审核人员数 and ratio). Written by :func:`fazhi.enforcement.services.year_refresh`
    (the daily sweep for the current year; the demo filler for past years)."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    officer = models.ForeignKey(
        Officer, verbose_name="执法人员", on_delete=models.CASCADE, related_name="years"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name="所在单位", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    as_of = models.DateField("统计日期", db_index=True)
    certified = models.BooleanField("持有效执法证", default=False)
    expired = models.BooleanField("执法证已过期", default=False)
    on_duty = models.BooleanField("在执法岗位", default=False)
    legal_reviewer = models.BooleanField("法制审核人员", default=False)

    class Meta:
        verbose_name = "年度持证情况"
        verbose_name_plural = "年度持证情况"
        ordering = ["year", "officer"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "year"], name="uniq_enforcement_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}年度持证情况"
