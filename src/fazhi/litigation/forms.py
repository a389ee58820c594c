"""Forms of the 行政应诉 register: 登记, 开庭 (负责人出庭), 结案, 司法建议, 败诉剖析, edit.

Field names are the keyword names of the services; the same forms validate API bodies.
A case may name its 关联复议案件: only a 复议 case the actor can see is offered (the service
checks it too).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.db.models import Q

from fazhi.core.register_forms import RegisterFormStyle, StepForm, choice_field
from fazhi.litigation.models import (
    AppealDecision,
    Document,
    HeadCategory,
    Level,
    LitigationCase,
    Result,
)
from fazhi.orgs.scoping import Actor, visible_to
from fazhi.orgs.selectors import units_for
from fazhi.reconsideration.forms import note_field, party_units, unit_field
from fazhi.reconsideration.models import ActCategory, ReconsiderationCase
from fazhi.reconsideration.selectors import cases_for as reconsideration_cases_for

YES_NO = ((True, "是"), (False, "否"))


def yes_no_field(label: str, *, default: bool | None = None) -> forms.TypedChoiceField:
    """是/否 as radio buttons (a JSON boolean is accepted by the API too). With a default,
    the field may be left out and takes the default (see ``StepForm.clean``)."""
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda v: v in (True, "True", "true", "1", 1),
        widget=forms.RadioSelect,
        initial=True if default is None else default,
        required=default is None,
    )


class ReconsiderationChoiceField(forms.ModelChoiceField[ReconsiderationCase]):
    """A 复议 case by its 案号, 复议机构 and 被申请人 (several 复议机构 may use one 案号)."""

    def label_from_instance(self, obj: ReconsiderationCase) -> str:
        return f"{obj.number}（{obj.unit.name}；被申请人：{obj.respondent_display}）"


def reconsideration_field() -> ReconsiderationChoiceField:
    return ReconsiderationChoiceField(
        label="关联复议案件",
        queryset=ReconsiderationCase.objects.none(),
        required=False,
        empty_label="—（未经复议）",
        help_text="经行政复议后起诉的，选择该复议案件",
    )


def reconsideration_choices(
    actor: Actor, current: int | None = None
) -> models.QuerySet[ReconsiderationCase]:
    """复议 cases ``actor`` can see (and the one already linked), newest first."""
    offered = Q(pk__in=reconsideration_cases_for(actor).values("pk"))
    if current:
        offered |= Q(pk=current)
    return (
        ReconsiderationCase.objects.filter(offered)
        .select_related("unit", "respondent")
        .order_by("-received_on", "-pk")
    )


class CaseRegisterForm(StepForm):
    """登记 a case at one 审级 in which a unit of the actor's subtree is the 被告."""

    date_field = "filed_on"

    unit = unit_field("被告（本系统单位）")
    number = forms.CharField(label="案号", max_length=64)
    court = forms.CharField(label="法院", max_length=100)
    level = forms.ChoiceField(
        label="审级", choices=Level.choices, required=False, initial=Level.FIRST
    )
    filed_on = forms.DateField(label="立案日期")
    plaintiff_name = forms.CharField(label="原告", required=False)
    cause = forms.CharField(label="案由", required=False, max_length=200)
    act_category = forms.ChoiceField(
        label="被诉行为类别", choices=ActCategory.choices, required=False, initial=ActCategory.OTHER
    )
    reconsideration = reconsideration_field()
    complaint_received_on = forms.DateField(
        label="收到起诉状副本日期",
        required=False,
        help_text="一审案件填写：答辩举证期限自该日起算十五日（行政诉讼法第六十七条）",
    )

    def setup(self) -> None:
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = party_units(units_for(self.actor))
        field.initial = self.actor.unit.code
        linked = self.fields["reconsideration"]
        assert isinstance(linked, forms.ModelChoiceField)
        linked.queryset = reconsideration_choices(self.actor)


