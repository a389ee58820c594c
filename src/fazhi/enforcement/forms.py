"""Forms of the 执法主体 and 执法人员 registers: 登记, 修改, the 权责清单 steps and one small form
per 执法证 transition.

Field names are the keyword names of the services (and of the transitions' ``apply``); the same
forms validate the API's request bodies. 执法类别 are typed as text on the create forms (the API
takes text) and ticked on the edit forms.
"""

from __future__ import annotations

from typing import Any

from django import forms

from fazhi.core.register_forms import RegisterFormStyle, StepForm, choice_field
from fazhi.enforcement.models import CancelReason, Category, Duty, Officer, Subject, SubjectKind
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import visible_to
from fazhi.orgs.selectors import units_for

CATEGORIES_HELP = "可填多个，用“、”分隔：" + "、".join(str(label) for _, label in Category.choices)


def _unit_field(label: str) -> forms.ModelChoiceField[OrgUnit]:
    return forms.ModelChoiceField(
        label=label, queryset=OrgUnit.objects.none(), to_field_name="code"
    )


class SubjectForm(StepForm):
    """登记 a 执法主体 of a unit in the actor's subtree."""

    unit = _unit_field("所属单位")
    name = forms.CharField(label="执法主体名称", max_length=120)
    kind = choice_field("主体类别", SubjectKind.choices)
    legal_basis = forms.CharField(
        label="设立及执法依据", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    categories = forms.CharField(
        label="执法类别", max_length=200, required=False, help_text=CATEGORIES_HELP
    )
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def setup(self) -> None:
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units_for(self.actor)
        field.initial = self.actor.unit.code if self.actor.unit else None


class SubjectEditForm(RegisterFormStyle, forms.ModelForm[Subject]):
    """修改 a 执法主体 (the unit stays)."""

    categories = forms.MultipleChoiceField(
        label="执法类别",
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Subject
        fields = ("name", "kind", "legal_basis", "categories", "active", "note")
        widgets = {
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }


class DutyAddForm(StepForm):
    """Add one 权责清单 entry."""

    name = forms.CharField(label="事项名称", max_length=200)
    category = choice_field("执法类别", Category.choices)
    basis = forms.CharField(label="依据", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DutyRemoveForm(StepForm):
    """Remove one 权责清单 entry."""

    duty = forms.ModelChoiceField(label="权责清单事项", queryset=Duty.objects.none())

    def setup(self) -> None:
        field = self.fields["duty"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Duty.objects.filter(subject=self.obj) if self.obj else Duty.objects.none()


class OfficerForm(StepForm):
    """登记 an 执法人员 (an applicant, or — with the certificate's number and date — a holder)."""

    date_field = "applied_on"

    unit = _unit_field("所在单位")
    subject = forms.ModelChoiceField(
        label="执法主体", queryset=Subject.objects.none(), required=False
    )
    name = forms.CharField(label="姓名", max_length=40)
    id_number = forms.CharField(
        label="身份证号码", max_length=18, required=False, help_text="加密保存，列表和导出中不显示"
    )
    post = forms.CharField(label="职务岗位", max_length=60, required=False)
    on_staff = forms.TypedChoiceField(
        label="在编",
        choices=((True, "是"), (False, "否")),
        coerce=lambda v: v in (True, "True", "true", "1", 1),
        widget=forms.RadioSelect,
        initial=True,
        required=False,
        help_text="劳动合同制、劳务派遣、临时借调等非在编人员不得申领执法证",
    )
    categories = forms.CharField(
        label="执法类别", max_length=200, required=False, help_text=CATEGORIES_HELP
    )
    legal_qualification = forms.BooleanField(label="法律职业资格", required=False)
    legal_reviewer = forms.BooleanField(label="法制审核人员", required=False)
    hearing_host = forms.BooleanField(label="听证主持人资格", required=False)
    applied_on = forms.DateField(label="申领日期")
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def setup(self) -> None:
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units_for(self.actor)
        field.initial = self.actor.unit.code if self.actor.unit else None
        subject = self.fields["subject"]
        assert isinstance(subject, forms.ModelChoiceField)
        subject.queryset = visible_to(Subject.objects.filter(active=True), self.actor)


class OfficerEditForm(RegisterFormStyle, forms.ModelForm[Officer]):
    """修改 an officer's post, 执法主体, qualifications and 执法岗位 (the certificate moves only
    through the life cycle's steps)."""

    categories = forms.MultipleChoiceField(
        label="执法类别",
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Officer
        fields = (
            "subject",
            "post",
            "on_staff",
            "categories",
            "legal_qualification",
            "legal_reviewer",
            "hearing_host",
            "on_duty",
            "note",
        )
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        subject = self.fields["subject"]
        assert isinstance(subject, forms.ModelChoiceField)
        unit = self.instance.unit  # its own 执法主体 or one of a unit above it
        subject.queryset = Subject.objects.filter(unit_id__in=[*unit.ancestor_ids, unit.pk])


# --- the 执法证 life cycle ---------------------------------------------------------------
class QualifyForm(StepForm):
    date_field = "qualified_on"

    qualified_on = forms.DateField(label="资格审查通过日期")


class ExamPassForm(StepForm):
    date_field = "exam_on"

    exam_on = forms.DateField(label="考试日期")


class ExamFailForm(StepForm):
    date_field = "exam_on"

    exam_on = forms.DateField(label="考试日期")
    note = forms.CharField(label="说明", max_length=200, required=False)


class IssueForm(StepForm):
    date_field = "issued_on"

    cert_number = forms.CharField(label="执法证号", max_length=40)
    issued_on = forms.DateField(label="发证日期", help_text="有效期按本省规定的年限自动计算")


class RegisterYearForm(StepForm):
    date_field = "registered_on"

    registered_on = forms.DateField(
        label="注册日期", help_text="注册年度为注册日期所在年度；该年度培训学时未达标的不予注册"
    )
    note = forms.CharField(label="说明", max_length=200, required=False)


class RenewForm(StepForm):
    date_field = "issued_on"

    exam_on = forms.DateField(label="换证考试日期")
    issued_on = forms.DateField(label="换发日期")
    cert_number = forms.CharField(
        label="新执法证号", max_length=40, required=False, help_text="不填的沿用原证号"
    )


class SuspendForm(StepForm):
    date_field = "suspended_on"

    suspended_on = forms.DateField(label="暂扣日期")
    reason = forms.CharField(label="暂扣原因", max_length=200)


class RestoreForm(StepForm):
    date_field = "restored_on"

    restored_on = forms.DateField(label="恢复日期")


class CancelForm(StepForm):
    date_field = "cancelled_on"

    cancelled_on = forms.DateField(label="注销日期")
    reason = choice_field("注销原因", CancelReason.choices)
    note = forms.CharField(label="说明", max_length=200, required=False)


class ReapplyForm(StepForm):
    date_field = "applied_on"

    applied_on = forms.DateField(label="重新申领日期")
