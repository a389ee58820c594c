"""Admin for the unit aliases used when a plan's unit names are matched (系统管理员, audited)."""

from __future__ import annotations

from django.contrib import admin

from fazhi.core.admin import AuditedAdmin
from fazhi.plans.models import UnitAlias


@admin.register(UnitAlias)
class UnitAliasAdmin(AuditedAdmin):
    list_display = ("alias", "unit")
    search_fields = ("alias", "unit__name", "unit__code")
