"""Forms of the 行政复议 register: 登记, one small form per transition, 意见书, and the edit form.

Field names are the keyword names of the services, so a form's cleaned data is the call.
The same forms validate the API's request bodies (``Register.perform`` / ``create_from``).

Selects whose pre-selection would be a guess (行政行为类别, 中止情形, 结案方式, 文书类别) start
on "请选择…" and are required. Unit selects list units in tree order by full name, and never
offer an external unit (法院、检察院) as a party.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.db.models import Q

from fazhi.core.audit import mask_value
from fazhi.core.register_forms import RegisterFormStyle, StepForm, choice_field, with_blank
from fazhi.orgs.models import OrgUnit, OrgUnitQuerySet, UnitKind
from fazhi.orgs.scoping import Actor
from fazhi.orgs.selectors import units_for
from fazhi.reconsideration.models import (
    EDITABLE_FIELDS,
    ActCategory,
    ApplicantKind,
    Channel,
    IncidentalMode,
    LetterKind,
    OpinionLetter,
    Outcome,
    Procedure,
    ReconsiderationCase,
    Status,
    SuspensionGround,
)
from fazhi.reconsideration.rules import CLOSABLE_WHILE_SUSPENDED, rules_of
from fazhi.reconsideration.selectors import replyable_letters


def note_field(label: str = "说明") -> forms.CharField:
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 3}))


def tree_order(units: OrgUnitQuerySet) -> OrgUnitQuerySet:
    """``units`` in tree order (materialised path, then 排序)."""
    return units.order_by("path", "sort_order")


def party_units(units: OrgUnitQuerySet) -> OrgUnitQuerySet:
    """``units`` that may be a party (被申请人, 被告, 收文单位): not 法院、检察院 and other
    external units; in tree order."""
    return tree_order(units.exclude(kind=UnitKind.EXTERNAL))


def nearby_units(unit: OrgUnit) -> OrgUnitQuerySet:
    """Units a case may name as 被申请人 or 收文单位: the tree of the nearest government
    at or above ``unit`` (a 复议机构's respondents are usually outside its own subtree),
    without external units, in tree order."""
    gov = (
        OrgUnit.objects.filter(pk__in=[*unit.ancestor_ids, unit.pk], kind=UnitKind.GOVERNMENT)
        .order_by("-depth")
        .first()
    )
    top = gov or OrgUnit.objects.filter(pk__in=unit.ancestor_ids[:1]).first() or unit
    return party_units(OrgUnit.objects.subtree_of(top).filter(is_active=True))


def reconsideration_bodies(actor: Actor) -> OrgUnitQuerySet:
    """The 行政复议机构 in the actor's subtree: the only units that may register a case."""
    return tree_order(units_for(actor).filter(is_reconsideration_body=True, is_active=True))


NO_BODY = "本单位及下级单位中没有行政复议机构，不能登记行政复议案件"


class UnitChoiceField(forms.ModelChoiceField[OrgUnit]):
    """A unit select: the value is the unit code, the label the unit's full name."""

    def label_from_instance(self, obj: OrgUnit) -> str:
        return obj.name


def unit_field(
    label: str, *, required: bool = True, help_text: str = ""
) -> forms.ModelChoiceField[OrgUnit]:
    return UnitChoiceField(
        label=label,
        queryset=OrgUnit.objects.none(),
        to_field_name="code",
        required=required,
        help_text=help_text,
        empty_label="请选择…" if required else "—",
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
    act_category = choice_field("行政行为类别", ActCategory.choices)
    respondent = unit_field(
        "被申请人", required=False, help_text="选择本系统内的单位，或在下一栏填写名称"
    )
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
    known_on = forms.DateField(
        label="知道或者应当知道行政行为日期",
        required=False,
        help_text="用于计算六十日申请期限（第二十条）；超过期限的申请会标为“逾期申请”",
    )
    late_reason = note_field("逾期申请的理由")
    forwarded_on = forms.DateField(
        label="作出处罚决定的机关收到申请日期",
        required=False,
        help_text="通过作出行政处罚决定的行政机关提交、由其转送的申请填写（第三十二条："
        "五个工作日内转送）",
    )

    def setup(self) -> None:
        bodies = reconsideration_bodies(self.actor)
        _set_queryset(self, "unit", bodies)
        _set_queryset(self, "respondent", nearby_units(self.actor.unit))
        if self.actor.unit.is_reconsideration_body:
            self.fields["unit"].initial = self.actor.unit.code
        else:
            only = list(bodies[:2])
            if len(only) == 1:
                self.fields["unit"].initial = only[0].code


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


class WithdrawForm(StepForm):
    date_field = "withdrawn_on"
    withdrawn_on = forms.DateField(label="撤回申请日期")
    note = note_field("撤回理由")


class AcceptForm(StepForm):
    date_field = "accepted_on"
    accepted_on = forms.DateField(label="受理日期")
    procedure = forms.ChoiceField(
        label="审理程序", choices=Procedure.choices, required=False, initial=Procedure.ORDINARY
    )
    note = note_field()


class DeemAcceptedForm(StepForm):
    """No fields: the case is deemed accepted on the last day of the review period."""

    @property
    def intro(self) -> str:
        due = self.obj.review_due if isinstance(self.obj, ReconsiderationCase) else None
        if due is None:
            return ""
        return (
            f"将记录：自{due:%Y-%m-%d}（受理审查期限届满之日）起视为受理，受理日期为"
            f"{due:%Y-%m-%d}，适用普通程序，审理期限自该日起计算。"
        )


class RefuseForm(StepForm):
    date_field = "refused_on"
    refused_on = forms.DateField(label="不予受理决定日期")
    reason = forms.CharField(label="不予受理理由", widget=forms.Textarea(attrs={"rows": 3}))


class SuspendForm(StepForm):
    date_field = "suspended_on"
    suspended_on = forms.DateField(label="中止日期")
    ground = choice_field("中止情形（第三十九条）", SuspensionGround.choices)
    note = note_field()


class ResumeForm(StepForm):
    date_field = "resumed_on"
    resumed_on = forms.DateField(label="恢复日期")
    note = note_field()


class ExtendForm(StepForm):
    """The cap is the province's rule (``DeadlineRule.extension_days``, 第62条: 30日), for all
    extensions together: an extension may be granted in parts."""

    date_field = "approved_on"
    approved_on = forms.DateField(label="延期批准日期")
    days = forms.IntegerField(label="延长天数", min_value=1)
    note = note_field()

    def setup(self) -> None:
        if isinstance(self.obj, ReconsiderationCase):
            cap = rules_of(self.obj).extension_cap - (self.obj.extension_days or 0)
            field = self.fields["days"]
            assert isinstance(field, forms.IntegerField)
            field.max_value = cap
            field.validators.append(MaxValueValidator(cap))
            field.widget.attrs["max"] = cap
            field.initial = cap
            field.help_text = f"本次最多{cap}日"


class ConvertForm(StepForm):
    date_field = "on"
    on = forms.DateField(label="转换日期")
    note = note_field()


class CloseForm(StepForm):
    date_field = "closed_on"
    closed_on = forms.DateField(label="结案日期")
    outcome = choice_field("结案方式", Outcome.choices)
    note = note_field("结案说明")

    def setup(self) -> None:
        if not isinstance(self.obj, ReconsiderationCase):
            return
        field = self.fields["outcome"]
        assert isinstance(field, forms.ChoiceField)
        if self.obj.status == Status.SUSPENDED:
            field.choices = with_blank(
                [(v, lbl) for v, lbl in Outcome.choices if v in CLOSABLE_WHILE_SUSPENDED]
            )
            field.help_text = "中止期间只能以调解、和解、撤回或终止结案"
        elif self.obj.act_category != ActCategory.AGREEMENT:
            # 第71条 decisions only for a case about a 行政协议.
            field.choices = with_blank(
                [(v, lbl) for v, lbl in Outcome.choices if not v.startswith("agreement_")]
            )


class ScheduleHearingForm(StepForm):
    date_field = "notified_on"
    hearing_on = forms.DateField(label="听证日期")
    notified_on = forms.DateField(
        label="听证通知日期", required=False, help_text="尚未通知的留空，通知后再记录"
    )
    note = note_field("听证地点、拟听证事项")

    def setup(self) -> None:
        self.fields["hearing_on"].initial = None


class NotifyHearingForm(StepForm):
    date_field = "notified_on"
    notified_on = forms.DateField(label="听证通知日期")
    note = note_field()


class IncidentalReviewForm(StepForm):
    date_field = "on"
    on = forms.DateField(
        label="附带审查起算日期", help_text="收到附带审查申请之日，或认为依据不合法之日"
    )
    mode = choice_field("处理方式", IncidentalMode.choices)
    note = note_field("规范性文件（依据）名称及条款")


class IncidentalDoneForm(StepForm):
    date_field = "on"
    on = forms.DateField(label="处理（转送）日期")
    note = note_field("处理结果或接收转送的机关")


class ServeDecisionForm(StepForm):
    date_field = "served_on"
    served_on = forms.DateField(label="复议决定书送达日期")
    note = note_field()


# --- 意见书 / 建议书 (第76条) -----------------------------------------------------------
class LetterIssueForm(StepForm):
    date_field = "issued_on"
    kind = choice_field("文书类别", LetterKind.choices)
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
            respondent = self.obj.respondent
            if respondent is not None and not self.is_bound:
                self.fields["recipient"].initial = respondent.code


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
#: Personal fields the edit form never shows in full: left blank, the stored value is kept.
MASKED_ON_EDIT = ("applicant_id_number", "applicant_phone")


class CaseEditForm(RegisterFormStyle, forms.ModelForm[ReconsiderationCase]):
    """The descriptive fields (``services.EDITABLE_FIELDS``); dates and status move only by
    the transitions.

    The ID number and phone (:data:`MASKED_ON_EDIT`) are not sent to the browser: the field
    starts empty with the masked stored value as placeholder, and a field left empty is left
    out of the cleaned data, so ``case_update`` keeps what is stored.
    """

    class Meta:
        model = ReconsiderationCase
        fields = list(EDITABLE_FIELDS)
        field_classes = {"respondent": UnitChoiceField}
        widgets = {
            "applicant_name": forms.TextInput,
            "applicant_id_number": forms.TextInput,
            "applicant_phone": forms.TextInput,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = Q(pk=self.instance.respondent_id) if self.instance.respondent_id else Q()
        nearby = nearby_units(self.instance.unit)
        _set_queryset(
            self, "respondent", tree_order(OrgUnit.objects.filter(Q(pk__in=nearby) | current))
        )
        respondent = self.fields["respondent"]
        assert isinstance(respondent, forms.ModelChoiceField)
        respondent.empty_label = "—"
        self.fields["respondent_name"].required = False
        for name in MASKED_ON_EDIT:
            stored = getattr(self.instance, name, "") or ""
            self.initial[name] = ""
            field = self.fields[name]
            if stored:
                field.widget.attrs["placeholder"] = mask_value(stored)
                field.help_text = f"已登记：{mask_value(stored)}；留空则不修改，填写则替换"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in MASKED_ON_EDIT:
            if not (data.get(name) or "").strip():
                data.pop(name, None)
        respondent = data.get("respondent")
        if respondent is not None:
            data["respondent_name"] = respondent.name
        elif not (data.get("respondent_name") or "").strip():
            self.add_error("respondent_name", "请填写被申请人")
        return data
