"""Admin for rules-as-data (deadline rules, holiday overrides). Edits are audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fazhi.core.audit import snapshot
from fazhi.core.models import CalendarDay, CalendarYear, DeadlineRule
from fazhi.core.registers import actor_of
from fazhi.core.services import audit_append
from fazhi.orgs.roles import Cap


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Only 系统管理员 may edit; every save and delete appends an audit entry."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        actor = getattr(request, "actor", None)
        return bool(actor is not None and actor.can(Cap.MANAGE_UNITS))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    has_add_permission = has_view_permission
    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if isinstance(obj, DeadlineRule):
            obj.locally_modified = True
        super().save_model(request, obj, form, change)
        audit_append(
            actor=actor_of(request),
            action=f"{obj._meta.model_name}.save",
            object_type=f"core.{obj._meta.model_name}",
            object_id=str(obj.pk),
            object_repr=str(obj),
            after=snapshot(obj),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_append(
            actor=actor_of(request),
            action=f"{obj._meta.model_name}.delete",
            object_type=f"core.{obj._meta.model_name}",
            object_id=str(obj.pk),
            object_repr=str(obj),
            before=snapshot(obj),
        )
        super().delete_model(request, obj)


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(AuditedAdmin):
    list_display = (
        "code",
        "region",
        "name",
        "law",
        "article",
        "days",
        "counting",
        "extension_days",
        "locally_modified",
    )
    list_filter = ("counting", "region")
    search_fields = ("code", "name", "law")


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedAdmin):
    list_display = ("year", "source", "complete")


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    list_display = ("date", "is_workday", "name")
    list_filter = ("is_workday",)
    date_hierarchy = "date"
