"""学法 (rule-of-law study by leading cadres).

* :class:`StudySession` — one 学法 session of a unit (政府常务会议学法, 中心组学法, 专题法治讲座,
  旁听庭审, 集中学法考试 …): date, subject, laws studied, speaker, attendees (units of the org tree,
  names, count), minutes and materials.
* :class:`StudyTarget` — the yearly minimum of sessions as data (``fixtures/targets.json``,
  synced after ``migrate``), by province, first year, unit category and the kinds counted.
* :class:`UnitYear` — per unit and year: the sessions counted against its target and whether
  it is met (kept by the services on every session write and by the daily sweep), so that
  学法达标率 is an ordinary countable metric and 学法达标情况 a plain list.
* :class:`ExamResult` — one leading cadre's 年度学法考试 result (score, pass mark, absent).
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.db import models

from fazhi.orgs.models import OrgUnit
from fazhi.orgs.slots import UnitSlots


class SessionKind(models.TextChoices):
    EXECUTIVE = "executive", "政府常务会议学法"
    GROUP = "group", "党委（党组）理论学习中心组学法"
    LECTURE = "lecture", "专题法治讲座"
    TRIAL = "trial", "旁听庭审"
    EXAM = "exam", "集中学法考试"
    OTHER = "other", "其他"


class UnitCategory(models.TextChoices):
    GOVERNMENT = "government", "县级以上人民政府"
    DEPARTMENT = "department", "政府工作部门"
    TOWNSHIP = "township", "乡镇人民政府（街道）"


class StudySession(UnitSlots):
    """One 学法 session held by a unit."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    unit = models.ForeignKey(
        OrgUnit, verbose_name="组织单位", on_delete=models.PROTECT, related_name="study_sessions"
    )
    kind = models.CharField("学法形式", max_length=12, choices=SessionKind.choices)
    held_on = models.DateField("学法日期", db_index=True)
    subject = models.CharField("学法主题", max_length=200)
    laws = models.TextField(
        "学习的法律法规", blank=True, help_text="每行一部，如《中华人民共和国行政复议法》"
    )
    speaker = models.CharField("主讲人（姓名、职务）", max_length=100, blank=True)
    attendee_units = models.ManyToManyField(
        OrgUnit, verbose_name="参加单位", blank=True, related_name="study_attended"
    )
    attendee_names = models.TextField("参加人员", blank=True, help_text="每行一人")
    attendee_count = models.PositiveIntegerField("参加人数", default=0)
    minutes = models.TextField("学法记录（内容、效果）", blank=True)
    materials = models.TextField("学习材料", blank=True, help_text="材料名称及存放位置")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "学法活动"
        verbose_name_plural = "学法活动"
        ordering = ["-held_on", "id"]
        indexes = [models.Index(fields=["unit", "held_on"], name="study_session_unit_on")]

    def __str__(self) -> str:
        return f"{self.subject}（{self.held_on:%Y-%m-%d}）"

    @property
    def law_list(self) -> list[str]:
        return [line.strip() for line in self.laws.splitlines() if line.strip()]

    @property
    def attendee_unit_codes(self) -> str:
        """The attendee units' codes joined by 、 (the Excel column; prefetch the units)."""
        units = sorted(self.attendee_units.all(), key=lambda u: u.path)
        return "、".join(u.code for u in units)

    @property
    def attendee_unit_names(self) -> str:
        units = sorted(self.attendee_units.all(), key=lambda u: u.path)
        return "、".join(u.name for u in units)


class StudyTarget(models.Model):
    """The yearly minimum of 学法 sessions as data: from ``from_year`` on, for a province (blank:
    every province without its own row) and a unit category; ``kinds`` are the session kinds
    counted (comma-separated codes, blank: every kind)."""

    province_code = models.CharField("省份代码", max_length=6, blank=True)
    from_year = models.PositiveSmallIntegerField("起用年度")
    category = models.CharField("单位类别", max_length=12, choices=UnitCategory.choices)
    kinds = models.CharField("计入的学法形式", max_length=100, blank=True)
    min_sessions = models.PositiveSmallIntegerField("每年至少次数")
    basis = models.CharField("依据", max_length=300, blank=True)

    class Meta:
        verbose_name = "年度学法次数要求"
        verbose_name_plural = "年度学法次数要求"
        ordering = ["province_code", "category", "from_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "from_year", "category"], name="uniq_study_target"
            )
        ]

    def __str__(self) -> str:
        where = self.province_code or "全国默认"
        return f"{where} {self.get_category_display()} {self.from_year}年起 {self.min_sessions}次"

    @property
    def kind_codes(self) -> tuple[str, ...]:
        return tuple(k.strip() for k in self.kinds.split(",") if k.strip())


class UnitYear(UnitSlots):
    """A unit's 学法 sessions in one year against its target (kept by the services)."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    unit = models.ForeignKey(
        OrgUnit, verbose_name="单位", on_delete=models.CASCADE, related_name="study_years"
    )
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    on = models.DateField(
        "统计日期", db_index=True, help_text="该年度 1 月 1 日（统计期间按它归属）"
    )
    category = models.CharField("单位类别", max_length=12, choices=UnitCategory.choices)
    kinds = models.CharField("计入的学法形式", max_length=100, blank=True)
    counted = models.PositiveSmallIntegerField("已开展次数", default=0)
    target = models.PositiveSmallIntegerField("应达次数", default=0)
    met = models.BooleanField("达标", default=False, db_index=True)
    basis = models.CharField("依据", max_length=300, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "年度学法达标情况"
        verbose_name_plural = "年度学法达标情况"
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="uniq_study_unit_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.year}年度学法"

    @property
    def kinds_label(self) -> str:
        labels = dict(SessionKind.choices)
        codes = [k for k in self.kinds.split(",") if k]
        return "、".join(labels.get(k, k) for k in codes) if codes else "全部形式"


class ExamResult(UnitSlots):
    """One leading cadre's 年度学法考试 result."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    unit = models.ForeignKey(
        OrgUnit, verbose_name="所在单位", on_delete=models.PROTECT, related_name="study_exams"
    )
    year = models.PositiveSmallIntegerField("考试年度", db_index=True)
    name = models.CharField("姓名", max_length=40)
    post = models.CharField("职务", max_length=100, blank=True)
    exam_on = models.DateField("考试日期", db_index=True)
    score = models.DecimalField("成绩", max_digits=5, decimal_places=1, null=True, blank=True)
    pass_mark = models.DecimalField("合格分数", max_digits=5, decimal_places=1)
    absent = models.BooleanField("缺考", default=False)
    passed = models.BooleanField("合格", default=False, db_index=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "领导干部年度学法考试成绩"
        verbose_name_plural = "领导干部年度学法考试成绩"
        ordering = ["-exam_on", "unit__path", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "name"], name="uniq_study_exam")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}年度学法考试"

    @property
    def result_label(self) -> str:
        if self.absent:
            return "缺考"
        return "合格" if self.passed else "不合格"


ZERO = Decimal("0")
