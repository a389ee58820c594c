from typing import Any

from django.apps import AppConfig


def on_post_migrate(sender: Any, **kwargs: Any) -> None:
    """Install the default grade thresholds and the sample standard (idempotent)."""
    from django.db import connections

    from fazhi.case_review.services import sample_sync

    using = kwargs.get("using", "default")
    if "case_review_standard" in connections[using].introspection.table_names():
        sample_sync()


class CaseReviewConfig(AppConfig):
    name = "fazhi.case_review"
    label = "case_review"
    verbose_name = "行政执法案卷评查"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="case_review_sample")
