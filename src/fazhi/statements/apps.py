from django.apps import AppConfig


class StatementsConfig(AppConfig):
    name = "fazhi.statements"
    label = "statements"
    verbose_name = "述法"
