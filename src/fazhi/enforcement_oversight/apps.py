from django.apps import AppConfig


class EnforcementOversightConfig(AppConfig):
    name = "fazhi.enforcement_oversight"
    label = "enforcement_oversight"
    verbose_name = "行政执法监督"
