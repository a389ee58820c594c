"""The 行政执法培训 screens, configured on the generic register layer (three registers):

* ``training_courses`` — 培训/考试 (list, detail with the attendance, 登记);
* ``enforcement_training`` — 参训记录 (list, detail, 登记; the Excel import's key);
* ``training_hours`` — 年度培训学时 per officer (officer, unit, hours by type, total, target,
  达标; filters 年度 / 单位 / 达标), with the export.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Count
from django.urls import reverse

from fazhi.core.registers import Action, Column, Filter, Register, import_action, unit_filter
from fazhi.core.registers import year_filter as _year_filter
from fazhi.enforcement_training import forms as f
from fazhi.enforcement_training import services
from fazhi.enforcement_training.models import Attendance, Course, CourseKind, OfficerYear
from fazhi.enforcement_training.selectors import hours_text, year_bounds
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, unit_in_scope, visible_to

YES_NO = (("1", "是"), ("0", "否"))


def _hours(name: str) -> Any:
    def show(obj: Any) -> str:
        value: Decimal = getattr(obj, name)
        return hours_text(value)

    return show


def _met(row: OfficerYear) -> str:
    return "是" if row.met else "否"


def _yes_no(lookup: str) -> Any:
    def apply(qs: models.QuerySet[Any], value: str) -> models.QuerySet[Any]:
        if value in ("0", "1"):
            return qs.filter(**{lookup: value == "1"})
        return qs

    return apply


class CourseRegister(Register[Course]):
    key = "training_courses"
    url_prefix = "courses"
    title = "执法培训与考试"
    model = Course
    columns = (
        Column("title", "培训/考试名称", link=True),
        Column("kind", "类型"),
        Column("unit.name", "组织单位"),
        Column("start_on", "开始日期", css="date"),
        Column("end_on", "结束日期", css="date"),
        Column("public_hours", "公共法律知识学时", value=_hours("public_hours")),
        Column("professional_hours", "专业法律知识学时", value=_hours("professional_hours")),
        Column("skill_hours", "执法技能学时", value=_hours("skill_hours")),
        Column("attendees", "参训人数"),
    )
    filters = (
        Filter("kind", "类型", "kind", CourseKind.choices),
        _year_filter("year", "年度", "start_on"),
        unit_filter("unit", "组织单位", "unit__path"),
    )
    search_fields = ("title",)
    search_placeholder = "培训/考试名称"
    ordering = ("-start_on", "id")
    detail_fields = (
        "title",
        "kind",
        "unit",
        "start_on",
        "end_on",
        Column("public_hours", "公共法律知识学时", value=_hours("public_hours")),
        Column("professional_hours", "专业法律知识学时", value=_hours("professional_hours")),
        Column("skill_hours", "执法技能学时", value=_hours("skill_hours")),
        Column("pass_score", "合格分数"),
        "note",
    )
    create_form_class = f.CourseForm
    create_label = "登记培训/考试"
    detail_template = "enforcement_training/course_detail.html"

    def base_queryset(self) -> models.QuerySet[Course]:
        return Course.objects.select_related("unit").annotate(attendees=Count("attendances"))

    def can_edit(self, actor: Actor, obj: Course) -> bool:
        return actor.can(Cap.EDIT_RECORDS) and unit_in_scope(obj.unit, actor)

    def list_actions(self, actor: Actor) -> list[Action]:
        if not self.can_create(actor):
            return []
        return [
            Action("登记培训/考试", self.url("create")),
            Action("登记参训", reverse("enforcement_training_create")),
            *import_action(attendance.key),
        ]

    def detail_actions(self, actor: Actor, obj: Course) -> list[Action]:
        if not self.can_edit(actor, obj):
            return []
        url = reverse("enforcement_training_create")
        return [Action("登记参训人员", f"{url}?course={obj.pk}")]

    def create(self, actor: Actor, data: dict[str, Any]) -> Course:
        return services.course_register(actor=actor, **data)

    def detail_context(self, actor: Actor, obj: Course) -> dict[str, Any]:
        rows = visible_to(
            obj.attendances.select_related("officer", "unit").order_by(
                "unit__path", "officer__name"
            ),
            actor,
        )
        return {"attendances": list(rows), "exam": obj.kind == CourseKind.EXAM}


class AttendanceRegister(Register[Attendance]):
    key = "enforcement_training"
    url_prefix = "attendance"
    title = "执法培训参训记录"
    model = Attendance
    columns = (
        Column("officer.name", "姓名", link=True, css="nowrap"),
        Column("officer.cert_number", "执法证号", css="nowrap"),
        Column("unit.name", "所在单位"),
        Column("course.title", "培训/考试名称"),
        Column("on", "日期", css="date"),
        Column("public_hours", "公共法律知识学时", value=_hours("public_hours")),
        Column("professional_hours", "专业法律知识学时", value=_hours("professional_hours")),
        Column("skill_hours", "执法技能学时", value=_hours("skill_hours")),
        Column("total_hours", "合计学时", value=_hours("total_hours")),
        Column("score", "考试成绩"),
        Column("passed", "考试合格", value=lambda a: a.passed_label),
    )
    filters = (
        _year_filter("year", "年度", "on"),
        unit_filter("unit", "所在单位", "unit__path"),
        Filter("kind", "类型", "course__kind", CourseKind.choices),
    )
    search_fields = ("officer__name", "officer__cert_number", "course__title")
    search_placeholder = "姓名、执法证号、培训/考试名称"
    detail_fields = (
        Column("officer.name", "姓名", css="nowrap"),
        Column("officer.cert_number", "执法证号", css="nowrap"),
        "unit",
        "course",
        "on",
        Column("public_hours", "公共法律知识学时", value=_hours("public_hours")),
        Column("professional_hours", "专业法律知识学时", value=_hours("professional_hours")),
        Column("skill_hours", "执法技能学时", value=_hours("skill_hours")),
        Column("total_hours", "合计学时", value=_hours("total_hours")),
        "score",
        Column("passed", "考试合格", value=lambda a: a.passed_label),
    )
    create_form_class = f.AttendanceForm
    create_label = "登记参训"

    def base_queryset(self) -> models.QuerySet[Attendance]:
        return Attendance.objects.select_related("officer", "unit", "course")

    def can_edit(self, actor: Actor, obj: Attendance) -> bool:
        return actor.can(Cap.EDIT_RECORDS) and unit_in_scope(obj.unit, actor)

    def list_actions(self, actor: Actor) -> list[Action]:
        if not self.can_create(actor):
            return []
        return [Action("登记参训", self.url("create")), *import_action(self.key)]

    def create(self, actor: Actor, data: dict[str, Any]) -> Attendance:
        return services.attendance_register(actor=actor, **data)


class HoursRegister(Register[OfficerYear]):
    key = "training_hours"
    url_prefix = "hours"
    title = "年度培训学时"
    model = OfficerYear
    columns = (
        Column("officer.name", "姓名", link=True, css="nowrap"),
        Column("officer.cert_number", "执法证号", css="nowrap"),
        Column("unit.name", "所在单位"),
        Column("year", "年度"),
        Column("public_hours", "公共法律知识学时", value=_hours("public_hours")),
        Column("professional_hours", "专业法律知识学时", value=_hours("professional_hours")),
        Column("skill_hours", "执法技能学时", value=_hours("skill_hours")),
        Column("total_hours", "合计学时", value=_hours("total_hours")),
        Column("target_hours", "应达学时", value=_hours("target_hours")),
        Column("met", "达标", value=_met),
    )
    filters = (
        _year_filter("year", "年度", "on"),
        unit_filter("unit", "所在单位", "unit__path"),
        Filter("met", "达标", choices=(("1", "达标"), ("0", "未达标")), apply=_yes_no("met")),
        Filter("certified", "年度内持证", choices=YES_NO, apply=_yes_no("certified")),
    )
    search_fields = ("officer__name", "officer__cert_number")
    search_placeholder = "姓名、执法证号"
    ordering = ("-year", "unit__path", "officer__name", "officer_id")
    detail_fields = (
        Column("officer.name", "姓名", css="nowrap"),
        Column("officer.cert_number", "执法证号", css="nowrap"),
        "unit",
        "year",
        Column("public_hours", "公共法律知识学时", value=_hours("public_hours")),
        Column("professional_hours", "专业法律知识学时", value=_hours("professional_hours")),
        Column("skill_hours", "执法技能学时", value=_hours("skill_hours")),
        Column("total_hours", "合计学时", value=_hours("total_hours")),
        Column("target_hours", "应达学时", value=_hours("target_hours")),
        Column("certified", "年度内持证", value=lambda r: "是" if r.certified else "否"),
        Column("met", "达标", value=_met),
        "shortfall",
    )
    detail_template = "enforcement_training/hours_detail.html"

    def base_queryset(self) -> models.QuerySet[OfficerYear]:
        return OfficerYear.objects.select_related("officer", "unit")

    def can_edit(self, actor: Actor, obj: OfficerYear) -> bool:
        return False  # derived from the attendance rows

    def detail_context(self, actor: Actor, obj: OfficerYear) -> dict[str, Any]:
        first, last = year_bounds(obj.year)
        rows = visible_to(
            Attendance.objects.select_related("course").filter(
                officer=obj.officer, on__range=(first, last)
            ),
            actor,
        ).order_by("on", "id")
        return {"attendances": list(rows)}


courses = CourseRegister()
attendance = AttendanceRegister()
hours = HoursRegister()
registers = [courses, attendance, hours]
