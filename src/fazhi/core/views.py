"""Core screens: home per role, deadline calculator, holiday calendar, audit log."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from fazhi.core import audit_display, selectors
from fazhi.core.context import can_maintain_calendar, inbox_hooks
from fazhi.core.dates import parse_cn_date
from fazhi.core.deadlines import PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR
from fazhi.core.kit import Tile, hooks
from fazhi.core.models import AuditEntry
from fazhi.core.registers import actor_of
from fazhi.orgs.http import actor_on
from fazhi.orgs.roles import Cap, Role
from fazhi.orgs.scoping import Actor
from fazhi.orgs.selectors import units_for

HOME_TEMPLATES: dict[str, str] = {
    Role.SYSADMIN: "core/home_sysadmin.html",
    Role.SECADMIN: "core/home_secadmin.html",
    Role.AUDITOR: "core/home_auditor.html",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor = actor_on(request)
    if actor is None:
        return render(request, "core/home_no_role.html")
    template = HOME_TEMPLATES.get(actor.role, "core/home_business.html")
    today = timezone.localdate()
    context: dict[str, object] = {"today": today, "unit_count": None, "tiles": [], "inbox": []}
    if actor.can(Cap.VIEW_RECORDS):
        context |= {
            "unit_count": units_for(actor).count(),
            "tiles": home_tiles(actor, today),
            "inbox": [section for hook in inbox_hooks("home_inbox") for section in hook(actor)],
        }
    return render(request, template, context)


def home_tiles(actor: Actor, today: dt.date) -> list[Tile]:
    """Every kit's to-do tiles for ``actor`` (``home_tiles`` hooks, in kit order); the deadline
    rules, the calendar and the unit's province code are read at most once for all of them."""
    with selectors.rules_cache():
        return [tile for _, tiles in hooks("home_tiles") for tile in tiles(actor, today)]


@login_required
def deadline_calculator(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    rules = selectors.rules_for_province(selectors.province_code_of(actor.unit))
    result, error = None, None
    code, start = request.GET.get("rule", ""), request.GET.get("start", "")
    if code and start:
        try:
            start_date = parse_cn_date(start)
            rule = selectors.rule_for(code, province=selectors.province_code_of(actor.unit))
            result = selectors.compute_due(rule, start_date)
        except ValueError as exc:
            error = str(exc)
        except selectors.UnknownRule:
            error = f"未知的期限规则：{code}"
    return render(
        request,
        "core/deadline.html",
        {"rules": rules, "result": result, "error": error, "code": code, "start": start},
    )


@login_required
def calendar_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    year = timezone.localdate().year
    context = {
        "first": PACKAGE_FIRST_YEAR,
        "last": PACKAGE_LAST_YEAR,
        "years": selectors.calendar_years(year),
        "days": selectors.calendar_overrides(year - 1),
        "can_maintain": can_maintain_calendar(actor),
    }
    return render(request, "core/calendar.html", context)


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """审计日志: operations and objects in Chinese, changes field by field (see
    :mod:`fazhi.core.audit_display`); the 操作 filter takes a Chinese name or a code."""
    actor = actor_of(request)
    actor.require(Cap.READ_AUDIT)
    action, kind = text_param(request, "action", 64), text_param(request, "type", 64)
    qs = selectors.audit_entries(
        actor,
        actor_name=text_param(request, "actor", 150),
        unit_code=text_param(request, "unit", 32),
    )
    if action:
        qs = qs.filter(action__in=audit_display.codes_matching(action, _actions()))
    if kind:
        qs = qs.filter(object_type=kind)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    entries = list(page.object_list)
    rows = [
        (e, audit_display.action_label(e.action), audit_display.object_type_label(e.object_type), c)
        for e, c in zip(entries, audit_display.entry_changes(entries), strict=True)
    ]
    verified = selectors.audit_verify() if request.GET.get("verify") else None
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("verify", None)
    context = {
        "page": page,
        "rows": rows,
        "verified": verified,
        "params": request.GET,
        "query": query.urlencode(),
        "types": _object_types(),
    }
    return render(request, "core/audit_log.html", context)


def text_param(request: HttpRequest, name: str, limit: int) -> str:
    """A free-text query parameter, trimmed, cut to ``limit`` and without NUL characters
    (which PostgreSQL refuses in a string)."""
    return request.GET.get(name, "").replace("\x00", "").strip()[:limit]


def _actions() -> list[str]:
    return list(AuditEntry.objects.values_list("action", flat=True).distinct().order_by())


def _object_types() -> list[tuple[str, str]]:
    """(object type, Chinese name) of the types the log holds, by name."""
    kinds = AuditEntry.objects.values_list("object_type", flat=True).distinct().order_by()
    return sorted(((k, audit_display.object_type_label(k)) for k in kinds), key=lambda p: p[1])
