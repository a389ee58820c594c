"""Forms of the 案卷评查 registers (field names = service keyword names; the same forms
validate the API's request bodies)."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from fazhi.case_review.models import Campaign, CampaignUnit, Standard, StandardStatus
from fazhi.case_review.services import reviewable_root
from fazhi.core.register_forms import StepForm
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.selectors import units_for

KIND_CHOICES = (
    ("penalty", "行政处罚"),
    ("license", "行政许可"),
    ("penalty,license", "行政处罚和行政许可"),
    ("all", "全部执法类别"),
)


def _codes(text: str) -> list[str]:
    return [c for c in re.split(r"[\s,，、;；]+", text or "") if c]


class CampaignForm(StepForm):
    """新建评查活动."""

    organiser = forms.ModelChoiceField(
        label="组织单位", queryset=OrgUnit.objects.none(), to_field_name="code"
    )
    year = forms.IntegerField(label="评查年度", min_value=2000, max_value=2100)
    title = forms.CharField(label="评查活动名称", max_length=200)
    standard = forms.ModelChoiceField(label="评查标准", queryset=Standard.objects.none())
    units = forms.CharField(
        label="被评查单位",
        max_length=2000,
        help_text="单位编码，多个用逗号或顿号分隔；须在组织单位所属政府辖区内",
    )
    kinds = forms.ChoiceField(label="抽取的执法类别", choices=KIND_CHOICES)
    per_unit = forms.IntegerField(label="每单位抽取卷数", min_value=0, max_value=200, initial=5)

    def setup(self) -> None:
        self.fields["organiser"].queryset = units_for(self.actor)  # type: ignore[attr-defined]
        self.fields["standard"].queryset = Standard.objects.filter(  # type: ignore[attr-defined]
            status=StandardStatus.ACTIVE
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        organiser = data.get("organiser")
        codes = _codes(data.get("units", ""))
        found = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            self.add_error("units", f"单位编码不存在：{'、'.join(missing)}")
        elif not codes:
            self.add_error("units", "请填写被评查单位")
        elif organiser is not None:
            root = reviewable_root(organiser)
            outside = [found[c].name for c in codes if not found[c].path.startswith(root.path)]
            if outside:
                self.add_error("units", f"须在{root.name}辖区内：{'、'.join(outside)}")
        data["units"] = [found[c] for c in codes if c in found]
        kinds = data.get("kinds") or "all"
        data["kinds"] = [] if kinds == "all" else kinds.split(",")
        return data


class DrawForm(StepForm):
    seed = forms.IntegerField(
        label="随机种子",
        required=False,
        min_value=1,
        max_value=2**53,
        help_text="留空由系统生成；记录在案，相同种子、相同执法记录可复现同样的抽取结果",
    )

    @property
    def intro(self) -> str:
        c: Campaign = self.obj
        kinds = "、".join(c.kinds) if c.kinds else "全部类别"
        return f"从各被评查单位{c.year}年度的执法记录（{kinds}）中每单位随机抽取 {c.per_unit} 卷。"


def _campaign_units(campaign: Campaign) -> Any:
    return OrgUnit.objects.filter(
        pk__in=CampaignUnit.objects.filter(campaign=campaign).values("unit_id")
    ).order_by("path")


class AssignForm(StepForm):
    unit = forms.ModelChoiceField(
        label="被评查单位", queryset=OrgUnit.objects.none(), to_field_name="code"
    )
    reviewer_unit = forms.ModelChoiceField(
        label="评查单位",
        queryset=OrgUnit.objects.none(),
        to_field_name="code",
        help_text="交叉评查：不能是被评查单位本身或其上下级单位",
    )

    def setup(self) -> None:
        c: Campaign = self.obj
        self.fields["unit"].queryset = _campaign_units(c)  # type: ignore[attr-defined]
        self.fields["reviewer_unit"].queryset = OrgUnit.objects.filter(  # type: ignore[attr-defined]
            path__startswith=reviewable_root(c.organiser).path
        ).order_by("path")


class AddFileForm(StepForm):
    unit = forms.ModelChoiceField(
        label="被评查单位", queryset=OrgUnit.objects.none(), to_field_name="code"
    )
    case_number = forms.CharField(label="文书号", max_length=60)
    kind = forms.ChoiceField(
        label="执法类别",
        required=False,
        choices=(
            ("", "（平台上有该执法记录时不填）"),
            ("penalty", "行政处罚"),
            ("license", "行政许可"),
            ("coercion", "行政强制"),
            ("levy", "行政征收"),
            ("requisition", "行政征用"),
            ("inspection", "行政检查"),
        ),
    )
    decided_on = forms.DateField(label="决定日期", required=False)
    subject_name = forms.CharField(label="执法主体", max_length=120, required=False)

    def setup(self) -> None:
        self.fields["unit"].queryset = _campaign_units(self.obj)  # type: ignore[attr-defined]
        self.fields["decided_on"].initial = None


class RectifyForm(StepForm):
    date_field = "due_on"

    unit = forms.ModelChoiceField(
        label="整改单位", queryset=OrgUnit.objects.none(), to_field_name="code"
    )
    due_on = forms.DateField(label="整改期限")
    content = forms.CharField(
        label="整改要求",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="留空时按扣分情况逐项列出",
    )

    def setup(self) -> None:
        self.fields["unit"].queryset = _campaign_units(self.obj)  # type: ignore[attr-defined]


class CloseForm(StepForm):
    @property
    def intro(self) -> str:
        return "结束后不能再退回案卷。"


class SubmitForm(StepForm):
    @property
    def intro(self) -> str:
        f = self.obj
        score = f.score if f.score is not None else "满分"
        return f"当前得分 {score} 分。提交后不能再修改评分，如需修改须由组织单位退回。"


class ReturnForm(StepForm):
    note = forms.CharField(
        label="退回意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class StandardImportForm(forms.Form):
    name = forms.CharField(label="标准名称", max_length=120)
    province_code = forms.CharField(
        label="适用省份代码", max_length=2, required=False, help_text="如 43（湖南）；留空为通用"
    )
    file = forms.FileField(label="Excel 文件（.xlsx）")


class ThresholdForm(forms.Form):
    excellent_min = forms.DecimalField(label="优秀不低于", max_digits=5, decimal_places=1)
    pass_min = forms.DecimalField(label="合格不低于", max_digits=5, decimal_places=1)
