"""行政复议 register: cases, their suspensions, opinion letters and timeline events.

The allowed transitions are declared in ``workflow.py`` (one runner changes ``status``).
Deadlines are stored, indexed ``DateField``s recomputed by the runner
from the deadline rules (行政复议法 2023, 第30、31、62、76条) whenever a date they depend on
changes. ``current_due`` is the deadline now running, so "overdue" is one indexed comparison.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from django.db import models
from django.urls import reverse
from django.utils import timezone

from fazhi.core.crypto import EncryptedTextField, blind_index, phone_digits
from fazhi.core.models import TimelineEvent
from fazhi.core.value_groups import value_group
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.slots import RespondentSlots, UnitSlots

if TYPE_CHECKING:
    from django_stubs_ext.db.models.manager import RelatedManager


class Status(models.TextChoices):
    REVIEWING = "reviewing", "收到·审查中"
    CORRECTING = "correcting", "补正中"
    ACCEPTED = "accepted", "已受理·审理中"
    SUSPENDED = "suspended", "中止"
    NOT_ACCEPTED = "not_accepted", "不予受理"
    ABANDONED = "abandoned", "视为放弃申请"
    WITHDRAWN = "withdrawn", "受理前撤回申请"
    CLOSED = "closed", "审结"


OPEN_STATUSES = (Status.REVIEWING, Status.CORRECTING, Status.ACCEPTED, Status.SUSPENDED)


class ApplicantKind(models.TextChoices):
    PERSON = "person", "自然人"
    LEGAL_PERSON = "legal_person", "法人"
    OTHER_ORG = "other_org", "其他组织"


class Channel(models.TextChoices):
    IN_PERSON = "in_person", "当面递交"
    POST = "post", "邮寄"
    ONLINE = "online", "网上申请"
    ORAL = "oral", "口头申请"
    FORWARDED = "forwarded", "经作出行政行为的机关转送"


class ActCategory(models.TextChoices):
    PENALTY = "penalty", "行政处罚"
    LICENSING = "licensing", "行政许可"
    INFO_DISCLOSURE = "info_disclosure", "政府信息公开"
    COMPLAINT = "complaint", "举报投诉处理"
    EXPROPRIATION = "expropriation", "行政征收"
    COMPULSION = "compulsion", "行政强制"
    INACTION = "inaction", "行政不作为"
    CONFIRMATION = "confirmation", "行政确认"
    AGREEMENT = "agreement", "行政协议"
    OTHER = "other", "其他"


class Procedure(models.TextChoices):
    ORDINARY = "ordinary", "普通程序"
    SIMPLE = "simple", "简易程序"


class AcceptanceKind(models.TextChoices):
    DECIDED = "decided", "决定受理"
    DEEMED = "deemed", "视为受理"


class Outcome(models.TextChoices):
    VARY = "vary", "变更"
    ANNUL = "annul", "撤销"
    PARTIAL_ANNUL = "partial_annul", "部分撤销"
    CONFIRM_ILLEGAL = "confirm_illegal", "确认违法"
    CONFIRM_VOID = "confirm_void", "确认无效"
    ORDER_PERFORM = "order_perform", "责令履行"
    UPHOLD = "uphold", "维持"
    # 第69条: the 不履行法定职责 claim fails on the merits (no such duty, or already performed).
    REJECT_CLAIM = "reject_claim", "驳回行政复议请求"
    # 第33条: accepted, then found not to meet the 受理 conditions of 第30条第一款 (procedural).
    DISMISS_APPLICATION = "dismiss_application", "驳回行政复议申请"
    MEDIATION = "mediation", "调解"
    SETTLED_WITHDRAWN = "settled_withdrawn", "和解后撤回"
    COORDINATED_WITHDRAWN = "coordinated_withdrawn", "协调后撤回"
    OTHER_WITHDRAWN = "other_withdrawn", "其他撤回"
    TERMINATED = "terminated", "终止"
    # 第71条 行政协议: the respondent's conduct of the agreement was unlawful (第一款), or its
    # lawful change or rescission was not compensated (第二款).
    AGREEMENT_PERFORM = "agreement_perform", "责令依法订立、继续履行行政协议或采取补救措施"
    AGREEMENT_DAMAGES = "agreement_damages", "责令赔偿损失（行政协议）"
    AGREEMENT_COMPENSATION = "agreement_compensation", "责令依法给予合理补偿（行政协议）"


#: The register's metric fixture: its ``value_groups`` name the outcome groups once.
METRIC_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "metrics.json"

#: Outcomes that correct the act (纠错): 第六十三条至第六十七条 and, from the 2026 version of
#: the definitions, the 行政协议 remedies of 第七十一条. The fixture's group ``correcting``
#: (the current one), which the 纠错 metric definitions count; 驳回行政复议申请 (第33条) and
#: 驳回行政复议请求 (第69条) are not 纠错.
CORRECTING_OUTCOMES = tuple(Outcome(v) for v in value_group(METRIC_FIXTURE, "correcting"))


class IncidentalMode(models.TextChoices):
    """附带审查 of a 规范性文件 or 依据 (第56、57条): handled by the 复议机关 or transferred."""

    HANDLE = "handle", "本机关有权处理（三十日内处理）"
    TRANSFER = "transfer", "无权处理（七个工作日内转送有权机关）"


class SuspensionGround(models.TextChoices):
    """行政复议法 第39条第一款 (numbered as in the statute)."""

    G1 = "1", "（一）作为申请人的自然人死亡，其近亲属尚未确定是否参加行政复议"
    G2 = "2", "（二）作为申请人的自然人丧失参加行政复议的行为能力，尚未确定法定代理人"
    G3 = "3", "（三）作为申请人的自然人下落不明"
    G4 = "4", "（四）作为申请人的法人或者其他组织终止，尚未确定权利义务承受人"
    G5 = "5", "（五）申请人、被申请人因不可抗力或者其他正当理由，不能参加行政复议"
    G6 = "6", "（六）依照本法规定进行调解、和解，申请人和被申请人同意中止"
    G7 = "7", "（七）案件涉及法律适用问题，需要有权机关作出解释或者确认"
    G8 = "8", "（八）案件审理需要以其他案件的审理结果为依据，而其他案件尚未审结"
    G9 = "9", "（九）有本法第五十六条或者第五十七条规定的情形"
    G10 = "10", "（十）需要中止行政复议的其他情形"


#: The descriptive fields a clerk may edit (not the status or the dates that drive deadlines);
#: the edit form and ``services.case_update`` both use this list.
EDITABLE_FIELDS = (
    "authority",
    "respondent",
    "respondent_name",
    "applicant_kind",
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "channel",
    "act_category",
    "matter",
    "known_on",
    "late_reason",
    "forwarded_on",
    "outcome_note",
)


class CaseQuerySet(models.QuerySet["ReconsiderationCase"]):
    def open(self) -> CaseQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    @staticmethod
    def overdue_q(today: dt.date) -> models.Q:
        """Open cases whose running deadline has passed (the one definition of “逾期”)."""
        return models.Q(status__in=OPEN_STATUSES, current_due__lt=today)

    def overdue(self, today: dt.date) -> CaseQuerySet:
        """Open cases whose running deadline has passed."""
        return self.filter(self.overdue_q(today))

    def on_time(self, today: dt.date) -> CaseQuerySet:
        """Open cases whose running deadline has not passed (or none runs)."""
        return self.open().exclude(current_due__lt=today)


class ReconsiderationCase(UnitSlots, RespondentSlots):
    """One 行政复议 application, from receipt to its closing decision."""

    # Both the 复议机构 and the 被申请人 see the case (scoping.scope_q).
    scope_path_field: ClassVar[tuple[str, ...]] = ("unit__path", "respondent__path")
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit", "resp_d": "respondent"}

    number = models.CharField("复议案号", max_length=64)
    # The unit that keeps the register: the 行政复议机构 (usually the 司法局) acting for the
    # 复议机关 (the government, named in ``authority``). Its subtree's figures include the case.
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name="承办机构",
        on_delete=models.PROTECT,
        related_name="reconsideration_cases",
    )
    authority = models.CharField("复议机关", max_length=100)
    respondent = models.ForeignKey(
        OrgUnit,
        verbose_name="被申请人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reconsideration_respondent_cases",
    )
    respondent_name = models.CharField(
        "被申请人名称", max_length=100, help_text="被申请人不在本系统单位树内时填写"
    )
    applicant_kind = models.CharField(
        "申请人类别", max_length=20, choices=ApplicantKind.choices, default=ApplicantKind.PERSON
    )
    applicant_name = EncryptedTextField("申请人", blank=True)
    applicant_id_number = EncryptedTextField("申请人证件号码", blank=True)
    applicant_phone = EncryptedTextField("申请人联系电话", blank=True)
    # Keyed digests (core.crypto.blind_index) for exact-match search of the encrypted fields
    # (issue 13 item 19): a full name, ID number or phone finds the case, none is stored plain.
    applicant_index = models.CharField(
        "申请人证件号码检索码", max_length=64, blank=True, db_index=True, editable=False
    )
    applicant_name_index = models.CharField(
        "申请人姓名检索码", max_length=64, blank=True, db_index=True, editable=False
    )
    applicant_phone_index = models.CharField(
        "申请人电话检索码", max_length=64, blank=True, db_index=True, editable=False
    )
    received_on = models.DateField("收到申请日期", db_index=True)
    channel = models.CharField(
        "申请方式", max_length=20, choices=Channel.choices, default=Channel.IN_PERSON
    )
    act_category = models.CharField("行政行为类别", max_length=20, choices=ActCategory.choices)
    matter = models.TextField("申请事项", blank=True)
    # 申请期限 (第20条): 60 days from the day the applicant knew (or should have known) of the
    # act; a late application is flagged at intake, not refused (第20条第二款: 正当理由).
    known_on = models.DateField("知道或者应当知道行政行为日期", null=True, blank=True)
    application_due = models.DateField("申请期限", null=True, blank=True)
    late_reason = models.TextField(
        "逾期申请的理由",
        blank=True,
        help_text="因不可抗力或者其他正当理由耽误申请期限的，申请期限自障碍消除之日起继续计算"
        "（第二十条第二款）",
    )
    # 转送 (第32条): applications handed in through the agency that imposed the penalty.
    forwarded_on = models.DateField(
        "作出处罚决定的机关收到申请日期",
        null=True,
        blank=True,
        help_text="通过作出行政处罚决定的行政机关提交申请的（第三十二条）填写",
    )
    transfer_due = models.DateField("转送期限", null=True, blank=True)

    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.REVIEWING, db_index=True
    )
    # 补正 (第31条)
    correction_notified_on = models.DateField("补正通知日期", null=True, blank=True)
    correction_due = models.DateField("补正期限", null=True, blank=True)
    correction_received_on = models.DateField("收到补正材料日期", null=True, blank=True)
    # 受理审查 (第30条): from receipt, or from receipt of the corrected application.
    review_due = models.DateField("受理审查期限", null=True, blank=True)
    accepted_on = models.DateField("受理日期", null=True, blank=True, db_index=True)
    acceptance_kind = models.CharField(
        "受理情况", max_length=20, choices=AcceptanceKind.choices, blank=True
    )
    withdrawn_on = models.DateField("撤回申请日期", null=True, blank=True)
    refused_on = models.DateField("不予受理决定日期", null=True, blank=True, db_index=True)
    refusal_reason = models.TextField("不予受理理由", blank=True)
    procedure = models.CharField("审理程序", max_length=20, choices=Procedure.choices, blank=True)
    # 审理期限 (第62条), suspension days excluded (第39条), extension (≤30日, 普通程序).
    decision_due = models.DateField("审理期限", null=True, blank=True)
    extension_approved_on = models.DateField("延期批准日期", null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField("延长天数", null=True, blank=True)
    suspended_days = models.PositiveIntegerField("中止天数", default=0)
    # The start of the suspension running now (None unless 中止), so lists show the days
    # suspended without reading the suspensions.
    suspended_since = models.DateField("本次中止日期", null=True, blank=True)
    # 听证 (第51条): the notice is due 5 working days before the hearing.
    hearing_on = models.DateField("听证日期", null=True, blank=True)
    hearing_notified_on = models.DateField("听证通知日期", null=True, blank=True)
    hearing_notice_due = models.DateField("听证通知期限", null=True, blank=True)
    # 附带审查 (第56–58条): 30 days to handle, or 7 working days to transfer.
    incidental_on = models.DateField("附带审查起算日期", null=True, blank=True)
    incidental_mode = models.CharField(
        "附带审查处理方式", max_length=10, choices=IncidentalMode.choices, blank=True
    )
    incidental_due = models.DateField("附带审查期限", null=True, blank=True)
    incidental_done_on = models.DateField("附带审查处理（转送）日期", null=True, blank=True)
    closed_on = models.DateField("结案日期", null=True, blank=True, db_index=True)
    outcome = models.CharField("结案方式", max_length=30, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField("结案说明", blank=True)
    # 起诉期限 (行政诉讼法第45条): 15 days from the applicant's receipt of the 决定书.
    decision_served_on = models.DateField("复议决定书送达日期", null=True, blank=True)
    sue_due = models.DateField("申请人起诉期限", null=True, blank=True)
    closed_on_time = models.BooleanField("法定期限内结案", null=True, blank=True)
    handling_days = models.PositiveIntegerField("办理天数", null=True, blank=True)
    # The deadline running now (review / correction / decision); None when none runs.
    current_due = models.DateField("当前期限", null=True, blank=True, db_index=True)

    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = CaseQuerySet.as_manager()

    if TYPE_CHECKING:
        suspensions: RelatedManager[Suspension]
        letters: RelatedManager[OpinionLetter]
        events: RelatedManager[CaseEvent]

    class Meta:
        verbose_name = "行政复议案件"
        verbose_name_plural = "行政复议案件"
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="uniq_reconsideration_number")
        ]
        indexes = [
            models.Index(fields=["status", "current_due"]),
            models.Index(fields=["unit", "closed_on"]),
        ]

    def __str__(self) -> str:
        return self.number

    def set_search_indexes(self) -> None:
        """Refresh the blind indexes from the applicant's name, ID number and phone."""
        self.applicant_index = blind_index(self.applicant_id_number)
        self.applicant_name_index = blind_index(self.applicant_name)
        self.applicant_phone_index = blind_index(phone_digits(self.applicant_phone))

    def get_absolute_url(self) -> str:
        return reverse("reconsideration_detail", args=[self.pk])

    @property
    def respondent_display(self) -> str:
        return (
            self.respondent.name if self.respondent_id and self.respondent else self.respondent_name
        )

    def is_overdue(self, today: dt.date) -> bool:
        return (
            self.status in OPEN_STATUSES
            and self.current_due is not None
            and (self.current_due < today)
        )

    @property
    def filed_late(self) -> bool:
        """Received after the 申请期限 (第20条): flagged, still admissible for good reason."""
        return self.application_due is not None and self.received_on > self.application_due

    @property
    def transferred_late(self) -> bool:
        """转送 later than the 第32条 period."""
        return self.transfer_due is not None and self.received_on > self.transfer_due

    def hearing_notice_overdue(self, today: dt.date) -> bool:
        """A hearing is set, no notice yet, and the last day to notify has passed (第51条)."""
        due = self.hearing_notice_due
        return due is not None and self.hearing_notified_on is None and due < today

    def days_suspended(self, today: dt.date) -> int | None:
        """Days of the suspension running now (None when not suspended)."""
        if self.status != Status.SUSPENDED or self.suspended_since is None:
            return None
        return (today - self.suspended_since).days

    @property
    def status_label(self) -> str:
        """The state as lists show it: 中止 with the days suspended (“中止（已中止62日）”)."""
        days = self.days_suspended(timezone.localdate())
        label = self.get_status_display()
        return f"{label}（已中止{days}日）" if days is not None else label

    @property
    def open_suspension(self) -> Suspension | None:
        """The suspension running now (None when the case is not suspended)."""
        if self.status != Status.SUSPENDED:
            return None
        return self.suspensions.filter(resumed_on__isnull=True).first()

    @property
    def termination_prompt(self) -> str:
        """The prompt to 终止 when the running suspension is past its limit (第41条(五))."""
        pause = self.open_suspension
        return pause.limit_prompt(timezone.localdate()) if pause is not None else ""

    @property
    def hearing_notice_late(self) -> bool:
        return self.hearing_notice_overdue(timezone.localdate())

    @property
    def incidental_late(self) -> bool:
        return self.incidental_overdue(timezone.localdate()) or (
            self.incidental_due is not None
            and self.incidental_done_on is not None
            and self.incidental_done_on > self.incidental_due
        )

    def incidental_overdue(self, today: dt.date) -> bool:
        """附带审查 neither handled nor transferred within its period (第56、57条)."""
        due = self.incidental_due
        return due is not None and self.incidental_done_on is None and due < today


