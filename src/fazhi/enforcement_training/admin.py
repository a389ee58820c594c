"""Admin of the 行政执法培训 register: the yearly training targets are editable data (audited,
like the deadline rules). The current year's per-officer rows follow a change at the next daily
sweep; courses and attendance change only through ``services``."""

from __future__ import annotations

from django.contrib import admin

from fazhi.core.admin import AuditedAdmin
from fazhi.enforcement_training.models import HoursTarget


@admin.register(HoursTarget)
class HoursTargetAdmin(AuditedAdmin):
    list_display = (
        "province_code", "from_year", "hours", "min_public", "min_professional", "min_skill",
    )  # fmt: skip
    ordering = ("province_code", "from_year")
