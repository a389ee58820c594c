"""Forms of the 三项制度 registers: 登记 forms and one small form per transition.

Field names are the keyword names of the services (and of the transitions' ``apply``); the same
forms validate the API's request bodies.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from fazhi.core.register_forms import StepForm, choice_field
from fazhi.enforcement.models import Category, Subject
from fazhi.enforcement_oversight.models import (
    ARTICLE_58,
    ChangeKind,
    DecisionKind,
    DisclosureItem,
    MajorCase,
    RecordingMethod,
)
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import visible_to

TEXT = forms.Textarea(attrs={"rows": 3})


def subjects_for(form: StepForm) -> None:
    """Limit the ``subject`` field to the active 执法主体 the actor sees."""
    field = form.fields["subject"]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = visible_to(
        Subject.objects.filter(active=True).select_related("unit"), form.actor
    ).order_by("unit__path", "name")


class SubjectField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.unit.name}）"


def subject_field() -> SubjectField:
    return SubjectField(label="执法主体", queryset=Subject.objects.none())


class DisclosureForm(StepForm):
    """登记 one 事前公示 item."""

    date_field = "published_on"

    subject = subject_field()
    item = choice_field("公示事项", DisclosureItem.choices)
    published_on = forms.DateField(label="公示日期")
    place = forms.CharField(
        label="公示载体（网址）",
        max_length=300,
        help_text="如：县人民政府门户网站“行政执法公示”专栏 https://…",
    )
    note = forms.CharField(label="备注", required=False, widget=TEXT)

    def setup(self) -> None:
        subjects_for(self)


class RecordingItemForm(StepForm):
    """登记 one line of the 音像记录事项清单."""

    subject = subject_field()
    matter = forms.CharField(label="执法事项", max_length=200)
    category = choice_field("执法类别", Category.choices)
    method = choice_field(
        "记录方式",
        RecordingMethod.choices,
        help_text="直接涉及人身自由、生命健康、重大财产权益的现场执法活动，应当全程音像记录",
    )
    basis = forms.CharField(label="依据", max_length=300, required=False)

    def setup(self) -> None:
        subjects_for(self)


class WithdrawalForm(StepForm):
    """登记 a published decision that was changed (its information must be withdrawn)."""

    date_field = "changed_on"

    subject = subject_field()
    document_number = forms.CharField(label="决定文书号", max_length=80)
    decision_kind = choice_field("决定类别", DecisionKind.choices)
    change_kind = choice_field(
        "变动情形",
        ChangeKind.choices,
        help_text="《行政处罚法》第四十八条第二款：公开的行政处罚决定被依法变更、撤销、确认违法"
        "或者确认无效的，行政机关应当在三日内撤回行政处罚决定信息并公开说明理由",
    )
    changed_on = forms.DateField(label="变动日期")
    note = forms.CharField(label="备注", required=False, widget=TEXT)

    def setup(self) -> None:
        subjects_for(self)


class WithdrawForm(StepForm):
    date_field = "withdrawn_on"

    withdrawn_on = forms.DateField(label="撤回日期")
    explanation = forms.CharField(label="公开说明的理由", widget=TEXT)


class LapseForm(StepForm):
    @property
    def intro(self) -> str:
        return "撤回期限已届满仍未撤回的，记为逾期未撤回（每日期限扫描自动办理）。"


class MajorDecisionForm(StepForm):
    """登记 a 重大执法决定 (before the 法制审核)."""

    date_field = "registered_on"

    subject = subject_field()
    case_number = forms.CharField(label="文书号/案号", max_length=80)
    title = forms.CharField(label="案件名称", max_length=200)
    category = choice_field("执法类别", Category.choices)
    major_case = choice_field("法制审核情形", MajorCase.choices, help_text=ARTICLE_58)
    proposal = forms.CharField(label="拟作出的决定", widget=TEXT)
    registered_on = forms.DateField(label="登记日期")
    note = forms.CharField(label="备注", required=False, widget=TEXT)

    def setup(self) -> None:
        subjects_for(self)


class SubmitReviewForm(StepForm):
    """送法制审核: a new item (类别 重大执法决定) in the 合法性审查 register."""

    date_field = "submitted_on"

    submitted_on = forms.DateField(label="送审日期")
    review_unit = forms.ModelChoiceField(
        label="法制审核机构",
        queryset=OrgUnit.objects.none(),
        to_field_name="code",
        required=False,
        help_text="本单位法制机构（选本单位）或司法局；不选的为本单位",
    )

    def setup(self) -> None:
        from fazhi.legality.forms import review_bodies_for

        field = self.fields["review_unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = review_bodies_for(self.actor)


class DecideForm(StepForm):
    date_field = "decided_on"

    decided_on = forms.DateField(label="决定日期")
    decision = forms.CharField(label="决定内容", widget=TEXT)


class PublicationForm(StepForm):
    """开始填报 one 执法主体's annual 数据公开 (the counts come from the 执法数据 register)."""

    subject = subject_field()
    year = forms.IntegerField(label="数据年度", min_value=2000, max_value=2100)

    def setup(self) -> None:
        subjects_for(self)
        self.fields["year"].initial = timezone.localdate().year - 1


class PublishForm(StepForm):
    date_field = "published_on"

    published_on = forms.DateField(label="公开日期")
    place = forms.CharField(
        label="公开载体（网址）",
        max_length=300,
        help_text="本机关门户网站或本级政府指定的平台",
    )
    explanation = forms.CharField(label="情况说明", required=False, widget=TEXT)


class ReportForm(StepForm):
    date_field = "reported_on"

    reported_on = forms.DateField(label="报送日期")
    reported_to = forms.CharField(
        label="报送机关",
        max_length=200,
        required=False,
        initial="本级人民政府和上级主管部门",
    )


class PublicationLapseForm(StepForm):
    @property
    def intro(self) -> str:
        return "公开期限已届满仍未公开的，记为逾期未公开（每日期限扫描自动办理）。"
