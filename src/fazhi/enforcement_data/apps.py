from django.apps import AppConfig


class EnforcementDataConfig(AppConfig):
    name = "fazhi.enforcement_data"
    label = "enforcement_data"
    verbose_name = "行政执法数据"
