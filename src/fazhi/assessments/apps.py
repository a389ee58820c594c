from typing import Any

from django.apps import AppConfig


def on_post_migrate(sender: Any, **kwargs: Any) -> None:
    """Install the shipped indicator systems (idempotent; a frozen version is never changed)."""
    from django.db import connections

    from fazhi.assessments.shipped import shipped_sync

    using = kwargs.get("using", "default")
    if "assessments_indicatorsystem" in connections[using].introspection.table_names():
        shipped_sync()


class AssessmentsConfig(AppConfig):
    name = "fazhi.assessments"
    label = "assessments"
    verbose_name = "考核督察"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="assessments_shipped")
