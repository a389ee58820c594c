"""The 人民调解 screens on the generic register layer: 纠纷案件 (``mediation/cases/``),
调解委员会 (``mediation/committees/``) and 人民调解员 (``mediation/mediators/``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from fazhi.core.registers import (
    Action,
    Column,
    Deadline,
    Filter,
    Register,
    app_export_xlsx,
    import_action,
    transition_steps,
    unit_filter,
    year_filter,
)
from fazhi.mediation import forms as f
from fazhi.mediation import services
from fazhi.mediation.models import (
    Case,
    CaseStatus,
    Committee,
    CommitteeKind,
    CommitteeStatus,
    DisputeType,
    Mediator,
    MediatorKind,
    MediatorStatus,
    Source,
)
from fazhi.mediation.workflow import CASES, COMMITTEES, MEDIATORS
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, unit_in_scope, visible_to

CONFIRMATION_BASIS = "人民调解法第三十三条：自调解协议生效之日起三十日内"


def _case_status(case: Case) -> str:
    label = case.get_status_display()
    return f"{label}（已报告公安机关）" if case.police_reported_on else label


def _committee_status(committee: Committee) -> str:
    if committee.status == CommitteeStatus.ENDED:
        return f"任期已于{committee.term_end:%Y-%m-%d}届满，请及时换届"
    return committee.get_status_display()


def _types(actor: Actor) -> list[tuple[str, str]]:
    return [(t.code, t.name) for t in DisputeType.objects.all()]


def self_committees(actor: Actor) -> models.QuerySet[Committee]:
    return visible_to(Committee.objects.select_related("unit"), actor)


def _edit(actor: Actor, obj: Case | Committee | Mediator) -> bool:
    return actor.can(Cap.EDIT_RECORDS) and unit_in_scope(obj.unit, actor)


class CaseRegister(Register[Case]):
    key = "mediation_cases"
    url_prefix = "cases"
    title = "人民调解案件"
    model = Case
    columns = (
        Column("number", "编号", link=True, css="nowrap"),
        Column("committee.name", "调委会"),
        Column("received_on", "受理日期", css="date"),
        Column("dispute_type.name", "纠纷类型"),
        Column("source", "纠纷来源"),
        Column("applicant_name", "申请方", personal=True),
        Column("status", "状态", value=_case_status, css="nowrap"),
        Column("confirmation_due", "司法确认期限", css="date"),
    )
    filters = (
        Filter("status", "状态", "status", CaseStatus.choices),
        Filter("type", "纠纷类型", "dispute_type__code", _types),
        Filter("source", "纠纷来源", "source", Source.choices),
        Filter(
            "police",
            "报告公安机关",
            choices=(("1", "已报告"),),
            apply=lambda qs, v: qs.filter(police_reported_on__isnull=False) if v == "1" else qs,
        ),
        unit_filter("unit", "所属单位", "unit__path"),
        year_filter("year", "受理年度", "received_on"),
    )
    search_fields = ("number", "committee__name", "summary")
    search_placeholder = "编号、调委会、纠纷简要情况"
    detail_fields = (
        "number",
        "committee",
        "unit",
        "received_on",
        "source",
        "dispute_type",
        Column("applicant_name", "申请方当事人", personal=True),
        Column("applicant_id_number", "申请方证件号码", personal=True),
        Column("applicant_phone", "申请方联系电话", personal=True),
        Column("respondent_name", "对方当事人", personal=True),
        Column("respondent_id_number", "对方证件号码", personal=True),
        Column("respondent_phone", "对方联系电话", personal=True),
        "mediators",
        "summary",
        "amount",
        "status",
        "concluded_on",
        "agreement_kind",
        "agreement_on",
        "terms",
        "performance_due",
        Column(
            "routes",
            "告知的其他途径",
            value=lambda c: "、".join(dict(f.ROUTES).get(r, r) for r in c.routes.split(",") if r),
        ),
        "end_reason",
        "performance",
        "performance_on",
        "confirmation_due",
        "confirmation_applied_on",
        "confirmation_court",
        "confirmation_result",
        "confirmation_result_on",
        "police_reported_on",
        "police_note",
    )
    create_form_class = f.CaseForm
    create_label = "受理"
    detail_template = "mediation/detail.html"
    steps = transition_steps(CASES)

    def base_queryset(self) -> models.QuerySet[Case]:
        return Case.objects.select_related("unit", "committee", "dispute_type")

    def can_edit(self, actor: Actor, obj: Case) -> bool:
        return _edit(actor, obj)

    def list_actions(self, actor: Actor) -> list[Action]:
        if not self.can_create(actor):
            return []
        return [Action("受理纠纷", self.url("create")), *import_action("mediation")]

    def create(self, actor: Actor, data: dict[str, Any]) -> Case:
        return services.case_receive(actor=actor, **data)

    def export_xlsx(self, qs: models.QuerySet[Case]) -> bytes:
        """The Excel register's own layout (one row per case with its result)."""
        own = app_export_xlsx("fazhi.mediation.excel", qs)
        return own if own is not None else super().export_xlsx(qs)

    def deadlines(self, obj: Case) -> list[Deadline]:
        if obj.confirmation_due is None:
            return []
        return [
            Deadline(
                "申请司法确认",
                obj.confirmation_due,
                CONFIRMATION_BASIS,
                done_on=obj.confirmation_applied_on,
                running=obj.status == CaseStatus.SUCCESS
                and timezone.localdate() <= obj.confirmation_due,
                lapsed="期限届满，未申请" if obj.status == CaseStatus.SUCCESS else "未申请",
            )
        ]

    def detail_context(self, actor: Actor, obj: Case) -> dict[str, Any]:
        deadlines = self.deadlines(obj)
        today = timezone.localdate()
        return {
            "timeline": self.timeline(obj, deadlines),
            "deadlines": [d.as_dict(today) for d in deadlines],
        }


