from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fazhi.core"
    verbose_name = "基础设施"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from fazhi.core.signals import sync_rules_after_migrate

        post_migrate.connect(sync_rules_after_migrate, sender=self)

        from fazhi.core import security_events

        security_events.connect()  # 安全事件审计: login, logout, failed login
