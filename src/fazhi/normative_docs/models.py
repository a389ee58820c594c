"""规范性文件 register: the issuing unit's documents, their filings and the 清理 campaigns.

A :class:`Document` moves through its declared workflow (:mod:`fazhi.normative_docs.workflow`):
起草 → 征求意见 → 合法性审核 → 集体审议 → 公布 (三统一: 统一登记号, 文号, 统一印发), and ends 失效
(有效期届满), 废止, 宣布失效 or 已修改重发 (replaced by a new document, ``replaces`` /
``replaced_by``). What the register *shows* (现行有效 or 失效 …) is computed from the dates and
today (:func:`fazhi.normative_docs.selectors.effective_status` and the queryset annotation), so a
document past its 有效期 shows 失效 from the day after without any sweep.

Each published document has one :class:`Filing` per 备案机关 (a government files with the next
government up and the 本级人大常委会; a department with its own government). Both the filing unit
and the receiving government see a filing (``scope_path_field`` is a tuple, as for 复议 cases).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.urls import reverse

from fazhi.core.models import TimelineEvent
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.slots import UnitSlots


class Status(models.TextChoices):
    """The stored workflow state (what is *shown* also depends on the dates: see selectors)."""

    DRAFTING = "drafting", "起草"
    CONSULTING = "consulting", "征求意见"
    REVIEWING = "reviewing", "合法性审核"
    DELIBERATED = "deliberated", "已集体审议"
    PUBLISHED = "published", "已公布"
    EXPIRED = "expired", "失效"
    REPEALED = "repealed", "已废止"
    INVALIDATED = "invalidated", "已宣布失效"
    REPLACED = "replaced", "已修改重发"


class Shown(models.TextChoices):
    """The displayed status: the stored one, except that a published document is 未施行 before
    its 施行日期, 现行有效 while in force and 失效 from the day after its 有效期."""

    DRAFTING = "drafting", "起草"
    CONSULTING = "consulting", "征求意见"
    REVIEWING = "reviewing", "合法性审核"
    DELIBERATED = "deliberated", "已集体审议"
    PENDING = "pending", "已公布未施行"
    IN_FORCE = "in_force", "现行有效"
    EXPIRED = "expired", "失效"
    REPEALED = "repealed", "已废止"
    INVALIDATED = "invalidated", "已宣布失效"
    REPLACED = "replaced", "已修改重发"


ENDED_STATUSES = (Status.EXPIRED, Status.REPEALED, Status.INVALIDATED, Status.REPLACED)
DRAFT_STATUSES = (Status.DRAFTING, Status.CONSULTING, Status.REVIEWING, Status.DELIBERATED)


class Document(UnitSlots):
    """A 行政规范性文件 of its 制定机关 (``unit``)."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    unit = models.ForeignKey(
        OrgUnit, verbose_name="制定机关", on_delete=models.PROTECT, related_name="normative_docs"
    )
    title = models.CharField("文件名称", max_length=200)
    trial = models.BooleanField(
        "暂行或试行", default=False, help_text="名称含“暂行”“试行”的，有效期按暂行、试行文件计算"
    )
    affects_rights = models.BooleanField("涉及公民、法人和其他组织权利义务", default=True)
    drafted_on = models.DateField("起草日期", db_index=True)
    drafting_office = models.CharField("起草科室", max_length=100, blank=True)
    # 征求意见
    consult_start = models.DateField("征求意见开始日期", null=True, blank=True)
    consult_end = models.DateField("征求意见截止日期", null=True, blank=True)
    consult_min_end = models.DateField("征求意见最早截止日期", null=True, blank=True)
    consult_short_reason = models.TextField("征求意见期少于法定期限的理由", blank=True)
    consult_method = models.CharField("征求意见方式", max_length=100, blank=True)
    # 合法性审核
    legality_review = models.ForeignKey(
        "legality.Review",
        verbose_name="合法性审核",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # 集体审议
    meeting = models.CharField("集体审议会议", max_length=100, blank=True)
    deliberated_on = models.DateField("集体审议日期", null=True, blank=True)
    # 签署公布（三统一）
    register_no = models.CharField("统一登记号", max_length=64, blank=True, db_index=True)
    doc_number = models.CharField("文号", max_length=64, blank=True, db_index=True)
    unified_print = models.BooleanField("统一印发", default=False)
    published_on = models.DateField("公布日期", null=True, blank=True, db_index=True)
    effective_from = models.DateField("施行日期", null=True, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True, db_index=True)
    # 终止
    ended_on = models.DateField("失效或废止日期", null=True, blank=True)
    end_reason = models.TextField("失效或废止理由", blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name="修改重发所替代的文件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.DRAFTING, db_index=True
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "规范性文件"
        verbose_name_plural = "规范性文件"
        ordering = ["-drafted_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("normative_docs_detail", args=[self.pk])

    # --- what the Excel export writes (reads the prefetched filings) ------------------------
    def _submitted(self) -> list[Filing]:
        return [x for x in self.filings.all() if x.submitted_on is not None]

    @property
    def filed_on(self) -> object:
        dates = [x.submitted_on for x in self._submitted()]
        return min(dates) if dates else None  # type: ignore[type-var]

    @property
    def filing_authority(self) -> str:
        return "、".join(x.authority_name for x in self._submitted())

    @property
    def filing_result(self) -> str:
        results = {x.result for x in self._submitted() if x.result}
        return results.pop() if len(results) == 1 else ""


class DocumentEvent(TimelineEvent):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="events")

    class Meta(TimelineEvent.Meta):
        verbose_name = "规范性文件节点"
        verbose_name_plural = "规范性文件节点"


class AuthorityKind(models.TextChoices):
    GOVERNMENT = "government", "人民政府"
    CONGRESS = "congress", "本级人大常委会"


class FilingResult(models.TextChoices):
    PENDING = "", "待审查"
    REGISTERED = "registered", "备案登记"
    SUSPENDED = "suspended", "暂缓备案登记"
    REJECTED = "rejected", "不予备案登记"


class Filing(UnitSlots):
    """The filing of one published document with one 备案机关.

    ``unit`` is the filing (制定) unit; ``authority`` the receiving government's unit (null for
    the 本级人大常委会, which is not a unit of the tree: ``authority_name`` names it). Both
    sides see the filing."""

    scope_path_field: ClassVar[tuple[str, ...]] = ("unit__path", "authority__path")
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    document = models.ForeignKey(
        Document, verbose_name="规范性文件", on_delete=models.CASCADE, related_name="filings"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name="报送单位", on_delete=models.PROTECT, related_name="+"
    )
    authority_kind = models.CharField("备案机关类别", max_length=12, choices=AuthorityKind.choices)
    authority = models.ForeignKey(
        OrgUnit,
        verbose_name="备案机关",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="normative_filings_received",
    )
    authority_name = models.CharField("备案机关名称", max_length=100)
    published_on = models.DateField("公布日期", db_index=True)
    due_on = models.DateField("报送备案期限", db_index=True)
    submitted_on = models.DateField("报送备案日期", null=True, blank=True, db_index=True)
    submitted_on_time = models.BooleanField("按期报送", null=True, blank=True)
    result = models.CharField(
        "备案结果", max_length=12, choices=FilingResult.choices, blank=True, default=""
    )
    result_on = models.DateField("备案审查结果日期", null=True, blank=True)
    result_note = models.TextField("审查意见", blank=True)
    correction_due = models.DateField("补正期限", null=True, blank=True, db_index=True)
    corrected_on = models.DateField("补正报送日期", null=True, blank=True)
    rectification = models.TextField("纠错情况", blank=True)
    rectified_on = models.DateField("纠错完成日期", null=True, blank=True)

    class Meta:
        verbose_name = "规范性文件备案"
        verbose_name_plural = "规范性文件备案"
        ordering = ["document_id", "authority_kind", "id"]

    def __str__(self) -> str:
        return f"{self.document} → {self.authority_name}"

    def get_absolute_url(self) -> str:
        """The document's page, which lists its filings (the metrics' drill-down links here)."""
        return reverse("normative_docs_detail", args=[self.document_id])


class CampaignStatus(models.TextChoices):
    OPEN = "open", "清理中"
    APPLIED = "applied", "已完成"


class Outcome(models.TextChoices):
    UNDECIDED = "", "未定"
    KEEP = "keep", "继续有效"
    REPEAL = "repeal", "宣布失效或废止"
    REVISE = "revise", "修改后重新发布"


class Campaign(UnitSlots):
    """A dated 清理 of a unit's documents: each item gets one of three outcomes."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    unit = models.ForeignKey(
        OrgUnit, verbose_name="组织清理单位", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("清理名称", max_length=200)
    held_on = models.DateField("清理日期", db_index=True)
    status = models.CharField(
        "状态", max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.OPEN
    )
    applied_on = models.DateField("清理结果公布日期", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "规范性文件清理"
        verbose_name_plural = "规范性文件清理"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("normative_cleanups_detail", args=[self.pk])


class CampaignEvent(TimelineEvent):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events")

    class Meta(TimelineEvent.Meta):
        verbose_name = "清理节点"
        verbose_name_plural = "清理节点"


class CampaignItem(UnitSlots):
    """One document in a campaign, with its outcome and reason (unit = the document's unit)."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    campaign = models.ForeignKey(
        Campaign, verbose_name="清理", on_delete=models.CASCADE, related_name="items"
    )
    document = models.ForeignKey(
        Document, verbose_name="规范性文件", on_delete=models.PROTECT, related_name="cleanups"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name="制定机关", on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField("清理日期", db_index=True)
    outcome = models.CharField(
        "清理结果", max_length=10, choices=Outcome.choices, blank=True, default=""
    )
    reason = models.TextField("理由", blank=True)

    class Meta:
        verbose_name = "清理文件"
        verbose_name_plural = "清理文件"
        ordering = ["campaign_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "document"], name="uniq_cleanup_item")
        ]

    def __str__(self) -> str:
        return f"{self.campaign}：{self.document}"

    def get_absolute_url(self) -> str:
        """The campaign's page, which lists each document's outcome and reason."""
        return reverse("normative_cleanups_detail", args=[self.campaign_id])
