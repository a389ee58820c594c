"""Forms of the 述法 register: 登记 and one small form per transition (field names are the
services' keyword names; the same forms validate the API's request bodies)."""

from __future__ import annotations

from django import forms

from fazhi.core.register_forms import StepForm, choice_field
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.selectors import units_for
from fazhi.statements.models import Form, HeadKind, Rating


class StatementForm(StepForm):
    """登记 a 述法 of a head of a unit in the actor's subtree (the unit given by its code)."""

    date_field = "registered_on"

    unit = forms.ModelChoiceField(
        label="述法单位", queryset=OrgUnit.objects.none(), to_field_name="code"
    )
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    person = forms.CharField(label="述法人", max_length=40)
    post = forms.CharField(label="职务", max_length=40, help_text="如县长、县委书记、局长、镇长")
    head_kind = choice_field("述法人类别", HeadKind.choices)
    form = choice_field("述法形式", Form.choices)
    planned_on = forms.DateField(label="计划述法日期", required=False)
    material = forms.CharField(
        label="述法材料", required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    registered_on = forms.DateField(label="登记日期")

    def setup(self) -> None:
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units_for(self.actor).order_by("path", "sort_order")
        field.initial = self.actor.unit.code


class SubmitForm(StepForm):
    date_field = "submitted_on"

    submitted_on = forms.DateField(label="送审日期")
    material = forms.CharField(
        label="述法材料",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="留空则沿用已登记的材料",
    )


class ApproveForm(StepForm):
    date_field = "approved_on"

    approved_on = forms.DateField(label="审核通过日期")


class ReturnForm(StepForm):
    date_field = "returned_on"

    returned_on = forms.DateField(label="退回日期")
    note = forms.CharField(label="修改意见", widget=forms.Textarea(attrs={"rows": 3}))


class HoldForm(StepForm):
    date_field = "held_on"

    held_on = forms.DateField(label="述法日期")
    meeting = forms.CharField(
        label="述法会议", max_length=100, required=False, help_text="如县委全面依法治县委员会会议"
    )


class RateForm(StepForm):
    date_field = "rated_on"

    rated_on = forms.DateField(label="评议日期")
    rating = choice_field("评议结果", Rating.choices)
    rating_note = forms.CharField(
        label="评议意见", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
