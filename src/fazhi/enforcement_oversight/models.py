"""三项制度 registers of the 行政执法监督 (国办发〔2018〕118号; 行政处罚法 第39、47、48、58条).

* :class:`Disclosure` — one 事前公示 item of a 执法主体 (主体信息、人员、职责 … 流程图), with the
  date and place it was published; the subject page shows which of :class:`DisclosureItem` are
  missing.
* :class:`RecordingItem` — one line of a 执法主体's 音像记录事项清单 (全过程记录).
* :class:`Withdrawal` — 公示撤回: a published 行政处罚/许可 decision was 变更/撤销/确认违法/
  确认无效,
  its information must be withdrawn within 3 working days (第48条; rule
  ``enforcement_oversight.withdrawal``).
* :class:`MajorDecision` — 重大执法决定法制审核 (第58条): no decision before a 合法性审查 (category
  ``enforcement``) concluded 合法 or 修改后合法.
* :class:`Publication` — the annual 行政执法数据公开 of a 执法主体 (six categories, due 1月31日 of
  the next year; rule ``enforcement_oversight.publication``).

Every row carries the 执法主体's ``unit`` (scope and tree slots); statuses change only through
the workflows in :mod:`fazhi.enforcement_oversight.workflow`.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.db import models
from django.urls import reverse

from fazhi.core.models import TimelineEvent
from fazhi.enforcement.models import Category, Subject
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.slots import UnitSlots


class DisclosureItem(models.TextChoices):
    """事前公示 items (国办发〔2018〕118号; 行政处罚法 第39条)."""

    SUBJECT = "subject", "执法主体信息"
    STAFF = "staff", "执法人员"
    DUTIES = "duties", "职责"
    POWERS = "powers", "权限"
    BASIS = "basis", "执法依据"
    PROCEDURE = "procedure", "执法程序"
    REMEDIES = "remedies", "救济渠道"
    SPOT_CHECKS = "spot_checks", "随机抽查事项清单"
    GUIDE = "guide", "服务指南"
    FLOWCHART = "flowchart", "执法流程图"


class Disclosure(UnitSlots):
    """One 事前公示 item of a 执法主体."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    unit = models.ForeignKey(
        OrgUnit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="+"
    )
    subject = models.ForeignKey(
        Subject, verbose_name="执法主体", on_delete=models.PROTECT, related_name="disclosures"
    )
    item = models.CharField("公示事项", max_length=16, choices=DisclosureItem.choices)
    published_on = models.DateField("公示日期", db_index=True)
    place = models.CharField("公示载体（网址）", max_length=300)
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "事前公示事项"
        verbose_name_plural = "事前公示事项"
        ordering = ["unit__path", "subject_id", "item"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "item"], name="uniq_eo_disclosure_item")
        ]

    def __str__(self) -> str:
        return f"{self.subject}·{self.get_item_display()}"


class RecordingMethod(models.TextChoices):
    AUDIO_VIDEO = "av", "全程音像记录"
    TEXT = "text", "文字记录"