class HearingForm(StepForm):
    """开庭: who appeared for the 被告 (规定第2、7、8、12条)."""

    date_field = "held_on"

    held_on = forms.DateField(label="开庭日期")
    head_appeared = yes_no_field("行政机关负责人出庭")
    head_name = forms.CharField(label="出庭负责人姓名", required=False, max_length=40)
    head_post = forms.CharField(label="出庭负责人职务", required=False, max_length=60)
    head_category = forms.ChoiceField(
        label="负责人类别",
        choices=[("", "—"), *HeadCategory.choices],
        required=False,
        help_text="正职、副职或其他参与分管的负责人（规定第2条）",
    )
    absence_reason = forms.CharField(
        label="未出庭理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="负责人不能出庭的，应说明理由（规定第8条）",
    )
    staff_appeared = yes_no_field("工作人员出庭", default=True)


class CaseCloseForm(StepForm):
    date_field = "judged_on"

    judged_on = forms.DateField(label="裁判日期")
    result = choice_field("裁判结果", Result.choices)
    note = note_field("裁判说明")


class ComplaintReceivedForm(StepForm):
    """收到起诉状副本 (第67条): starts the 15-day 答辩举证 period."""

    date_field = "received_on"

    received_on = forms.DateField(label="收到起诉状副本日期")


class DefenceFiledForm(StepForm):
    date_field = "filed_on"

    filed_on = forms.DateField(label="提交答辩状和证据日期")


class ServiceForm(StepForm):
    """裁判文书送达 (第85条): starts the appeal period of a first-instance judgment or ruling."""

    date_field = "served_on"

    served_on = forms.DateField(label="裁判文书送达日期")
    document = forms.ChoiceField(
        label="裁判文书",
        choices=[("", "按裁判结果"), *Document.choices],
        required=False,
        help_text="裁判结果为“其他”时选择；其余按裁判结果确定",
    )


class AppealDecisionForm(StepForm):
    date_field = "decided_on"

    decision = choice_field("是否上诉", AppealDecision.choices)
    decided_on = forms.DateField(label="上诉决定日期", help_text="提起上诉的，填写递交上诉状的日期")


class SuggestionReceiveForm(StepForm):
    """司法建议 received by a unit of the actor's subtree (optionally about a case)."""

    date_field = "received_on"

    unit = unit_field("收到单位")
    court = forms.CharField(label="发出法院", max_length=100)
    received_on = forms.DateField(label="收到日期")
    content = forms.CharField(label="建议内容", widget=forms.Textarea(attrs={"rows": 4}))
    reply_due = forms.DateField(label="答复期限", required=False)
    case = forms.ModelChoiceField(
        label="关联案件",
        queryset=LitigationCase.objects.none(),
        required=False,
        widget=forms.HiddenInput,
    )

    def setup(self) -> None:
        unit = self.fields["unit"]
        case = self.fields["case"]
        assert isinstance(unit, forms.ModelChoiceField)
        assert isinstance(case, forms.ModelChoiceField)
        unit.queryset = party_units(units_for(self.actor))
        unit.initial = self.actor.unit.code
        case.queryset = visible_to(LitigationCase.objects.all(), self.actor)


class SuggestionReplyForm(StepForm):
    date_field = "replied_on"

    replied_on = forms.DateField(label="答复日期")
    note = forms.CharField(label="答复情况", widget=forms.Textarea(attrs={"rows": 3}))


class LossReviewCompleteForm(StepForm):
    date_field = "completed_on"

    completed_on = forms.DateField(label="完成日期")
    findings = forms.CharField(label="剖析结论", widget=forms.Textarea(attrs={"rows": 5}))


class CaseEditForm(RegisterFormStyle, forms.ModelForm[LitigationCase]):
    """The descriptive fields of a case; hearings and the result have their own forms.

    The 关联复议案件 offered are the 复议 cases the actor can see, and the one already linked.
    """

    class Meta:
        model = LitigationCase
        fields = [
            "court",
            "plaintiff_name",
            "cause",
            "act_category",
            "reconsideration",
            "result_note",
        ]
        field_classes = {"reconsideration": ReconsiderationChoiceField}
        widgets = {"plaintiff_name": forms.TextInput}

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        linked = self.fields["reconsideration"]
        assert isinstance(linked, forms.ModelChoiceField)
        linked.queryset = reconsideration_choices(actor, self.instance.reconsideration_id)
        linked.empty_label = "—（未经复议）"
        linked.help_text = "经行政复议后起诉的，选择该复议案件"
