from django.apps import AppConfig


class LegalityConfig(AppConfig):
    name = "fazhi.legality"
    label = "legality"
    verbose_name = "合法性审查"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from fazhi.legality.categories import on_post_migrate

        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="legality_categories")