class RecordingItem(UnitSlots):
    """One line of a 执法主体's 音像记录事项清单 (行政处罚法 第47条)."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    unit = models.ForeignKey(
        OrgUnit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="+"
    )
    subject = models.ForeignKey(
        Subject, verbose_name="执法主体", on_delete=models.PROTECT, related_name="recording_items"
    )
    matter = models.CharField("执法事项", max_length=200)
    category = models.CharField("执法类别", max_length=12, choices=Category.choices)
    method = models.CharField(
        "记录方式",
        max_length=6,
        choices=RecordingMethod.choices,
        default=RecordingMethod.AUDIO_VIDEO,
    )
    basis = models.CharField("依据", max_length=300, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "音像记录事项"
        verbose_name_plural = "音像记录事项清单"
        ordering = ["unit__path", "subject_id", "id"]

    def __str__(self) -> str:
        return self.matter


# --- 公示撤回 -----------------------------------------------------------------------------
class DecisionKind(models.TextChoices):
    PENALTY = "penalty", "行政处罚决定"
    LICENSE = "license", "行政许可决定"


class ChangeKind(models.TextChoices):
    """What happened to the published decision (行政处罚法 第48条第二款)."""

    VARIED = "varied", "变更"
    ANNULLED = "annulled", "撤销"
    UNLAWFUL = "unlawful", "确认违法"
    VOID = "void", "确认无效"


class WithdrawalStatus(models.TextChoices):
    PENDING = "pending", "待撤回"
    OVERDUE = "overdue", "逾期未撤回"
    WITHDRAWN = "withdrawn", "已撤回"


class Withdrawal(UnitSlots):
    """A published decision that must be withdrawn (撤回公示并说明理由)."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    unit = models.ForeignKey(
        OrgUnit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="+"
    )
    subject = models.ForeignKey(
        Subject, verbose_name="执法主体", on_delete=models.PROTECT, related_name="withdrawals"
    )
    document_number = models.CharField("决定文书号", max_length=80)
    decision_kind = models.CharField(
        "决定类别", max_length=10, choices=DecisionKind.choices, default=DecisionKind.PENALTY
    )
    change_kind = models.CharField("变动情形", max_length=10, choices=ChangeKind.choices)
    changed_on = models.DateField(
        "变动日期", db_index=True, help_text="决定被变更、撤销、确认违法或确认无效之日"
    )
    due_on = models.DateField("撤回期限", db_index=True, editable=False)
    withdrawn_on = models.DateField("撤回日期", null=True, blank=True)
    explanation = models.TextField("公开说明的理由", blank=True)
    on_time = models.BooleanField("按时撤回", null=True, blank=True, editable=False)
    status = models.CharField(
        "状态",
        max_length=10,
        choices=WithdrawalStatus.choices,
        default=WithdrawalStatus.PENDING,
        db_index=True,
    )
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "公示撤回"
        verbose_name_plural = "公示撤回"
        ordering = ["-changed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.document_number}（{self.get_change_kind_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("eo_withdrawals_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status != WithdrawalStatus.WITHDRAWN

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.due_on < today


class WithdrawalEvent(TimelineEvent):
    withdrawal = models.ForeignKey(Withdrawal, on_delete=models.CASCADE, related_name="events")

    class Meta(TimelineEvent.Meta):
        pass


# --- 重大执法决定法制审核 -------------------------------------------------------------------
class MajorCase(models.TextChoices):
    """The four statutory cases (行政处罚法 第58条第一款)."""

    PUBLIC_INTEREST = "public_interest", "（一）涉及重大公共利益"
    HEARING = "hearing", "（二）直接关系当事人或者第三人重大权益，经过听证程序"
    COMPLEX = "complex", "（三）案件情况疑难复杂、涉及多个法律关系"
    OTHER_LAW = "other_law", "（四）法律、法规规定应当进行法制审核的其他情形"


ARTICLE_58 = (
    "《行政处罚法》第五十八条：有下列情形之一，在行政机关负责人作出行政处罚的决定之前，应当由从事"
    "行政处罚决定法制审核的人员进行法制审核；未经法制审核或者审核未通过的，不得作出决定："
    "（一）涉及重大公共利益的；（二）直接关系当事人或者第三人重大权益，经过听证程序的；"
    "（三）案件情况疑难复杂、涉及多个法律关系的；（四）法律、法规规定应当进行法制审核的其他情形。"
)


class MajorStatus(models.TextChoices):
    REGISTERED = "registered", "已登记"
    REVIEWING = "reviewing", "法制审核中"
    DECIDED = "decided", "已作出决定"


class MajorDecision(UnitSlots):
    """One 重大执法决定 that must pass 法制审核 before the head decides."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    unit = models.ForeignKey(
        OrgUnit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="+"
    )
    subject = models.ForeignKey(
        Subject, verbose_name="执法主体", on_delete=models.PROTECT, related_name="major_decisions"
    )
    case_number = models.CharField("文书号/案号", max_length=80)
    title = models.CharField("案件名称", max_length=200)
    category = models.CharField(
        "执法类别", max_length=12, choices=Category.choices, default=Category.PENALTY
    )
    major_case = models.CharField(
        "法制审核情形", max_length=16, choices=MajorCase.choices, help_text=ARTICLE_58
    )
    proposal = models.TextField("拟作出的决定")
    registered_on = models.DateField("登记日期", db_index=True)
    submitted_on = models.DateField("送法制审核日期", null=True, blank=True)
    sent_for_review = models.BooleanField("已送法制审核", default=False, editable=False)
    legality_review = models.ForeignKey(
        "legality.Review",
        verbose_name="合法性审查",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_on = models.DateField("决定日期", null=True, blank=True, db_index=True)
    decision = models.TextField("决定内容", blank=True)
    status = models.CharField(
        "状态",
        max_length=10,
        choices=MajorStatus.choices,
        default=MajorStatus.REGISTERED,
        db_index=True,
    )
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "重大执法决定"
        verbose_name_plural = "重大执法决定"
        ordering = ["-registered_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "case_number"], name="uniq_eo_major_case_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("eo_major_detail", args=[self.pk])


class MajorDecisionEvent(TimelineEvent):
    decision = models.ForeignKey(MajorDecision, on_delete=models.CASCADE, related_name="events")

    class Meta(TimelineEvent.Meta):
        pass


# --- 行政执法数据公开 ------------------------------------------------------------------------
class PublicationStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    OVERDUE = "overdue", "逾期未公开"
    PUBLISHED = "published", "已公开"
    REPORTED = "reported", "已报送"


#: States in which the table is out (公开).
OUT_STATUSES = (PublicationStatus.PUBLISHED, PublicationStatus.REPORTED)


class Publication(UnitSlots):
    """The annual 行政执法数据公开 of one 执法主体 for one year."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    unit = models.ForeignKey(
        OrgUnit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="+"
    )
    subject = models.ForeignKey(
        Subject, verbose_name="执法主体", on_delete=models.PROTECT, related_name="publications"
    )
    year = models.PositiveSmallIntegerField("数据年度", db_index=True)
    due_on = models.DateField("公开期限", db_index=True, editable=False)
    # {category code: count, or null for 无相关行政执法职责}, frozen when published.
    counts = models.JSONField("公开的数据", default=dict, blank=True, editable=False)
    published_on = models.DateField("公开日期", null=True, blank=True)
    place = models.CharField("公开载体（网址）", max_length=300, blank=True)
    explanation = models.TextField("情况说明", blank=True)
    on_time = models.BooleanField("按时公开", null=True, blank=True, editable=False)
    reported_on = models.DateField("报送日期", null=True, blank=True)
    reported_to = models.CharField("报送机关", max_length=200, blank=True)
    status = models.CharField(
        "状态",
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        db_index=True,
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "行政执法数据公开"
        verbose_name_plural = "行政执法数据公开"
        ordering = ["-year", "unit__path", "subject_id"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "year"], name="uniq_eo_publication_year")
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.year}年度行政执法数据"

    def get_absolute_url(self) -> str:
        return reverse("eo_publications_detail", args=[self.pk])

    @property
    def is_out(self) -> bool:
        return self.status in OUT_STATUSES


