from django.apps import AppConfig


class MediationConfig(AppConfig):
    name = "fazhi.mediation"
    label = "mediation"
    verbose_name = "人民调解"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from fazhi.mediation.rules import on_post_migrate

        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="mediation_data")
