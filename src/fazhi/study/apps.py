from django.apps import AppConfig


class StudyConfig(AppConfig):
    name = "fazhi.study"
    label = "study"
    verbose_name = "领导干部学法"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from fazhi.study.targets import on_post_migrate

        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="study_targets")
