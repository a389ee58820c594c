from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "fazhi.decisions"
    label = "decisions"
    verbose_name = "重大行政决策"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from fazhi.decisions.kinds import on_post_migrate

        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="decisions_procedure_kinds")
