"""Screens of the 行政应诉 register, configured on the generic register layer.

Three registers: 应诉案件 (with hearings, 负责人出庭, result, timeline), 司法建议 (待答复 /
逾期) and 败诉剖析. Each gives list, detail, forms, history and Excel export; the API reuses
them (``cases.perform``, ``cases.timeline``).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from fazhi.core.audit import field_label
from fazhi.core.registers import (
    Action,
    Column,
    Deadline,
    Filter,
    Register,
    Step,
    app_export_xlsx,
    import_action,
    transition_steps,
    unit_filter,
    year_filter,
)
from fazhi.core.selectors import province_code_of, rules_for_province
from fazhi.litigation import forms as f
from fazhi.litigation import services
from fazhi.litigation.models import (
    AppealDecision,
    JudicialSuggestion,
    Level,
    LitigationCase,
    LitigationQuerySet,
    LossReview,
    LossReviewStatus,
    Result,
    Status,
    SuggestionQuerySet,
)
from fazhi.litigation.rules import appeal_rule_code, day_unit
from fazhi.litigation.workflow import CASES, HEAD_RULES, REVIEWS
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, unit_in_scope, visible_to
from fazhi.reconsideration.models import ActCategory
from fazhi.reconsideration.selectors import cases_for as reconsideration_cases_for

YES_NO = (("1", "是"), ("0", "否"))


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


def _head_cell(case: LitigationCase, *, none: str = "—") -> str:
    """负责人出庭: 是/否 once a hearing is recorded; ``none`` before the first one."""
    return _yes_no(case.head_appeared) if case.hearing_count else none


def _head_filter(qs: LitigationQuerySet, value: str) -> LitigationQuerySet:
    """负责人出庭 是 / 否: "否" means heard without a 负责人, not "not heard yet"."""
    if value == "1":
        return qs.filter(head_appeared=True)
    if value == "0":
        return qs.filter(head_appeared=False, hearing_count__gt=0)
    return qs


def _result_cell(case: LitigationCase) -> object:
    if case.is_loss:
        return format_html('<strong class="error">{}</strong>', case.get_result_display())
    return case.get_result_display()


def _due_cell(case: LitigationCase) -> object:
    """The running 答辩举证 or 上诉 deadline, marked when it has passed."""
    due = case.running_due
    if due is None:
        return ""
    if case.is_overdue(timezone.localdate()):
        return format_html('{} <span class="badge error">逾期</span>', due.isoformat())
    return due.isoformat()


def _overdue(qs: LitigationQuerySet, value: str) -> LitigationQuerySet:
    """期限已过 (答辩举证 or 上诉, ``LitigationQuerySet.overdue_q``) 是 / 否."""
    today = timezone.localdate()
    if value == "1":
        return qs.overdue(today)
    return qs.on_time(today) if value == "0" else qs


def _editable(actor: Actor, unit: OrgUnit) -> bool:
    return actor.can(Cap.EDIT_RECORDS) and unit_in_scope(unit, actor)


class CaseRegister(Register[LitigationCase]):
    key = "litigation"
    url_prefix = "cases"
    title = "行政应诉案件"
    model = LitigationCase
    columns = (
        Column("number", "案号", link=True, css="nowrap"),
        Column("court", "法院"),
        Column("level", "审级", css="nowrap"),
        Column("unit.name", "被告"),
        Column("filed_on", "立案日期"),
        Column("hearing_count", "开庭次数"),
        Column("head_appeared", "负责人出庭", value=_head_cell),
        Column("status", "状态", css="nowrap"),
        Column("result", "裁判结果", value=_result_cell),
        Column("running_due", "当前期限", value=_due_cell, css="date"),
    )
    filters = (
        Filter("level", "审级", "level", Level.choices),
        Filter("status", "状态", "status", Status.choices),
        Filter("loss", "败诉", "is_loss", YES_NO),
        Filter("head", "负责人出庭", choices=YES_NO, apply=_head_filter),
        Filter(
            "overdue",
            "期限已过",
            choices=(("1", "答辩举证或上诉期限已过"), ("0", "否")),
            apply=_overdue,
        ),
        year_filter("year", "立案年度", "filed_on"),
        year_filter("judged_year", "裁判年度", "judged_on"),
        unit_filter("unit", "被告单位", "unit__path"),
        Filter("act_category", "被诉行为类别", "act_category", ActCategory.choices),
        Filter("result", "裁判结果", "result", Result.choices),
    )
    search_fields = ("number", "court", "cause")
    search_placeholder = "案号、法院、案由"
    handler_unmasked = ("plaintiff_name",)
    detail_fields = (
        "number",
        "court",
        "level",
        "unit",
        Column("plaintiff_name", "原告", personal=True),
        "cause",
        "act_category",
        "reconsideration",
        "filed_on",
        "status",
        "hearing_count",
        "first_hearing_on",
        Column("head_appeared", "负责人出庭", value=lambda c: _head_cell(c, none="未开庭")),
        "complaint_received_on",
        "defence_filed_on",
        "judged_on",
        "result",
        "result_note",
        Column("is_loss", "败诉", value=lambda c: _yes_no(c.is_loss)),
        "served_on",
        "appeal_decision",
    )
    form_class = f.CaseEditForm
    create_form_class = f.CaseRegisterForm
    create_label = "登记案件"
    detail_template = "litigation/case_detail.html"
    steps = transition_steps(CASES)

    def base_queryset(self) -> LitigationQuerySet:
        return LitigationCase.objects.select_related("unit", "reconsideration")

    def can_edit(self, actor: Actor, obj: LitigationCase) -> bool:
        return _editable(actor, obj.unit)

    def list_actions(self, actor: Actor) -> list[Action]:
        if not self.can_create(actor):
            return []
        return [Action("登记新案件", self.url("create")), *import_action(self.key)]

    def detail_actions(self, actor: Actor, obj: LitigationCase) -> list[Action]:
        actions = super().detail_actions(actor, obj)
        if self.can_edit(actor, obj):
            query = f"?case={obj.pk}&unit={obj.unit.code}&court={obj.court}"
            actions.append(Action("登记司法建议", reverse("judicial_suggestions_create") + query))
        return actions

    def create(self, actor: Actor, data: dict[str, Any]) -> LitigationCase:
        return services.case_register(actor=actor, **data)

    def edit_form(self, actor: Actor, obj: LitigationCase, data: Any) -> f.CaseEditForm:
        return f.CaseEditForm(data, instance=obj, actor=actor)

    def detail_rows_for(self, actor: Actor, obj: LitigationCase) -> list[tuple[str, object]]:
        """关联复议案件 links to the 复议 case when the actor can see it (else its 案号); the
        原告 in full for the 被告 unit's own clerk (audited)."""
        linked = obj.reconsideration
        shown: object = ""
        if linked is not None:
            shown = linked.number
            if reconsideration_cases_for(actor).filter(pk=linked.pk).exists():
                shown = format_html('<a href="{}">{}</a>', linked.get_absolute_url(), linked.number)
        label = field_label(LitigationCase, "reconsideration")
        entries = [
            Column("reconsideration", label, value=lambda _case: shown)
            if e == "reconsideration"
            else e
            for e in self.detail_fields
        ]
        return self.detail_rows(obj, entries, unmasked=self.unmasked_fields(actor, obj))

    def save(self, actor: Actor, obj: LitigationCase, data: dict[str, Any]) -> LitigationCase:
        return services.case_update(actor=actor, case=obj, data=data)

    def export_xlsx(self, qs: models.QuerySet[LitigationCase]) -> bytes:
        own = app_export_xlsx("fazhi.litigation.excel", qs)
        return own if own is not None else super().export_xlsx(qs)

    # --- reads for the case page and the API ---------------------------------------------
    def detail_context(self, actor: Actor, obj: LitigationCase) -> dict[str, Any]:
        suggestions = list(obj.suggestions.select_related("unit"))
        deadlines = self.deadlines(obj, suggestions)
        reviews = list(obj.loss_reviews_covering.select_related("unit"))
        ids = [r.pk for r in reviews]
        seen = set(
            visible_to(LossReview.objects.filter(pk__in=ids), actor).values_list("pk", flat=True)
        )
        return {
            "hearings": list(obj.hearings.all()),
            "suggestions": suggestions,
            "timeline": self.timeline(obj, deadlines),
            "deadlines": [d.as_dict(timezone.localdate()) for d in deadlines],
            "loss_reviews": [(r, r.pk in seen) for r in reviews],
            "head_rules": HEAD_RULES,
        }

    def deadlines(
        self, obj: LitigationCase, suggestions: list[JudicialSuggestion] | None = None
    ) -> list[Deadline]:
        """答辩举证 (第67条) and 上诉 (第85条) with their rules, and the 司法建议 answers."""
        rows = suggestions if suggestions is not None else list(obj.suggestions.all())
        return [*self._statutory(obj), *self._suggestion_deadlines(rows)]

    @staticmethod
    def _statutory(obj: LitigationCase) -> list[Deadline]:
        found: list[Deadline] = []
        if obj.defence_due is None and obj.appeal_due is None:
            return found
        rules = {r.code: r for r in rules_for_province(province_code_of(obj.unit))}

        def basis(code: str) -> str:
            rule = rules.get(code)
            return f"{rule.basis} · {rule.days}{day_unit(rule.counting)}" if rule else ""

        if obj.defence_due is not None:
            found.append(
                Deadline(
                    "答辩举证期限",
                    obj.defence_due,
                    basis("litigation.defence"),
                    done_on=obj.defence_filed_on,
                    running=obj.status == Status.PENDING,
                    note=f"自{obj.complaint_received_on:%Y-%m-%d}收到起诉状副本起算；"
                    "逾期提供证据的，视为没有相应证据（第三十四条）",
                    lapsed="案件已结，未登记提交答辩状和证据",
                )
            )
        if obj.appeal_due is not None:
            found.append(
                Deadline(
                    "上诉期限",
                    obj.appeal_due,
                    basis(appeal_rule_code(obj)),
                    done_on=obj.appeal_decided_on
                    if obj.appeal_decision == AppealDecision.APPEALED
                    else None,
                    running=obj.is_loss and not obj.appeal_decision,
                    note=f"{obj.get_document_display()}于{obj.served_on:%Y-%m-%d}送达",
                    lapsed=_appeal_lapsed(obj),
                )
            )
        return found

    @staticmethod
    def _suggestion_deadlines(rows: list[JudicialSuggestion]) -> list[Deadline]:
        return [
            Deadline(
                f"司法建议答复期限（{s.court}）",
                s.reply_due,
                "司法建议书载明的答复期限",
                done_on=s.replied_on,
                running=s.replied_on is None,
            )
            for s in rows
            if s.reply_due is not None
        ]


