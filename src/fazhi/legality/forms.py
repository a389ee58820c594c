"""Forms of the 合法性审查 register: 登记 and one small form per transition.

Field names are the keyword names of the services (and of the transitions' ``apply``); the
same forms validate the API's request bodies.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from fazhi.core.register_forms import StepForm, choice_field
from fazhi.legality.models import Category, Conclusion
from fazhi.orgs.models import OrgUnit, UnitKind
from fazhi.orgs.scoping import Actor
from fazhi.orgs.selectors import units_for

REVIEWERS_HELP = "可填多人，用“、”分隔，身份写在括号里：张三（法律顾问）、李四（公职律师）、王五"
ADOPTED_CHOICES = (("", "尚未反馈"), ("true", "已采纳"), ("false", "未采纳"))


def _bool_or_none(value: str) -> bool | None:
    return None if value in ("", None) else value in ("true", True, "True", "1")


def review_bodies_for(actor: Actor) -> Any:
    """Units offered as 审查机构 and 送审单位: the actor's subtree, the units above it and the
    departments directly under those (a township sends an item to the county 司法局), and, for
    a department, its government's subtree (the 司法局 receives items from the 乡镇 and the
    other departments). The service still requires one of the two in the actor's subtree."""
    unit = actor.unit
    above = list(unit.ancestor_ids) if unit is not None else []
    own = units_for(actor).values("pk")
    served = Q(pk__in=[])
    if unit is not None and unit.kind == UnitKind.DEPARTMENT and unit.parent is not None:
        served = Q(path__startswith=unit.parent.path)
    return (
        OrgUnit.objects.filter(
            Q(pk__in=own)
            | Q(pk__in=above)
            | Q(parent_id__in=above, kind=UnitKind.DEPARTMENT)
            | served
        )
        .select_related("parent")
        .order_by("path", "sort_order")
    )


class ReviewForm(StepForm):
    """登记 an item: the 审查机构 and the 送审单位 (either in the actor's subtree)."""

    date_field = "received_on"

    unit = forms.ModelChoiceField(
        label="审查机构",
        queryset=OrgUnit.objects.none(),
        to_field_name="code",
        help_text="司法局、乡镇（司法所）或部门（法制机构）",
    )
    submitter = forms.ModelChoiceField(
        label="送审单位", queryset=OrgUnit.objects.none(), to_field_name="code"
    )
    title = forms.CharField(label="审查事项", max_length=200)
    category = forms.ModelChoiceField(
        label="类别", queryset=Category.objects.none(), to_field_name="code"
    )
    received_on = forms.DateField(label="收到日期")
    materials_incomplete = forms.BooleanField(
        label="材料不齐全，退回补充",
        required=False,
        help_text="勾选的，登记后即记为退回补充（退回日期为收到日期）",
    )
    reviewers = forms.CharField(
        label="审查人员", max_length=500, required=False, help_text=REVIEWERS_HELP
    )
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def setup(self) -> None:
        bodies = review_bodies_for(self.actor)
        for name in ("unit", "submitter"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = bodies
        unit_field = self.fields["submitter"]
        unit_field.initial = self.actor.unit.code if self.actor.unit else None
        category = self.fields["category"]
        assert isinstance(category, forms.ModelChoiceField)
        category.queryset = Category.objects.filter(active=True)

    def service_kwargs(self) -> dict[str, Any]:
        data = super().service_kwargs()
        data["category"] = data["category"].code
        data["materials_complete"] = not data.pop("materials_incomplete", False)
        return data


class ReturnForm(StepForm):
    date_field = "returned_on"

    returned_on = forms.DateField(label="退回补充日期")
    return_reason = forms.CharField(label="需补充的材料", widget=forms.Textarea(attrs={"rows": 3}))


class SupplementForm(StepForm):
    date_field = "supplemented_on"

    supplemented_on = forms.DateField(
        label="收到补充材料日期", help_text="审查期限自该日起重新计算"
    )


class StartForm(StepForm):
    date_field = "started_on"

    started_on = forms.DateField(label="开始审查日期")
    reviewers = forms.CharField(
        label="审查人员", max_length=500, required=False, help_text=REVIEWERS_HELP
    )


class ConcludeForm(StepForm):
    date_field = "completed_on"

    completed_on = forms.DateField(label="审查完成日期")
    conclusion = choice_field("审查结论", Conclusion.choices)
    reason = forms.CharField(
        label="理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="不予审查、不合法的须写明理由（如：属于内部管理制度、人事任免、请示报告，不属于审查范围）",
    )
    opinion = forms.CharField(
        label="审查意见", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reviewers = forms.CharField(
        label="审查人员", max_length=500, required=False, help_text=REVIEWERS_HELP
    )
    adopted = forms.TypedChoiceField(
        label="意见是否采纳",
        choices=ADOPTED_CHOICES,
        coerce=_bool_or_none,
        empty_value=None,
        required=False,
    )


class AdoptForm(StepForm):
    adopted = forms.TypedChoiceField(
        label="意见是否采纳",
        choices=ADOPTED_CHOICES[1:],
        coerce=_bool_or_none,
        empty_value=None,
    )