class PublicationEvent(TimelineEvent):
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="events")

    class Meta(TimelineEvent.Meta):
        pass


class InspectionAlert(UnitSlots):
    """A stored 涉企重复检查 alert: the enterprise ``credit_code`` inspected by ``first_unit``
    on ``first_on`` and by another unit ``days`` later (within ``window_days``).

    Derived data, never edited: the 执法数据 ingest recomputes the alerts of the enterprises
    each batch inspected (:func:`~fazhi.enforcement_oversight.services.alerts_refresh`), and
    ``fazhi enforcement_alerts`` / the daily sweep a whole year (a new window rule, the scale
    seeder). The pages read this table (a province's year: some 400,000 rows) instead of
    running the window query over 10M records. Both units' tree slots are kept: an alert is
    seen from either unit's subtree (``unit_d*`` the later unit, ``first_d*`` the earlier),
    through ``visible_to`` on the slots (``scope_by_slots``)."""

    scope_path_field: ClassVar[tuple[str, ...]] = ("unit__path", "first_unit__path")
    scope_by_slots: ClassVar[bool] = True
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit", "first_d": "first_unit"}

    year = models.PositiveSmallIntegerField("年度")  # of the later inspection
    credit_code = models.CharField("统一社会信用代码", max_length=18)
    first_record = models.PositiveBigIntegerField("前次检查记录")
    first_unit = models.ForeignKey(
        OrgUnit, verbose_name="前次检查单位", on_delete=models.CASCADE, related_name="+"
    )
    first_on = models.DateField("前次检查日期")
    record = models.PositiveBigIntegerField("本次检查记录")
    unit = models.ForeignKey(
        OrgUnit, verbose_name="本次检查单位", on_delete=models.CASCADE, related_name="+"
    )
    second_on = models.DateField("本次检查日期")
    days = models.PositiveSmallIntegerField("间隔天数")
    window_days = models.PositiveSmallIntegerField("预警时间窗口（天）")
    first_d0 = models.PositiveBigIntegerField(
        "前次单位层级0", null=True, blank=True, editable=False
    )
    first_d1 = models.PositiveBigIntegerField(
        "前次单位层级1", null=True, blank=True, editable=False
    )
    first_d2 = models.PositiveBigIntegerField(
        "前次单位层级2", null=True, blank=True, editable=False
    )
    first_d3 = models.PositiveBigIntegerField(
        "前次单位层级3", null=True, blank=True, editable=False
    )
    first_d4 = models.PositiveBigIntegerField(
        "前次单位层级4", null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = "涉企重复检查预警"
        verbose_name_plural = "涉企重复检查预警"
        ordering = ["year", "second_on", "credit_code", "record"]
        indexes = [
            models.Index(
                fields=["year", "second_on", "credit_code", "record"], name="eo_alert_order_idx"
            ),
            models.Index(fields=["credit_code", "second_on"], name="eo_alert_code_idx"),
            models.Index(fields=["first_d1"], name="eo_alert_first_d1_idx"),
            models.Index(fields=["first_d2"], name="eo_alert_first_d2_idx"),
            models.Index(fields=["first_d3"], name="eo_alert_first_d3_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.credit_code} {self.first_on}/{self.second_on}"


class AlertRun(models.Model):
    """When the alerts of a year were last computed as a whole, and with which window: the
    daily sweep recomputes a year whose window rule has changed since."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    window_days = models.PositiveSmallIntegerField("预警时间窗口（天）")
    alerts = models.PositiveIntegerField("预警数", default=0)
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = "涉企重复检查预警计算"
        verbose_name_plural = "涉企重复检查预警计算"

    def __str__(self) -> str:
        return f"{self.year}年度预警（{self.window_days}天）"
