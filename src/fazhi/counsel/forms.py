"""Forms of the 法律顾问 registers: 登记 an adviser, 登记 a participation, one form per transition.

Field names are the services' keyword names; the same forms validate the API's bodies.
"""

from __future__ import annotations

from django import forms

from fazhi.core.register_forms import StepForm, choice_field
from fazhi.counsel.models import TYPED_KINDS, Counsel, CounselKind, Status
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import visible_to
from fazhi.orgs.selectors import units_for


class CounselForm(StepForm):
    """登记 an adviser of a unit in the actor's subtree (the unit given by its code)."""

    date_field = "contract_start"

    unit = forms.ModelChoiceField(
        label="聘请单位", queryset=OrgUnit.objects.none(), to_field_name="code"
    )
    name = forms.CharField(label="姓名", max_length=40)
    kind = choice_field("类别", CounselKind.choices)
    firm = forms.CharField(label="律师事务所", max_length=100, required=False)
    post = forms.CharField(
        label="所在单位职务", max_length=100, required=False, help_text="公职律师填写"
    )
    license_no = forms.CharField(label="执业证号", max_length=40, required=False)
    contract_no = forms.CharField(label="合同编号", max_length=60, required=False)
    contract_start = forms.DateField(label="聘期开始日期")
    contract_end = forms.DateField(label="聘期届满日期")
    fee = forms.IntegerField(
        label="年聘用费用（元）", required=False, min_value=0, max_value=100_000_000
    )
    phone = forms.CharField(label="联系电话", max_length=30, required=False)

    def setup(self) -> None:
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units_for(self.actor).order_by("path", "sort_order")
        field.initial = self.actor.unit.code


class ParticipationForm(StepForm):
    """登记 a 涉法事务 no other register holds (诉讼代理, 合同审查, 信访, 招商引资谈判 …)."""

    date_field = "on"

    counsel = forms.ModelChoiceField(label="法律顾问", queryset=Counsel.objects.none())
    on = forms.DateField(label="日期")
    kind = choice_field("事项类别", list(TYPED_KINDS))
    subject = forms.CharField(label="事项", max_length=200)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def setup(self) -> None:
        field = self.fields["counsel"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = visible_to(
            Counsel.objects.select_related("unit").exclude(status=Status.TERMINATED), self.actor
        ).order_by("unit__path", "name")


class TerminateForm(StepForm):
    date_field = "terminated_on"

    terminated_on = forms.DateField(label="解聘日期")
    reason = forms.CharField(label="解聘原因", widget=forms.Textarea(attrs={"rows": 3}))


class RenewForm(StepForm):
    contract_end = forms.DateField(label="新的聘期届满日期")


class ExpireForm(StepForm):
    """No fields: the date is the contract's own end."""

    @property
    def intro(self) -> str:
        end = self.obj.contract_end if self.obj is not None else None
        return f"聘期已于 {end:%Y-%m-%d} 届满，记为聘期届满。" if end else ""
