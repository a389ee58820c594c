"""Admin of the 合法性审查 register: the categories are editable data (audited, like the
deadline rules); the reviews are read-only here (every change goes through ``services``)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from fazhi.core.admin import AuditedAdmin
from fazhi.legality.models import Category, Review
from fazhi.reconsideration.admin import ReadOnlyAdmin


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ("code", "name", "sort_order", "period_rule", "min_rule", "active")
    list_editable = ("sort_order", "active")
    ordering = ("sort_order", "code")

    def get_readonly_fields(
        self, request: HttpRequest, obj: Category | None = None
    ) -> tuple[str, ...]:
        # The code is stored on every review (``Review.category_code``) and named by the
        # metric definitions: fixed once the category exists.
        return ("code",) if obj is not None else ()


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "category", "unit", "submitter", "received_on", "status")
    list_filter = ("status", "conclusion", "category")
    search_fields = ("number", "title")
    list_select_related = ("unit", "submitter", "category")