def _suggestion_state(row: JudicialSuggestion) -> object:
    if row.replied_on is not None:
        return "已答复"
    if row.is_overdue(timezone.localdate()):
        return mark_safe('待答复 <span class="badge error">逾期</span>')
    return "待答复"


def _suggestion_filter(qs: SuggestionQuerySet, value: str) -> Any:
    if value == "pending":
        return qs.pending()
    if value == "overdue":
        return qs.overdue(timezone.localdate())
    return qs.filter(replied_on__isnull=False) if value == "replied" else qs


class SuggestionRegister(Register[JudicialSuggestion]):
    key = "judicial_suggestions"
    url_prefix = "suggestions"
    title = "司法建议"
    model = JudicialSuggestion
    columns = (
        Column("received_on", "收到日期", link=True),
        Column("court", "发出法院"),
        Column("unit.name", "收到单位"),
        Column("case.number", "关联案件", css="nowrap"),
        Column("reply_due", "答复期限"),
        Column("replied_on", "答复日期"),
        Column("state", "状态", value=_suggestion_state, css="nowrap"),
    )
    filters = (
        Filter(
            "state",
            "答复情况",
            choices=(("pending", "待答复"), ("overdue", "逾期未答复"), ("replied", "已答复")),
            apply=_suggestion_filter,
        ),
        year_filter("year", "收到年度", "received_on"),
        unit_filter("unit", "收到单位", "unit__path"),
    )
    search_fields = ("court", "content")
    detail_fields = (
        "court",
        "unit",
        "case",
        "received_on",
        "content",
        "reply_due",
        "replied_on",
        "reply_note",
    )
    create_form_class = f.SuggestionReceiveForm
    create_label = "登记司法建议"
    steps = (
        Step(
            "reply",
            "答复司法建议",
            f.SuggestionReplyForm,
            run=lambda actor, row, data: services.suggestion_reply(
                actor=actor, suggestion=row, **data
            ),
            blocker=services.suggestion_reply_problem,
            offered=lambda row: row.replied_on is None,
        ),
    )

    def base_queryset(self) -> SuggestionQuerySet:
        return JudicialSuggestion.objects.select_related("unit", "case")

    def can_edit(self, actor: Actor, obj: JudicialSuggestion) -> bool:
        return _editable(actor, obj.unit)

    def list_actions(self, actor: Actor) -> list[Action]:
        return [Action("登记司法建议", self.url("create"))] if self.can_create(actor) else []

    def create(self, actor: Actor, data: dict[str, Any]) -> JudicialSuggestion:
        return services.suggestion_receive(actor=actor, **data)


