"""Forms of the 学法 register: 登记 and 修改 a session, 登记 an exam result.

Field names are the services' keyword names, so a form's cleaned data is the call; the same
forms validate the API's request bodies. 参加单位 are typed as unit codes (one text field, the
same in the form, the API and the Excel column).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from fazhi.core.register_forms import RegisterFormStyle, StepForm, choice_field
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor
from fazhi.orgs.selectors import units_for
from fazhi.study.models import SessionKind, StudySession
from fazhi.study.targets import default_pass_mark

UNIT_CODES_HELP = "参加学法的单位编码，用“、”或“；”分隔；须为本单位或下级单位"


def _text(label: str, rows: int = 3, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


def _unit_field(label: str) -> forms.ModelChoiceField[OrgUnit]:
    return forms.ModelChoiceField(
        label=label, queryset=OrgUnit.objects.none(), to_field_name="code"
    )


def _limit_units(form: StepForm) -> None:
    field = form.fields["unit"]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = units_for(form.actor).order_by("path", "sort_order")
    field.initial = form.actor.unit.code


class SessionForm(StepForm):
    """登记 a 学法 session of a unit in the actor's subtree (unit by its code)."""

    date_field = "held_on"

    unit = _unit_field("组织单位")
    kind = choice_field("学法形式", SessionKind.choices)
    held_on = forms.DateField(label="学法日期")
    subject = forms.CharField(label="学法主题", max_length=200)
    laws = _text("学习的法律法规", 4, "每行一部，如《中华人民共和国行政复议法》")
    speaker = forms.CharField(label="主讲人（姓名、职务）", max_length=100, required=False)
    attendee_unit_codes = forms.CharField(
        label="参加单位", max_length=2000, required=False, help_text=UNIT_CODES_HELP
    )
    attendee_names = _text("参加人员", 3, "每行一人；填写名单的，参加人数按名单计算")
    attendee_count = forms.IntegerField(
        label="参加人数", required=False, min_value=0, max_value=100000,
        help_text="未填写名单时填写",
    )  # fmt: skip
    minutes = _text("学法记录（内容、效果）", 4)
    materials = _text("学习材料", 2, "材料名称及存放位置")

    def setup(self) -> None:
        _limit_units(self)


class SessionEditForm(RegisterFormStyle, forms.ModelForm[StudySession]):
    """修改 a session's descriptive fields (the unit stays)."""

    attendee_unit_codes = forms.CharField(
        label="参加单位", max_length=2000, required=False, help_text=UNIT_CODES_HELP
    )

    class Meta:
        model = StudySession
        fields = [
            "kind", "held_on", "subject", "laws", "speaker", "attendee_names",
            "attendee_count", "minutes", "materials",
        ]  # fmt: skip

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["attendee_count"].required = False
        self.fields["attendee_count"].help_text = "未填写名单时填写"
        if self.instance.pk and not self.is_bound:
            self.initial["attendee_unit_codes"] = self.instance.attendee_unit_codes


class ExamForm(StepForm):
    """登记 one leading cadre's 年度学法考试 result."""

    date_field = "exam_on"

    unit = _unit_field("所在单位")
    name = forms.CharField(label="姓名", max_length=40)
    post = forms.CharField(label="职务", max_length=100, required=False)
    exam_on = forms.DateField(label="考试日期")
    year = forms.IntegerField(
        label="考试年度", required=False, min_value=2000, max_value=2100,
        help_text="不填的为考试日期所在年度",
    )  # fmt: skip
    score = forms.DecimalField(
        label="成绩", required=False, min_value=Decimal("0"), max_value=Decimal("100"),
        max_digits=5, decimal_places=1, help_text="百分制；缺考的不填",
    )  # fmt: skip
    absent = forms.BooleanField(label="缺考", required=False)
    pass_mark = forms.DecimalField(
        label="合格分数", required=False, min_value=Decimal("0"), max_value=Decimal("100"),
        max_digits=5, decimal_places=1, help_text="不填的按默认合格分数",
    )  # fmt: skip

    def setup(self) -> None:
        _limit_units(self)
        self.fields["pass_mark"].initial = default_pass_mark()
