from django.apps import AppConfig


class FilingReviewConfig(AppConfig):
    name = "fazhi.filing_review"
    label = "filing_review"
    verbose_name = "备案审查"
    default_auto_field = "django.db.models.BigAutoField"
