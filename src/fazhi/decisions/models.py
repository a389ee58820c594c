"""重大行政决策 register (重大行政决策程序暂行条例, 国务院令第713号).

* :class:`Catalogue` — the 决策事项目录 of a 决策机关 for a year (第三条第三款): version, the
  同级党委同意 date, publication date and URL. An adjustment is a new version that names the one
  it replaces (``previous``); publishing it marks the old one 已调整.
* :class:`Decision` — one 重大行政决策 of a 决策机关 (``unit``: a county government; departments
  and townships use the register 参照, 第四十二条), with its 决策承办单位 (``lead_unit``, 第十一条).
  Its status changes only through :data:`fazhi.decisions.workflow.DECISIONS`.
* :class:`ProcedureKind` — the procedures of the 条例 as data (``fixtures/procedure_kinds.json``):
  article, whether mandatory, whether and on what ground 不适用 may be recorded.
* :class:`Procedure` — one row per decision and kind (the checklist): 待办 / 已完成 / 不适用 /
  探索性改革例外, dates, details and evidence files (:class:`ProcedureFile`).
* ``Decision.procedures_complete`` is stored and indexed (kept by the workflow's ``recalc``):
  the numerator of 程序完整率.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import ClassVar

from django.db import models
from django.urls import reverse
from django.utils import timezone

from fazhi.core.models import TimelineEvent
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.slots import UnitSlots


class CatalogueStatus(models.TextChoices):
    DRAFT = "draft", "待公布"
    PUBLISHED = "published", "已公布"
    SUPERSEDED = "superseded", "已调整"


class Catalogue(UnitSlots):
    """决策事项目录 of ``unit`` for ``year`` (one row per version)."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    unit = models.ForeignKey(
        OrgUnit,
        verbose_name="决策机关",
        on_delete=models.PROTECT,
        related_name="decision_catalogues",
    )
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    version = models.PositiveSmallIntegerField("版本", default=1)
    title = models.CharField("目录名称", max_length=120)
    previous = models.ForeignKey(
        "self",
        verbose_name="调整前版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adjustments",
    )
    adjustment_reason = models.TextField("调整理由", blank=True)
    drawn_up_on = models.DateField("编制日期")
    party_approved_on = models.DateField("同级党委同意日期", null=True, blank=True)
    published_on = models.DateField("公布日期", null=True, blank=True, db_index=True)
    url = models.URLField("公布网址", max_length=300, blank=True)
    status = models.CharField(
        "状态",
        max_length=12,
        choices=CatalogueStatus.choices,
        default=CatalogueStatus.DRAFT,
        db_index=True,
    )
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "决策事项目录"
        verbose_name_plural = "决策事项目录"
        ordering = ["-year", "-version", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "version"], name="uniq_decision_catalogue_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）"

    def get_absolute_url(self) -> str:
        return reverse("catalogues_detail", args=[self.pk])


class CatalogueEvent(TimelineEvent):
    catalogue = models.ForeignKey(Catalogue, on_delete=models.CASCADE, related_name="events")

    class Meta(TimelineEvent.Meta):
        pass


class Category(models.TextChoices):
    """决策事项 (第三条第一款)."""

    POLICY = "policy", "重大公共政策和措施"
    PLAN = "plan", "经济和社会发展等方面的重要规划"
    RESOURCE = "resource", "开发利用、保护重要自然资源和文化资源"
    PROJECT = "project", "重大公共建设项目"
    OTHER = "other", "其他重大事项"


class Proposer(models.TextChoices):
    """Who proposed the decision (第十条)."""

    LEADER = "leader", "决策机关领导人员"
    DEPARTMENT = "department", "所属部门或下一级人民政府"
    DEPUTY = "deputy", "人大代表、政协委员"
    PUBLIC = "public", "公民、法人或者其他组织"


class Status(models.TextChoices):
    LISTED = "listed", "已立项"
    DRAFTING = "drafting", "论证中"
    REVIEW = "review", "待审查"
    DISCUSSION = "discussion", "待集体讨论"
    DECIDED = "decided", "已决定"
    PUBLISHED = "published", "已公布"
    IMPLEMENTING = "implementing", "执行中"
    EVALUATING = "evaluating", "后评估中"
    EVALUATED = "evaluated", "已后评估"
    DROPPED = "dropped", "已终止"


class MeetingKind(models.TextChoices):
    STANDING = "standing", "常务会议"
    PLENARY = "plenary", "全体会议"


class EvaluationTrigger(models.TextChoices):
    """第三十六条第一款."""

    BELOW = "below", "实施后明显未达到预期效果"
    OPINIONS = "opinions", "公民、法人或者其他组织提出较多意见"
    NECESSARY = "necessary", "决策机关认为有必要"


