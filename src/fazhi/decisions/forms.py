"""Forms of the 重大行政决策 register: 登记 (目录 and decision) and one small form per step.

Field names are the keyword names of the services (and of the transitions' ``apply``); the same
forms validate the API's request bodies. Business rules are in the workflow, not here.
"""

from __future__ import annotations

from typing import Any

from django import forms

from fazhi.core.register_forms import StepForm, choice_field
from fazhi.decisions.kinds import fixture_kinds
from fazhi.decisions.models import (
    Catalogue,
    CatalogueStatus,
    Category,
    EvaluationTrigger,
    MeetingKind,
    ProcedureKind,
    Proposer,
)
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import visible_to
from fazhi.orgs.selectors import subtree, units_for

TEXT = forms.Textarea(attrs={"rows": 3})


def yes_no_field(label: str, *, default: bool | None = None) -> forms.TypedChoiceField:
    """是/否 radio buttons (a JSON boolean is accepted by the API too)."""
    return forms.TypedChoiceField(
        label=label,
        choices=((True, "是"), (False, "否")),
        coerce=lambda v: v in (True, "True", "true", "1", 1),
        widget=forms.RadioSelect,
        initial=True if default is None else default,
        required=default is None,
    )


def _unit_field(label: str, *, required: bool = True) -> forms.ModelChoiceField[OrgUnit]:
    return forms.ModelChoiceField(
        label=label, queryset=OrgUnit.objects.none(), to_field_name="code", required=required
    )


def _limit(form: StepForm, name: str, queryset: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


# --- 决策事项目录 -----------------------------------------------------------------------------
class CatalogueForm(StepForm):
    """登记 a 目录 (or an adjusted version of a published one)."""

    date_field = "drawn_up_on"

    unit = _unit_field("决策机关")
    year = forms.IntegerField(label="年度", min_value=2019, max_value=2100)
    title = forms.CharField(label="目录名称", max_length=120)
    drawn_up_on = forms.DateField(label="编制日期")
    previous = forms.ModelChoiceField(
        label="调整前版本",
        queryset=Catalogue.objects.none(),
        required=False,
        help_text="调整已公布的目录时选择原版本，并填写调整理由",
    )
    adjustment_reason = forms.CharField(label="调整理由", widget=TEXT, required=False)
    note = forms.CharField(label="备注", widget=TEXT, required=False)

    def setup(self) -> None:
        _limit(self, "unit", units_for(self.actor).order_by("path", "sort_order"))
        self.fields["unit"].initial = self.actor.unit.code
        _limit(
            self,
            "previous",
            visible_to(Catalogue.objects.filter(status=CatalogueStatus.PUBLISHED), self.actor),
        )


class CataloguePublishForm(StepForm):
    date_field = "published_on"

    party_approved_on = forms.DateField(label="同级党委同意日期")
    published_on = forms.DateField(label="公布日期")
    url = forms.CharField(label="公布网址", max_length=300, required=False)


class CatalogueSupersedeForm(StepForm):
    @property
    def intro(self) -> str:
        return "调整后的新版本已公布，本版本记为“已调整”。"


# --- 决策 -------------------------------------------------------------------------------------
class DecisionForm(StepForm):
    """登记 a decision (立项/纳入目录) of a 决策机关 in the actor's subtree."""

    date_field = "listed_on"

    unit = _unit_field("决策机关")
    lead_unit = forms.ModelChoiceField(
        label="承办单位", queryset=OrgUnit.objects.none(), to_field_name="code"
    )
    title = forms.CharField(label="决策事项", max_length=200)
    category = choice_field("事项类别", Category.choices)
    proposer = choice_field("建议提出方", Proposer.choices)
    listed_on = forms.DateField(label="纳入目录日期")
    catalogue = forms.ModelChoiceField(
        label="决策事项目录", queryset=Catalogue.objects.none(), required=False
    )
    exploratory = yes_no_field("探索性改革决策事项", default=False)
    legal_risk = forms.CharField(
        label="明示的法律风险",
        widget=TEXT,
        required=False,
        help_text="探索性改革决策事项未经合法性审查或审查不合法提交讨论的，须明示法律风险（第二十五条第二款）",
    )
    note = forms.CharField(label="备注", widget=TEXT, required=False)

    def setup(self) -> None:
        units = units_for(self.actor).order_by("path", "sort_order")
        _limit(self, "unit", units)
        _limit(self, "lead_unit", OrgUnit.objects.order_by("path", "sort_order"))
        self.fields["unit"].initial = self.actor.unit.code
        _limit(self, "catalogue", visible_to(Catalogue.objects.all(), self.actor))


class StartForm(StepForm):
    date_field = "started_on"
    started_on = forms.DateField(label="启动论证日期")


class ParticipationForm(StepForm):
    """公众参与 (第十四条、第十五条、第十八条)."""

    date_field = "started_on"

    methods = forms.CharField(
        label="听取意见方式", max_length=200, help_text="座谈会、书面征求意见、向社会公开征求意见等"
    )
    started_on = forms.DateField(label="公开征求意见开始日期")
    ended_on = forms.DateField(label="征求意见截止日期")
    shortened_reason = forms.CharField(
        label="缩短期限的说明",
        widget=TEXT,
        required=False,
        help_text="公开征求意见期限一般不少于30日；缩短的，须说明（第十五条）",
    )
    adoption = forms.CharField(label="意见归纳和采纳情况", widget=TEXT, required=False)


class HearingForm(StepForm):
    """听证会 (第十六条、第十七条)."""

    date_field = "hearing_on"

    hearing_on = forms.DateField(label="听证会日期")
    materials_sent_on = forms.DateField(label="听证材料送达日期")
    participants = forms.CharField(label="听证参加人", widget=TEXT)
    signed = yes_no_field("听证记录已由参加人确认签字")


class ExpertForm(StepForm):
    """专家论证 (第十九条、第二十条)."""

    date_field = "done_on"

    done_on = forms.DateField(label="论证日期")
    performed_by = forms.CharField(label="组织论证单位（机构）", max_length=120)
    participants = forms.CharField(label="论证专家、专业机构", widget=TEXT)
    dissent = forms.CharField(label="不同意见", widget=TEXT, required=False)
    signed = yes_no_field("书面论证意见已署名、盖章")


class RiskForm(StepForm):
    """风险评估 (第二十二条至第二十四条)."""

    date_field = "done_on"

    done_on = forms.DateField(label="风险评估报告日期")
    performed_by = forms.CharField(label="评估单位（机构）", max_length=120)
    risk_points = forms.CharField(label="风险点", widget=TEXT)
    measures = forms.CharField(label="防范措施和处置预案", widget=TEXT)
    risk_controllable = yes_no_field("风险可控")


class NotApplicableForm(StepForm):
    """Record a procedure as 不适用 where the 条例 allows it."""

    kind = forms.ChoiceField(
        label="程序",
        choices=[("", "请选择…"), *((k["code"], k["name"]) for k in fixture_kinds())],
    )
    reason = forms.CharField(label="不适用理由", widget=TEXT)

    def setup(self) -> None:
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "请选择…"),
            *(
                (k.code, f"{k.name}（{k.na_ground}）" if k.na_allowed else f"{k.name}（必经程序）")
                for k in ProcedureKind.objects.all()
            ),
        ]


