"""行政应诉 register: cases by 审级, hearings with 负责人出庭, results, 司法建议 and 败诉剖析.

Rules: 行政诉讼法(2017) 第3条第3款 (负责人出庭), 最高人民法院关于行政机关负责人出庭应诉若干问题
的规定(2020) 第2、7、8、12条. One case row per 案号 (each 审级 has its own 案号), one
:class:`Hearing` row per court session, so 出庭率 can be counted per hearing or per case.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from django.db import models
from django.urls import reverse

from fazhi.core.crypto import EncryptedTextField
from fazhi.core.models import TimelineEvent
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.slots import UnitSlots
from fazhi.reconsideration.models import ActCategory, ReconsiderationCase

if TYPE_CHECKING:
    from django_stubs_ext.db.models.manager import RelatedManager


class Level(models.TextChoices):
    FIRST = "first", "一审"
    SECOND = "second", "二审"
    RETRIAL = "retrial", "再审"


class Status(models.TextChoices):
    PENDING = "pending", "审理中"
    CLOSED = "closed", "已结案"


TRANSITIONS: dict[str, dict[str, str]] = {
    Status.PENDING: {"add_hearing": Status.PENDING, "close": Status.CLOSED},
    Status.CLOSED: {},
}


class Result(models.TextChoices):
    WIN = "win", "胜诉（驳回诉讼请求）"
    DISMISSED = "dismissed", "裁定驳回起诉"
    WITHDRAWN = "withdrawn", "原告撤诉"
    MEDIATED = "mediated", "调解结案"
    LOSS_ANNUL = "loss_annul", "败诉：撤销或部分撤销"
    LOSS_ILLEGAL = "loss_illegal", "败诉：确认违法"
    LOSS_VOID = "loss_void", "败诉：确认无效"
    LOSS_PERFORM = "loss_perform", "败诉：责令履行"
    LOSS_PAY = "loss_pay", "败诉：给付"
    LOSS_VARY = "loss_vary", "败诉：变更"
    OTHER = "other", "其他"


LOSS_RESULTS = (
    Result.LOSS_ANNUL,
    Result.LOSS_ILLEGAL,
    Result.LOSS_VOID,
    Result.LOSS_PERFORM,
    Result.LOSS_PAY,
    Result.LOSS_VARY,
)


class Document(models.TextChoices):
    """The 裁判文书 that ends a case at one 审级: what may be appealed, and within how long."""

    JUDGMENT = "judgment", "判决书"
    RULING = "ruling", "裁定书"
    MEDIATION = "mediation", "调解书"


#: The document each result is given in (OTHER: entered when the service is recorded).
RESULT_DOCUMENT: dict[str, str] = {
    Result.WIN: Document.JUDGMENT,
    Result.DISMISSED: Document.RULING,
    Result.WITHDRAWN: Document.RULING,
    Result.MEDIATED: Document.MEDIATION,
    **dict.fromkeys(LOSS_RESULTS, Document.JUDGMENT),
}

#: Rulings that may be appealed (行政诉讼法解释 第一百零一条第二款: 不予立案、驳回起诉、管辖异议;
#: of the results recorded here only 驳回起诉). 准许撤诉 and other rulings may not be.
APPEALABLE_RULINGS = (Result.DISMISSED,)


class AppealDecision(models.TextChoices):
    APPEALED = "appealed", "已提起上诉"
    WAIVED = "waived", "不上诉"


class HeadCategory(models.TextChoices):
    """规定 第2条: who counts as 行政机关负责人."""

    PRINCIPAL = "principal", "正职负责人"
    DEPUTY = "deputy", "副职负责人"
    OTHER_IN_CHARGE = "other_in_charge", "其他参与分管的负责人"


class LitigationQuerySet(models.QuerySet["LitigationCase"]):
    """“Overdue” of a case, defined once (list filter, home tile, sweep, API, case page):

    * 答辩举证 (行政诉讼法第67条): a pending case whose 起诉状副本 was received, the 15 days
      have passed and no 答辩状 and evidence were recorded as submitted — late evidence counts
      as none (第34条);
    * 上诉 (第85条): a lost first-instance judgment (or appealable ruling) was served, the appeal
      period has passed and no decision (上诉 or 不上诉) was recorded.
    """

    def losses(self) -> LitigationQuerySet:
        return self.filter(is_loss=True)

    @staticmethod
    def defence_overdue_q(today: dt.date) -> models.Q:
        return models.Q(defence_due__lt=today, defence_filed_on__isnull=True, status=Status.PENDING)

    @staticmethod
    def appeal_overdue_q(today: dt.date) -> models.Q:
        return models.Q(appeal_due__lt=today, appeal_decision="", is_loss=True)

    @classmethod
    def overdue_q(cls, today: dt.date) -> models.Q:
        return cls.defence_overdue_q(today) | cls.appeal_overdue_q(today)

    def overdue(self, today: dt.date) -> LitigationQuerySet:
        return self.filter(self.overdue_q(today))

    def on_time(self, today: dt.date) -> LitigationQuerySet:
        return self.exclude(self.overdue_q(today))


class LitigationCase(UnitSlots):
    """One 行政诉讼 case at one 审级, where a unit in the tree is the 被告."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    number = models.CharField("案号", max_length=64)
    court = models.CharField("法院", max_length=100)
    level = models.CharField("审级", max_length=10, choices=Level.choices, default=Level.FIRST)
    unit = models.ForeignKey(
        OrgUnit, verbose_name="被告", on_delete=models.PROTECT, related_name="litigation_cases"
    )
    plaintiff_name = EncryptedTextField("原告", blank=True)
    cause = models.CharField("案由", max_length=200, blank=True)
    act_category = models.CharField(
        "被诉行为类别", max_length=20, choices=ActCategory.choices, default=ActCategory.OTHER
    )
    reconsideration = models.ForeignKey(
        ReconsiderationCase,
        verbose_name="关联复议案件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="litigation_cases",
    )
    filed_on = models.DateField("立案日期", db_index=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    judged_on = models.DateField("裁判日期", null=True, blank=True, db_index=True)
    result = models.CharField("裁判结果", max_length=20, choices=Result.choices, blank=True)
    result_note = models.TextField("裁判说明", blank=True)
    is_loss = models.BooleanField("败诉", default=False)
    # Kept by the hearing services, for the per-case 出庭率 and its period.
    hearing_count = models.PositiveIntegerField("开庭次数", default=0)
    first_hearing_on = models.DateField("首次开庭日期", null=True, blank=True, db_index=True)
    head_appeared = models.BooleanField("负责人出庭", default=False)
    # 答辩和举证 (行政诉讼法第67条): 15 days from receipt of the 起诉状副本; stored, indexed.
    complaint_received_on = models.DateField("收到起诉状副本日期", null=True, blank=True)
    defence_due = models.DateField("答辩举证期限", null=True, blank=True, db_index=True)
    defence_filed_on = models.DateField("提交答辩状和证据日期", null=True, blank=True)
    # 上诉 (第85条): 15 days from service of a first-instance judgment, 10 for a ruling.
    document = models.CharField("裁判文书", max_length=10, choices=Document.choices, blank=True)
    served_on = models.DateField("裁判文书送达日期", null=True, blank=True)
    appeal_due = models.DateField("上诉期限", null=True, blank=True, db_index=True)
    appeal_decision = models.CharField(
        "是否上诉", max_length=10, choices=AppealDecision.choices, blank=True
    )
    appeal_decided_on = models.DateField("上诉决定日期", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = LitigationQuerySet.as_manager()

    if TYPE_CHECKING:
        hearings: RelatedManager[Hearing]
        suggestions: RelatedManager[JudicialSuggestion]

    class Meta:
        verbose_name = "行政应诉案件"
        verbose_name_plural = "行政应诉案件"
        ordering = ["-filed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["court", "number", "unit"], name="uniq_litigation_number"
            )
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("litigation_detail", args=[self.pk])

    def defence_overdue(self, today: dt.date) -> bool:
        """In memory, what :meth:`LitigationQuerySet.defence_overdue_q` selects."""
        due = self.defence_due
        pending = self.status == Status.PENDING
        return due is not None and self.defence_filed_on is None and pending and due < today

    def appeal_overdue(self, today: dt.date) -> bool:
        """In memory, what :meth:`LitigationQuerySet.appeal_overdue_q` selects."""
        due = self.appeal_due
        return due is not None and not self.appeal_decision and self.is_loss and due < today

    def is_overdue(self, today: dt.date) -> bool:
        return self.defence_overdue(today) or self.appeal_overdue(today)

    @property
    def running_due(self) -> dt.date | None:
        """The deadline the 被告 must act by now: 答辩举证 while it is not recorded as done,
        else the 上诉 period of a lost case while no decision is recorded."""
        if self.defence_due and self.defence_filed_on is None and self.status == Status.PENDING:
            return self.defence_due
        if self.appeal_due and not self.appeal_decision and self.is_loss:
            return self.appeal_due
        return None

    @property
    def appealable(self) -> bool:
        """A first-instance judgment, or a ruling that may be appealed (第85条; 解释第101条)."""
        if self.level != Level.FIRST:
            return False
        if self.document == Document.JUDGMENT:
            return True
        return self.document == Document.RULING and self.result in APPEALABLE_RULINGS


class Hearing(UnitSlots):
    """A court session; whether a 行政机关负责人 appeared (who, post) or why not."""

    scope_path_field: ClassVar[str] = "case__unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "case__unit"}

    case = models.ForeignKey(LitigationCase, on_delete=models.CASCADE, related_name="hearings")
    held_on = models.DateField("开庭日期", db_index=True)
    head_appeared = models.BooleanField("负责人出庭")
    head_name = models.CharField("出庭负责人", max_length=40, blank=True)
    head_post = models.CharField("出庭负责人职务", max_length=60, blank=True)
    head_category = models.CharField(
        "负责人类别", max_length=20, choices=HeadCategory.choices, blank=True
    )
    absence_reason = models.TextField("未出庭理由", blank=True)
    staff_appeared = models.BooleanField("工作人员出庭", default=True)

    class Meta:
        verbose_name = "庭审记录"
        verbose_name_plural = "庭审记录"
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.case} 开庭 {self.held_on}"

    def get_absolute_url(self) -> str:
        return reverse("litigation_detail", args=[self.case_id])


class SuggestionQuerySet(models.QuerySet["JudicialSuggestion"]):
    """“Overdue” of a 司法建议, defined once: not answered and its answer deadline passed."""

    @staticmethod
    def pending_q() -> models.Q:
        return models.Q(replied_on__isnull=True)

    @staticmethod
    def overdue_q(today: dt.date) -> models.Q:
        return models.Q(replied_on__isnull=True, reply_due__lt=today)

    def pending(self) -> SuggestionQuerySet:
        return self.filter(self.pending_q())

    def overdue(self, today: dt.date) -> SuggestionQuerySet:
        return self.filter(self.overdue_q(today))


class JudicialSuggestion(models.Model):
    """司法建议 received from a court, and the unit's answer."""

    scope_path_field: ClassVar[str] = "unit__path"

    case = models.ForeignKey(
        LitigationCase,
        verbose_name="关联案件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    unit = models.ForeignKey(OrgUnit, verbose_name="收到单位", on_delete=models.PROTECT)
    court = models.CharField("发出法院", max_length=100)
    received_on = models.DateField("收到日期", db_index=True)
    content = models.TextField("建议内容")
    reply_due = models.DateField("答复期限", null=True, blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True)
    reply_note = models.TextField("答复情况", blank=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = "司法建议"
        verbose_name_plural = "司法建议"
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"{self.court} 司法建议 {self.received_on}"

    def is_overdue(self, today: dt.date) -> bool:
        """In memory, what :meth:`SuggestionQuerySet.overdue_q` selects."""
        return self.replied_on is None and self.reply_due is not None and self.reply_due < today


class LossReviewStatus(models.TextChoices):
    OPEN = "open", "待剖析"
    DONE = "done", "已完成"


class LossReview(models.Model):
    """败诉剖析 task for the 依法治办, opened after every N losses in a government's scope."""

    scope_path_field: ClassVar[str] = "unit__path"

    unit = models.ForeignKey(OrgUnit, verbose_name="剖析单位", on_delete=models.PROTECT)
    opened_on = models.DateField("启动日期")
    threshold = models.PositiveSmallIntegerField("触发败诉件数")
    status = models.CharField(
        "状态", max_length=10, choices=LossReviewStatus.choices, default=LossReviewStatus.OPEN
    )
    completed_on = models.DateField("完成日期", null=True, blank=True)
    findings = models.TextField("剖析结论", blank=True)
    covered = models.ManyToManyField(
        LitigationCase, verbose_name="涉及败诉案件", related_name="loss_reviews_covering"
    )

    class Meta:
        verbose_name = "败诉剖析"
        verbose_name_plural = "败诉剖析"
        ordering = ["-opened_on", "-id"]

    def __str__(self) -> str:
        return f"{self.unit} 败诉剖析 {self.opened_on}"

    def get_absolute_url(self) -> str:
        return reverse("loss_reviews_detail", args=[self.pk])


class LitigationEvent(TimelineEvent):
    """A dated step on the case's timeline (立案, 开庭, 裁判, 司法建议 …)."""

    case = models.ForeignKey(LitigationCase, on_delete=models.CASCADE, related_name="events")

    class Meta(TimelineEvent.Meta):
        pass
