from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "fazhi.orgs"
    verbose_name = "组织机构"

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from fazhi.orgs.slots import on_pre_save

        pre_save.connect(on_pre_save, dispatch_uid="fazhi.orgs.slots")
