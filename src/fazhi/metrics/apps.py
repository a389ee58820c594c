from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "fazhi.metrics"
    verbose_name = "统计指标"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from fazhi.metrics.signals import sync_definitions_after_migrate

        post_migrate.connect(sync_definitions_after_migrate, sender=self)