class Suspension(models.Model):
    """A 中止 period (第39条); its days are excluded from the 审理期限."""

    case = models.ForeignKey(
        ReconsiderationCase, on_delete=models.CASCADE, related_name="suspensions"
    )
    ground = models.CharField("中止情形", max_length=4, choices=SuspensionGround.choices)
    suspended_on = models.DateField("中止日期")
    resumed_on = models.DateField("恢复日期", null=True, blank=True)
    note = models.TextField("说明", blank=True)
    # 第41条第一款第五项: a suspension on ground 1, 2 or 4 that lasts 60 days → 终止.
    limit_due = models.DateField("中止满期日期", null=True, blank=True)

    class Meta:
        verbose_name = "中止记录"
        verbose_name_plural = "中止记录"
        ordering = ["suspended_on", "id"]

    def __str__(self) -> str:
        return f"{self.case} 中止 {self.suspended_on}"

    def days(self, today: dt.date) -> int:
        """Days suspended so far (to the resumption, or to ``today``)."""
        return ((self.resumed_on or today) - self.suspended_on).days

    def past_limit(self, today: dt.date) -> bool:
        """Still suspended on a limited ground past its limit (第41条(五): 满六十日)."""
        return self.resumed_on is None and self.limit_due is not None and self.limit_due < today

    @property
    def days_so_far(self) -> int:
        """Days suspended to the resumption, or to today while still suspended."""
        return self.days(timezone.localdate())

    @property
    def is_past_limit(self) -> bool:
        return self.past_limit(timezone.localdate())

    def limit_prompt(self, today: dt.date) -> str:
        """The prompt to 终止 for a suspension past its limit ("" otherwise)."""
        if not self.past_limit(today):
            return ""
        assert self.limit_due is not None
        return (
            f"本案自{self.suspended_on:%Y年%-m月%-d日}起依第三十九条第一款第{self.ground}项"
            f"中止，已中止{self.days(today)}日，超过{self.limit_due:%Y年%-m月%-d日}届满的中止"
            "期限；中止原因仍未消除的，应当决定终止行政复议（第四十一条第一款第五项）"
        )