class LossReviewRegister(Register[LossReview]):
    """败诉剖析: opened by the services after every N losses; the 依法治办 completes it."""

    key = "loss_reviews"
    url_prefix = "loss-reviews"
    title = "败诉剖析"
    model = LossReview
    columns = (
        Column("unit.name", "剖析单位", link=True),
        Column("opened_on", "启动日期"),
        Column("threshold", "触发败诉件数"),
        Column("status", "状态"),
        Column("completed_on", "完成日期"),
    )
    filters = (
        Filter("status", "状态", "status", LossReviewStatus.choices),
        year_filter("year", "启动年度", "opened_on"),
        unit_filter("unit", "剖析单位", "unit__path"),
    )
    detail_fields = ("unit", "opened_on", "threshold", "status", "completed_on", "findings")
    detail_template = "litigation/loss_review_detail.html"
    steps = transition_steps(REVIEWS)

    def base_queryset(self) -> models.QuerySet[LossReview]:
        return LossReview.objects.select_related("unit")

    def can_edit(self, actor: Actor, obj: LossReview) -> bool:
        return actor.can(Cap.COORDINATE) and unit_in_scope(obj.unit, actor)

    def detail_context(self, actor: Actor, obj: LossReview) -> dict[str, Any]:
        return {"covered": list(obj.covered.select_related("unit").order_by("judged_on", "pk"))}


def _appeal_lapsed(obj: LitigationCase) -> str:
    """What the 上诉期限 row says when it no longer runs."""
    if obj.appeal_decision == AppealDecision.WAIVED:
        return f"决定不上诉（{obj.appeal_decided_on:%Y-%m-%d}）"
    if obj.is_loss:
        return ""
    return "本机关未败诉；期限届满无人上诉的，一审裁判发生法律效力"


cases = CaseRegister()
suggestions = SuggestionRegister()
loss_reviews = LossReviewRegister()
