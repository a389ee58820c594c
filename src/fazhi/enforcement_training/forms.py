"""Forms of the 行政执法培训 register: 登记 a course/exam and 登记 an attendance.

Field names are the services' keyword names, so a form's cleaned data is the call; the same
forms validate the API's request bodies.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms

from fazhi.core.register_forms import StepForm, choice_field
from fazhi.enforcement.models import Officer
from fazhi.enforcement_training.models import Course, CourseKind
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import visible_to
from fazhi.orgs.selectors import units_for

#: 合格分数 offered for a new exam (百分制); the organiser may change it per exam.
DEFAULT_PASS_SCORE = Decimal("60")


def hours_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("999"),
        max_digits=6,
        decimal_places=1,
    )


class CourseForm(StepForm):
    """登记 a course or exam organised by a unit in the actor's subtree (unit by its code)."""

    date_field = "start_on"

    unit = forms.ModelChoiceField(
        label="组织单位", queryset=OrgUnit.objects.none(), to_field_name="code"
    )
    title = forms.CharField(label="培训/考试名称", max_length=200)
    kind = choice_field("类型", CourseKind.choices)
    start_on = forms.DateField(label="开始日期")
    end_on = forms.DateField(label="结束日期", required=False, help_text="不填的与开始日期相同")
    public_hours = hours_field("公共法律知识学时")
    professional_hours = hours_field("专业法律知识学时")
    skill_hours = hours_field("执法技能学时")
    pass_score = forms.DecimalField(
        label="合格分数",
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("1000"),
        max_digits=5,
        decimal_places=1,
        initial=DEFAULT_PASS_SCORE,
        help_text="考试填写；培训不填",
    )
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def setup(self) -> None:
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units_for(self.actor).order_by("path", "sort_order")
        field.initial = self.actor.unit.code


def _officer_label(obj: Officer) -> str:
    return f"{obj.name}（{obj.unit.name}）"


class AttendanceForm(StepForm):
    """登记 one officer's attendance of a course (both in the actor's subtree)."""

    course = forms.ModelChoiceField(label="培训/考试", queryset=Course.objects.none())
    officer = forms.ModelChoiceField(label="执法人员", queryset=Officer.objects.none())
    public_hours = hours_field("公共法律知识学时")
    professional_hours = hours_field("专业法律知识学时")
    skill_hours = hours_field("执法技能学时")
    score = forms.DecimalField(
        label="考试成绩",
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("1000"),
        max_digits=5,
        decimal_places=1,
        help_text="考试填写",
    )

    @property
    def intro(self) -> str:
        return "三类学时都不填的，按该培训/考试登记的学时计入。"

    def setup(self) -> None:
        course = self.fields["course"]
        officer = self.fields["officer"]
        assert isinstance(course, forms.ModelChoiceField)
        assert isinstance(officer, forms.ModelChoiceField)
        course.queryset = visible_to(Course.objects.all(), self.actor).order_by("-start_on")
        officer.queryset = visible_to(Officer.objects.select_related("unit"), self.actor).order_by(
            "unit__path", "name"
        )
        officer.label_from_instance = _officer_label  # type: ignore[method-assign]
