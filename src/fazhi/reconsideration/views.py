"""Screens of the 行政复议 register, configured on the generic register layer.

List, detail (fields, timeline of events and deadlines, suspensions, letters), 登记, one form
page per transition, edit, history and Excel export all come from :class:`CaseRegister`. The
register also gives the API its reads (``deadlines``, ``timeline``) and writes (``perform``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from fazhi.core.models import DeadlineRule
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
from fazhi.litigation.models import LitigationCase
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, unit_in_scope, visible_to
from fazhi.reconsideration import forms as f
from fazhi.reconsideration import services
from fazhi.reconsideration.models import (
    AcceptanceKind,
    ActCategory,
    CaseQuerySet,
    Outcome,
    Procedure,
    ReconsiderationCase,
    Status,
)
from fazhi.reconsideration.workflow import CASES


def _due_cell(case: ReconsiderationCase) -> object:
    if case.current_due is None:
        return ""
    if case.is_overdue(timezone.localdate()):
        return format_html('{} <span class="badge error">逾期</span>', case.current_due.isoformat())
    return case.current_due.isoformat()


def _overdue(qs: CaseQuerySet, value: str) -> CaseQuerySet:
    today = timezone.localdate()
    return qs.overdue(today) if value == "1" else qs.on_time(today)


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


STEPS = (
    *transition_steps(CASES),
    Step(
        "letter_issue",
        "制发意见书/建议书",
        f.LetterIssueForm,
        run=lambda actor, case, data: services.letter_issue(actor=actor, case=case, **data),
        help=services.letter_help,
        blocker=services.letter_issue_problem,
    ),
    Step(
        "letter_reply",
        "记录整改情况报送",
        f.LetterReplyForm,
        run=lambda actor, case, data: services.letter_reply(actor=actor, **data),
        permission=services.letter_reply_permission,
    ),
)


#: Shown on the case page only when a correction was requested / the case was refused.
CORRECTION_FIELDS = ("correction_notified_on", "correction_due", "correction_received_on")
REFUSAL_FIELDS = ("refused_on", "refusal_reason")


class CaseRegister(Register[ReconsiderationCase]):
    key = "reconsideration"
    url_prefix = "cases"
    title = "行政复议案件"
    model = ReconsiderationCase
    columns = (
        Column("number", "案号", link=True, css="nowrap"),
        Column("authority", "复议机关"),
        Column("unit.name", "承办机构"),
        Column("respondent_display", "被申请人"),
        Column("act_category", "行政行为类别"),
        Column("received_on", "收到日期"),
        # 中止 with the days suspended (item 5 of issue 13), from the stored suspended_since
        Column("status", "状态", value=lambda c: c.status_label, css="nowrap"),
        Column("current_due", "当前期限", value=_due_cell, css="date"),
        Column("outcome", "结案方式"),
    )
    filters = (
        Filter("status", "状态", "status", Status.choices),
        Filter("overdue", "逾期", choices=(("1", "已逾期"), ("0", "未逾期")), apply=_overdue),
        unit_filter("unit", "单位（承办或被申请）", "unit__path", "respondent__path"),
        year_filter("year", "收到年度", "received_on"),
        year_filter("closed_year", "结案年度", "closed_on"),
        Filter("act_category", "行政行为类别", "act_category", ActCategory.choices),
        Filter("outcome", "结案方式", "outcome", Outcome.choices),
    )
    search_fields = ("number", "respondent_name", "matter")
    # The applicant is found by the full name or ID number (exact match of the keyed digest
    # that services.case_receive stores); the term is posted, never put in the URL.
    blind_search_fields = ("applicant_index", "applicant_name_index", "applicant_phone_index")
    search_placeholder = "案号、被申请人、申请事项，或申请人完整姓名、证件号码"
    handler_unmasked = ("applicant_name",)
    detail_fields = (
        "number",
        "authority",
        "unit",
        Column("respondent_display", "被申请人"),
        "applicant_kind",
        Column("applicant_name", "申请人", personal=True),
        Column("applicant_phone", "联系电话", personal=True),
        "channel",
        "received_on",
        "act_category",
        "matter",
        "status",
        "procedure",
        "acceptance_kind",
        "accepted_on",
        *CORRECTION_FIELDS,
        *REFUSAL_FIELDS,
        "closed_on",
        "outcome",
        "outcome_note",
        Column("closed_on_time", "法定期限内结案", value=lambda c: _yes_no(c.closed_on_time)),
        "handling_days",
    )
    form_class = f.CaseEditForm
    create_form_class = f.CaseReceiveForm
    create_label = "登记案件"
    detail_template = "reconsideration/case_detail.html"
    steps = STEPS

    def base_queryset(self) -> CaseQuerySet:
        return ReconsiderationCase.objects.select_related("unit", "respondent")

    def can_edit(self, actor: Actor, obj: ReconsiderationCase) -> bool:
        """Only the 复议机构's side moves or edits a case; the 被申请人 side reads it."""
        return actor.can(Cap.EDIT_RECORDS) and unit_in_scope(obj.unit, actor)

    def list_actions(self, actor: Actor) -> list[Action]:
        if not self.can_create(actor):
            return []
        return [Action("登记新案件", self.url("create")), *import_action(self.key)]

    def list_columns(self, actor: Actor) -> list[Column]:
        """Without 复议机关 (it follows from the 承办机构; it is on the case page), and without
        承办机构 while every case the actor sees is kept by the same 复议机构."""
        kept_by = self.queryset(actor).order_by().values("unit_id").distinct()[:2]
        several = len(kept_by) > 1
        return [
            c for c in self.columns if c.name != "authority" and (several or c.name != "unit.name")
        ]

    def detail_rows_for(self, actor: Actor, obj: ReconsiderationCase) -> list[tuple[str, object]]:
        """The 补正 rows only once a correction was requested; the 不予受理 rows only for a
        refused case; the applicant's name in full for the handling 复议机构's clerk."""
        hide = set()
        if obj.correction_notified_on is None:
            hide |= set(CORRECTION_FIELDS)
        if obj.status != Status.NOT_ACCEPTED and obj.refused_on is None:
            hide |= set(REFUSAL_FIELDS)
        entries = [e for e in self.detail_fields if not (isinstance(e, str) and e in hide)]
        return self.detail_rows(obj, entries, unmasked=self.unmasked_fields(actor, obj))

    def create_unavailable(self, actor: Actor) -> str:
        return "" if f.reconsideration_bodies(actor).exists() else f.NO_BODY

    def create(self, actor: Actor, data: dict[str, Any]) -> ReconsiderationCase:
        return services.case_receive(actor=actor, **data)

    def save(
        self, actor: Actor, obj: ReconsiderationCase, data: dict[str, Any]
    ) -> ReconsiderationCase:
        return services.case_update(actor=actor, case=obj, data=data)

    def export_xlsx(self, qs: models.QuerySet[ReconsiderationCase]) -> bytes:
        own = app_export_xlsx("fazhi.reconsideration.excel", qs)
        return own if own is not None else super().export_xlsx(qs)

    # --- reads for the case page and the API ---------------------------------------------
    def detail_context(self, actor: Actor, obj: ReconsiderationCase) -> dict[str, Any]:
        deadlines, today = self.deadlines(obj), timezone.localdate()
        letters = list(obj.letters.select_related("recipient"))
        litigation = visible_to(
            LitigationCase.objects.filter(reconsideration=obj).select_related("unit"), actor
        ).order_by("filed_on", "pk")
        can_register_litigation = actor.can(Cap.EDIT_RECORDS)
        return {
            "deadlines": [d.as_dict(today) for d in deadlines],
            "timeline": self.timeline(obj, deadlines),
            "suspensions": list(obj.suspensions.all()),
            "letters": letters,
            "letters_overdue": {x.pk for x in letters if x.is_overdue(today)},
            "read_only_notice": self.read_only_notice(actor, obj),
            "litigation_cases": list(litigation),
            "litigation_create_url": (
                f"{reverse('litigation_create')}?reconsideration={obj.pk}"
                if can_register_litigation
                else ""
            ),
        }

    def read_only_notice(self, actor: Actor, obj: ReconsiderationCase) -> str:
        """Why the actor only reads the case ("" when it may edit it): the 被申请人's side
        reads what the 复议机构 records; on the 复议机构's side it is the role."""
        if self.can_edit(actor, obj):
            return ""
        handler_side = unit_in_scope(obj.unit, actor)
        respondent_side = obj.respondent is not None and unit_in_scope(obj.respondent, actor)
        if respondent_side and not handler_side:
            return (
                "您所在单位是本案的被申请人（或其上级单位），只能查看；案件的办理由复议机构记录。"
            )
        return f"当前角色“{actor.role_label}”只能查看，不能办理或修改本案。"

    def deadlines(self, case: ReconsiderationCase) -> list[Deadline]:
        """The case's statutory deadlines with their rules (第30、31、62、76条)."""
        rules = {r.code: r for r in rules_for_province(province_code_of(case.unit))}
        basis = _basis(rules)
        rows: list[Deadline] = []
        if case.review_due:
            done = case.refused_on or (
                case.accepted_on if case.acceptance_kind == AcceptanceKind.DECIDED else None
            )
            deemed = case.acceptance_kind == AcceptanceKind.DEEMED
            rows.append(
                Deadline(
                    "受理审查期限",
                    case.review_due,
                    basis("reconsideration.acceptance_review"),
                    done_on=done,
                    running=case.status == Status.REVIEWING,
                    note="自收到补正材料之日起计算" if case.correction_received_on else "",
                    lapsed="届满，依法视为受理" if deemed else "",
                )
            )
        if case.correction_due:
            rows.append(
                Deadline(
                    "补正期限",
                    case.correction_due,
                    basis("reconsideration.correction_period"),
                    done_on=case.correction_received_on,
                    running=case.status == Status.CORRECTING,
                )
            )
        if case.decision_due or case.status == Status.SUSPENDED:
            rows.append(self._decision_deadline(case, basis))
        for letter in case.letters.all():
            rows.append(
                Deadline(
                    f"{letter.get_kind_display()}整改情况报送期限（{letter.recipient_name}）",
                    letter.reply_due,
                    basis("reconsideration.opinion_reply"),
                    done_on=letter.replied_on,
                    running=letter.replied_on is None,
                )
            )
        return rows

    @staticmethod
    def _decision_deadline(case: ReconsiderationCase, basis: Callable[[str], str]) -> Deadline:
        simple = case.procedure == Procedure.SIMPLE
        notes = [case.get_procedure_display()]
        if case.suspended_days:
            notes.append(f"已扣除中止{case.suspended_days}日")
        if case.status == Status.SUSPENDED:
            notes.append("中止中，期限暂停计算")
        if case.extension_days:
            approved = case.extension_approved_on
            on = f"，{approved:%Y-%m-%d}批准" if approved else ""
            notes.append(f"经批准延长{case.extension_days}日{on}")
        code = "reconsideration.decision_simple" if simple else "reconsideration.decision_ordinary"
        return Deadline(
            "审理期限",
            case.decision_due,
            basis(code),
            done_on=case.closed_on,
            running=case.status == Status.ACCEPTED,
            note="；".join(notes),
        )


def _basis(rules: dict[str, DeadlineRule]) -> Callable[[str], str]:
    def basis(code: str) -> str:
        rule = rules.get(code)
        if rule is None:
            return ""
        unit = "个工作日" if rule.counting == "working" else "日"
        return f"{rule.basis} · {rule.days}{unit}"

    return basis


cases = CaseRegister()
