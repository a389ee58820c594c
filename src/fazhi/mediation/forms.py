"""Forms of the 人民调解 registers: 登记 and one small form per transition (field names are
the services' keyword names; the same forms validate the API's request bodies)."""

from __future__ import annotations

from typing import Any

from django import forms

from fazhi.core.register_forms import StepForm, choice_field
from fazhi.mediation.models import (
    AgreementKind,
    Committee,
    CommitteeKind,
    ConfirmationResult,
    DisputeType,
    MediatorKind,
    Performance,
    Source,
)
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import visible_to
from fazhi.orgs.selectors import units_for

ROUTES = (("arbitration", "仲裁"), ("administrative", "行政"), ("judicial", "司法"))


def _committee_field() -> forms.ModelChoiceField[Committee]:
    return forms.ModelChoiceField(label="调委会", queryset=Committee.objects.none())


class _CommitteeScoped(StepForm):
    def setup(self) -> None:
        field = self.fields["committee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = visible_to(Committee.objects.select_related("unit"), self.actor)


class CaseForm(_CommitteeScoped):
    """受理 a dispute by a committee the actor sees."""

    date_field = "received_on"

    committee = _committee_field()
    number = forms.CharField(label="编号", max_length=40, required=False, help_text="留空自动编号")
    received_on = forms.DateField(label="受理日期")
    source = choice_field("纠纷来源", Source.choices)
    dispute_type = forms.ModelChoiceField(
        label="纠纷类型", queryset=DisputeType.objects.filter(active=True), to_field_name="code"
    )
    applicant_name = forms.CharField(label="申请方当事人", max_length=100)
    applicant_id_number = forms.CharField(label="申请方证件号码", max_length=30, required=False)
    applicant_phone = forms.CharField(label="申请方联系电话", max_length=30, required=False)
    respondent_name = forms.CharField(label="对方当事人", max_length=100)
    respondent_id_number = forms.CharField(label="对方证件号码", max_length=30, required=False)
    respondent_phone = forms.CharField(label="对方联系电话", max_length=30, required=False)
    mediators = forms.CharField(label="调解员", max_length=200, required=False)
    summary = forms.CharField(
        label="纠纷简要情况", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    amount = forms.IntegerField(label="涉及金额（元）", required=False, min_value=0)


class SucceedForm(StepForm):
    date_field = "agreement_on"

    agreement_kind = choice_field("协议形式", AgreementKind.choices)
    agreement_on = forms.DateField(label="协议生效日期")
    terms = forms.CharField(label="协议主要内容", widget=forms.Textarea(attrs={"rows": 3}))
    performance_due = forms.DateField(label="履行期限", required=False)


class FailForm(StepForm):
    date_field = "failed_on"

    failed_on = forms.DateField(label="调解不成日期")
    route_arbitration = forms.BooleanField(label="已告知申请仲裁", required=False)
    route_administrative = forms.BooleanField(label="已告知行政途径", required=False)
    route_judicial = forms.BooleanField(label="已告知司法途径（诉讼）", required=False)


class TerminateForm(StepForm):
    date_field = "terminated_on"

    terminated_on = forms.DateField(label="终止日期")
    reason = forms.CharField(label="终止原因", widget=forms.Textarea(attrs={"rows": 3}))


class PoliceForm(StepForm):
    date_field = "reported_on"

    reported_on = forms.DateField(label="报告日期")
    note = forms.CharField(label="报告情况", widget=forms.Textarea(attrs={"rows": 3}))


class PerformForm(StepForm):
    date_field = "recorded_on"

    performance = choice_field("履行情况", Performance.choices)
    recorded_on = forms.DateField(label="登记日期")


class ApplyConfirmationForm(StepForm):
    date_field = "applied_on"

    applied_on = forms.DateField(label="申请司法确认日期")
    court = forms.CharField(label="受理法院", max_length=100)


class ConfirmationResultForm(StepForm):
    date_field = "result_on"

    result = choice_field("司法确认结果", ConfirmationResult.choices)
    result_on = forms.DateField(label="裁定日期")


class CommitteeForm(StepForm):
    """登记 a committee of a unit in the actor's subtree."""

    date_field = "term_start"

    unit = forms.ModelChoiceField(
        label="所属单位", queryset=OrgUnit.objects.none(), to_field_name="code"
    )
    name = forms.CharField(label="调委会名称", max_length=100)
    kind = choice_field("类型", CommitteeKind.choices)
    director = forms.CharField(label="主任", max_length=40)
    members = forms.IntegerField(label="委员人数", min_value=1, max_value=99)
    term_start = forms.DateField(label="本届任期开始日期")
    filed_on = forms.DateField(label="备案日期", required=False)

    def setup(self) -> None:
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units_for(self.actor).order_by("path", "sort_order")
        field.initial = self.actor.unit.code


class RenewForm(StepForm):
    date_field = "term_start"

    term_start = forms.DateField(label="新一届任期开始日期")
    director = forms.CharField(label="主任", max_length=40)
    members = forms.IntegerField(label="委员人数", min_value=1, max_value=99)


class ExpireForm(StepForm):
    @property
    def intro(self) -> str:
        end = getattr(self.obj, "term_end", None)
        return f"本届任期已于 {end:%Y-%m-%d} 届满。" if end else ""


class MediatorForm(_CommitteeScoped):
    date_field = "joined_on"

    committee = _committee_field()
    name = forms.CharField(label="姓名", max_length=40)
    kind = choice_field("专兼职", MediatorKind.choices)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    joined_on = forms.DateField(label="聘任日期")
    last_trained_on = forms.DateField(label="最近培训日期", required=False)
    trainings_this_year = forms.IntegerField(
        label="本年度参加培训次数", required=False, min_value=0, max_value=99
    )


class LeaveForm(StepForm):
    date_field = "left_on"

    left_on = forms.DateField(label="离任日期")


def route_codes(data: dict[str, Any]) -> list[str]:
    """The routes ticked in a 调解不成 form (in the order of :data:`ROUTES`)."""
    return [code for code, _ in ROUTES if data.get(f"route_{code}")]
