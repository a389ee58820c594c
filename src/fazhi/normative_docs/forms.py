"""Forms of the 规范性文件 register: 登记 and one small form per transition.

Field names are the services' keyword names (and the transitions' ``apply`` parameters), so a
form's cleaned data is the call; the API validates its request bodies with the same forms.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from fazhi.core.register_forms import StepForm, choice_field
from fazhi.normative_docs.models import (
    Document,
    Filing,
    FilingResult,
    Outcome,
    Status,
)
from fazhi.orgs.models import OrgUnit, UnitKind
from fazhi.orgs.scoping import visible_to
from fazhi.orgs.selectors import units_for

YES_NO = ((True, "是"), (False, "否"))


def _yes_no(label: str, initial: bool, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda v: v in (True, "True", "true", "1", 1),
        initial=initial,
        required=False,
        help_text=help_text,
    )


class DocumentForm(StepForm):
    """登记 a draft document of a unit in the actor's subtree."""

    date_field = "drafted_on"

    unit = forms.ModelChoiceField(
        label="制定机关", queryset=OrgUnit.objects.none(), to_field_name="code"
    )
    title = forms.CharField(label="文件名称", max_length=200)
    drafted_on = forms.DateField(label="起草日期")
    drafting_office = forms.CharField(label="起草科室", max_length=100, required=False)
    affects_rights = _yes_no("涉及公民、法人和其他组织权利义务", True)
    replaces = forms.ModelChoiceField(
        label="修改重发所替代的文件",
        queryset=Document.objects.none(),
        required=False,
        help_text="修改后重新发布的，选择被替代的现行文件；新文件公布时原文件记为已修改重发",
    )

    def setup(self) -> None:
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = units_for(self.actor).order_by("path", "sort_order")
        unit.initial = self.actor.unit.code
        old = self.fields["replaces"]
        assert isinstance(old, forms.ModelChoiceField)
        old.queryset = visible_to(Document.objects.filter(status=Status.PUBLISHED), self.actor)


class ConsultForm(StepForm):
    date_field = "consult_start"

    consult_start = forms.DateField(label="征求意见开始日期")
    consult_end = forms.DateField(label="征求意见截止日期")
    consult_method = forms.CharField(
        label="征求意见方式", max_length=100, required=False, initial="政府网站公开征求意见"
    )
    consult_short_reason = forms.CharField(
        label="期限少于30日的理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="涉及公民、法人和其他组织权利义务的，征求意见期一般不少于30日；少于的须说明理由",
    )


def review_units(actor: Any) -> Any:
    """Units that may review: the actor's subtree, its ancestors, and their departments
    (the 司法局 of the government above)."""
    ids = actor.unit.ancestor_ids
    return OrgUnit.objects.filter(
        Q(path__startswith=actor.unit.path)
        | Q(pk__in=ids)
        | Q(parent_id__in=ids, kind=UnitKind.DEPARTMENT)
    ).order_by("path")


