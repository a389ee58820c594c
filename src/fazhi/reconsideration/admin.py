"""Read-only admin for the 行政复议 register (the top unit's 系统管理员, see ``admin_site``).

Cases change only through ``services`` (state machine, deadlines, audit); the admin is a
look-up for support staff, so it may view but never add, change or delete. Personal fields
are not shown.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fazhi.reconsideration.models import CaseEvent, OpinionLetter, ReconsiderationCase, Suspension


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """View only, for whoever may open the admin site; writes go through the services."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReconsiderationCase)
class ReconsiderationCaseAdmin(ReadOnlyAdmin):
    list_display = ("number", "unit", "respondent_name", "received_on", "status", "current_due")
    list_filter = ("status", "act_category", "outcome")
    search_fields = ("number",)
    list_select_related = ("unit",)
    exclude = (
        "applicant_name",
        "applicant_id_number",
        "applicant_phone",
        "applicant_index",
        "applicant_name_index",
        "applicant_phone_index",
        "late_reason",
    )


@admin.register(Suspension)
class SuspensionAdmin(ReadOnlyAdmin):
    list_display = ("case", "ground", "suspended_on", "resumed_on", "limit_due")


@admin.register(OpinionLetter)
class OpinionLetterAdmin(ReadOnlyAdmin):
    list_display = ("case", "kind", "recipient_name", "served_on", "reply_due", "replied_on")


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ("case", "on", "kind", "actor_name")
