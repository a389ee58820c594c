"""备案审查机关 side of the 规范性文件 register: citizens' 审查建议 (法规规章备案审查条例 第12条).

A :class:`Suggestion` is sent from the public library on the portal about one published
document and lands in the register of the 备案审查机关 the document is filed with (the
receiving government of its government filing; see
:func:`fazhi.filing_review.selectors.authority_of`).
The handling workflow is 收到 → 研究处理 → 已答复 (:mod:`fazhi.filing_review.workflow`);
``due_on`` is computed from the rule ``filing_review.suggestion_reply`` (a parameter).

The proposer's name, contact and the text are personal data: stored encrypted
(:class:`fazhi.core.crypto.EncryptedTextField`), masked in lists, exports, history and the
audit log, shown in full only to the handler on the detail page.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.urls import reverse

from fazhi.core.crypto import EncryptedTextField
from fazhi.core.models import TimelineEvent
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.slots import UnitSlots


class Status(models.TextChoices):
    RECEIVED = "received", "收到"
    STUDYING = "studying", "研究处理"
    ANSWERED = "answered", "已答复"


OPEN_STATUSES = (Status.RECEIVED, Status.STUDYING)


class Channel(models.TextChoices):
    PORTAL = "portal", "门户网站"
    LETTER = "letter", "书面来信"


class Result(models.TextChoices):
    NONE = "", "—"
    CORRECT = "correct", "建议制定机关纠正"
    CORRECTED = "corrected", "制定机关已自行纠正"
    NO_CONFLICT = "no_conflict", "经研究不存在抵触"
    OUT_OF_SCOPE = "out_of_scope", "不属于审查范围，已告知"


class Suggestion(UnitSlots):
    """A 审查建议 about a 规范性文件, in the register of the 备案审查机关 (``unit``)."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    unit = models.ForeignKey(
        OrgUnit,
        verbose_name="备案审查机关",
        on_delete=models.PROTECT,
        related_name="filing_suggestions",
    )
    document = models.ForeignKey(
        "normative_docs.Document",
        verbose_name="规范性文件",
        on_delete=models.PROTECT,
        related_name="review_suggestions",
    )
    number = models.CharField("编号", max_length=40, db_index=True)
    channel = models.CharField(
        "来源", max_length=10, choices=Channel.choices, default=Channel.PORTAL
    )
    received_on = models.DateField("收到日期", db_index=True)
    applicant_name = EncryptedTextField("建议人")
    contact_phone = EncryptedTextField("联系方式")  # phone or e-mail; the name masks it in logs
    text = EncryptedTextField("建议内容")
    due_on = models.DateField("答复期限", db_index=True)
    studied_on = models.DateField("开始研究处理日期", null=True, blank=True)
    answered_on = models.DateField("答复日期", null=True, blank=True, db_index=True)
    result = models.CharField(
        "处理结果", max_length=14, choices=Result.choices, blank=True, default=""
    )
    reply = models.TextField("答复意见", blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "审查建议"
        verbose_name_plural = "审查建议"
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("review_suggestions_detail", args=[self.pk])


class SuggestionEvent(TimelineEvent):
    case = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="events")

    class Meta(TimelineEvent.Meta):
        verbose_name = "审查建议节点"
        verbose_name_plural = "审查建议节点"