class SendReviewForm(StepForm):
    date_field = "sent_on"

    sent_on = forms.DateField(label="送审日期")
    review_unit = forms.ModelChoiceField(
        label="审核机构",
        queryset=OrgUnit.objects.none(),
        to_field_name="code",
        required=False,
        help_text="留空时：政府文件送本级司法局，部门文件由本部门法制机构审核，乡镇文件由司法所（本乡镇）审核",
    )
    review = forms.ModelChoiceField(
        label="关联已登记的合法性审查",
        queryset=Document.objects.none(),
        required=False,
        help_text="已在合法性审查台账登记的，选择该审查事项，不再重复登记",
    )

    def setup(self) -> None:
        from fazhi.legality.models import Review

        unit = self.fields["review_unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = review_units(self.actor)
        review = self.fields["review"]
        assert isinstance(review, forms.ModelChoiceField)
        review.queryset = visible_to(
            Review.objects.filter(category__code="normative_doc"), self.actor
        ).order_by("-received_on")


class DeliberateForm(StepForm):
    date_field = "deliberated_on"

    meeting = forms.CharField(label="集体审议会议", max_length=100, initial="政府常务会议")
    deliberated_on = forms.DateField(label="集体审议日期")


class PublishForm(StepForm):
    date_field = "published_on"

    register_no = forms.CharField(label="统一登记号", max_length=64)
    doc_number = forms.CharField(label="文号", max_length=64)
    unified_print = _yes_no("统一印发", True)
    published_on = forms.DateField(label="公布日期")
    effective_from = forms.DateField(
        label="施行日期", required=False, help_text="留空时为公布之日起30日后"
    )
    valid_until = forms.DateField(
        label="有效期至",
        required=False,
        help_text="留空时按本省规定计算（一般5年，暂行、试行2年，自施行之日起）",
    )


class _FilingStep(StepForm):
    """A step on one of the document's filings (the filing is chosen by its id)."""

    filing = forms.ModelChoiceField(label="备案机关", queryset=Filing.objects.none())
    wanted: dict[str, Any] = {}

    def setup(self) -> None:
        field = self.fields["filing"]
        assert isinstance(field, forms.ModelChoiceField)
        doc = self.obj
        field.queryset = (
            Filing.objects.filter(document=doc, **self.wanted) if doc else Filing.objects.none()
        )
        field.label_from_instance = lambda f: f.authority_name  # type: ignore[method-assign,assignment]
        if doc is not None and field.queryset.count() == 1:
            field.initial = field.queryset.first()


class SubmitFilingForm(_FilingStep):
    date_field = "submitted_on"
    wanted = {"submitted_on__isnull": True}

    submitted_on = forms.DateField(label="报送备案日期")


class FilingResultForm(_FilingStep):
    date_field = "result_on"
    wanted = {"submitted_on__isnull": False}

    result = choice_field(
        "备案结果", [c for c in FilingResult.choices if c[0] != FilingResult.PENDING]
    )
    result_on = forms.DateField(label="结果日期")
    result_note = forms.CharField(
        label="审查意见", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CorrectFilingForm(_FilingStep):
    date_field = "corrected_on"
    wanted = {"result": FilingResult.SUSPENDED, "corrected_on__isnull": True}

    corrected_on = forms.DateField(label="补正报送日期")


class RectifyForm(_FilingStep):
    date_field = "rectified_on"
    wanted = {"result": FilingResult.REJECTED, "rectified_on__isnull": True}

    rectified_on = forms.DateField(label="纠错完成日期")
    rectification = forms.CharField(
        label="纠错情况",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="停止执行、修改、废止等",
    )


class EndForm(StepForm):
    date_field = "ended_on"

    ended_on = forms.DateField(label="日期")
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(StepForm):
    date_field = "on"

    on = forms.DateField(label="日期")
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))


class ExpireForm(StepForm):
    @property
    def intro(self) -> str:
        until = self.obj.valid_until if self.obj is not None else None
        return f"有效期至 {until:%Y-%m-%d}，届满后记为失效。" if until else ""


# --- 清理 ------------------------------------------------------------------------------------
class CampaignForm(StepForm):
    date_field = "held_on"

    unit = forms.ModelChoiceField(
        label="组织清理单位", queryset=OrgUnit.objects.none(), to_field_name="code"
    )
    name = forms.CharField(label="清理名称", max_length=200)
    held_on = forms.DateField(label="清理日期")

    def setup(self) -> None:
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = units_for(self.actor).order_by("path", "sort_order")
        unit.initial = self.actor.unit.code


class DecideForm(StepForm):
    item = forms.ModelChoiceField(label="文件", queryset=Document.objects.none())
    outcome = choice_field("清理结果", [c for c in Outcome.choices if c[0]])
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))

    def setup(self) -> None:
        from fazhi.normative_docs.models import CampaignItem

        field = self.fields["item"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            CampaignItem.objects.filter(campaign=self.obj).select_related("document")
            if self.obj is not None
            else CampaignItem.objects.none()
        )
        field.label_from_instance = lambda i: i.document.title  # type: ignore[method-assign,assignment]


class ApplyForm(StepForm):
    date_field = "applied_on"

    applied_on = forms.DateField(label="清理结果公布日期")


class SystemStepForm(StepForm):
    """No fields: a step taken by the system (修改重发 on the new document's 公布)."""
