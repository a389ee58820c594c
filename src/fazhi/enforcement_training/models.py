"""行政执法培训: courses and exams, attendance per officer, hours per officer per year.

* :class:`Course` is one 培训班 or 考试 organised by a unit, with the hours it credits by type
  (公共法律知识 / 专业法律知识 / 执法技能).
* :class:`Attendance` is one officer's attendance of a course: the hours credited by type and,
  for an exam, the score and pass/fail. Scoped by the officer's unit (copied at write time).
* :class:`OfficerYear` is the per-officer-per-year total kept current by the services on every
  attendance write (and by the daily sweep for the officers holding a certificate): the year's
  hours by type, the target that applied and whether it was met. It makes 培训学时达标率 an
  ordinary countable metric and the per-person page a plain list.
* :class:`HoursTarget` is the yearly target as data (default 60学时 for every province, loaded
  from ``fixtures/targets.json`` after ``migrate``; a province may have its own row).
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.db import models

from fazhi.enforcement.models import Officer
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.slots import UnitSlots

ZERO = Decimal("0")
HOUR_TYPES = (
    ("public_hours", "公共法律知识"),
    ("professional_hours", "专业法律知识"),
    ("skill_hours", "执法技能"),
)


class CourseKind(models.TextChoices):
    TRAINING = "training", "培训"
    EXAM = "exam", "考试"


class Course(UnitSlots):
    """One course or exam (培训班、考试) organised by a unit."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    unit = models.ForeignKey(
        OrgUnit,
        verbose_name="组织单位",
        on_delete=models.PROTECT,
        related_name="enforcement_courses",
    )
    title = models.CharField("培训/考试名称", max_length=200)
    kind = models.CharField(
        "类型", max_length=10, choices=CourseKind.choices, default=CourseKind.TRAINING
    )
    start_on = models.DateField("开始日期", db_index=True)
    end_on = models.DateField("结束日期")
    public_hours = models.DecimalField(
        "公共法律知识学时", max_digits=6, decimal_places=1, default=ZERO
    )
    professional_hours = models.DecimalField(
        "专业法律知识学时", max_digits=6, decimal_places=1, default=ZERO
    )
    skill_hours = models.DecimalField("执法技能学时", max_digits=6, decimal_places=1, default=ZERO)
    pass_score = models.DecimalField(
        "合格分数", max_digits=5, decimal_places=1, null=True, blank=True
    )
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "培训/考试"
        verbose_name_plural = "培训/考试"
        ordering = ["-start_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "title", "start_on"], name="uniq_training_course"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.start_on:%Y-%m-%d}）"

    @property
    def total_hours(self) -> Decimal:
        return self.public_hours + self.professional_hours + self.skill_hours


class Attendance(UnitSlots):
    """One officer's attendance of a course: hours credited by type, exam score and result."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    course = models.ForeignKey(
        Course, verbose_name="培训/考试", on_delete=models.CASCADE, related_name="attendances"
    )
    officer = models.ForeignKey(
        Officer,
        verbose_name="执法人员",
        on_delete=models.PROTECT,
        related_name="training_attendances",
    )
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name="所在单位",
        on_delete=models.PROTECT,
        related_name="enforcement_training_attendances",
    )
    on = models.DateField("日期", db_index=True)
    public_hours = models.DecimalField(
        "公共法律知识学时", max_digits=6, decimal_places=1, default=ZERO
    )
    professional_hours = models.DecimalField(
        "专业法律知识学时", max_digits=6, decimal_places=1, default=ZERO
    )
    skill_hours = models.DecimalField("执法技能学时", max_digits=6, decimal_places=1, default=ZERO)
    total_hours = models.DecimalField("合计学时", max_digits=6, decimal_places=1, default=ZERO)
    score = models.DecimalField("考试成绩", max_digits=5, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField("考试合格", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "参训记录"
        verbose_name_plural = "参训记录"
        ordering = ["-on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "officer"], name="uniq_training_attendance")
        ]
        indexes = [models.Index(fields=["officer", "on"], name="training_att_officer_on")]

    def __str__(self) -> str:
        return f"{self.officer.name} · {self.course.title}"

    @property
    def passed_label(self) -> str:
        return (
            {True: "合格", False: "不合格"}.get(self.passed, "") if self.passed is not None else ""
        )


class OfficerYear(UnitSlots):
    """An officer's training hours in one year against the target (kept by the services)."""

    scope_path_field: ClassVar[str] = "unit__path"
    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    officer = models.ForeignKey(
        Officer, verbose_name="执法人员", on_delete=models.CASCADE, related_name="training_years"
    )
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name="所在单位",
        on_delete=models.PROTECT,
        related_name="enforcement_training_years",
    )
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    on = models.DateField(
        "统计日期", db_index=True, help_text="该年度 1 月 1 日（统计期间按它归属）"
    )
    public_hours = models.DecimalField(
        "公共法律知识学时", max_digits=6, decimal_places=1, default=ZERO
    )
    professional_hours = models.DecimalField(
        "专业法律知识学时", max_digits=6, decimal_places=1, default=ZERO
    )
    skill_hours = models.DecimalField("执法技能学时", max_digits=6, decimal_places=1, default=ZERO)
    total_hours = models.DecimalField("合计学时", max_digits=6, decimal_places=1, default=ZERO)
    target_hours = models.DecimalField("应达学时", max_digits=6, decimal_places=1, default=ZERO)
    certified = models.BooleanField("年度内持证", default=False, db_index=True)
    met = models.BooleanField("达标", default=False, db_index=True)
    shortfall = models.CharField("未达标原因", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "年度培训学时"
        verbose_name_plural = "年度培训学时"
        ordering = ["unit__path", "officer__name", "officer_id"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "year"], name="uniq_training_officer_year")
        ]

    def __str__(self) -> str:
        return f"{self.officer.name} {self.year}年度"


class HoursTarget(models.Model):
    """The yearly training target as data: from ``from_year`` on, for a province (blank: every
    province without its own row). Optional minimums per type (0 = none)."""

    province_code = models.CharField("省份代码", max_length=6, blank=True)
    from_year = models.PositiveSmallIntegerField("起用年度")
    hours = models.DecimalField("年度应达学时", max_digits=6, decimal_places=1)
    min_public = models.DecimalField(
        "公共法律知识最低学时", max_digits=6, decimal_places=1, default=ZERO
    )
    min_professional = models.DecimalField(
        "专业法律知识最低学时", max_digits=6, decimal_places=1, default=ZERO
    )
    min_skill = models.DecimalField(
        "执法技能最低学时", max_digits=6, decimal_places=1, default=ZERO
    )
    basis = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        verbose_name = "年度培训学时要求"
        verbose_name_plural = "年度培训学时要求"
        ordering = ["province_code", "from_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "from_year"], name="uniq_training_target"
            )
        ]

    def __str__(self) -> str:
        where = self.province_code or "全国默认"
        return f"{where} {self.from_year}年起 {self.hours}学时"