class Decision(UnitSlots):
    """One 重大行政决策 of ``unit`` (the 决策机关) drafted by ``lead_unit`` (the 承办单位)."""

    # The 决策机关 and the 承办单位 both see it.
    scope_path_field: ClassVar[tuple[str, ...]] = ("unit__path", "lead_unit__path")
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    unit = models.ForeignKey(
        OrgUnit, verbose_name="决策机关", on_delete=models.PROTECT, related_name="decisions"
    )
    lead_unit = models.ForeignKey(
        OrgUnit, verbose_name="承办单位", on_delete=models.PROTECT, related_name="decisions_led"
    )
    catalogue = models.ForeignKey(
        Catalogue,
        verbose_name="决策事项目录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    title = models.CharField("决策事项", max_length=200)
    category = models.CharField("事项类别", max_length=10, choices=Category.choices)
    proposer = models.CharField(
        "建议提出方", max_length=12, choices=Proposer.choices, default=Proposer.LEADER
    )
    listed_on = models.DateField("纳入目录日期", db_index=True)
    exploratory = models.BooleanField("探索性改革决策事项", default=False)
    legal_risk = models.TextField("明示的法律风险", blank=True)
    legality_review = models.ForeignKey(
        "legality.Review",
        verbose_name="合法性审查",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_on = models.DateField("启动论证日期", null=True, blank=True)
    consultation_end = models.DateField("征求意见截止日期", null=True, blank=True, db_index=True)
    hearing_on = models.DateField("听证会日期", null=True, blank=True, db_index=True)
    decided_on = models.DateField("集体讨论日期", null=True, blank=True, db_index=True)
    meeting = models.CharField("会议", max_length=120, blank=True)
    meeting_kind = models.CharField(
        "会议类型", max_length=10, choices=MeetingKind.choices, blank=True
    )
    published_on = models.DateField("公布日期", null=True, blank=True, db_index=True)
    execution_unit = models.ForeignKey(
        OrgUnit,
        verbose_name="决策执行单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions_executed",
    )
    evaluation_trigger = models.CharField(
        "后评估情形", max_length=10, choices=EvaluationTrigger.choices, blank=True
    )
    evaluator = models.CharField("后评估单位", max_length=120, blank=True)
    evaluation_started_on = models.DateField("启动后评估日期", null=True, blank=True, db_index=True)
    evaluated_on = models.DateField("后评估完成日期", null=True, blank=True)
    ended_on = models.DateField("终止日期", null=True, blank=True)
    end_reason = models.TextField("终止理由", blank=True)
    procedures_complete = models.BooleanField(
        "法定程序完整",
        default=False,
        db_index=True,
        help_text="必经程序均已完成或依法不适用（由系统维护）",
    )
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.LISTED, db_index=True
    )
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "重大行政决策"
        verbose_name_plural = "重大行政决策"
        ordering = ["-listed_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("decisions_detail", args=[self.pk])

    # --- the checklist, read from the prefetched rows (exports and the list) ----------------
    def procedure(self, code: str) -> Procedure | None:
        for row in self.procedures.all():
            if row.kind_id == code:
                return row
        return None

    def _field(self, code: str, name: str) -> object:
        row = self.procedure(code)
        if row is None or row.state == ProcedureState.NOT_APPLICABLE:
            return None
        return getattr(row, name)

    # Excel export columns (the import's keys, see excel.py)
    @property
    def year(self) -> int:
        return self.listed_on.year

    @property
    def not_applicable_text(self) -> str:
        return "；".join(
            f"{row.kind.name}：{row.na_reason}"
            for row in self.procedures.all()
            if row.state == ProcedureState.NOT_APPLICABLE
        )

    @property
    def participation_on(self) -> object:
        return self._field("participation", "started_on")

    @property
    def participation_methods(self) -> object:
        return self._field("participation", "methods")

    @property
    def shortened_reason(self) -> object:
        return self._field("participation", "shortened_reason")

    @property
    def expert_on(self) -> object:
        return self._field("expert", "done_on")

    @property
    def expert_by(self) -> object:
        return self._field("expert", "performed_by")

    @property
    def expert_participants(self) -> object:
        return self._field("expert", "participants")

    @property
    def risk_on(self) -> object:
        return self._field("risk", "done_on")

    @property
    def risk_by(self) -> object:
        return self._field("risk", "performed_by")

    @property
    def risk_points(self) -> object:
        return self._field("risk", "risk_points")

    @property
    def risk_measures(self) -> object:
        return self._field("risk", "measures")

    @property
    def risk_controllable(self) -> object:
        return self._field("risk", "risk_controllable")

    @property
    def party_report_on(self) -> object:
        return self._field("party_report", "done_on")

    @property
    def publication_methods(self) -> object:
        return self._field("publication", "methods")

    @property
    def archived_on(self) -> object:
        return self._field("archive", "done_on")

    @property
    def positions_text(self) -> str:
        return "\n".join(
            "，".join(
                part for part in (m.name, m.post, m.get_position_display(), m.opinion)
            ).rstrip("，")
            for m in self.positions.all()
        )

    @property
    def review_unit(self) -> object:
        review = self.legality_review
        return review.unit if review is not None else None

    @property
    def submitted_on(self) -> object:
        review = self.legality_review
        return review.received_on if review is not None else None

    @property
    def legality_conclusion(self) -> str:
        review = self.legality_review
        return str(review.conclusion) if review is not None else ""

    @property
    def legality_completed_on(self) -> object:
        review = self.legality_review
        return review.completed_on if review is not None else None


class DecisionEvent(TimelineEvent):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="events")

    class Meta(TimelineEvent.Meta):
        pass


class ProcedureKind(models.Model):
    """A procedure of the 条例 (data: ``fixtures/procedure_kinds.json``, editable)."""

    code = models.SlugField("编码", max_length=30, primary_key=True)
    name = models.CharField("名称", max_length=40)
    article = models.CharField("条例条款", max_length=60)
    mandatory = models.BooleanField("必经程序", default=True)
    na_allowed = models.BooleanField("可以不适用", default=False)
    na_ground = models.CharField("不适用的依据", max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)

    class Meta:
        verbose_name = "决策程序"
        verbose_name_plural = "决策程序"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class ProcedureState(models.TextChoices):
    PENDING = "pending", "待办"
    DONE = "done", "已完成"
    NOT_APPLICABLE = "na", "不适用"
    EXCEPTION = "exception", "探索性改革（明示法律风险）"


#: States that satisfy a mandatory procedure (不适用 only where the kind allows it).
SATISFIED = (ProcedureState.DONE, ProcedureState.NOT_APPLICABLE, ProcedureState.EXCEPTION)


class Procedure(models.Model):
    """One procedure of one decision: state, dates and what the 条例 asks to be recorded."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="procedures")
    kind = models.ForeignKey(ProcedureKind, verbose_name="程序", on_delete=models.PROTECT)
    state = models.CharField(
        "状态", max_length=10, choices=ProcedureState.choices, default=ProcedureState.PENDING
    )
    done_on = models.DateField("完成日期", null=True, blank=True)
    started_on = models.DateField("开始日期", null=True, blank=True)
    ended_on = models.DateField("截止日期", null=True, blank=True)
    methods = models.TextField("方式", blank=True)
    participants = models.TextField("参加人员（专家、机构）", blank=True)
    performed_by = models.CharField("承担单位", max_length=120, blank=True)
    dissent = models.TextField("不同意见", blank=True)
    signed = models.BooleanField("书面意见已署名盖章", null=True, blank=True)
    risk_points = models.TextField("风险点", blank=True)
    measures = models.TextField("防范措施和处置预案", blank=True)
    risk_controllable = models.BooleanField("风险可控", null=True, blank=True)
    shortened_reason = models.TextField("缩短期限的说明", blank=True)
    adoption = models.TextField("意见采纳情况", blank=True)
    na_reason = models.TextField("不适用理由", blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "决策程序记录"
        verbose_name_plural = "决策程序记录"
        ordering = ["kind__sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "kind"], name="uniq_decision_procedure")
        ]

    def __str__(self) -> str:
        return f"{self.kind_id}：{self.get_state_display()}"


def evidence_path(instance: models.Model, filename: str) -> str:
    """Stored under a random name (the original name is kept in the row, never in the path)."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"decisions/evidence/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ProcedureFile(models.Model):
    """An evidence file of a procedure (听证会记录, 专家论证意见, 风险评估报告 …)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="files")
    file = models.FileField("文件", upload_to=evidence_path, max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=100)
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    uploaded_by = models.CharField("上传人", max_length=60)

    class Meta:
        verbose_name = "决策程序佐证材料"
        verbose_name_plural = "决策程序佐证材料"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class PositionKind(models.TextChoices):
    AGREE = "agree", "同意"
    DISAGREE = "disagree", "不同意"
    RESERVED = "reserved", "保留意见"
    ABSTAIN = "abstain", "弃权"


class MemberPosition(models.Model):
    """One member's position at the 集体讨论 (第三十条: 不同意见应当如实载明; 第三十八条)."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="positions")
    name = models.CharField("姓名", max_length=40)
    post = models.CharField("职务", max_length=60, blank=True)
    position = models.CharField("意见", max_length=10, choices=PositionKind.choices)
    opinion = models.TextField("发言要点", blank=True)
    is_head = models.BooleanField("行政首长", default=False)

    class Meta:
        verbose_name = "集体讨论成员意见"
        verbose_name_plural = "集体讨论成员意见"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name}：{self.get_position_display()}"
