"""人民调解: committees (调解委员会), mediators (人民调解员) and dispute cases (纠纷案件).

* :class:`Committee` belongs to a unit (a township, a village, a department); its term ends a
  number of years after it started (人民调解法第九条: three years, a data parameter per
  province in :class:`CommitteeRule`).
* :class:`Mediator` serves on a committee (scoped by the committee's unit, copied on write).
* :class:`Case` is one dispute received by a committee; the parties' names, ID numbers and
  phones are encrypted and shown masked. The type of dispute is data (:class:`DisputeType`).

Every status change goes through the workflows in :mod:`fazhi.mediation.workflow`.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.urls import reverse

from fazhi.core.crypto import EncryptedTextField
from fazhi.core.models import TimelineEvent
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.slots import UnitSlots


class DisputeType(models.Model):
    """A type of dispute (婚姻家庭, 邻里 …), loaded from ``fixtures/dispute_types.json``."""

    code = models.CharField("编码", max_length=30, unique=True)
    name = models.CharField("纠纷类型", max_length=40)
    sort_order = models.PositiveIntegerField("排序", default=100)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "纠纷类型"
        verbose_name_plural = "纠纷类型"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class CommitteeRule(models.Model):
    """The committee parameters of a province from a year (empty province: every province)."""

    province_code = models.CharField("省份编码", max_length=6, blank=True)
    from_year = models.PositiveIntegerField("起用年度")
    term_years = models.PositiveIntegerField("每届任期（年）")
    min_members = models.PositiveIntegerField("委员人数下限")
    max_members = models.PositiveIntegerField("委员人数上限")
    basis = models.TextField("依据", blank=True)

    class Meta:
        verbose_name = "调解委员会参数"
        verbose_name_plural = "调解委员会参数"
        ordering = ["province_code", "from_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "from_year"], name="uniq_mediation_committee_rule"
            )
        ]

    def __str__(self) -> str:
        return f"{self.province_code or '全国'} {self.from_year}"


class CommitteeKind(models.TextChoices):
    VILLAGE = "village", "村（居）民委员会"
    TOWNSHIP = "township", "乡镇（街道）"
    ENTERPRISE = "enterprise", "企事业单位"
    INDUSTRY = "industry", "行业性专业性"
    OTHER = "other", "其他"


class CommitteeStatus(models.TextChoices):
    ACTIVE = "active", "在任"
    ENDED = "ended", "任期届满"


class Committee(UnitSlots):
    """A 人民调解委员会 of ``unit`` and its current term."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    unit = models.ForeignKey(
        OrgUnit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("调委会名称", max_length=100)
    kind = models.CharField("类型", max_length=12, choices=CommitteeKind.choices)
    director = models.CharField("主任", max_length=40)
    members = models.PositiveIntegerField("委员人数")
    term_start = models.DateField("本届任期开始日期", db_index=True)
    term_end = models.DateField("本届任期届满日期", db_index=True)
    filed_on = models.DateField("备案日期", null=True, blank=True)
    status = models.CharField(
        "状态",
        max_length=10,
        choices=CommitteeStatus.choices,
        default=CommitteeStatus.ACTIVE,
        db_index=True,
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "人民调解委员会"
        verbose_name_plural = "人民调解委员会"
        ordering = ["unit__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="uniq_mediation_committee")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("mediation_committees_detail", args=[self.pk])


class CommitteeEvent(TimelineEvent):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="events")

    class Meta(TimelineEvent.Meta):
        pass


class MediatorKind(models.TextChoices):
    FULL_TIME = "full", "专职"
    PART_TIME = "part", "兼职"


class MediatorStatus(models.TextChoices):
    ACTIVE = "active", "在任"
    LEFT = "left", "离任"


class Mediator(UnitSlots):
    """A 人民调解员 of a committee (the unit is the committee's, copied on write)."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    committee = models.ForeignKey(
        Committee, verbose_name="调委会", on_delete=models.PROTECT, related_name="mediators"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("姓名", max_length=40)
    kind = models.CharField("专兼职", max_length=6, choices=MediatorKind.choices)
    phone = EncryptedTextField("联系电话", blank=True)
    last_trained_on = models.DateField("最近培训日期", null=True, blank=True)
    trainings_this_year = models.PositiveIntegerField("本年度参加培训次数", default=0)
    status = models.CharField(
        "状态",
        max_length=10,
        choices=MediatorStatus.choices,
        default=MediatorStatus.ACTIVE,
        db_index=True,
    )
    joined_on = models.DateField("聘任日期", db_index=True)
    left_on = models.DateField("离任日期", null=True, blank=True)

    class Meta:
        verbose_name = "人民调解员"
        verbose_name_plural = "人民调解员"
        ordering = ["committee__name", "name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("mediation_mediators_detail", args=[self.pk])

    @property
    def committee_name(self) -> str:
        return self.committee.name


class MediatorEvent(TimelineEvent):
    mediator = models.ForeignKey(Mediator, on_delete=models.CASCADE, related_name="events")

    class Meta(TimelineEvent.Meta):
        pass


class Source(models.TextChoices):
    APPLICATION = "application", "当事人申请"
    OWN = "own", "调委会主动调解"
    COURT = "court", "人民法院委派"
    POLICE = "police", "公安机关委派"
    OTHER = "other", "其他部门委派"


class CaseStatus(models.TextChoices):
    RECEIVED = "received", "已受理"
    SUCCESS = "success", "调解成功"
    FAILED = "failed", "调解不成"
    TERMINATED = "terminated", "终止调解"


class AgreementKind(models.TextChoices):
    WRITTEN = "written", "书面协议"
    ORAL = "oral", "口头协议"


class Performance(models.TextChoices):
    PERFORMED = "performed", "已履行"
    UNPERFORMED = "unperformed", "未履行"


class ConfirmationResult(models.TextChoices):
    VALID = "valid", "确认有效"
    REJECTED = "rejected", "驳回申请"


class Case(UnitSlots):
    """One dispute received by a committee (scoped by the committee's unit, copied on write)."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    committee = models.ForeignKey(
        Committee, verbose_name="调委会", on_delete=models.PROTECT, related_name="cases"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField("编号", max_length=40, db_index=True)
    received_on = models.DateField("受理日期", db_index=True)
    source = models.CharField("纠纷来源", max_length=12, choices=Source.choices)
    dispute_type = models.ForeignKey(
        DisputeType, verbose_name="纠纷类型", on_delete=models.PROTECT, related_name="cases"
    )
    #: the type's code, copied when the case is received: the per-type metrics filter on it, so
    #: that they read the case table alone and can be kept as monthly facts (a filter through
    #: the type table could not); type codes are stable identifiers (the sync never changes one)
    dispute_code = models.CharField("纠纷类型编码", max_length=20, editable=False, default="")
    applicant_name = EncryptedTextField("申请方当事人")
    applicant_id_number = EncryptedTextField("申请方证件号码", blank=True)
    applicant_phone = EncryptedTextField("申请方联系电话", blank=True)
    respondent_name = EncryptedTextField("对方当事人")
    respondent_id_number = EncryptedTextField("对方证件号码", blank=True)
    respondent_phone = EncryptedTextField("对方联系电话", blank=True)
    mediators = models.CharField("调解员", max_length=200, blank=True)
    summary = models.TextField("纠纷简要情况", blank=True)
    amount = models.PositiveIntegerField("涉及金额（元）", null=True, blank=True)
    status = models.CharField(
        "状态",
        max_length=12,
        choices=CaseStatus.choices,
        default=CaseStatus.RECEIVED,
        db_index=True,
    )
    concluded_on = models.DateField("办结日期", null=True, blank=True, db_index=True)
    agreement_kind = models.CharField(
        "协议形式", max_length=10, choices=AgreementKind.choices, blank=True
    )
    agreement_on = models.DateField("协议生效日期", null=True, blank=True)
    terms = models.TextField("协议主要内容", blank=True)
    performance_due = models.DateField("履行期限", null=True, blank=True)
    routes = models.CharField("告知的其他途径", max_length=60, blank=True)
    end_reason = models.TextField("终止调解原因", blank=True)
    performance = models.CharField(
        "履行情况", max_length=12, choices=Performance.choices, blank=True
    )
    performance_on = models.DateField("履行情况登记日期", null=True, blank=True)
    confirmation_due = models.DateField("司法确认申请期限", null=True, blank=True, db_index=True)
    confirmation_applied_on = models.DateField(
        "申请司法确认日期", null=True, blank=True, db_index=True
    )
    confirmation_court = models.CharField("受理法院", max_length=100, blank=True)
    confirmation_result = models.CharField(
        "司法确认结果", max_length=10, choices=ConfirmationResult.choices, blank=True
    )
    confirmation_result_on = models.DateField("司法确认结果日期", null=True, blank=True)
    police_reported_on = models.DateField("报告公安机关日期", null=True, blank=True)
    police_note = models.TextField("报告情况", blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "人民调解案件"
        verbose_name_plural = "人民调解案件"
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("mediation_cases_detail", args=[self.pk])


class CaseEvent(TimelineEvent):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")

    class Meta(TimelineEvent.Meta):
        pass
