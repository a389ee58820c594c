"""Forms: the public 审查建议 form on the portal and the handling steps."""

from __future__ import annotations

from django import forms

from fazhi.core.register_forms import StepForm, choice_field
from fazhi.filing_review.models import Result

#: Length limits of the public form (also the service's).
NAME_MAX = 40
CONTACT_MAX = 80
TEXT_MIN = 10
TEXT_MAX = 2000


class PublicSuggestionForm(forms.Form):
    """审查建议 from a citizen (法规规章备案审查条例 第12条). No login: CSRF-protected,
    length-limited and rate-limited by the view."""

    applicant_name = forms.CharField(
        label="姓名或单位名称",
        max_length=NAME_MAX,
        error_messages={
            "required": "请填写姓名或单位名称",
            "max_length": f"姓名或单位名称不能超过 {NAME_MAX} 个字",
        },
    )
    contact_phone = forms.CharField(
        label="联系方式（电话或电子邮箱）",
        max_length=CONTACT_MAX,
        error_messages={
            "required": "请填写联系方式，以便答复",
            "max_length": f"联系方式不能超过 {CONTACT_MAX} 个字",
        },
    )
    text = forms.CharField(
        label="审查建议（认为文件与法律、法规相抵触之处及理由）",
        min_length=TEXT_MIN,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "请填写审查建议的内容",
            "min_length": f"审查建议的内容至少 {TEXT_MIN} 个字",
            "max_length": f"审查建议的内容不能超过 {TEXT_MAX} 个字",
        },
    )

    def clean_contact_phone(self) -> str:
        value: str = self.cleaned_data["contact_phone"].strip()
        digits = sum(ch.isdigit() for ch in value)
        if "@" not in value and digits < 7:
            raise forms.ValidationError("联系方式应为电话号码或电子邮箱")
        return value


class StudyForm(StepForm):
    date_field = "studied_on"

    studied_on = forms.DateField(label="开始研究处理日期")


class AnswerForm(StepForm):
    date_field = "answered_on"

    answered_on = forms.DateField(label="答复日期")
    result = choice_field("处理结果", [c for c in Result.choices if c[0]])
    reply = forms.CharField(label="答复意见", widget=forms.Textarea(attrs={"rows": 4}))
