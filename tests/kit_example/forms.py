"""Forms of the 法律顾问 register: 登记 and one small form per transition.

Field names are the keyword names of the services (and of the transitions' ``apply``), so a
form's cleaned data is the call; the same forms validate the API's request bodies.
"""

from __future__ import annotations

from django import forms
from tests.kit_example.models import CounselKind

from fazhi.core.register_forms import StepForm, choice_field
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.selectors import units_for


class CounselForm(StepForm):
    """登记 a counsel of a unit in the actor's subtree (the unit is given by its code)."""

    date_field = "contract_start"  # where a service's {"date": …} error is shown

    unit = forms.ModelChoiceField(
        label="聘请单位", queryset=OrgUnit.objects.none(), to_field_name="code"
    )
    name = forms.CharField(label="姓名", max_length=40)
    firm = forms.CharField(label="律师事务所", max_length=100, required=False)
    kind = choice_field("类别", CounselKind.choices)
    contract_start = forms.DateField(label="聘期开始日期")
    contract_end = forms.DateField(label="聘期届满日期")

    def setup(self) -> None:
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units_for(self.actor).order_by("path", "sort_order")
        field.initial = self.actor.unit.code


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
