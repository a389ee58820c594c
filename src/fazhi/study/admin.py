"""Admin of the 学法 register: the yearly targets are editable data (audited). The current
year's per-unit rows follow a change at the next daily sweep; sessions and exam results change
only through ``services``."""

from __future__ import annotations

from django.contrib import admin

from fazhi.core.admin import AuditedAdmin
from fazhi.study.models import StudyTarget


@admin.register(StudyTarget)
class StudyTargetAdmin(AuditedAdmin):
    list_display = ("province_code", "from_year", "category", "kinds", "min_sessions")
    ordering = ("province_code", "category", "from_year")
