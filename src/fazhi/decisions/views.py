"""The 重大行政决策 screens, configured on the generic register layer: the decisions register
(list, detail with the procedure checklist, members' positions, deadlines and timeline, 登记 and
one form page per step) and the 决策事项目录 register; plus the evidence upload and the audited
download (``urls.py``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from fazhi.core.register_forms import Deadline
from fazhi.core.registers import (
    Action,
    Column,
    Filter,
    Register,
    actor_of,
    import_action,
    transition_steps,
    unit_filter,
    year_filter,
)
from fazhi.core.security_events import audit_download
from fazhi.decisions import forms as f
from fazhi.decisions import rules, services
from fazhi.decisions.models import (
    Catalogue,
    CatalogueStatus,
    Category,
    Decision,
    Procedure,
    ProcedureFile,
    ProcedureState,
    Status,
)
from fazhi.decisions.workflow import CATALOGUES, DECISIONS, OPEN
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, unit_in_scope, visible_to

EVIDENCE_ACTION = "decisions.evidence_download"


YES_NO = ("yes", "no")


def yes_no(value: bool) -> str:
    return "是" if value else "否"


def procedures_prefetch() -> Prefetch[Any]:
    return Prefetch("procedures", queryset=Procedure.objects.select_related("kind"))


class DecisionRegister(Register[Decision]):
    key = "decisions"
    title = "重大行政决策"
    model = Decision
    columns = (
        Column("title", "决策事项", link=True),
        Column("unit.name", "决策机关"),
        Column("lead_unit.name", "承办单位"),
        Column("listed_on", "纳入目录日期"),
        Column("decided_on", "集体讨论日期"),
        Column("procedures_complete", "程序完整", value=lambda x: yes_no(x.procedures_complete)),
        Column("status", "状态", css="nowrap"),
    )
    filters = (
        Filter("status", "状态", "status", Status.choices),
        Filter("category", "事项类别", "category", Category.choices),
        Filter(
            "complete",
            "程序完整",
            choices=(("yes", "是"), ("no", "否")),
            apply=lambda qs, v: qs.filter(procedures_complete=v == "yes") if v in YES_NO else qs,
        ),
        unit_filter("unit", "决策机关", "unit__path"),
        year_filter("year", "纳入目录年度", "listed_on"),
    )
    search_fields = ("title", "meeting")
    search_placeholder = "决策事项、会议"
    detail_fields = (
        "title",
        "unit",
        "lead_unit",
        "catalogue",
        "category",
        "proposer",
        "listed_on",
        Column("exploratory", "探索性改革决策事项", value=lambda x: yes_no(x.exploratory)),
        "legal_risk",
        "legality_review",
        "started_on",
        "decided_on",
        "meeting",
        "meeting_kind",
        "published_on",
        "execution_unit",
        "evaluation_trigger",
        "evaluator",
        "evaluation_started_on",
        "evaluated_on",
        Column(
            "procedures_complete", "法定程序完整", value=lambda x: yes_no(x.procedures_complete)
        ),
        "status",
        "ended_on",
        "end_reason",
        "note",
    )
    create_form_class = f.DecisionForm
    create_label = "登记决策事项"
    detail_template = "decisions/decision_detail.html"
    steps = transition_steps(DECISIONS)

    def base_queryset(self) -> models.QuerySet[Decision]:
        return Decision.objects.select_related(
            "unit", "lead_unit", "legality_review__unit", "catalogue", "execution_unit"
        ).prefetch_related(procedures_prefetch(), "positions")

    def can_edit(self, actor: Actor, obj: Decision) -> bool:
        return actor.can(Cap.EDIT_RECORDS) and (
            unit_in_scope(obj.unit, actor) or unit_in_scope(obj.lead_unit, actor)
        )

    def list_actions(self, actor: Actor) -> list[Action]:
        actions = [Action("决策事项目录", "/decisions/catalogues/")]
        if self.can_create(actor):
            actions = [
                Action("登记决策事项", self.url("create")),
                *import_action(self.key),
                *actions,
            ]
        return actions

    def create(self, actor: Actor, data: dict[str, Any]) -> Decision:
        if set(data) - REGISTER_KEYS:
            return services.decision_load(actor=actor, **data)
        return services.decision_register(actor=actor, **data)

    def deadlines(self, obj: Decision) -> list[Deadline]:
        found: list[Deadline] = []
        row = obj.procedure("participation")
        if row is not None and row.started_on is not None:
            earliest = rules.consultation_earliest_end(obj.unit, row.started_on)
            found.append(
                Deadline(
                    "公开征求意见期限（最短）",
                    earliest,
                    "重大行政决策程序暂行条例第十五条",
                    done_on=row.ended_on if row.ended_on and row.ended_on >= earliest else None,
                    note=row.shortened_reason and f"缩短期限：{row.shortened_reason}",
                    lapsed=f"征求意见至 {row.ended_on:%Y-%m-%d}" if row.ended_on else "",
                )
            )
        hearing = obj.procedure("hearing")
        if hearing is not None and hearing.done_on is not None:
            latest = rules.hearing_materials_latest(obj.unit, hearing.done_on)
            found.append(
                Deadline(
                    "听证会材料送达（最迟）",
                    latest,
                    "重大行政决策程序暂行条例第十六条第三款",
                    done_on=hearing.started_on,
                )
            )
        review = obj.legality_review
        if review is not None and obj.status in OPEN:
            found.append(
                Deadline(
                    "合法性审查期限",
                    review.due_on,
                    f"审查编号 {review.number}",
                    done_on=review.completed_on,
                    running=review.completed_on is None,
                )
            )
        return found

    def detail_context(self, actor: Actor, obj: Decision) -> dict[str, Any]:
        deadlines = self.deadlines(obj)
        today = timezone.localdate()
        rows = list(
            obj.procedures.select_related("kind")
            .prefetch_related("files")
            .order_by("kind__sort_order")
        )
        return {
            "timeline": self.timeline(obj, deadlines),
            "deadlines": [d.as_dict(today) for d in deadlines],
            "procedures": rows,
            "positions": list(obj.positions.all()),
            "can_upload": self.can_edit(actor, obj),
            "pending_state": ProcedureState.PENDING,
            "na_state": ProcedureState.NOT_APPLICABLE,
        }


#: The 登记 form's keys: anything else in ``create``'s data comes from an Excel row.
REGISTER_KEYS = frozenset(f.DecisionForm.base_fields)


class CatalogueRegister(Register[Catalogue]):
    key = "catalogues"
    title = "决策事项目录"
    model = Catalogue
    columns = (
        Column("title", "目录名称", link=True),
        Column("unit.name", "决策机关"),
        Column("year", "年度"),
        Column("version", "版本"),
        Column("party_approved_on", "党委同意日期"),
        Column("published_on", "公布日期"),
        Column("status", "状态", css="nowrap"),
    )
    filters = (
        Filter("status", "状态", "status", CatalogueStatus.choices),
        unit_filter("unit", "决策机关", "unit__path"),
        year_filter("year", "公布年度", "published_on"),
    )
    search_fields = ("title",)
    search_placeholder = "目录名称"
    detail_fields = (
        "title",
        "unit",
        "year",
        "version",
        "previous",
        "adjustment_reason",
        "drawn_up_on",
        "party_approved_on",
        "published_on",
        "url",
        "status",
        "note",
    )
    create_form_class = f.CatalogueForm
    create_label = "登记决策事项目录"
    detail_template = "decisions/catalogue_detail.html"
    steps = transition_steps(CATALOGUES)

    def base_queryset(self) -> models.QuerySet[Catalogue]:
        return Catalogue.objects.select_related("unit", "previous")

    def can_edit(self, actor: Actor, obj: Catalogue) -> bool:
        return actor.can(Cap.EDIT_RECORDS) and unit_in_scope(obj.unit, actor)

    def list_actions(self, actor: Actor) -> list[Action]:
        if not self.can_create(actor):
            return []
        return [Action("登记决策事项目录", self.url("create"))]

    def create(self, actor: Actor, data: dict[str, Any]) -> Catalogue:
        return services.catalogue_register(actor=actor, **data)

    def detail_context(self, actor: Actor, obj: Catalogue) -> dict[str, Any]:
        items = visible_to(obj.decisions.select_related("lead_unit"), actor)
        return {"timeline": self.timeline(obj), "items": list(items)}


decisions = DecisionRegister()
catalogues = CatalogueRegister()


# --- evidence files -----------------------------------------------------------------------------
@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    actor.require(Cap.EDIT_RECORDS)
    visible = visible_to(Decision.objects.all(), actor).values("pk")
    procedure = (
        Procedure.objects.select_related("decision__unit", "decision__lead_unit", "kind")
        .filter(pk=pk, decision_id__in=visible)
        .first()
    )
    if procedure is None:
        raise Http404("程序记录不存在或不在您的管辖范围内")
    upload = request.FILES.get("file")
    if upload is None:
        from django.contrib import messages

        messages.error(request, "请选择要上传的文件")
    else:
        try:
            services.evidence_add(actor=actor, procedure=procedure, upload=upload)
        except ValidationError as exc:
            from django.contrib import messages

            messages.error(request, "；".join(exc.messages))
        except PermissionDenied:
            raise
    return redirect(procedure.decision.get_absolute_url())


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    visible = visible_to(Decision.objects.all(), actor).values("pk")
    row = ProcedureFile.objects.filter(pk=pk, procedure__decision_id__in=visible).first()
    if row is None:
        raise Http404("材料不存在或不在您的管辖范围内")
    audit_download(actor=actor, action=EVIDENCE_ACTION, target=row, label=str(row.procedure))
    return FileResponse(row.file.open("rb"), as_attachment=True, filename=row.original_name)