class LetterKind(models.TextChoices):
    OPINION = "opinion", "行政复议意见书"
    SUGGESTION = "suggestion", "行政复议建议书"


class LetterQuerySet(models.QuerySet["OpinionLetter"]):
    """“Overdue” of a 意见书/建议书, defined once: no report yet and its deadline passed."""

    @staticmethod
    def overdue_q(today: dt.date) -> models.Q:
        return models.Q(replied_on__isnull=True, reply_due__lt=today)

    def overdue(self, today: dt.date) -> LetterQuerySet:
        return self.filter(self.overdue_q(today))


class OpinionLetter(models.Model):
    """行政复议意见书 / 建议书 (第76条): the recipient reports its correction within 60 days."""

    case = models.ForeignKey(ReconsiderationCase, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField("文书类别", max_length=20, choices=LetterKind.choices)
    recipient = models.ForeignKey(
        OrgUnit, verbose_name="收文单位", null=True, blank=True, on_delete=models.PROTECT
    )
    recipient_name = models.CharField("收文单位名称", max_length=100, blank=True)
    issued_on = models.DateField("制发日期")
    served_on = models.DateField("送达日期")
    reply_due = models.DateField("报送整改情况期限", db_index=True)
    replied_on = models.DateField("报送整改情况日期", null=True, blank=True)
    content = models.TextField("主要内容", blank=True)
    reply_note = models.TextField("整改情况", blank=True)

    objects = LetterQuerySet.as_manager()

    class Meta:
        verbose_name = "意见书/建议书"
        verbose_name_plural = "意见书/建议书"
        ordering = ["issued_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.case}）"

    def is_overdue(self, today: dt.date) -> bool:
        """In memory, what :meth:`LetterQuerySet.overdue_q` selects."""
        return self.replied_on is None and self.reply_due < today


class CaseEvent(TimelineEvent):
    """A dated step on the case's timeline (收到, 受理, 中止, 恢复, 延期, 审结, 意见书 …)."""

    case = models.ForeignKey(ReconsiderationCase, on_delete=models.CASCADE, related_name="events")

    class Meta(TimelineEvent.Meta):
        pass
