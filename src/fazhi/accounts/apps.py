from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fazhi.accounts"
    verbose_name = "账号与令牌"

    def ready(self) -> None:
        from fazhi.accounts import lockout, middleware, password_middleware  # noqa: F401  (signal receivers)
