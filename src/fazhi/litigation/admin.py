"""Read-only admin for the 行政应诉 registers (see ``reconsideration.admin``): view only;
every change goes through ``services``. The plaintiff's name is not shown."""

from __future__ import annotations

from django.contrib import admin

from fazhi.litigation.models import (
    Hearing,
    JudicialSuggestion,
    LitigationCase,
    LitigationEvent,
    LossReview,
)
from fazhi.reconsideration.admin import ReadOnlyAdmin


@admin.register(LitigationCase)
class LitigationCaseAdmin(ReadOnlyAdmin):
    list_display = ("number", "court", "level", "unit", "filed_on", "status", "result", "is_loss")
    list_filter = ("level", "status", "is_loss", "head_appeared")
    search_fields = ("number", "court")
    list_select_related = ("unit",)
    exclude = ("plaintiff_name",)


@admin.register(Hearing)
class HearingAdmin(ReadOnlyAdmin):
    list_display = ("case", "held_on", "head_appeared", "head_post", "head_category")


@admin.register(JudicialSuggestion)
class JudicialSuggestionAdmin(ReadOnlyAdmin):
    list_display = ("court", "unit", "received_on", "reply_due", "replied_on")


@admin.register(LossReview)
class LossReviewAdmin(ReadOnlyAdmin):
    list_display = ("unit", "opened_on", "threshold", "status", "completed_on")


@admin.register(LitigationEvent)
class LitigationEventAdmin(ReadOnlyAdmin):
    list_display = ("case", "on", "kind", "actor_name")