class CommitteeRegister(Register[Committee]):
    key = "mediation_committees"
    url_prefix = "committees"
    title = "人民调解委员会"
    model = Committee
    columns = (
        Column("name", "调委会名称", link=True),
        Column("unit.name", "所属单位"),
        Column("kind", "类型"),
        Column("director", "主任", css="nowrap"),
        Column("members", "委员人数"),
        Column("term_start", "任期开始", css="date"),
        Column("term_end", "任期届满", css="date"),
        Column("status", "状态", value=_committee_status),
    )
    filters = (
        Filter("status", "状态", "status", CommitteeStatus.choices),
        Filter("kind", "类型", "kind", CommitteeKind.choices),
        unit_filter("unit", "所属单位", "unit__path"),
    )
    search_fields = ("name", "director")
    search_placeholder = "调委会名称、主任"
    detail_fields = (
        "name",
        "unit",
        "kind",
        "director",
        "members",
        "term_start",
        "term_end",
        "filed_on",
        Column("status", "状态", value=_committee_status),
    )
    create_form_class = f.CommitteeForm
    detail_template = "mediation/committee_detail.html"
    steps = transition_steps(COMMITTEES)

    def base_queryset(self) -> models.QuerySet[Committee]:
        return Committee.objects.select_related("unit")

    def can_edit(self, actor: Actor, obj: Committee) -> bool:
        return _edit(actor, obj)

    def list_actions(self, actor: Actor) -> list[Action]:
        if not self.can_create(actor):
            return []
        return [Action("登记调委会", self.url("create")), *import_action(self.key)]

    def create(self, actor: Actor, data: dict[str, Any]) -> Committee:
        return services.committee_register(actor=actor, **data)

    def detail_context(self, actor: Actor, obj: Committee) -> dict[str, Any]:
        return {"timeline": self.timeline(obj, []), "deadlines": []}


class MediatorRegister(Register[Mediator]):
    key = "mediation_mediators"
    url_prefix = "mediators"
    title = "人民调解员"
    model = Mediator
    columns = (
        Column("name", "姓名", link=True),
        Column("committee.name", "调委会"),
        Column("kind", "专兼职"),
        Column("phone", "联系电话", personal=True),
        Column("last_trained_on", "最近培训日期", css="date"),
        Column("trainings_this_year", "本年度培训次数"),
        Column("status", "状态"),
    )
    filters = (
        Filter("status", "状态", "status", MediatorStatus.choices),
        Filter("kind", "专兼职", "kind", MediatorKind.choices),
        unit_filter("unit", "所属单位", "unit__path"),
    )
    search_fields = ("name", "committee__name")
    search_placeholder = "姓名、调委会"
    detail_fields = (
        "name",
        "committee",
        "unit",
        "kind",
        Column("phone", "联系电话", personal=True),
        "joined_on",
        "last_trained_on",
        "trainings_this_year",
        "status",
        "left_on",
    )
    create_form_class = f.MediatorForm
    detail_template = "mediation/detail.html"
    steps = transition_steps(MEDIATORS)

    def base_queryset(self) -> models.QuerySet[Mediator]:
        return Mediator.objects.select_related("unit", "committee")

    def can_edit(self, actor: Actor, obj: Mediator) -> bool:
        return _edit(actor, obj)

    def list_actions(self, actor: Actor) -> list[Action]:
        if not self.can_create(actor):
            return []
        return [Action("登记调解员", self.url("create")), *import_action(self.key)]

    def create(self, actor: Actor, data: dict[str, Any]) -> Mediator:
        data = dict(data)
        if "committee_name" in data:  # an Excel row names the committee
            name = data.pop("committee_name")
            found = list(self_committees(actor).filter(name=name)[:2])
            if len(found) != 1:
                why = "对应多个调委会" if found else "在您的范围内找不到"
                raise ValidationError({"committee_name": f"调委会“{name}”{why}"})
            data["committee"] = found[0]
        return services.mediator_register(actor=actor, **data)

    def detail_context(self, actor: Actor, obj: Mediator) -> dict[str, Any]:
        return {"timeline": self.timeline(obj, []), "deadlines": []}


cases = CaseRegister()
committees = CommitteeRegister()
mediators = MediatorRegister()
registers = [cases, committees, mediators]
