from django.apps import AppConfig


class EnforcementTrainingConfig(AppConfig):
    name = "fazhi.enforcement_training"
    label = "enforcement_training"
    verbose_name = "行政执法培训"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from fazhi.enforcement_training.targets import on_post_migrate

        post_migrate.connect(
            on_post_migrate, sender=self, dispatch_uid="enforcement_training_targets"
        )