class SubmitReviewForm(StepForm):
    """送合法性审查: a new item in the 合法性审查 register, or an existing one linked."""

    date_field = "submitted_on"

    submitted_on = forms.DateField(label="送审日期")
    review_unit = forms.ModelChoiceField(
        label="审查机构",
        queryset=OrgUnit.objects.none(),
        to_field_name="code",
        required=False,
        help_text="司法局（乡镇为司法所、部门为法制机构）；选择已登记的审查事项时不填",
    )
    review = forms.ModelChoiceField(
        label="已登记的合法性审查",
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text="审查事项已在合法性审查台账登记的，直接关联",
    )

    def setup(self) -> None:
        from fazhi.legality.models import Review

        root = self.obj.unit if self.obj is not None else self.actor.unit
        _limit(self, "review_unit", subtree(root).order_by("path", "sort_order"))
        _limit(
            self,
            "review",
            visible_to(
                Review.objects.filter(category__code="major_decision").select_related("unit"),
                self.actor,
            ),
        )


class ProposeForm(StepForm):
    date_field = "proposed_on"
    proposed_on = forms.DateField(label="提请日期")


class DiscussForm(StepForm):
    """集体讨论决定 (第二十九条、第三十条)."""

    date_field = "decided_on"

    decided_on = forms.DateField(label="集体讨论日期")
    meeting_kind = choice_field("会议类型", MeetingKind.choices)
    meeting = forms.CharField(
        label="会议名称", max_length=120, help_text="如：县人民政府第12次常务会议"
    )
    positions = forms.CharField(
        label="组成人员意见",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="每行一人：姓名，职务，意见（同意/不同意/保留意见/弃权），发言要点；行政首长写在最后一行",
    )
    head_reason = forms.CharField(
        label="行政首长决定与多数意见不一致的理由",
        widget=TEXT,
        required=False,
        help_text="第三十条第二款：应当在会上说明理由",
    )


class PartyReportForm(StepForm):
    date_field = "done_on"
    done_on = forms.DateField(label="请示报告日期")
    note = forms.CharField(label="请示报告方式和结果", widget=TEXT, required=False)


class PublishForm(StepForm):
    """决策公布 (第三十二条)."""

    date_field = "published_on"

    published_on = forms.DateField(label="公布日期")
    methods = forms.CharField(
        label="公布途径", max_length=200, help_text="政府公报、政府网站、报纸等"
    )
    adoption = forms.CharField(
        label="公众意见、专家论证意见采纳情况的说明", widget=TEXT, required=False
    )


class ArchiveForm(StepForm):
    date_field = "done_on"
    done_on = forms.DateField(label="归档日期")
    note = forms.CharField(label="归档材料", widget=TEXT, required=False)


class ImplementForm(StepForm):
    date_field = "started_on"
    started_on = forms.DateField(label="开始执行日期")
    execution_unit = forms.ModelChoiceField(
        label="决策执行单位", queryset=OrgUnit.objects.none(), to_field_name="code"
    )

    def setup(self) -> None:
        root = self.obj.unit if self.obj is not None else self.actor.unit
        _limit(self, "execution_unit", subtree(root).order_by("path", "sort_order"))


class ExecutionReportForm(StepForm):
    date_field = "reported_on"
    reported_on = forms.DateField(label="报告日期")
    note = forms.CharField(label="执行情况", widget=TEXT)


class EvaluateForm(StepForm):
    """启动后评估 (第三十六条)."""

    date_field = "started_on"

    started_on = forms.DateField(label="启动后评估日期")
    trigger = choice_field("后评估情形", EvaluationTrigger.choices)
    evaluator = forms.CharField(
        label="承担评估工作的单位",
        max_length=120,
        help_text="决策作出前承担主要论证评估工作的单位不得承担（第三十六条第二款）",
    )


class FinishEvaluationForm(StepForm):
    date_field = "evaluated_on"
    evaluated_on = forms.DateField(label="后评估完成日期")
    note = forms.CharField(label="评估结论", widget=TEXT)


class TerminateForm(StepForm):
    date_field = "ended_on"
    ended_on = forms.DateField(label="终止日期")
    reason = forms.CharField(label="终止理由", widget=TEXT)
