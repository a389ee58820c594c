"""Admin for metric definitions (rules as data): top-unit 系统管理员 only, every edit audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fazhi.core.admin import AuditedAdmin
from fazhi.metrics.models import MetricDefinition


@admin.register(MetricDefinition)
class MetricDefinitionAdmin(AuditedAdmin):
    list_display = (
        "code",
        "name",
        "group",
        "aggregation",
        "display_unit",
        "valid_from_year",
        "valid_to_year",
        "locally_modified",
    )
    list_filter = ("group", "aggregation", "locally_modified")
    search_fields = ("code", "name", "description")
    readonly_fields = ("fixture_version", "locally_modified")
    fieldsets = (
        (None, {"fields": ("code", "name", "group", "sort_order", "description")}),
        ("有效期（口径版本）", {"fields": ("valid_from_year", "valid_to_year")}),
        (
            "计算口径",
            {
                "fields": (
                    "source",
                    "unit_field",
                    "period_field",
                    "aggregation",
                    "value_field",
                    "base_filter",
                    "numerator_filter",
                    "denominator_filter",
                    "display_unit",
                    "decimals",
                )
            },
        ),
        ("同步", {"fields": ("fixture_version", "locally_modified")}),
    )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.locally_modified = True  # a later fixture sync must not overwrite this edit
        super().save_model(request, obj, form, change)
