"""Forms of the 行政复议 register: 登记, one small form per transition, 意见书, and the edit form.

Field names are the keyword names of the services, so a form's cleaned data is the call.
The same forms validate the API's request bodies (``Register.perform`` / ``create_from``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from fazhi.core.registers import StepForm
from fazhi.orgs.models import OrgUnit, OrgUnitQuerySet, UnitKind
from fazhi.orgs.scoping import Actor, unit_in_scope
from fazhi.orgs.selectors import units_for
from fazhi.reconsideration.models import (
    ActCategory,
    ApplicantKind,
    Channel,
    LetterKind,
    OpinionLetter,
    Outcome,
    Procedure,
    ReconsiderationCase,
    Status,
    SuspensionGround,
)
from fazhi.reconsideration.services import CLOSABLE_WHILE_SUSPENDED, MAX_EXTENSION_DAYS


def note_field(label: str = "说明") -> forms.CharField:
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 3}))


def nearby_units(unit: OrgUnit) -> OrgUnitQuerySet:
    """Units a case may name as 被申请人 or 收文单位: the tree of the nearest government
    at or above ``unit`` (a 复议机构's respondents are usually outside its own subtree)."""
    gov = (
        OrgUnit.objects.filter(pk__in=[*unit.ancestor_ids, unit.pk], kind=UnitKind.GOVERNMENT)
        .order_by("-depth")
        .first()
    )
    top = gov or OrgUnit.objects.filter(pk__in=unit.ancestor_ids[:1]).first() or unit
    return OrgUnit.objects.subtree_of(top).filter(is_active=True)


def unit_field(
    label: str, *, required: bool = True, help_text: str = ""
) -> forms.ModelChoiceField[OrgUnit]:
    return forms.ModelChoiceField(
        label=label,
        queryset=OrgUnit.objects.none(),
        to_field_name="code",
        required=required,
        help_text=help_text,
    )


def _set_queryset(form: forms.BaseForm, name: str, queryset: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


# --- 登记 ---------------------------------------------------------------------------------
class CaseReceiveForm(StepForm):
    """收到申请: register a new case (the 5-working-day review starts, 第30条)."""

    date_field = "received_on"

    unit = unit_field("承办机构（复议机构）")
    number = forms.CharField(
        label="复议案号", required=False, max_length=64, help_text="留空则自动编号"
    )
    received_on = forms.DateField(label="收到申请日期")
    channel = forms.ChoiceField(
        label="申请方式", choices=Channel.choices, required=False, initial=Channel.IN_PERSON
    )
    act_category = forms.ChoiceField(label="行政行为类别", choices=ActCategory.choices)
    respondent = unit_field("被申请人", required=False)
    respondent_name = forms.CharField(
        label="被申请人名称",
        required=False,
        max_length=100,
        help_text="被申请人不在本系统单位树内时填写",
    )
    authority = forms.CharField(
        label="复议机关", required=False, max_length=100, help_text="留空为承办机构所属人民政府"
    )
    applicant_kind = forms.ChoiceField(
        label="申请人类别",
        choices=ApplicantKind.choices,
        required=False,
        initial=ApplicantKind.PERSON,
    )
    applicant_name = forms.CharField(label="申请人", required=False)
    applicant_id_number = forms.CharField(label="申请人证件号码", required=False)
    applicant_phone = forms.CharField(label="申请人联系电话", required=False)
    matter = note_field("申请事项")

    def setup(self) -> None:
        _set_queryset(self, "unit", units_for(self.actor))
        _set_queryset(self, "respondent", nearby_units(self.actor.unit))
        self.fields["unit"].initial = self.actor.unit.code


# --- transitions -------------------------------------------------------------------------
class RequestCorrectionForm(StepForm):
    date_field = "notified_on"
    notified_on = forms.DateField(label="补正通知日期")
    note = note_field()


class ReceiveCorrectionForm(StepForm):
    date_field = "received_on"
    received_on = forms.DateField(label="收到补正材料日期")
    note = note_field()


class AbandonForm(StepForm):
    date_field = "on"
    on = forms.DateField(label="记录日期")
    note = note_field()


class AcceptForm(StepForm):
    date_field = "accepted_on"
    accepted_on = forms.DateField(label="受理日期")
    procedure = forms.ChoiceField(
        label="审理程序", choices=Procedure.choices, required=False, initial=Procedure.ORDINARY
    )
    note = note_field()


class DeemAcceptedForm(StepForm):
    """No fields: the case is deemed accepted on the last day of the review period."""


class RefuseForm(StepForm):
    date_field = "refused_on"
    refused_on = forms.DateField(label="不予受理决定日期")
    reason = forms.CharField(label="不予受理理由", widget=forms.Textarea(attrs={"rows": 3}))


class SuspendForm(StepForm):
    date_field = "suspended_on"
    suspended_on = forms.DateField(label="中止日期")
    ground = forms.ChoiceField(label="中止情形（第三十九条）", choices=SuspensionGround.choices)
    note = note_field()


class ResumeForm(StepForm):
    date_field = "resumed_on"
    resumed_on = forms.DateField(label="恢复日期")
    note = note_field()


class ExtendForm(StepForm):
    date_field = "approved_on"
    approved_on = forms.DateField(label="延期批准日期")
    days = forms.IntegerField(
        label="延长天数", min_value=1, max_value=MAX_EXTENSION_DAYS, initial=MAX_EXTENSION_DAYS
    )
    note = note_field()


class ConvertForm(StepForm):
    date_field = "on"
    on = forms.DateField(label="转换日期")
    note = note_field()


class CloseForm(StepForm):
    date_field = "closed_on"
    closed_on = forms.DateField(label="结案日期")
    outcome = forms.ChoiceField(label="结案方式", choices=Outcome.choices)
    note = note_field("结案说明")

    def setup(self) -> None:
        if isinstance(self.obj, ReconsiderationCase) and self.obj.status == Status.SUSPENDED:
            field = self.fields["outcome"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [
                (v, lbl) for v, lbl in Outcome.choices if v in CLOSABLE_WHILE_SUSPENDED
            ]
            field.help_text = "中止期间只能以调解、和解、撤回或终止结案"


# --- 意见书 / 建议书 (第76条) -----------------------------------------------------------
class LetterIssueForm(StepForm):
    date_field = "issued_on"
    kind = forms.ChoiceField(label="文书类别", choices=LetterKind.choices)
    issued_on = forms.DateField(label="制发日期")
    served_on = forms.DateField(label="送达日期")
    recipient = unit_field("收文单位", required=False)
    recipient_name = forms.CharField(
        label="收文单位名称", required=False, max_length=100, help_text="不在本系统内时填写"
    )
    content = note_field("主要内容")

    def setup(self) -> None:
        if isinstance(self.obj, ReconsiderationCase):
            _set_queryset(self, "recipient", nearby_units(self.obj.unit))
            if self.obj.respondent_id and not self.is_bound:
                self.fields["recipient"].initial = self.obj.respondent.code  # type: ignore[union-attr]


def replyable_letters(actor: Actor, case: ReconsiderationCase) -> list[OpinionLetter]:
    """Letters of ``case`` still waiting for the report that ``actor`` may record: the
    复议机构 side records any; the recipient side records its own."""
    pending = case.letters.filter(replied_on__isnull=True).select_related("recipient")
    if unit_in_scope(case.unit, actor):
        return list(pending)
    return [
        letter
        for letter in pending
        if letter.recipient is not None and unit_in_scope(letter.recipient, actor)
    ]


class LetterReplyForm(StepForm):
    date_field = "replied_on"
    letter = forms.ModelChoiceField(label="文书", queryset=OpinionLetter.objects.none())
    replied_on = forms.DateField(label="报送整改情况日期")
    note = note_field("整改情况")

    def setup(self) -> None:
        if isinstance(self.obj, ReconsiderationCase):
            ids = [letter.pk for letter in replyable_letters(self.actor, self.obj)]
            _set_queryset(self, "letter", OpinionLetter.objects.filter(pk__in=ids))


# --- edit ---------------------------------------------------------------------------------
class CaseEditForm(forms.ModelForm[ReconsiderationCase]):
    """The descriptive fields (``services.EDITABLE_FIELDS``); dates and status move only by
    the transitions."""

    class Meta:
        model = ReconsiderationCase
        fields = [
            "authority",
            "respondent",
            "respondent_name",
            "applicant_kind",
            "applicant_name",
            "applicant_id_number",
            "applicant_phone",
            "channel",
            "act_category",
            "matter",
            "outcome_note",
        ]
        widgets = {
            "applicant_name": forms.TextInput,
            "applicant_id_number": forms.TextInput,
            "applicant_phone": forms.TextInput,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = Q(pk=self.instance.respondent_id) if self.instance.respondent_id else Q()
        nearby = nearby_units(self.instance.unit)
        _set_queryset(self, "respondent", OrgUnit.objects.filter(Q(pk__in=nearby) | current))
        self.fields["respondent_name"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        respondent = data.get("respondent")
        if respondent is not None:
            data["respondent_name"] = respondent.name
        elif not (data.get("respondent_name") or "").strip():
            self.add_error("respondent_name", "请填写被申请人")
        return data
