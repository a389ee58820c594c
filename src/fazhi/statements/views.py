"""The 述法 screens: the register (list, detail, history, 登记, one page per step) and the
述法情况 page (every unit of the actor's subtree whose head must 述法, with its state)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from fazhi.core.registers import (
    Action,
    Column,
    Filter,
    Register,
    actor_of,
    import_action,
    transition_steps,
    unit_filter,
)
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, unit_in_scope
from fazhi.statements import forms as f
from fazhi.statements import services
from fazhi.statements.models import Form, HeadKind, Rating, Statement, Status
from fazhi.statements.selectors import coverage
from fazhi.statements.workflow import REVIEWS, STATEMENTS


def _year_choices(actor: Actor) -> list[tuple[str, str]]:
    this = timezone.localdate().year
    return [(str(y), f"{y}年") for y in range(this, this - 6, -1)]


def _year(qs: models.QuerySet[Any], value: str) -> models.QuerySet[Any]:
    return qs.filter(year=int(value)) if value.isdigit() else qs


class StatementRegister(Register[Statement]):
    key = "statements"
    url_prefix = "records"
    title = "述法"
    model = Statement
    columns = (
        Column("person", "述法人", link=True),
        Column("post", "职务"),
        Column("unit.name", "述法单位"),
        Column("year", "年度"),
        Column("form", "述法形式"),
        Column("held_on", "述法日期", css="date"),
        Column("rating", "评议结果"),
        Column("status", "状态", css="nowrap"),
    )
    filters = (
        Filter("status", "状态", "status", Status.choices),
        Filter("form", "述法形式", "form", Form.choices),
        Filter("head_kind", "述法人类别", "head_kind", HeadKind.choices),
        Filter("rating", "评议结果", "rating", Rating.choices),
        unit_filter("unit", "述法单位", "unit__path"),
        Filter("year", "年度", choices=_year_choices, apply=_year, param_type=int),
    )
    search_fields = ("person", "post")
    search_placeholder = "述法人、职务"
    detail_fields = (
        "unit",
        "year",
        "person",
        "post",
        "head_kind",
        "form",
        "planned_on",
        "registered_on",
        "submitted_on",
        "approved_on",
        "reviewer_unit",
        "return_note",
        "held_on",
        "meeting",
        "rating",
        "rated_on",
        "rating_note",
        "status",
        "material",
    )
    create_form_class = f.StatementForm
    detail_template = "statements/statement_detail.html"
    steps = (*transition_steps(STATEMENTS), *transition_steps(REVIEWS))

    def base_queryset(self) -> models.QuerySet[Statement]:
        return Statement.objects.select_related("unit", "reviewer_unit")

    def can_edit(self, actor: Actor, obj: Statement) -> bool:
        return actor.can(Cap.EDIT_RECORDS) and unit_in_scope(obj.unit, actor)

    def list_actions(self, actor: Actor) -> list[Action]:
        coverage_link = Action("述法情况", "/statements/coverage/")
        if not self.can_create(actor):
            return [coverage_link]
        return [Action("登记述法", self.url("create")), coverage_link, *import_action(self.key)]

    def create(self, actor: Actor, data: dict[str, Any]) -> Statement:
        return services.statement_register(actor=actor, **data)

    def detail_context(self, actor: Actor, obj: Statement) -> dict[str, Any]:
        return {"timeline": self.timeline(obj, [])}


statements = StatementRegister()


@login_required
@require_GET
def coverage_page(request: HttpRequest) -> HttpResponse:
    """述法情况: the required units of the actor's subtree in a year, with their state."""
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    this = timezone.localdate().year
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else this
    rows = coverage(actor, year)
    held = sum(1 for r in rows if r.held)
    return render(
        request,
        "statements/coverage.html",
        {
            "title": "述法情况",
            "year": year,
            "years": list(range(this, this - 6, -1)),
            "rows": rows,
            "held": held,
            "required": len(rows),
        },
    )


urlpatterns = [
    path("coverage/", coverage_page, name="statements_coverage"),
    *statements.urls(),
]
