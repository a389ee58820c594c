"""Admin for rules-as-data (deadline rules, holiday overrides). Edits are audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from fazhi.core.audit import snapshot
from fazhi.core.models import CalendarDay, CalendarYear, DeadlineRule
from fazhi.core.registers import actor_of
from fazhi.core.services import record_write


class AuditedAdmin(admin.ModelAdmin[Any]):
    """Only 系统管理员 may edit; every save and delete appends an audit entry."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    has_add_permission = has_view_permission
    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if isinstance(obj, DeadlineRule):
            obj.locally_modified = True
        old = type(obj).objects.filter(pk=obj.pk).first() if obj.pk else None
        super().save_model(request, obj, form, change)
        self._audit(request, obj, "save", snapshot(old) if old else None, snapshot(obj))

    @transaction.atomic
    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._audit(request, obj, "delete", snapshot(obj), None)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:  # one audit entry per deleted row, never a silent bulk delete
            self.delete_model(request, obj)

    @staticmethod
    def _audit(request: HttpRequest, obj: Any, verb: str, before: Any, after: Any) -> None:
        record_write(
            actor=actor_of(request),
            action=f"{obj._meta.model_name}.{verb}",
            obj=obj,
            before=before,
            after=after,
            summary="规则维护",
        )


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
